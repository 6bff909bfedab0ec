from __future__ import annotations

from qbnnc.ir.dataflow import AtLeast, Correct, Dataflow, Xor, editable, rebuild
from qbnnc.ir.rewrite import replace_uses


def share_identical_neurons(df: Dataflow) -> Dataflow:
    """Compute each distinct value once: nodes of the same kind on the same operands are merged.

    Operand order is ignored where the operation is symmetric (XOR, AtLeast): lines that
    read the same values through the same operation are computed once.
    Preserves: every example's correctness for every weight string; the weight order.
    Fixed point: after one application (it visits nodes in topological order).
    """
    g = editable(df)
    seen: dict[tuple[object, tuple[int, ...]], int] = {}
    for node in df.order():
        op, args = g.nodes[node]["op"], g.nodes[node]["args"]
        if isinstance(op, Correct):
            continue
        key = (op, tuple(sorted(args)) if isinstance(op, AtLeast | Xor) else args)
        if key in seen:
            replace_uses(g, node, seen[key])
        else:
            seen[key] = node
    return rebuild(df, g)
