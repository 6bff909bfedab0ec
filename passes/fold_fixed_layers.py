from __future__ import annotations

from qbnnc.ir.dataflow import Dataflow, FixedBit, rebuild
from qbnnc.ir.fold import fold_leaves


def fold_fixed_layers(df: Dataflow) -> Dataflow:
    """Fold the constant weights of `fixed` layers into the XNOR/XOR gates that read them.

    Constant weights get no qubits: a line XNOR a known weight is the line or its negation.
    Preserves: every example's correctness for every weight string; the weight order.
    Fixed point: after one application.
    """
    return rebuild(df, fold_leaves(df, (FixedBit,)))
