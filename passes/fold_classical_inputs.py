from __future__ import annotations

import numpy as np

from qbnnc.ir.dataflow import (
    CONSTANT_LEAVES,
    AtLeast,
    Column,
    Const,
    Dataflow,
    Not,
    Xor,
    editable,
    rebuild,
)
from qbnnc.ir.fold import fold_leaves
from qbnnc.ir.rewrite import set_op


def fold_classical_inputs(df: Dataflow) -> Dataflow:
    """Compute what the data alone determines, for every row at once.

    A node whose operands are all columns or constants (a neuron of a `fixed` layer fed by
    the inputs, say) becomes a new column of the training set, evaluated over the rows
    with numpy, or a constant where every row agrees. Lines that XOR a column with a
    weight stay: each row's column bit is that literal's polarity, which lowering applies
    as an X mask, so layer 1 needs no input qubits.
    Preserves: every example's correctness for every weight string; the weight order.
    Fixed point: after one application (it visits nodes in topological order).
    """
    g = editable(df)
    columns = df.data.columns
    known: dict[int, np.ndarray | int] = {}  # node -> its column (array) or constant
    extra: list[np.ndarray] = []
    width = columns.shape[1]
    for node in df.order():
        op, args = g.nodes[node]["op"], g.nodes[node]["args"]
        if isinstance(op, Column):
            known[node] = columns[:, op.index]
            continue
        if isinstance(op, CONSTANT_LEAVES):
            known[node] = op.value
            continue
        if (
            not args
            or not all(a in known for a in args)
            or isinstance(op, Xor | Not)
            and all(isinstance(known[a], int) for a in args)
        ):
            continue  # Xor/Not of constants alone are folded below, by fold_leaves
        values = [np.asarray(known[a], dtype=np.int64) for a in args]
        if isinstance(op, Not):
            value = 1 - values[0]
        elif isinstance(op, Xor):
            value = values[0] ^ values[1] ^ int(op.negated)
        elif isinstance(op, AtLeast):
            value = (np.sum(np.broadcast_arrays(*values), axis=0) >= op.threshold).astype(np.int64)
        else:
            continue  # the sink
        value = np.broadcast_to(value, (columns.shape[0],)).astype(np.uint8)
        if value.size and (value == value[0]).all():
            set_op(g, node, Const(int(value[0])))
            known[node] = int(value[0])
        elif value.size == 0:
            set_op(g, node, Const(0))
            known[node] = 0
        else:
            set_op(g, node, Column(width + len(extra)))
            extra.append(value)
            known[node] = value
    data = df.data.with_columns(np.stack(extra, axis=1)) if extra else df.data
    folded = rebuild(df, g, data)
    return rebuild(folded, fold_leaves(folded, ()), data)
