"""The authors' circuit (`qbnnc.analysis.baseline`) as their five ProjectQ scripts build it, and
the comparison convention (`qbnnc.analysis.cost`) that counts it and qbnnc's circuits alike."""

from __future__ import annotations

from collections import Counter
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from qbnnc.analysis.baseline import authors_circuit
from qbnnc.analysis.cost import gate_kinds, iteration_cost, toffoli_equivalents
from qbnnc.frontend.model import Angle
from qbnnc.pipeline.compiler import compile, count_marked, load_model
from qbnnc.synthesis.circuit import Gate, IfBit, Measure, temp_and
from qbnnc.targets.qasm3 import emit
from qbnnc.testing import expected_distribution, weight_distribution

PAPER = Path(__file__).parent.parent / "examples" / "paper"

# Per Grover iteration, what the authors' scripts (github.com/phylyd/QBNN) hold, counted by
# running each under ProjectQ with a recording backend (issue 14's table). Keys: (gate,
# controls); ("p", 2) is the CCP that `ControlledGate(Ph(step), 2)` becomes under a phase
# qubit's `Control`, ("p", 1) the inverse QFTs' controlled R. QBN 3-1 task 2 marks the
# value 011, one X pair fewer than task 1's 100: 1,352 X (the issue's table says 1,354 for
# both tasks; the script has 1,352).
AUTHORS = {
    "qbn31_task1": (12, 2916, {("x", 3): 897, ("p", 2): 224, ("z", 2): 1, ("x", 1): 1568,
                               ("x", 0): 1354, ("p", 1): 6, ("swap", 0): 2, ("h", 0): 18}),
    "qbn31_task2": (12, 2916, {("x", 3): 897, ("p", 2): 224, ("z", 2): 1, ("x", 1): 1512,
                               ("x", 0): 1352, ("p", 1): 6, ("swap", 0): 2, ("h", 0): 18}),
    "qbnn221_and": (18, 458, {("x", 3): 1, ("x", 2): 336, ("p", 2): 112, ("z", 5): 1,
                              ("x", 1): 1148, ("x", 0): 16, ("p", 1): 6, ("swap", 0): 2,
                              ("h", 0): 24}),
    "qbnn321_task1": (22, 5838, {("x", 3): 1793, ("x", 2): 224, ("p", 2): 224, ("z", 7): 1,
                                 ("x", 1): 3024, ("x", 0): 2708, ("p", 1): 6, ("swap", 0): 2,
                                 ("h", 0): 28}),
    "qbnn321_task2": (22, 5838, {("x", 3): 1793, ("x", 2): 224, ("p", 2): 224, ("z", 7): 1,
                                 ("x", 1): 2968, ("x", 0): 2708, ("p", 1): 6, ("swap", 0): 2,
                                 ("h", 0): 28}),
}  # fmt: skip


def _authors(stem: str, iterations: int = 1):
    path = PAPER / f"{stem}.bnn"
    model = load_model(path.read_text(), str(path))
    return model, authors_circuit(model, count_marked(model), iterations)


@pytest.mark.parametrize("stem", sorted(AUTHORS))
def test_the_authors_gates_per_iteration(stem: str) -> None:
    qubits, toffolis, kinds = AUTHORS[stem]
    _, theirs = _authors(stem)
    assert theirs.num_qubits == qubits
    assert gate_kinds(theirs) == Counter(kinds)
    cost = iteration_cost(theirs)
    assert cost.toffoli_equivalents == toffolis
    assert cost.ands == 0
    # pi/8 steps leave rotations; QBNN 2-2-1's pi/4 steps expand into Clifford+T.
    assert (cost.t_count is None) == (cost.rotations > 0) == ("221" not in stem)


def test_the_authors_circuit_measures_what_grovers_formula_says() -> None:
    """Simulated exactly: the phase estimation reads every count exactly (P = 3, step pi/8,
    even counts), so the oracle is exact and the distribution is Grover's."""
    path = PAPER / "qbn31_task2.bnn"
    model, theirs = _authors(path.stem, compile(path.read_text(), str(path)).iterations)
    got = weight_distribution(emit(theirs.circuit, theirs.header.lines()), model.num_weights)
    assert np.abs(got - expected_distribution(model, theirs.iterations)).max() < 1e-9


def test_the_toffoli_convention() -> None:
    pi4 = Angle.of_pi(Fraction(1, 4))
    cases = [
        (Gate("x", (0, 1, 2), 2), 1),  # ccx
        (temp_and(0, 1, 2), 1),
        (temp_and(0, 1, 2).inverse(), 1),
        (Gate("p", (0, 1, 2), 2, pi4), 1),  # ccp
        (Gate("x", (0, 1, 2, 3), 3), 3),  # C3X
        (Gate("z", tuple(range(8)), 7), 11),  # C7-Z
        (Gate("p", (0, 1), 1, pi4), 0),
        (Gate("swap", (0, 1)), 0),
        (Measure(0, "and_bit", 0), 0),
        (IfBit("and_bit", 0, (Gate("z", (0, 1), 1), Gate("x", (2,)))), 0),
    ]
    for op, want in cases:
        assert toffoli_equivalents(op) == want, op


def test_both_sides_are_counted_by_one_function() -> None:
    """qbnnc's program and the authors' circuit go through `iteration_cost` alike; the
    count equals the sum over the iteration's gates of 2k - 5."""
    path = PAPER / "qbnn221_and.bnn"
    ours = compile(path.read_text(), str(path)).training
    _, theirs = _authors("qbnn221_and")
    for training in (ours, theirs):
        kinds = gate_kinds(training)
        by_hand = sum(n * max(0, 2 * (c + 1) - 5) for (_, c), n in kinds.items())
        assert iteration_cost(training).toffoli_equivalents == by_hand > 0
