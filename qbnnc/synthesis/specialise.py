"""Split the training set into the few forward-pass structures its rows need.

After the passes, a row of the training set affects its forward pass in two ways:
- polarities: a line `column XOR weight` is the weight or its negation; an output's match
  with its label is the output or its negation. These are X masks and literal polarities:
  every row with the same structure shares one lowered forward pass.
- structure: any other column (a `fixed` layer's per-row output feeding a trainable
  neuron, say) changes which neurons exist; rows are grouped by those columns' values and
  each group gets a graph of its own, with the columns folded to constants.

In the usual model (no `fixed` layer fed by the inputs) there is one group.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np

from qbnnc.ir.dataflow import (
    Column,
    Const,
    Correct,
    Dataflow,
    TrainingSet,
    WeightBit,
    Xor,
    verify,
)
from qbnnc.ir.rewrite import replace_many, replace_uses_at, set_op


@dataclass(frozen=True)
class Mask:
    """An X on weight qubit `weight` in the rows where polarity column `column` xor `negated`
    is 1: the line `column XOR weight` read as the weight itself."""

    weight: int
    column: int  # index into Variant.polarity's columns
    negated: bool


@dataclass(frozen=True, eq=False)
class Variant:
    """Rows whose forward passes share one structure, and what differs between them.

    `df` has no columns left (leaves are weights and constants) and one symbolic row;
    `folded`: some of its columns were folded to constants, which the variant passes
    (`passes.VARIANT_PIPELINE`, scheduled by the compiler) then simplify. `rows` are rows
    of the training set in sweep order (consecutive masks differ little); `polarity[i, c]`
    is row rows[i]'s bit of polarity column c. The sink's argument k reads as negated in a
    row when `sink_flips[k]` = (c, neg) and polarity[i, c] xor neg is 1.
    """

    df: Dataflow
    rows: np.ndarray
    polarity: np.ndarray
    masks: tuple[Mask, ...]
    sink_flips: tuple[tuple[int, bool] | None, ...]
    folded: bool = False

    def sink_negations(self, i: int) -> tuple[bool, ...]:
        """Which sink arguments read negated in the variant's i-th row."""
        return tuple(
            flip is not None and bool(self.polarity[i, flip[0]] ^ flip[1])
            for flip in self.sink_flips
        )


def specialise(df: Dataflow) -> tuple[Variant, ...]:
    """The variants of a dataflow: one per distinct structure, rows in sweep order."""
    g = df.graph
    sink = df.sink
    readers = {n: list(g.successors(n)) for n in g}
    masks: dict[int, tuple[int, int, bool]] = {}  # Xor node -> (weight, column, negated)
    sink_args = df.args(sink)
    for node in g:
        split = _column_xor(df, node)
        if split is None or node in sink_args:
            continue
        other = df.op(split[0])
        if isinstance(other, WeightBit) and readers[split[0]] == [node]:
            masks[node] = (other.index, split[1], split[2])
    flips: dict[int, tuple[int, int, bool]] = {}  # sink arg position -> (value, column, negated)
    for k, a in enumerate(sink_args):
        split = _column_xor(df, a)
        if split is not None and not _reads_structure(df, split[0], masks):
            flips[k] = split
    polar_reads = {n for n in masks} | {df.args(sink)[k] for k in flips}
    structural = sorted(
        {
            df.op(n).index
            for n in g
            if isinstance(df.op(n), Column) and any(r not in polar_reads for r in readers[n])
        }
    )
    polar = sorted({c for _, c, _ in masks.values()} | {c for _, c, _ in flips.values()})
    where = {c: i for i, c in enumerate(polar)}
    columns = df.data.columns
    keys = columns[:, structural]
    groups = _groups(keys)
    out = []
    for rows in groups:
        values = dict(zip(structural, keys[rows[0]].tolist(), strict=True))
        graph = g.copy()
        replace_many(graph, {n: _weight_of(df, n) for n in masks})
        for n in g:
            op = df.op(n)
            if isinstance(op, Column) and op.index in values:
                set_op(graph, n, Const(values[op.index]))
        for k, (value, _, _) in flips.items():
            # A value that is itself a masked line reads as its weight (the mask flips it).
            replace_uses_at(graph, sink, k, _weight_of(df, value) if value in masks else value)
        variant = _one_row(df, graph)
        order = _sweep_order(columns[rows][:, polar], df.data.multiplicity[rows])
        rows = rows[order]
        out.append(
            Variant(
                variant,
                rows,
                np.ascontiguousarray(columns[rows][:, polar]),
                tuple(Mask(w, where[c], neg) for w, c, neg in masks.values()),
                tuple(
                    (where[flips[k][1]], flips[k][2]) if k in flips else None
                    for k in range(len(df.args(sink)))
                ),
                bool(values),
            )
        )
    return tuple(out)


def _column_xor(df: Dataflow, node: int) -> tuple[int, int, bool] | None:
    """(the other operand, the column, negated) for `Xor(column, other)`, else None."""
    op = df.op(node)
    if not isinstance(op, Xor):
        return None
    a, b = df.args(node)
    for col, other in ((a, b), (b, a)):
        if isinstance(df.op(col), Column) and not isinstance(df.op(other), Column):
            return other, df.op(col).index, op.negated  # type: ignore[union-attr]
    return None


def _weight_of(df: Dataflow, xor: int) -> int:
    return next(a for a in df.args(xor) if isinstance(df.op(a), WeightBit))


def _reads_structure(df: Dataflow, node: int, masks: dict[int, tuple[int, int, bool]]) -> bool:
    """Whether a column feeds `node` other than through masks (then `node` may fold to a
    constant in some rows, and its label must be part of the structure)."""
    cone = nx.ancestors(df.graph, node) | {node}
    return any(
        isinstance(df.op(n), Column) and any(r in cone and r not in masks for r in df.graph[n])
        for n in cone
    )


def _groups(keys: np.ndarray) -> list[np.ndarray]:
    """Row indices grouped by equal key rows, groups in the order of their first row."""
    if keys.shape[1] == 0:
        return [np.arange(keys.shape[0])]
    packed = np.ascontiguousarray(keys).view(np.dtype((np.void, keys.shape[1]))).reshape(-1)
    _, first, inverse = np.unique(packed, return_index=True, return_inverse=True)
    inverse = inverse.reshape(-1)
    return [np.flatnonzero(inverse == g) for g in np.argsort(first, kind="stable")]


def _sweep_order(bits: np.ndarray, multiplicity: np.ndarray) -> np.ndarray:
    """Rows by multiplicity, then along the reflected Gray code of their polarity bits.

    Consecutive codes of that order differ in few bits, so few X gates change the mask
    from one row to the next. Rows of smaller multiplicity come first so that the count of
    examples seen, and with it the width of the streaming counter's additions, grows as
    slowly as it can. The sorts are stable: equal keys keep the data's order.
    """
    if bits.shape[0] < 2:
        return np.arange(bits.shape[0])
    order = np.arange(bits.shape[0])
    if bits.shape[1]:
        rank = np.bitwise_xor.accumulate(bits.astype(np.uint8), axis=1)
        packed = np.packbits(rank, axis=1)
        keys = np.ascontiguousarray(packed).view(np.dtype((np.void, packed.shape[1])))
        order = np.argsort(keys.reshape(-1), kind="stable")
    return order[np.argsort(multiplicity[order], kind="stable")]


def _one_row(df: Dataflow, graph: nx.DiGraph) -> Dataflow:
    """The variant's graph on one symbolic row, its dead nodes removed (weights stay)."""
    one = TrainingSet(np.zeros((1, 0), dtype=np.uint8), ((0,),))
    sink = df.sink
    live = nx.ancestors(graph, sink) | {sink}
    graph.remove_nodes_from(
        [n for n, op in graph.nodes(data="op") if n not in live and not isinstance(op, WeightBit)]
    )
    assert not any(isinstance(op, Column) for _, op in graph.nodes(data="op"))
    assert isinstance(df.op(sink), Correct)
    variant = Dataflow(graph, df.num_weights, 1, one)
    verify(variant)
    return variant
