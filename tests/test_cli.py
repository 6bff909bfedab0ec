"""The command line: outputs, exit codes, atomic writes, help, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import openqasm3
import pytest
import qiskit.qasm3

from qbnnc.cli import main
from qbnnc.version import __version__

ROOT = Path(__file__).resolve().parent.parent
AND221 = ROOT / "examples" / "paper" / "qbnn221_and.bnn"
BAD = "network n {\n    input x[2]\n    layer y[1] from q\n}\ndata {\n    00 -> 1\n}\n"


def qbnnc(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    # -P: the working directory must not shadow the installed package with the source
    # folder (qbnnc.passes exists only as installed, from passes/).
    return subprocess.run(
        [sys.executable, "-P", "-m", "qbnnc", *args], capture_output=True, text=True, cwd=cwd
    )


def test_compile_writes_qasm_that_both_readers_accept(tmp_path: Path) -> None:
    out = tmp_path / "train.qasm"
    run = qbnnc(str(AND221), "-o", str(out))
    assert run.returncode == 0, run.stderr
    text = out.read_text()
    assert text.startswith('OPENQASM 3.0;\ninclude "stdgates.inc";\n')
    assert "bit[6] weights;" in text
    openqasm3.parse(text)
    assert qiskit.qasm3.loads(text).num_clbits == 6


def test_default_output_is_beside_the_model(tmp_path: Path) -> None:
    model = tmp_path / "m.bnn"
    model.write_text(AND221.read_text())
    assert main([str(model)]) == 0
    assert (tmp_path / "m.qasm").exists()


def test_dash_writes_to_stdout() -> None:
    run = qbnnc(str(AND221), "-o", "-", "--flat")
    assert run.returncode == 0
    assert run.stdout.startswith("OPENQASM 3.0;")
    assert "gate " not in run.stdout  # flat: standard gates only


def test_failed_compile_leaves_an_existing_output_untouched(tmp_path: Path) -> None:
    model = tmp_path / "bad.bnn"
    model.write_text(BAD)
    out = tmp_path / "out.qasm"
    out.write_text("precious")
    run = qbnnc(str(model), "-o", str(out))
    assert run.returncode == 1
    assert out.read_text() == "precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.bnn", "out.qasm"]
    assert f"{model}:3:21: error: unknown source 'q'" in run.stderr
    assert "Traceback" not in run.stderr


def test_unwritable_output_is_a_clear_error(tmp_path: Path) -> None:
    run = qbnnc(str(AND221), "-o", str(tmp_path / "missing" / "out.qasm"))
    assert run.returncode == 1
    assert "cannot write" in run.stderr and "Traceback" not in run.stderr


def test_output_directory_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "d.qasm").mkdir()
    run = qbnnc(str(AND221), "-o", str(tmp_path / "d.qasm"))
    assert run.returncode == 1
    assert "is a directory" in run.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "usage"),
        (["m.bnn", "-o", "out.txt"], "cannot tell the format of 'out.txt'"),
        (["m.bnn", "--bogus"], "unrecognized arguments: --bogus"),
        (["check"], "the following arguments are required"),
    ],
)
def test_usage_errors_exit_2(args: list[str], message: str, tmp_path: Path) -> None:
    (tmp_path / "m.bnn").write_text(AND221.read_text())
    run = qbnnc(*args, cwd=tmp_path)
    assert run.returncode == 2
    assert message in run.stderr + run.stdout


def test_missing_model_is_exit_1(tmp_path: Path) -> None:
    run = qbnnc(str(tmp_path / "nope.bnn"))
    assert run.returncode == 1
    assert "nope.bnn: error: cannot read the file" in run.stderr


def test_non_utf8_model_is_located(tmp_path: Path) -> None:
    model = tmp_path / "m.bnn"
    model.write_bytes(b"network n {\n  input x[\xff]\n}\n")
    run = qbnnc(str(model))
    assert run.returncode == 1
    assert f"{model}:2:11: error: the file is not UTF-8" in run.stderr


def test_version_and_help() -> None:
    assert qbnnc("--version").stdout.strip() == f"qbnnc {__version__}"
    assert "usage" in qbnnc("--help").stdout
    for command in ("check", "stats", "run", "train", "targets"):
        run = qbnnc(command, "--help")
        assert run.returncode == 0, command
        assert f"qbnnc {command}" in run.stdout


def test_check_prints_the_summary() -> None:
    run = qbnnc("check", str(AND221))
    assert run.returncode == 0
    assert "weights: 6 trainable (64 weight strings)" in run.stdout
    assert "marked: 7 of 64" in run.stdout
    assert "iterations: 2 (as written)" in run.stdout


def test_unreachable_accept_names_the_best_count(tmp_path: Path) -> None:
    text = (ROOT / "examples" / "paper" / "qbn31_task2.bnn").read_text()
    model = tmp_path / "m.bnn"
    model.write_text(text.replace("accept correct >= 6", "accept all"))
    run = qbnnc(str(model))
    assert run.returncode == 1
    assert "the best any weight string reaches is 6 of 8 examples" in run.stderr
    assert "write `accept correct >= 6`" in run.stderr


def test_json_output_is_a_pytket_circuit(tmp_path: Path) -> None:
    from pytket import Circuit

    out = tmp_path / "c.json"
    run = qbnnc(str(AND221), "-o", str(out))
    assert run.returncode == 0, run.stderr
    circuit = Circuit.from_dict(json.loads(out.read_text()))
    assert circuit.n_qubits == 12


def test_optimize_for_trades_qubits_for_gates() -> None:
    parity = ROOT / "examples" / "csv" / "parity3.bnn"
    counts = {}
    for choice in ("qubits", "gates"):
        run = qbnnc("stats", str(parity), "--json", "--optimize-for", choice)
        assert run.returncode == 0, run.stderr
        counts[choice] = json.loads(run.stdout)
    assert counts["gates"]["toffoli_count"] < counts["qubits"]["toffoli_count"]
    assert counts["gates"]["qubits"] > counts["qubits"]["qubits"]
    assert counts["gates"]["success_probability"] == counts["qubits"]["success_probability"]
