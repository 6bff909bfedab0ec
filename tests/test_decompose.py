"""The cost model's expansions are exact: checked as unitaries with Qiskit, ancillas at |0>."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
import qiskit.qasm3
from qiskit.quantum_info import Operator

from qbnnc.frontend.model import Angle
from qbnnc.synthesis.circuit import Circuit, Gate, Register
from qbnnc.synthesis.decompose import (
    CLIFFORD_T,
    RotationError,
    ancillas_needed,
    t_count,
    to_clifford_t,
    to_toffoli,
    toffoli_count,
)
from qbnnc.targets.qasm3 import emit


def _unitary(gates: list[Gate], n: int) -> np.ndarray:
    circuit = Circuit(n, (), tuple(gates), (Register("q", 0, n, ""),), ())
    return Operator(qiskit.qasm3.loads(emit(circuit, flat=True))).data


def _angle(k: int, d: int) -> Angle:
    return Angle.of_pi(Fraction(k, d))


GATES = [
    Gate("x", (0, 1, 2), 2),
    Gate("z", (0, 1, 2), 2),
    Gate("x", (0, 1, 2, 3), 3),
    Gate("x", (0, 1, 2, 3, 4), 4),
    Gate("z", (0, 1, 2, 3), 3),
    Gate("p", (0, 1), 1, _angle(1, 2)),
    Gate("p", (0, 1), 1, _angle(-1, 2)),
    Gate("p", (0, 1), 1, _angle(1, 4)),
    Gate("p", (0, 1, 2), 2, _angle(3, 4)),
    Gate("p", (0, 1, 2, 3), 3, _angle(1, 1)),
    Gate("p", (0,), 0, _angle(5, 4)),
    Gate("z", (0, 1), 1),
    Gate("swap", (0, 1)),
]


@pytest.mark.parametrize("gate", GATES, ids=str)
def test_expansions_are_exact(gate: Gate) -> None:
    n = len(gate.qubits)
    anc = list(range(n, n + ancillas_needed(gate)))
    total = n + len(anc)
    want = _unitary([gate], n)
    for expanded in (to_toffoli(gate, anc), to_clifford_t(gate, anc)):
        got = _unitary(expanded, total)
        block = got[: 2**n, : 2**n] if anc else got
        # The ancillas must come back to |0>: the block is then unitary on its own.
        assert np.allclose(block, want, atol=1e-9)
    assert all(g.name in CLIFFORD_T and len(g.qubits) <= 2 for g in to_clifford_t(gate, anc))


def test_toffoli_counts_follow_the_v_chain() -> None:
    for k in range(2, 8):
        assert toffoli_count(Gate("x", tuple(range(k + 1)), k)) == 2 * k - 3
    assert toffoli_count(Gate("x", (0, 1), 1)) == 0
    assert t_count(Gate("x", (0, 1, 2), 2)) == 7


def test_a_swap_is_three_cnots() -> None:
    """The authors' baseline writes swaps (bit reversal in its phase estimation)."""
    swap = Gate("swap", (3, 1))
    cx, back = Gate("x", (3, 1), 1), Gate("x", (1, 3), 1)
    assert to_toffoli(swap, []) == to_clifford_t(swap, []) == [cx, back, cx]
    assert (toffoli_count(swap), t_count(swap), ancillas_needed(swap)) == (0, 0, 0)


def test_arbitrary_angles_have_no_t_count() -> None:
    g = Gate("p", (0, 1), 1, Angle.radians(0.3))
    assert t_count(g) is None
    with pytest.raises(RotationError):
        to_clifford_t(g, list(range(2, 2 + ancillas_needed(g))))
