"""From circuit to machine: QIR output, Quantinuum's emulator PECOS, backends by name,
and submitting a job then decoding its result later."""

from __future__ import annotations

import subprocess
import sys
from functools import cache
from pathlib import Path

import pyqir
import pytest

import qbnnc
from qbnnc.program import Program
from qbnnc.semantics import correct_counts

ROOT = Path(__file__).resolve().parent.parent
PAPER = sorted((ROOT / "examples" / "paper").glob("*.bnn"))
QBN31_TASK2 = ROOT / "examples" / "paper" / "qbn31_task2.bnn"


def qbnnc_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-P", "-m", "qbnnc", *args], capture_output=True, text=True, cwd=cwd
    )


# --- QIR ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", PAPER, ids=lambda p: p.stem)
def test_qir_of_every_paper_task_parses_with_pyqir(path: Path) -> None:
    program = qbnnc.compile_file(path)
    text = program.qir()
    module = pyqir.Module.from_ir(pyqir.Context(), text)
    main = next(f for f in module.functions if pyqir.is_entry_point(f))
    assert pyqir.required_num_qubits(main) == program.circuit.num_qubits
    assert pyqir.required_num_results(main) >= program.model.num_weights
    bitcode = program.qir(binary=True)
    assert pyqir.Module.from_bitcode(pyqir.Context(), bitcode).functions


def test_qir_of_a_dynamic_circuit_uses_the_adaptive_profile() -> None:
    program = qbnnc.compile_file(ROOT / "examples" / "two_outputs.bnn")  # uncompute measure
    module = pyqir.Module.from_ir(pyqir.Context(), program.qir())
    main = next(f for f in module.functions if pyqir.is_entry_point(f))
    calls = {f.name for f in module.functions}
    assert "__quantum__qis__read_result__body" in calls  # a mid-circuit result is read
    assert pyqir.required_num_qubits(main) == program.circuit.num_qubits


def test_qir_on_the_command_line_is_deterministic_and_atomic(tmp_path: Path) -> None:
    out = tmp_path / "train.bc"
    run = qbnnc_cli(str(PAPER[0]), "-o", str(out))
    assert run.returncode == 0, run.stderr
    assert out.read_bytes() == qbnnc.compile_file(PAPER[0]).qir(binary=True)
    assert pyqir.Module.from_bitcode(pyqir.Context(), out.read_bytes()).functions
    assert sorted(p.name for p in tmp_path.iterdir()) == ["train.bc"]


# --- PECOS --------------------------------------------------------------------------------------


@cache
def _h2_program() -> Program:
    return qbnnc.compile_file(QBN31_TASK2, target="quantinuum-h2")


def test_run_on_quantinuum_h2_emulates_with_pecos_and_its_noise() -> None:
    # QBN 3-1 task 2: M = 2 of 8 strings, one iteration, so exact Grover measures a marked
    # string with probability 1; the device's gate and measurement errors lose some.
    program = _h2_program()
    result = qbnnc.run(program, shots=100, seed=1)
    assert result.backend.startswith("PecosBackend")
    assert program.success_probability == pytest.approx(1.0)
    table = correct_counts(program.model)
    for o in result.outcomes:
        assert o.correct == table[int(o.weights[::-1], 2)]
        assert o.marked == (o.correct >= program.model.accept.min_correct)
    assert 0.5 < result.marked_frequency < 1.0


def test_pecos_without_noise_is_exact() -> None:
    from qbnnc.targets.pecos import PecosBackend
    from qbnnc.tools.simulate import run_pytket

    program = _h2_program()
    counts = run_pytket(PecosBackend("H2-1", noisy=False), program.device, 3, 50, 7, 0)
    table = correct_counts(program.model)
    assert sum(counts.values()) == 50
    assert all(table[w] == 6 for w in counts)  # only the two optimal strings
