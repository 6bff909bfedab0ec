"""The dataflow IR: one forward pass per example, as a networkx DiGraph of typed nodes.

Each node has attributes `op` (a frozen node kind below), `args` (its operand node ids, in
order; edges mirror them for graph algorithms) and `label` (a name for people: "e3.h[1]").
Sinks are `Correct` nodes: 1 when every output bit of their example matches its label.
Nodes that reach no sink may exist between passes (lowering never visits them);
`eliminate_dead_nodes` removes them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import networkx as nx


@dataclass(frozen=True)
class WeightBit:
    """A trainable weight: a qubit in uniform superposition."""

    index: int


@dataclass(frozen=True)
class InputBit:
    """A classical input bit of one example."""

    value: int


@dataclass(frozen=True)
class FixedBit:
    """A weight of a `fixed` layer: a constant, not trained."""

    value: int


@dataclass(frozen=True)
class LabelBit:
    """A label bit of one example."""

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
    """Sink: 1 when all args are 1. Stands for the original examples `examples` (merged ones)."""

    examples: tuple[int, ...]

    @property
    def multiplicity(self) -> int:
        return len(self.examples)


NodeKind = WeightBit | InputBit | FixedBit | LabelBit | Const | Not | Xor | AtLeast | Correct
LEAVES = (WeightBit, InputBit, FixedBit, LabelBit, Const)
CONSTANT_LEAVES = (InputBit, FixedBit, LabelBit, Const)


@dataclass(frozen=True)
class Dataflow:
    """A graph plus the facts passes must keep: how many weights and original examples.

    `owned` marks a graph that no one else holds (run_passes copies once and marks its
    working copy), so a pass may edit it in place instead of copying it again.
    """

    graph: nx.DiGraph
    num_weights: int
    num_examples: int
    owned: bool = field(default=False, compare=False)

    def op(self, node: int) -> NodeKind:
        return self.graph.nodes[node]["op"]

    def args(self, node: int) -> tuple[int, ...]:
        return self.graph.nodes[node]["args"]

    def label(self, node: int) -> str:
        return self.graph.nodes[node]["label"]

    @property
    def sinks(self) -> list[int]:
        return sorted(n for n, d in self.graph.nodes(data=True) if isinstance(d["op"], Correct))

    def order(self) -> list[int]:
        """Nodes in a topological order; deterministic because graphs keep insertion order."""
        return list(nx.topological_sort(self.graph))

    def cone(self, sink: int) -> list[int]:
        """The nodes `sink` depends on, itself included, operands before their users.

        A post-order walk over each node's ordered operands: linear in the cone's size,
        where sorting the whole graph per sink would be quadratic in the data.
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


def add_node(graph: nx.DiGraph, op: NodeKind, args: Iterable[int] = (), label: str = "") -> int:
    """Add a node with the next free id and its operand edges; return its id."""
    # A counter on the graph, not max(ids): building must stay linear in the graph's size.
    node = graph.graph.get("next_id", 0)
    graph.graph["next_id"] = node + 1
    args = tuple(args)
    graph.add_node(node, op=op, args=args, label=label)
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
    seen: list[int] = []
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
        if isinstance(op, Correct):
            seen.extend(op.examples)
            if g.out_degree(node):
                raise VerifyError(f"sink {node} has users")
    if sorted(seen) != list(range(df.num_examples)):
        raise VerifyError("the sinks do not stand for every example exactly once")


def evaluate(df: Dataflow, weights: int) -> dict[int, int]:
    """Classically evaluate the graph for a weight string: original example -> 1 if correct."""
    values: dict[int, int] = {}
    result: dict[int, int] = {}
    for node in df.order():
        op, args = df.op(node), [values[a] for a in df.args(node)]
        match op:
            case WeightBit(index=i):
                v = (weights >> i) & 1
            case InputBit(value=v) | FixedBit(value=v) | LabelBit(value=v) | Const(value=v):
                pass
            case Not():
                v = 1 - args[0]
            case Xor(negated=neg):
                v = args[0] ^ args[1] ^ int(neg)
            case AtLeast(threshold=t):
                v = int(sum(args) >= t)
            case Correct(examples=examples):
                v = int(all(args))
                for e in examples:
                    result[e] = v
            case _:
                raise VerifyError(f"unknown node kind {op}")
        values[node] = v
    return result


def correct_count(df: Dataflow, weights: int) -> int:
    return sum(evaluate(df, weights).values())


def rebuild(df: Dataflow, graph: nx.DiGraph) -> Dataflow:
    return Dataflow(graph, df.num_weights, df.num_examples, df.owned)


def editable(df: Dataflow) -> nx.DiGraph:
    """The graph a pass may edit: the owned graph itself, else a copy (passes stay pure)."""
    return df.graph if df.owned else df.graph.copy()
