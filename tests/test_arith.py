"""Reversible arithmetic checked by its classical action on every basis input."""

from __future__ import annotations

import itertools

import pytest

from qbnnc.synthesis.arith import (
    Lit,
    bit_reverse,
    mcx,
    threshold,
)
from qbnnc.synthesis.lower import Pool
from qbnnc.testing import run_classical


def _bits(state: int, qubits: list[int]) -> list[int]:
    return [(state >> q) & 1 for q in qubits]


def _value(state: int, qubits: list[int]) -> int:
    return sum(b << i for i, b in enumerate(_bits(state, qubits)))


@pytest.mark.parametrize("n", range(0, 5))
def test_mcx_with_polarities_is_and_of_literals(n: int) -> None:
    for polarity in itertools.product([False, True], repeat=n):
        lits = [Lit(q, neg) for q, neg in enumerate(polarity)]
        gates = mcx(lits, n)
        for state in range(2 ** (n + 1)):
            want = all(((state >> q) & 1) != neg for q, neg in enumerate(polarity))
            out = run_classical(gates, state)
            assert out == state ^ (int(want) << n)


def test_mcx_of_contradictory_literals_is_nothing() -> None:
    assert mcx([Lit(0), Lit(0, True)], 1) == []


@pytest.mark.parametrize("n", range(1, 7))
def test_every_threshold_on_every_input_returns_work_qubits(n: int) -> None:
    out = n
    for t in range(0, n + 2):
        for polarity in [(False,) * n, tuple(i % 2 == 0 for i in range(n))]:
            pool = Pool(start=n + 1)
            lits = [Lit(q, neg) for q, neg in enumerate(polarity)]
            gates = threshold(lits, t, out, pool.take, pool.give)
            assert sorted(pool.free) == list(range(n + 1, pool.high))  # all scratch returned
            for state in range(2 ** (n + 1)):
                values = [((state >> q) & 1) ^ neg for q, neg in enumerate(polarity)]
                result = run_classical(gates, state)
                assert result == state ^ (int(sum(values) >= t) << out), (n, t, polarity, state)


def test_bit_reverse() -> None:
    assert bit_reverse(0b001, 3) == 0b100
    assert bit_reverse(0b110, 3) == 0b011
    assert bit_reverse(0, 0) == 0


@pytest.mark.parametrize("bits", [1, 2, 3, 4])
def test_add_controlled_by_carry_chains(bits: int) -> None:
    from qbnnc.synthesis.arith import add_controlled
    from qbnnc.synthesis.decompose import and_count

    for amount in range(2**bits):
        for n_controls in (1, 2, 3):
            pool = Pool(start=bits + n_controls)
            register = list(range(bits))
            controls = [Lit(bits + i, i == 1) for i in range(n_controls)]
            gates = add_controlled(register, controls, amount, pool.take, pool.give)
            if amount == 1 and n_controls == 1:
                assert sum(map(and_count, gates)) == bits - 1  # the carry chain
            for state in range(2 ** (bits + n_controls)):
                on = all(((state >> c.qubit) & 1) ^ c.negated for c in controls)
                v = _value(state, register)
                want = (state & ~(2**bits - 1)) | ((v + amount * on) % 2**bits)
                assert run_classical(gates, state) == want


@pytest.mark.parametrize("n", range(1, 8))
def test_phase_all_is_an_and_tree_of_n_minus_3_and_a_ccz(n: int) -> None:
    from qbnnc.synthesis.arith import phase_all
    from qbnnc.synthesis.decompose import and_count, toffoli_count
    from qbnnc.testing import run_signed

    pool = Pool(start=n)
    lits = [Lit(q, q % 2 == 1) for q in range(n)]
    gates = phase_all(lits, pool.take, pool.give)
    assert sum(map(and_count, gates)) == max(n - 3, 0)
    assert sum(map(toffoli_count, gates)) == max(2 * n - 5, 0)
    for state in range(2**n):
        hit = all(((state >> q) & 1) ^ (q % 2) for q in range(n))
        assert run_signed(gates, state) == (state, -1 if hit else 1)


@pytest.mark.parametrize("n", [4, 5, 7])
def test_lean_neuron_holds_only_its_output(n: int) -> None:
    """Bennett at the neuron: the tree is undone at once, one qubit stays with the answer."""
    from qbnnc.synthesis.arith import threshold_fresh

    for t in range(1, n + 1):
        polarity = [q % 3 == 1 for q in range(n)]
        pool = Pool(start=n)
        lits = [Lit(q, neg) for q, neg in enumerate(polarity)]
        fresh = threshold_fresh(lits, t, pool.take, pool.give, lean=True)
        assert fresh.held == [fresh.lit.qubit]
        for state in range(2**n):
            want = sum(((state >> q) & 1) ^ neg for q, neg in enumerate(polarity)) >= t
            out = run_classical(fresh.ops, state)
            # Inputs restored, every work qubit but the output back at |0>.
            assert out & ~(1 << fresh.lit.qubit) == state, (n, t, state)
            assert ((out >> fresh.lit.qubit) & 1) ^ fresh.lit.negated == want, (n, t, state)


@pytest.mark.parametrize("n", [6, 10])
def test_phase_all_within_a_work_budget(n: int) -> None:
    """The pebbled AND flips exactly the all-true state and stays within its budget."""
    from qbnnc.synthesis.arith import phase_all_floor, phase_all_within
    from qbnnc.synthesis.decompose import and_count
    from qbnnc.testing import run_signed

    lits = [Lit(q, q % 2 == 1) for q in range(n)]
    for budget in range(n):
        pool = Pool(start=n)
        pebbled = phase_all_within(lits, budget, pool.take, pool.give)
        gates = pebbled.gates()
        assert sorted(pool.free) == list(range(n, pool.high))  # all work returned
        assert pool.high - n <= max(budget, phase_all_floor(n)), (n, budget)
        if budget >= n - 2:  # no groups: `phase_all`, n - 3 ANDs and a CCZ
            assert not pebbled.groups and sum(map(and_count, gates)) == max(n - 3, 0)
        for state in range(2**n):
            hit = all(((state >> q) & 1) ^ (q % 2) for q in range(n))
            assert run_signed(gates, state) == (state, -1 if hit else 1), (n, budget, state)


@pytest.mark.parametrize("n", [1, 2, 3, 5, 7])
def test_popcount_bits_is_the_binary_count(n: int) -> None:
    from qbnnc.synthesis.arith import inverse, popcount_bits

    polarity = [q % 2 == 0 for q in range(n)]
    pool = Pool(start=n)
    ops, bits, work = popcount_bits([Lit(q, neg) for q, neg in enumerate(polarity)], pool.take)
    assert len(work) == n - bin(n).count("1")  # one AND per carry: n - popcount(n)
    for state in range(2**n):
        count = sum(((state >> q) & 1) ^ neg for q, neg in enumerate(polarity))
        after = run_classical(ops, state)
        assert sum((((after >> b.qubit) & 1) ^ b.negated) << j for j, b in enumerate(bits)) == count
        assert run_classical(inverse(ops), after) == state


@pytest.mark.parametrize(("n", "chunk"), [(5, 2), (7, 3), (8, 3)])
def test_chunked_lean_neuron_holds_one_chunk_at_a_time(n: int, chunk: int) -> None:
    """A wide lean neuron counts `chunk` literals at a time into a register: exact on every
    input, one qubit held, work bounded by the register, one chunk's tree and a chain."""
    from qbnnc.synthesis.arith import threshold_fresh

    polarity = [q % 3 == 0 for q in range(n)]
    lits = [Lit(q, neg) for q, neg in enumerate(polarity)]
    for t in range(1, n + 1):
        pool = Pool(start=n)
        fresh = threshold_fresh(lits, t, pool.take, pool.give, lean=True, chunk=chunk)
        assert fresh.held == [fresh.lit.qubit]
        k = (max(t, n - t + 1) - 1).bit_length()
        assert pool.high - n <= 1 + (k + 1) + (chunk - 1) + k, (n, t)
        for state in range(2**n):
            want = sum(((state >> q) & 1) ^ neg for q, neg in enumerate(polarity)) >= t
            out = run_classical(fresh.ops, state)
            assert out & ~(1 << fresh.lit.qubit) == state, (n, t, state)
            assert ((out >> fresh.lit.qubit) & 1) ^ fresh.lit.negated == want, (n, t, state)


@pytest.mark.parametrize("w", [1, 2, 3, 4])
def test_ripple_add_into_a_register(w: int) -> None:
    from qbnnc.synthesis.arith import add_into
    from qbnnc.synthesis.decompose import and_count

    for m in range(w + 1):
        pool = Pool(start=w + m)
        register = list(range(w))
        value = [Lit(w + i, i % 2 == 1) for i in range(m)]
        gates = add_into(register, value, pool.take, pool.give)
        assert sorted(pool.free) == list(range(w + m, pool.high))
        assert sum(map(and_count, gates)) == (w - 1 if m else 0)
        for state in range(2 ** (w + m)):
            a = state & (2**w - 1)
            v = sum((((state >> (w + i)) & 1) ^ (i % 2)) << i for i in range(m))
            want = (state & ~(2**w - 1)) | ((a + v) % 2**w)
            assert run_classical(gates, state) == want, (w, m, state)
