from __future__ import annotations

import numpy as np

from qbnnc.ir.dataflow import Column, Dataflow, rebuild


def merge_identical_examples(df: Dataflow) -> Dataflow:
    """Merge rows that agree on every column the graph reads into one row.

    Such rows run the very same forward pass, so one pass counts for all of them (the
    counter adds the row's multiplicity, the phase oracle multiplies its angle). Rows keep
    the order of their first example; a merged row stands for all its examples.
    Preserves: every example's correctness for every weight string; the weight order.
    Fixed point: after one application.
    """
    used = sorted({op.index for _, op in df.graph.nodes(data="op") if isinstance(op, Column)})
    data = df.data
    if data.rows < 2:
        return df
    keys = np.ascontiguousarray(data.columns[:, used])
    _, first, inverse = np.unique(
        keys.view(np.dtype((np.void, keys.dtype.itemsize * max(1, keys.shape[1]))))
        if used
        else np.zeros(data.rows, dtype=np.uint8),
        return_index=True,
        return_inverse=True,
    )
    if len(first) == data.rows:
        return df
    inverse = inverse.reshape(-1)
    order = np.argsort(first, kind="stable")  # groups in the order of their first row
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    groups: list[list[int]] = [[] for _ in order]
    for row, group in enumerate(rank[inverse]):
        groups[group].extend(data.examples[row])
    merged = tuple(tuple(sorted(g)) for g in groups)
    return rebuild(df, df.graph, data.select(first[order], merged))
