"""`qbnnc run`: local simulation, its table and JSON, the iteration plot, the width limit."""

from __future__ import annotations

import io
import json
import os
import stat
import time
from pathlib import Path

import numpy as np
import pytest

import qbnnc
from qbnnc.cli import main
from qbnnc.cli.progress import Status
from qbnnc.diagnostics import CompileError
from qbnnc.execution.plot import MAX_CURVES, curves, figure, plot
from qbnnc.execution.simulate import (
    MAX_QUBITS,
    MAX_SPARSE_LOG2,
    aer_device,
    backend_name,
    choose_simulator,
    distribution,
    iteration_distributions,
    run,
)
from qbnnc.execution.sparse import SparseGroverSimulator
from qbnnc.pipeline.compiler import compile_file, load_model, read_source
from qbnnc.reference.census import correct_counts
from qbnnc.reference.evaluate import correct, weight_string
from qbnnc.testing import expected_distribution

ROOT = Path(__file__).resolve().parent.parent
PAPER = ROOT / "examples" / "paper"
QBN31 = PAPER / "qbn31_task1.bnn"  # 3 weights: 8 curves
AND221 = PAPER / "qbnn221_and.bnn"  # 6 weights: marked vs unmarked
WIDE = ROOT / "examples" / "wide_fixed.bnn"  # 62 qubits, 12 weights
PNG = b"\x89PNG\r\n\x1a\n"


def _as_int(s: str) -> int:
    return sum(int(b) << i for i, b in enumerate(s))


def test_run_tabulates_what_the_circuit_measures() -> None:
    program = compile_file(AND221)
    result = qbnnc.run(program, shots=500, seed=3)
    assert sum(o.count for o in result.outcomes) == 500
    assert [o.count for o in result.outcomes] == sorted(
        (o.count for o in result.outcomes), reverse=True
    )
    for o in result.outcomes:
        assert o.correct == correct(program.model, _as_int(o.weights))
        assert o.marked == (o.correct >= program.model.accept.min_correct)
        assert o.frequency == o.count / 500
    # 500 shots of p = 0.987: the marked frequency is within a few standard deviations.
    assert abs(result.marked_frequency - program.success_probability) < 0.03
    assert run(program, shots=500, seed=3) == result  # the seed fixes the counts


def test_run_counts_follow_the_exact_distribution() -> None:
    program = compile_file(QBN31)
    result = run(program, shots=20_000, seed=1)
    want = expected_distribution(program.model, program.iterations)
    got = np.zeros_like(want)
    for o in result.outcomes:
        got[_as_int(o.weights)] = o.frequency
    assert np.abs(got - want).max() < 0.02


def test_run_cli_table_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", str(AND221), "--shots", "100", "--seed", "7", "--rows", "3"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert "100 shots (seed 7)" in lines[0]
    assert lines[2].split() == ["weights", "count", "frequency", "correct", "marked"]
    assert len(lines[3].split()[0]) == 6 and lines[3].split()[-1] in ("yes", "no")
    assert "--rows 0 shows all" in lines[-1]
    assert main(["run", str(AND221), "--shots", "100", "--seed", "7", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["shots"] == 100 and data["seed"] == 7
    assert sum(o["count"] for o in data["outcomes"]) == 100
    assert {"weights", "count", "frequency", "correct", "marked"} == set(data["outcomes"][0])


@pytest.mark.parametrize(("path", "curves"), [(QBN31, 2), (AND221, 2)], ids=["each", "totals"])
def test_plot_writes_a_png_with_one_curve_per_legend_entry(
    path: Path, curves: int, tmp_path: Path
) -> None:
    model = load_model(read_source(path), str(path))
    out = tmp_path / "grover.png"
    old = os.umask(0o027)
    try:
        data = plot(model, out, 4)
    finally:
        os.umask(old)
    assert out.read_bytes()[:8] == PNG
    assert stat.S_IMODE(out.stat().st_mode) == 0o640  # 0666 less the umask
    assert len(data.curves) == curves and len(set(c.label for c in data.curves)) == curves
    assert data.iterations == (0, 1, 2, 3, 4)
    assert sum(c.count for c in data.curves) == 2**model.num_weights
    for k in data.iterations:
        total = sum(c.probabilities[k] * (c.count if c.each else 1) for c in data.curves)
        assert total == pytest.approx(1)
    marked = sum(c.probabilities[2] * (c.count if c.each else 1) for c in data.curves if c.marked)
    good = correct_counts(model) >= model.accept.min_correct
    assert marked == pytest.approx(expected_distribution(model, 2)[good].sum(), abs=1e-9)
    assert 2**model.num_weights <= MAX_CURVES or all(not c.each for c in data.curves)


def test_plot_groups_identical_curves_and_marks_the_chosen_iterations() -> None:
    """QBN 3-1 task 1: one marked string, seven unmarked ones that move together."""
    model = load_model(read_source(QBN31), str(QBN31))
    data = curves(model, iteration_distributions(model, 3), chosen=2)
    fig = figure(data)
    try:
        (ax,) = fig.axes
        legend = [t.get_text() for t in ax.get_legend().get_texts()]
        assert legend == [
            "000 (marked)",
            "001, 010, 011, 100, ... (7 unmarked strings, each)",
            "chosen: 2 iterations",
        ]
        (line,) = [ln for ln in ax.lines if ln.get_gid() == "chosen"]
        assert set(line.get_xdata()) == {2}
        assert tuple(fig.get_size_inches() * fig.dpi) == (1200, 750)  # 8 x 5 in at 150 dpi
        assert min(t.get_fontsize() for t in ax.get_xticklabels()) >= 10
    finally:
        import matplotlib.pyplot as plt

        plt.close(fig)


def test_run_cli_plot(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "p.png"
    assert main(["run", str(QBN31), "--shots", "10", "--plot", str(out)]) == 0
    assert out.read_bytes()[:8] == PNG
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.png"]  # no temporary left
    assert main(["run", str(QBN31), "--plot", str(tmp_path / "p.pdf")]) == 2
    assert "FILE.png" in capsys.readouterr().err


def test_iterations_one_at_a_time_follow_grovers_formula() -> None:
    model = load_model(read_source(AND221), str(AND221))
    got = iteration_distributions(model, 5)
    for k in range(6):
        assert np.abs(got[k] - expected_distribution(model, k)).max() < 1e-9


def test_circuits_with_too_many_weights_are_refused_naming_the_weights_limit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Too wide for a statevector, and 30 weights: more than the sparse simulator holds."""
    rows = "\n".join(f"    {i:05b} -> {i % 2}" for i in range(8))
    model = tmp_path / "wide.bnn"
    model.write_text(
        "network wide {\n    input x[5]\n    layer h[5] from x\n    layer y[1] from h\n}\n"
        f"data {{\n{rows}\n}}\ntrain {{\n    iterations 1\n}}\n"
    )
    program = compile_file(model)
    assert program.circuit.num_qubits > MAX_QUBITS
    assert program.model.num_weights > MAX_SPARSE_LOG2
    with pytest.raises(CompileError, match="qbnnc stats"):
        run(program)
    assert main(["run", str(model)]) == 1
    err = capsys.readouterr().err
    assert "the circuit cannot be simulated here: it has 30 weights, too many" in err, err
    assert f"over its limit of 2^{MAX_SPARSE_LOG2} (at most {MAX_SPARSE_LOG2} weights)" in err
    assert "Traceback" not in err


def test_a_wide_example_with_few_weights_is_simulated_exactly(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """62 qubits, 12 weights: the sparse simulator, every weight string's probability that
    of Grover's formula over the classical count."""
    program = compile_file(WIDE)
    assert program.circuit.num_qubits >= 60 and program.model.num_weights <= 16
    assert choose_simulator(program) == "sparse"
    want = expected_distribution(program.model, program.iterations)
    assert np.abs(distribution(program) - want).max() < 1e-9
    marked = correct_counts(program.model) >= program.model.accept.min_correct
    assert distribution(program)[marked].sum() == pytest.approx(
        program.success_probability, abs=1e-9
    )
    assert main(["run", str(WIDE), "--json", "--shots", "50"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["backend"] == "qbnnc sparse simulator (exact)"


def test_train_searches_a_wide_circuit() -> None:
    """62 qubits, past any statevector: train's exact sampler needs only the 12 weights'
    census (the sparse simulator shows the circuits equal it, above)."""
    from qbnnc.execution.train import train

    model = load_model(read_source(WIDE), str(WIDE))
    result = train(model, seed=1, method="quantum")
    assert any(r.iterations for r in result.rounds)
    assert correct(model, _as_int(result.weights)) == result.correct == correct_counts(model).max()


@pytest.mark.parametrize(
    "path",
    [QBN31, PAPER / "qbnn321_task2.bnn", ROOT / "examples" / "two_outputs.bnn"],
    ids=lambda p: p.stem,
)
def test_the_sparse_simulator_is_exact_where_aer_is_used(path: Path) -> None:
    """Phase oracles (a phase register in superposition, arbitrary rotations) and measured
    uncomputation too: the same distribution as Grover's formula, after each iteration."""
    program = compile_file(path)
    sim = SparseGroverSimulator(program)
    for k in range(program.iterations + 2):
        want = expected_distribution(program.model, k)
        assert np.abs(sim.probabilities(k) - want).max() < 1e-9, k


def test_aer_runs_on_a_gpu_only_where_its_gpu_build_sees_one() -> None:
    assert aer_device(("CPU",)) == "CPU"
    assert aer_device(("CPU", "GPU")) == "GPU"
    assert aer_device() in ("CPU", "GPU")  # Aer's own answer on this machine
    assert backend_name("aer", "GPU") == "aer statevector on GPU (via OpenQASM 3)"
    assert backend_name("aer", "CPU") == "aer statevector (via OpenQASM 3)"


def test_bad_shots_are_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", str(AND221), "--shots", "0"]) == 2
    assert "--shots" in capsys.readouterr().err


def test_weight_strings_print_in_canonical_order() -> None:
    program = compile_file(AND221)
    result = run(program, shots=50, seed=0)
    for o in result.outcomes:
        assert weight_string(_as_int(o.weights), 6) == o.weights


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_shows_only_on_a_terminal_and_only_after_a_delay() -> None:
    pipe = io.StringIO()
    with Status("working", delay=0, stream=pipe) as status:
        status("still working")
        time.sleep(0.3)
    assert pipe.getvalue() == ""
    tty = _Tty()
    with Status("working", delay=10, stream=tty) as status:
        status("quick")
    assert tty.getvalue() == ""  # finished before the delay: nothing shown
    tty = _Tty()
    with Status("working", delay=0, stream=tty) as status:
        status("round 1")
        time.sleep(0.3)
    text = tty.getvalue()
    assert "qbnnc: round 1" in text and text.endswith("\r\x1b[K")
