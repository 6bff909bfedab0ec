"""The dataflow IR: the network's forward pass once, with the training set held as data.

The graph is a networkx DiGraph of typed nodes over one symbolic example: `Column(i)` is
column i of the training set (an input bit, a label bit, or a per-example value that a
pass computed), so the graph's size follows the network, not rows x network. Each node
has attributes `op` (a frozen node kind below), `args` (its operand node ids, in order;
edges mirror them), `label` (a name for people: "h[1]") and `span` (where in the model it
was written: its layer, the data for the labels; None when unknown), which a pass that
rewrites a node keeps. The one sink is `Correct`: 1 when every output bit of the example
matches its label.

`TrainingSet` holds the rows: a bit matrix with one column per `Column` leaf, and each
row's multiplicity and the original examples it stands for (identical rows merge).
Nodes that reach no sink may exist between passes; `eliminate_dead_nodes` removes them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import networkx as nx
import numpy as np

from qbnnc.diagnostics import Span


@dataclass(frozen=True)
class WeightBit:
    """A trainable weight: a qubit in uniform superposition."""

    index: int


@dataclass(frozen=True)
class Column:
    """A classical bit that differs per example: column `index` of the training set."""

    index: int


@dataclass(frozen=True)
class FixedBit:
    """A weight of a `fixed` layer: a constant, not trained."""

    value: int


@dataclass(frozen=True)
class Const:
    """A bit known at compile time, left by folding."""

    value: int


@dataclass(frozen=True)
class Not:
    """1 - arg."""


@dataclass(frozen=True)
class Xor:
    """arg0 xor arg1; `negated` makes it XNOR (equality)."""

    negated: bool = False


@dataclass(frozen=True)
class AtLeast:
    """A neuron: 1 when at least `threshold` of the args are 1."""

    threshold: int


@dataclass(frozen=True)
class Correct:
    """The sink: 1 when all args are 1 (the example is classified correctly)."""


NodeKind = WeightBit | Column | FixedBit | Const | Not | Xor | AtLeast | Correct
LEAVES = (WeightBit, Column, FixedBit, Const)
CONSTANT_LEAVES = (FixedBit, Const)


@dataclass(frozen=True, eq=False)
class TrainingSet:
    """The rows of the training set as data.

    `columns[r, i]` is the value of `Column(i)` in row r (uint8). Row r stands for the
    original examples `examples[r]` (identical rows merged), so its multiplicity is their
    number. The model's inputs are columns 0.., its labels follow; passes append columns.
    """

    columns: np.ndarray
    examples: tuple[tuple[int, ...], ...]

    @property
    def rows(self) -> int:
        return len(self.examples)

    @property
    def multiplicity(self) -> np.ndarray:
        return np.fromiter((len(e) for e in self.examples), dtype=np.int64, count=self.rows)

    @property
    def first(self) -> np.ndarray:
        """The first original example of each row (rows are named after it)."""
        return np.fromiter((e[0] for e in self.examples), dtype=np.int64, count=self.rows)

    def with_columns(self, extra: np.ndarray) -> TrainingSet:
        """The same rows with `extra` (rows x k) appended as new columns."""
        return TrainingSet(np.concatenate([self.columns, extra], axis=1), self.examples)

    def select(self, rows: np.ndarray, examples: tuple[tuple[int, ...], ...]) -> TrainingSet:
        return TrainingSet(self.columns[rows], examples)


@dataclass(frozen=True)
class Dataflow:
    """The network graph, the training set, and the facts passes must keep.

    `owned` marks a graph that no one else holds (run_passes copies once and marks its
    working copy), so a pass may edit it in place instead of copying it again.
    """

    graph: nx.DiGraph
    num_weights: int
    num_examples: int
    data: TrainingSet
    owned: bool = field(default=False, compare=False)

    def op(self, node: int) -> NodeKind:
        return self.graph.nodes[node]["op"]

    def args(self, node: int) -> tuple[int, ...]:
        return self.graph.nodes[node]["args"]

    def label(self, node: int) -> str:
        return self.graph.nodes[node]["label"]

    def span(self, node: int) -> Span | None:
        """Where `node` was written in the model (its layer; the data for the labels)."""
        return self.graph.nodes[node].get("span")

    @property
    def sink(self) -> int:
        (sink,) = (n for n, d in self.graph.nodes(data=True) if isinstance(d["op"], Correct))
        return sink

    def order(self) -> list[int]:
        """Nodes in a topological order; deterministic because graphs keep insertion order."""
        return list(nx.topological_sort(self.graph))

    def cone(self, sink: int) -> list[int]:
        """The nodes `sink` depends on, itself included, operands before their users.

        A post-order walk over each node's ordered operands: linear in the cone's size.
        """
        nodes = self.graph.nodes
        seen: set[int] = set()
        out: list[int] = []
        stack: list[tuple[int, bool]] = [(sink, False)]
        while stack:
            node, expanded = stack.pop()
            if expanded:
                out.append(node)
            elif node not in seen:
                seen.add(node)
                stack.append((node, True))
                stack.extend((a, False) for a in reversed(nodes[node]["args"]) if a not in seen)
        return out


def new_graph() -> nx.DiGraph:
    return nx.DiGraph()


def add_node(
    graph: nx.DiGraph,
    op: NodeKind,
    args: Iterable[int] = (),
    label: str = "",
    span: Span | None = None,
) -> int:
    """Add a node with the next free id and its operand edges; return its id."""
    # A counter on the graph, not max(ids): building must stay linear in the graph's size.
    node = graph.graph.get("next_id", 0)
    graph.graph["next_id"] = node + 1
    args = tuple(args)
    graph.add_node(node, op=op, args=args, label=label, span=span)
    for a in args:
        graph.add_edge(a, node)
    return node


def arity_ok(op: NodeKind, n: int) -> bool:
    if isinstance(op, LEAVES):
        return n == 0
    if isinstance(op, Not):
        return n == 1
    if isinstance(op, Xor):
        return n == 2
    return True


class VerifyError(AssertionError):
    """The IR broke one of its invariants: a compiler bug, never a user error."""


def verify(df: Dataflow) -> None:
    """Check the invariants every pass must keep; raise VerifyError when one fails."""
    g = df.graph
    if not nx.is_directed_acyclic_graph(g):
        raise VerifyError("dataflow graph has a cycle")
    sinks = 0
    width = df.data.columns.shape[1]
    for node, data in g.nodes(data=True):
        op, args = data.get("op"), data.get("args")
        if op is None or args is None:
            raise VerifyError(f"node {node} lacks op or args")
        if not arity_ok(op, len(args)):
            raise VerifyError(f"node {node} ({op}) has {len(args)} args")
        if set(g.predecessors(node)) != set(args):
            raise VerifyError(f"node {node}: edges do not match args")
        if isinstance(op, WeightBit) and not 0 <= op.index < df.num_weights:
            raise VerifyError(f"node {node}: weight {op.index} out of range")
        if isinstance(op, Column) and not 0 <= op.index < width:
            raise VerifyError(f"node {node}: column {op.index} out of range")
        if isinstance(op, Correct):
            sinks += 1
            if g.out_degree(node):
                raise VerifyError(f"sink {node} has users")
    if sinks != 1:
        raise VerifyError(f"the graph has {sinks} sinks, not one")
    if sorted(e for row in df.data.examples for e in row) != list(range(df.num_examples)):
        raise VerifyError("the rows do not stand for every example exactly once")


def node_values(df: Dataflow, weights: int) -> dict[int, np.ndarray]:
    """Every node's value in every row for one weight string (uint8 arrays, vectorised)."""
    rows = df.data.rows
    values: dict[int, np.ndarray] = {}
    for node in df.order():
        op, args = df.op(node), [values[a] for a in df.args(node)]
        match op:
            case WeightBit(index=i):
                v = np.full(rows, (weights >> i) & 1, dtype=np.uint8)
            case Column(index=i):
                v = df.data.columns[:, i].astype(np.uint8)
            case FixedBit(value=b) | Const(value=b):
                v = np.full(rows, b, dtype=np.uint8)
            case Not():
                v = 1 - args[0]
            case Xor(negated=neg):
                v = args[0] ^ args[1] ^ np.uint8(neg)
            case AtLeast(threshold=t):
                total = np.sum(args, axis=0) if args else np.zeros(rows)
                v = (total >= t).astype(np.uint8)
            case Correct():
                v = np.ones(rows, dtype=np.uint8)
                for a in args:
                    v = v & a
            case _:
                raise VerifyError(f"unknown node kind {op}")
        values[node] = v
    return values


def evaluate(df: Dataflow, weights: int) -> dict[int, int]:
    """Classically evaluate the graph for a weight string: original example -> 1 if correct."""
    ok = node_values(df, weights)[df.sink]
    return {e: int(ok[r]) for r, row in enumerate(df.data.examples) for e in row}


def rebuild(df: Dataflow, graph: nx.DiGraph, data: TrainingSet | None = None) -> Dataflow:
    return Dataflow(graph, df.num_weights, df.num_examples, data or df.data, df.owned)


def editable(df: Dataflow) -> nx.DiGraph:
    """The graph a pass may edit: the owned graph itself, else a copy (passes stay pure)."""
    return df.graph if df.owned else df.graph.copy()
