from __future__ import annotations

from qbnnc.ir.dataflow import AtLeast, Const, Correct, Dataflow, Not, editable, rebuild
from qbnnc.ir.rewrite import ensure_node, replace_uses, set_args, set_op


def simplify_thresholds(df: Dataflow) -> Dataflow:
    """Fold constants into neurons and sinks, and reduce neurons to what they really compute.

    AtLeast(t) over known bits drops them (each known 1 lowers t); t <= 0 is the constant 1,
    t above the remaining fan-in the constant 0; AtLeast(1) of one line is that line. Double
    negations cancel. A sink drops known-1 matches and becomes never-correct on a known 0.
    What is left is AND (t = fan-in), OR (t = 1), MAJ (2 of 3) or a general threshold, which
    lowering synthesises each in its cheapest form.
    Preserves: every example's correctness for every weight string; the weight order.
    Fixed point: after one application (it visits nodes in topological order).
    """
    g = editable(df)
    for node in df.order():
        op, args = g.nodes[node]["op"], g.nodes[node]["args"]
        if isinstance(op, Not):
            inner = g.nodes[args[0]]
            if isinstance(inner["op"], Const):
                set_op(g, node, Const(1 - inner["op"].value))
            elif isinstance(inner["op"], Not):
                replace_uses(g, node, inner["args"][0])
        elif isinstance(op, AtLeast):
            known = [g.nodes[a]["op"] for a in args if isinstance(g.nodes[a]["op"], Const)]
            rest = tuple(a for a in args if not isinstance(g.nodes[a]["op"], Const))
            t = op.threshold - sum(c.value for c in known)
            if t <= 0:
                set_op(g, node, Const(1))
            elif t > len(rest):
                set_op(g, node, Const(0))
            elif t == 1 and len(rest) == 1:
                replace_uses(g, node, rest[0])
            elif known:
                set_op(g, node, AtLeast(t), rest)
        elif isinstance(op, Correct):
            ops = [g.nodes[a]["op"] for a in args]
            if any(isinstance(o, Const) and o.value == 0 for o in ops):
                set_args(g, node, (ensure_node(g, Const(0), "never"),))
            elif any(isinstance(o, Const) for o in ops):
                set_args(
                    g,
                    node,
                    tuple(a for a, o in zip(args, ops, strict=True) if not isinstance(o, Const)),
                )
    return rebuild(df, g)
