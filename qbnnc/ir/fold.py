"""Constant folding of known leaves through Xor and Not, shared by the folding passes."""

from __future__ import annotations

import networkx as nx

from qbnnc.ir.dataflow import Const, Dataflow, Not, Xor, editable
from qbnnc.ir.rewrite import replace_many, set_op


def fold_leaves(df: Dataflow, kinds: tuple[type, ...]) -> nx.DiGraph:
    """Turn leaves of `kinds` into Const, then fold every Xor/Not that reads a Const.

    Nodes that fold to one of their operands hand their users over and are left dead.
    """
    g = editable(df)
    # Users are handed over at the end, all at once; until then a folded node keeps its
    # kind, so later nodes fold the same way as if it were already replaced.
    replaced: dict[int, int] = {}
    for node in df.order():
        op = g.nodes[node]["op"]
        if isinstance(op, kinds):
            set_op(g, node, Const(op.value))
            continue
        args = g.nodes[node]["args"]
        ops = [g.nodes[a]["op"] for a in args]
        if isinstance(op, Not) and isinstance(ops[0], Const):
            set_op(g, node, Const(1 - ops[0].value))
        elif isinstance(op, Xor):
            known = [o.value for o in ops if isinstance(o, Const)]
            if len(known) == 2:
                set_op(g, node, Const(known[0] ^ known[1] ^ int(op.negated)))
            elif len(known) == 1:
                other = args[1] if isinstance(ops[0], Const) else args[0]
                if known[0] ^ int(op.negated):
                    set_op(g, node, Not(), (other,))
                else:
                    replaced[node] = other
    replace_many(g, replaced)
    return g
