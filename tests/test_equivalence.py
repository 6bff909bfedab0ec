"""The optimisation passes change nothing: optimised and unoptimised circuits are equivalent.

Checked by a real equivalence checker (mqt.qcec, decision diagrams; the qubits beyond the
weights are declared ancillas, which start and end in |0>) and by simulation, on the paper
tasks and 30 random models. The optimised circuit is never larger.
"""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
import qiskit.qasm3
from mqt import qcec
from mqt.qcec.pyqcec import EquivalenceCriterion
from qiskit import AncillaRegister, ClassicalRegister, QuantumCircuit, QuantumRegister

from qbnnc.pipeline.compiler import compile
from qbnnc.pipeline.program import Program
from qbnnc.synthesis.circuit import flat_size
from qbnnc.testing import inline, random_source, weight_distribution

PAPER = sorted((Path(__file__).resolve().parent.parent / "examples" / "paper").glob("*.bnn"))
SOURCES = [random_source(random.Random(7000 + seed), max_weights=5) for seed in range(30)]


def _for_qcec(program: Program) -> QuantumCircuit:
    """The flat program with every non-weight qubit declared an ancilla."""
    loaded = inline(qiskit.qasm3.loads(program.qasm3(flat=True)))
    n = program.model.num_weights
    out = QuantumCircuit(
        QuantumRegister(n, "w"),
        AncillaRegister(loaded.num_qubits - n, "work"),
        ClassicalRegister(n, "weights"),
    )
    return out.compose(loaded, qubits=range(loaded.num_qubits), clbits=range(n))


def _equivalent(a: QuantumCircuit, b: QuantumCircuit) -> bool:
    result = qcec.verify(a, b)
    return result.equivalence in (
        EquivalenceCriterion.equivalent,
        EquivalenceCriterion.equivalent_up_to_global_phase,
    )


@pytest.mark.parametrize("text", [p.read_text() for p in PAPER] + SOURCES)
def test_optimised_equals_unoptimised(text: str) -> None:
    optimised, plain = compile(text), compile(text, optimize=False)
    assert optimised.circuit.num_qubits <= plain.circuit.num_qubits
    assert flat_size(optimised.circuit) <= flat_size(plain.circuit)
    assert _equivalent(_for_qcec(optimised), _for_qcec(plain))


def test_the_checker_can_say_no() -> None:
    text = PAPER[0].read_text()
    a = _for_qcec(compile(text))
    b = _for_qcec(compile(text, optimize=False))
    flip = QuantumCircuit(b.qubits, b.clbits)
    flip.x(0)
    b.data.insert(len(b.data) // 2, flip.data[0])  # one stray X in the middle
    assert not _equivalent(a, b)


def _simulable(count: int, max_qubits: int = 16) -> list[str]:
    """The first `count` random models whose unoptimised circuit is small enough to simulate."""
    found: list[str] = []
    seed = 9000
    while len(found) < count:
        text = random_source(random.Random(seed), max_weights=4)
        if compile(text, optimize=False).circuit.num_qubits <= max_qubits:
            found.append(text)
        seed += 1
    return found


@pytest.mark.parametrize("text", _simulable(8))
def test_optimised_and_unoptimised_simulate_alike(text: str) -> None:
    optimised, plain = compile(text), compile(text, optimize=False)
    n = optimised.model.num_weights
    a = weight_distribution(optimised.qasm3(flat=True), n)
    b = weight_distribution(plain.qasm3(flat=True), n)
    assert np.abs(a - b).max() < 1e-9
