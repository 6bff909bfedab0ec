from __future__ import annotations

from qbnnc.dataflow import Dataflow, InputBit, LabelBit, rebuild
from qbnnc.fold import fold_leaves


def fold_classical_inputs(df: Dataflow) -> Dataflow:
    """Fold input and label bits into the XNOR/XOR gates that read them.

    A line XNOR a known bit is the line itself or its negation, so layer 1 needs no input
    qubits and the output-equals-label test needs no label qubits: only literals remain.
    Preserves: every example's correctness for every weight string; the weight order.
    Fixed point: after one application.
    """
    return rebuild(df, fold_leaves(df, (InputBit, LabelBit)))
