"""Limits: what is too big is refused with its size and a way out, and nothing is written."""

from __future__ import annotations

import random
import re
import resource
import subprocess
import sys
from pathlib import Path

import pytest

import qbnnc
from qbnnc.cli import main

ROOT = Path(__file__).resolve().parent.parent
AND221 = (ROOT / "examples" / "paper" / "qbnn221_and.bnn").read_text()


def test_flat_output_of_a_huge_circuit_is_refused_but_structured_works(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    model = tmp_path / "m.bnn"
    model.write_text(AND221.replace("iterations 2", "iterations 1000000"))
    flat = tmp_path / "flat.qasm"
    assert main([str(model), "-o", str(flat), "--flat"]) == 1
    err = capsys.readouterr().err
    assert "the flat circuit would have" in err and "without --flat" in err and "stats" in err
    assert f"{model}:" in err and not flat.exists()
    as_json = tmp_path / "c.json"  # pytket has no loops: a pytket circuit is flat in size
    assert main([str(model), "-o", str(as_json)]) == 1
    err = capsys.readouterr().err
    assert "too many for a pytket circuit" in err and "stats" in err and not as_json.exists()
    structured = tmp_path / "s.qasm"
    assert main([str(model), "-o", str(structured)]) == 0
    assert "for uint _ in [0:999999]" in structured.read_text()


def test_iterations_auto_beyond_the_counting_limit_says_what_to_write() -> None:
    source = """\
network wide {
    input x[5]
    layer h[5] from x
    layer y[1] from h
}
data {
    00000 -> 0
}
train {
    iterations auto
}
"""
    with pytest.raises(qbnnc.CompileError) as info:
        qbnnc.compile(source, "wide.bnn")
    (d,) = info.value.diagnostics
    assert (d.path, d.line, d.column) == ("wide.bnn", 10, 5)
    assert "30 weights are too many to count (the limit is 24)" in d.message
    assert "write `iterations K` or `expect M`" in d.message
    # Given an explicit count, the same model compiles without counting.
    program = qbnnc.compile(source.replace("iterations auto", "iterations 3"), "wide.bnn")
    assert program.marked is None and program.success_probability is None


def test_a_model_too_large_to_compile_is_refused_with_its_size() -> None:
    source = AND221.replace("layer h[2] from x", "layer h[3000000] from x")
    with pytest.raises(qbnnc.CompileError) as info:
        qbnnc.compile(source, "big.bnn")
    (d,) = info.value.diagnostics
    assert "too large to compile" in d.message and "9000000 weighted lines" in d.message


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_run_refuses_a_simulation_that_would_not_end(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    simulated: list[object] = []
    monkeypatch.setattr("qbnnc.execution.simulate.run", lambda *a, **k: simulated.append(a))
    model = tmp_path / "m.bnn"
    model.write_text(AND221.replace("iterations 2", "iterations 999999999999"))
    assert main(["run", str(model)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"{model}: error: simulating 12 qubits")  # densely or sparsely
    assert "would take about" in err and "over the limit of 60 minutes" in err
    assert "fewer iterations" in err and "qbnnc stats" in err
    assert simulated == [] and _files(tmp_path) == ["m.bnn"]


def test_run_refuses_a_plot_of_too_many_iterations(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    simulated: list[object] = []
    monkeypatch.setattr("qbnnc.execution.simulate.run", lambda *a, **k: simulated.append(a))
    model = tmp_path / "m.bnn"
    model.write_text(AND221)
    png = tmp_path / "p.png"
    assert main(["run", str(model), "--plot", str(png), "--plot-iterations", "100000000"]) == 1
    err = capsys.readouterr().err
    assert "simulating 100,000,000 iterations of 12 qubits for the plot" in err
    assert "--plot-iterations K" in err
    assert simulated == [] and _files(tmp_path) == ["m.bnn"]


# 30 qubits and 18 weights; for Clifford+T the sparse simulator does not apply (its
# Toffolis put work qubits through H), so Aer's statevector would be needed: 16 GiB.
WIDE30 = """\
network wide {
    input x[8]
    layer h[2] from x
    layer y[1] from h
}
data {
    00000000 -> 0
    00000001 -> 1
    00000010 -> 0
    00000011 -> 1
}
train {
    iterations 1
}
"""


def test_run_refuses_a_statevector_larger_than_the_memory_it_may_use(tmp_path: Path) -> None:
    # 30 qubits: a 16 GiB statevector, under an address-space limit of 3 GiB (`ulimit -v`).
    model = tmp_path / "wide.bnn"
    model.write_text(WIDE30)
    limit = 3 << 30

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    run = subprocess.run(
        [sys.executable, "-P", "-m", "qbnnc", "run", str(model), "--target", "clifford+t"],
        capture_output=True,
        text=True,
        preexec_fn=cap,
    )
    assert run.returncode == 1, run.stderr
    (line,) = run.stderr.splitlines()
    assert line.startswith(f"{model}: error: simulating 30 qubits x "), line
    needs = r"needs about 16(\.\d+)? GiB of memory, more than the [\d.]+ [GM]iB available"
    assert re.search(needs, line)
    assert "qbnnc stats" in line and run.stdout == "" and _files(tmp_path) == ["wide.bnn"]


def test_a_compile_over_the_memory_it_may_use_is_refused_before_it_starts(tmp_path: Path) -> None:
    # 784 inputs into 64 neurons on 2,000 random rows: each row masks about half of 50,176
    # input lines, gigabytes of OpenQASM 3; refused under an address-space limit of 3 GiB.
    rng = random.Random(7)
    (tmp_path / "rows.csv").write_text(
        "".join(",".join(rng.choice("01") for _ in range(785)) + "\n" for _ in range(2000))
    )
    model = tmp_path / "wide.bnn"
    model.write_text(
        "network wide {\n    input x[784]\n    layer h[64] from x\n    layer y[1] from h\n}\n"
        'data from "rows.csv"\ntrain {\n    iterations 1\n}\n'
    )
    limit = 3 << 30

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    out = tmp_path / "wide.qasm"
    run = subprocess.run(
        [sys.executable, "-P", "-m", "qbnnc", str(model), "-o", str(out)],
        capture_output=True,
        text=True,
        preexec_fn=cap,
    )
    assert run.returncode == 1, run.stderr
    (line,) = run.stderr.splitlines()
    assert line.startswith(f"{model}: error: compiling 50,240 weighted lines on 2,000 rows into"), (
        line
    )
    assert re.search(
        r"needs about [\d.]+ GiB of memory, more than the [\d.]+ [GM]iB available", line
    )
    assert "fewer rows" in line and "qbnnc stats" in line
    assert _files(tmp_path) == ["rows.csv", "wide.bnn"]
