from __future__ import annotations

import networkx as nx

from qbnnc.ir.dataflow import Dataflow, WeightBit, editable, rebuild


def eliminate_dead_nodes(df: Dataflow) -> Dataflow:
    """Remove nodes the sink does not depend on (folded lines, neurons that became constants).

    Weight leaves are kept even when unread, because they are qubits of the register.
    Preserves: every example's correctness for every weight string; the weight order.
    Fixed point: after one application.
    """
    sink = df.sink
    live = nx.ancestors(df.graph, sink) | {sink}
    g = editable(df)
    g.remove_nodes_from(
        [n for n in df.graph if n not in live and not isinstance(df.op(n), WeightBit)]
    )
    return rebuild(df, g)
