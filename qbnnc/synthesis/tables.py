"""Neuron tables: a small first-layer neuron computed once per oracle call, not once per row.

A neuron whose inputs are weights computes g(w') for the row's masked weights w' (rows of
a variant differ only in the X masks the sweep flips between them, `specialise`). When the
algebraic normal form of g has degree at most 2 (AND or OR of two, majority of three),
flipping weight i changes g by its derivative D_i g, an affine function of the neuron's
other inputs. So the neuron's value is kept in a qubit of its own, its table, computed once
before the sweep and kept true by a CNOT per other input (and an X) wherever a mask flips
one of its weights; every row's forward pass reads it for free. Per oracle call the neuron
costs one AND each way instead of one per row each way: the shared subexpression across
rows (the issue's "four minterms of two weights") is one shared gate.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from qbnnc.diagnostics import Span
from qbnnc.ir.dataflow import AtLeast, Dataflow, Not, WeightBit
from qbnnc.synthesis.arith import Lit, cx, threshold_fresh, x
from qbnnc.synthesis.circuit import Gate
from qbnnc.synthesis.lower import Pool

# Wider neurons have derivatives of degree >= 2 unless trivial; at scale the per-row
# lowering is the better plan, and a table's qubit is held through the whole sweep.
MAX_FAN_IN = 4


@dataclass(frozen=True)
class Table:
    """One neuron's table: `lit` holds its value for the current masks once `compute` has
    run (from |0>, weights unmasked); after an X on weight qubit w, `updates[w]` restores it."""

    node: int
    lit: Lit
    compute: tuple[Gate, ...]
    updates: dict[int, tuple[Gate, ...]]
    span: Span | None = field(default=None, compare=False)  # the neuron's layer


@dataclass(frozen=True)
class Tables:
    """The tables of every variant, on the qubits from `start` up to `end` (exclusive)."""

    start: int
    end: int
    by_variant: tuple[tuple[Table, ...], ...]

    @property
    def compute(self) -> list[Gate]:
        return [g for tables in self.by_variant for t in tables for g in t.compute]

    @property
    def span(self) -> Span | None:
        """Where the first tabulated neuron was written (its layer); None without tables."""
        return next((t.span for tables in self.by_variant for t in tables), None)

    def values(self, variant: int) -> dict[int, Lit]:
        return {t.node: t.lit for t in self.by_variant[variant]}

    def updates(self, variant: int) -> dict[int, list[Gate]]:
        out: dict[int, list[Gate]] = {}
        for t in self.by_variant[variant]:
            for w, gates in t.updates.items():
                out.setdefault(w, []).extend(gates)
        return out


def build_tables(dfs: list[Dataflow], start: int) -> Tables:
    """Tables for the tabulable neurons of each variant's graph, on qubits from `start`.

    Weight i is qubit i. The qubits a neuron's synthesis borrows and returns are reused by
    the next one, so the region is as wide as the tables plus one neuron's scratch.
    """
    pool = Pool(start=start)
    by_variant = []
    for df in dfs:
        tables = []
        for node, lits, threshold in _tabulable(df):
            fresh = threshold_fresh(lits, threshold, pool.take, pool.give)
            pool.give([q for q in fresh.held if q != fresh.lit.qubit])
            updates = _updates(lits, threshold, fresh.lit.qubit)
            tables.append(Table(node, fresh.lit, tuple(fresh.ops), updates, df.span(node)))
        by_variant.append(tuple(tables))
    return Tables(start, pool.high, tuple(by_variant))


def _tabulable(df: Dataflow) -> Iterator[tuple[int, list[Lit], int]]:
    """(node, input literals on weight qubits, threshold) of each neuron worth a table."""
    for node in df.cone(df.sink):
        op = df.op(node)
        if not isinstance(op, AtLeast):
            continue
        lits = [_weight_lit(df, a) for a in df.args(node)]
        if any(lit is None for lit in lits):
            continue
        wl = [lit for lit in lits if lit is not None]
        if (
            len(wl) <= MAX_FAN_IN
            and len({lit.qubit for lit in wl}) == len(wl)
            and 1 <= op.threshold <= len(wl)
            and _degree(_anf(wl, op.threshold)) <= 2
        ):
            yield node, wl, op.threshold


def _weight_lit(df: Dataflow, node: int) -> Lit | None:
    """The weight qubit literal `node` reads (through Nots), or None."""
    negated = False
    while isinstance(df.op(node), Not):
        negated = not negated
        node = df.args(node)[0]
    op = df.op(node)
    return Lit(op.index, negated) if isinstance(op, WeightBit) else None


def _anf(lits: list[Lit], threshold: int) -> set[int]:
    """The monomials (bit sets over input positions) of g(q) = [sum (q_i ^ neg_i) >= t]."""
    k = len(lits)
    table = [
        int(sum(((s >> i) & 1) ^ lit.negated for i, lit in enumerate(lits)) >= threshold)
        for s in range(2**k)
    ]
    for i in range(k):  # Moebius transform: truth table -> ANF coefficients
        for s in range(2**k):
            if s >> i & 1:
                table[s] ^= table[s ^ (1 << i)]
    return {s for s in range(2**k) if table[s]}


def _degree(monomials: set[int]) -> int:
    return max((m.bit_count() for m in monomials), default=0)


def _updates(lits: list[Lit], threshold: int, qubit: int) -> dict[int, tuple[Gate, ...]]:
    """Per input weight w: the gates adding D_w g (affine in the other inputs) to `qubit`."""
    monomials = _anf(lits, threshold)
    out: dict[int, tuple[Gate, ...]] = {}
    for i, lit in enumerate(lits):
        gates: list[Gate] = []
        for m in sorted(monomials):
            if m >> i & 1:
                rest = m ^ (1 << i)
                if rest == 0:
                    gates.append(x(qubit))
                else:
                    gates.append(cx(lits[rest.bit_length() - 1].qubit, qubit))
        out[lit.qubit] = tuple(gates)
    return out
