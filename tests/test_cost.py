"""Circuit cost at the lower bound: neuron AND counts, the paper's circuit beside ours,
`uncompute measure` (T count and sampled success), and the qubits-for-gates option."""

from __future__ import annotations

import math
import random
import re
from pathlib import Path

import numpy as np
import pytest

from qbnnc.analysis.baseline import authors_circuit
from qbnnc.analysis.cost import iteration_cost
from qbnnc.pipeline.compiler import compile, count_marked, load_model
from qbnnc.synthesis.arith import Lit, phase_at_least_terms, threshold, threshold_fresh
from qbnnc.synthesis.circuit import Call, Circuit, count_ops, measuring_blocks
from qbnnc.synthesis.decompose import and_count, t_count, toffoli_count
from qbnnc.synthesis.lower import Pool
from qbnnc.testing import (
    expected_distribution,
    run_classical,
    run_signed,
    sample_weights,
    weight_distribution,
)

PAPER = sorted(Path(__file__).parent.parent.joinpath("examples", "paper").glob("*.bnn"))
# Fan-in -> ANDs of a majority-threshold neuron (issue 6: the measured constructions).
NEURON_ANDS = {2: 1, 3: 1, 8: 7, 9: 7, 16: 15, 64: 63}


def _counter(text: str, uncompute: str = "unitary") -> str:
    return re.sub(r"oracle phase[^\n]*", f"oracle counter\n    uncompute {uncompute}", text)


def _per_iteration(circuit: Circuit, key) -> int:
    block = circuit.block("grover_iteration")
    once = (Call(block.name, tuple(range(block.arity))),)
    one = Circuit(circuit.num_qubits, circuit.blocks, once, (), ())
    return sum(k * v for k, v in count_ops(one, key).items())


@pytest.mark.parametrize(("fan_in", "ands"), sorted(NEURON_ANDS.items()))
def test_neuron_and_count_and_truth_table(fan_in: int, ands: int) -> None:
    t = (fan_in + 1) // 2
    polarity = [random.Random(fan_in).random() < 0.5 for _ in range(fan_in)]
    lits = [Lit(q, neg) for q, neg in enumerate(polarity)]
    pool = Pool(start=fan_in + 1)
    gates = threshold(lits, t, fan_in, pool.take, pool.give)
    assert sum(map(and_count, gates)) == ands
    fresh = threshold_fresh(lits, t, Pool(start=fan_in).take, lambda _: None)
    assert sum(map(and_count, fresh.ops)) == ands
    rng = random.Random(7)
    states = range(2**fan_in) if fan_in <= 16 else (rng.getrandbits(fan_in) for _ in range(300))
    for state in states:
        want = sum(((state >> q) & 1) ^ neg for q, neg in enumerate(polarity)) >= t
        # run_classical also checks every temporary AND's promise about its target; equality
        # of the whole state shows the work qubits are back at |0>.
        assert run_classical(gates, state) == state ^ (int(want) << fan_in)


def test_every_threshold_up_to_fan_in_9_is_exact() -> None:
    rng = random.Random(3)
    for n in range(1, 10):
        for t in range(n + 2):
            polarity = [rng.random() < 0.5 for _ in range(n)]
            fresh = threshold_fresh(
                [Lit(q, neg) for q, neg in enumerate(polarity)], t, Pool(start=n).take, print
            )
            for state in range(2**n):
                want = sum(((state >> q) & 1) ^ neg for q, neg in enumerate(polarity)) >= t
                out = run_classical(fresh.ops, state)
                assert out & (2**n - 1) == state  # inputs restored
                assert ((out >> fresh.lit.qubit) & 1) ^ fresh.lit.negated == want


def test_phase_threshold_over_weighted_literals() -> None:
    rng = random.Random(5)
    for n in range(1, 6):
        weights = [rng.randint(1, 3) for _ in range(n)]
        polarity = [rng.random() < 0.5 for _ in range(n)]
        terms = [(Lit(q, neg), w) for q, (neg, w) in enumerate(zip(polarity, weights, strict=True))]
        for t in range(sum(weights) + 2):
            pool = Pool(start=n)
            gates = phase_at_least_terms(terms, t, pool.take, pool.give)
            for state in range(2**n):
                total = sum(w * (((state >> q) & 1) ^ neg) for q, (neg, w) in
                            enumerate(zip(polarity, weights, strict=True)))  # fmt: skip
                assert run_signed(gates, state) == (state, -1 if total >= t else 1)


@pytest.mark.parametrize("path", PAPER, ids=lambda p: p.stem)
def test_fewer_qubits_and_fewer_toffolis_than_the_authors(path: Path) -> None:
    """Both sides counted by one convention (`qbnnc.analysis.cost`): the default circuit takes
    at least 50x fewer Toffoli-equivalents per iteration than the authors' (20x on QBNN
    2-2-1, whose authors' circuit is already cheap: 458), in fewer qubits; the paper's phase
    oracle as written at least 5x fewer."""
    text = path.read_text()
    model = load_model(text, str(path))
    ours = compile(text, str(path))
    theirs = iteration_cost(authors_circuit(model, count_marked(model), ours.iterations))
    counter = compile(_counter(text), str(path))
    factor = 20 if "qbnn221" in path.stem else 50
    for program, times in ((ours, 5), (counter, factor)):  # as written, and our default
        cost = iteration_cost(program.training)
        assert cost.qubits < theirs.qubits
        assert times * cost.toffoli_equivalents <= theirs.toffoli_equivalents
    assert counter.success_probability == ours.success_probability


@pytest.mark.parametrize("path", PAPER, ids=lambda p: p.stem)
def test_measured_uncompute_costs_at_most_4_t_per_and(path: Path) -> None:
    program = compile(_counter(path.read_text(), "measure"), str(path))
    c = program.circuit
    assert measuring_blocks(c) and ("and_bit", 1) in c.clbits
    assert _per_iteration(c, t_count) <= 4 * _per_iteration(c, and_count)
    assert _per_iteration(c, toffoli_count) == _per_iteration(c, and_count)


def test_measured_uncompute_sampled_with_aer_matches_grovers_formula() -> None:
    path = next(p for p in PAPER if "qbn31_task1" in p.stem)
    program = compile(_counter(path.read_text(), "measure"), str(path))
    qasm = program.qasm3()
    assert "if (and_bit[0])" in qasm and "for uint _" in qasm
    shots = 300
    counts = sample_weights(qasm, program.model.num_weights, shots, seed=11)
    want = expected_distribution(program.model, program.iterations)
    marked = want > want.min() if want.max() > want.min() else want > 0
    p = program.success_probability
    assert p is not None
    error = math.sqrt(p * (1 - p) / shots)
    assert abs(counts[marked].sum() / shots - p) <= 3 * error + 1e-12


@pytest.mark.parametrize("path", PAPER[:3], ids=lambda p: p.stem)
def test_trading_qubits_for_gates(path: Path) -> None:
    text = _counter(path.read_text())
    small = compile(text, str(path))
    fast = compile(text, str(path), optimize_for="gates")
    assert _per_iteration(fast.circuit, toffoli_count) <= _per_iteration(
        small.circuit, toffoli_count
    )
    assert fast.circuit.num_qubits >= small.circuit.num_qubits
    if fast.circuit.num_qubits <= 17:
        got = weight_distribution(fast.qasm3(flat=True), fast.model.num_weights)
        assert np.abs(got - expected_distribution(fast.model, fast.iterations)).max() < 1e-9
