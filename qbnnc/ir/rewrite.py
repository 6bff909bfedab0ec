"""Graph edits shared by the passes. Each works on a graph the pass has already copied."""

from __future__ import annotations

import networkx as nx

from qbnnc.ir.dataflow import NodeKind, add_node


def set_args(g: nx.DiGraph, node: int, args: tuple[int, ...]) -> None:
    """Give `node` new operands and make the edges follow (only the changed ones)."""
    old, new = set(g.nodes[node]["args"]), set(args)
    for a in old - new:
        g.remove_edge(a, node)
    for a in new - old:
        g.add_edge(a, node)
    g.nodes[node]["args"] = args


def set_op(g: nx.DiGraph, node: int, op: NodeKind, args: tuple[int, ...] = ()) -> None:
    """Turn `node` into another kind of node in place (its users keep reading it)."""
    set_args(g, node, args)
    g.nodes[node]["op"] = op


def replace_uses(g: nx.DiGraph, old: int, new: int) -> None:
    """Make every user of `old` read `new` instead."""
    for user in list(g.successors(old)):
        set_args(g, user, tuple(new if a == old else a for a in g.nodes[user]["args"]))


def replace_uses_at(graph: nx.DiGraph, user: int, position: int, new: int) -> None:
    """Make argument `position` of `user` read `new`."""
    args = list(graph.nodes[user]["args"])
    args[position] = new
    set_args(graph, user, tuple(args))


def replace_many(g: nx.DiGraph, mapping: dict[int, int]) -> None:
    """Make every user of each `old` in `mapping` read `mapping[old]` (followed through
    chains), rewriting each user's operands once: a neuron with a thousand lines being
    replaced costs one pass over its operands, not one per line."""

    def resolve(node: int) -> int:
        while node in mapping:
            node = mapping[node]
        return node

    users = {u for old in mapping for u in g.successors(old)}
    for user in sorted(users):
        set_args(g, user, tuple(resolve(a) for a in g.nodes[user]["args"]))


def ensure_node(g: nx.DiGraph, op: NodeKind, label: str) -> int:
    """A leaf node of kind `op`, reusing an existing one (a new one was written nowhere)."""
    for node, data in g.nodes(data=True):
        if data["op"] == op and not data["args"]:
            return node
    return add_node(g, op, (), label)
