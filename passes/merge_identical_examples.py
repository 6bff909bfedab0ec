from __future__ import annotations

from qbnnc.dataflow import Correct, Dataflow, editable, rebuild


def merge_identical_examples(df: Dataflow) -> Dataflow:
    """Merge sinks that test the same thing into one sink with a multiplicity.

    After sharing, repeated examples (same input, same label) read identical match bits;
    one forward pass then counts for all of them (the counter adds the multiplicity, the
    phase oracle multiplies its angle).
    Preserves: every example's correctness for every weight string; the weight order.
    Fixed point: after one application.
    """
    g = editable(df)
    first: dict[tuple[int, ...], int] = {}
    for sink in df.sinks:
        args = tuple(sorted(g.nodes[sink]["args"]))
        if args in first:
            keep = first[args]
            merged = g.nodes[keep]["op"].examples + g.nodes[sink]["op"].examples
            g.nodes[keep]["op"] = Correct(tuple(sorted(merged)))
            g.remove_node(sink)
        else:
            first[args] = sink
    return rebuild(df, g)
