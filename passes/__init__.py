"""Optimisation passes over the dataflow graph, each a pure function Dataflow -> Dataflow.

- fold_classical_inputs: what the data alone determines computed for every row at once.
- fold_fixed_layers: constant weights of `fixed` layers folded into literals (no qubits).
- simplify_thresholds: constants folded into neurons; constant and trivial neurons removed.
- share_identical_neurons: one node per distinct computation (hash-consing).
- merge_identical_examples: rows the graph cannot tell apart become one, with a multiplicity.
- eliminate_dead_nodes: nodes no sink depends on are removed.

`run_passes` applies a pipeline until nothing changes, checking `verify` after every round.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from qbnnc.ir.dataflow import Dataflow, verify
from qbnnc.passes.eliminate_dead_nodes import eliminate_dead_nodes
from qbnnc.passes.fold_classical_inputs import fold_classical_inputs
from qbnnc.passes.fold_fixed_layers import fold_fixed_layers
from qbnnc.passes.merge_identical_examples import merge_identical_examples
from qbnnc.passes.share_identical_neurons import share_identical_neurons
from qbnnc.passes.simplify_thresholds import simplify_thresholds

Pass = Callable[[Dataflow], Dataflow]

DEFAULT_PIPELINE: tuple[Pass, ...] = (
    fold_classical_inputs,
    fold_fixed_layers,
    simplify_thresholds,
    share_identical_neurons,
    merge_identical_examples,
    eliminate_dead_nodes,
)

# A structural variant's graph (qbnnc.specialise): constants folded, no data left to fold.
VARIANT_PIPELINE: tuple[Pass, ...] = (
    fold_fixed_layers,
    simplify_thresholds,
    share_identical_neurons,
    eliminate_dead_nodes,
)

_MAX_ROUNDS = 8


def _shape(df: Dataflow) -> tuple[int, int, int, int]:
    return (
        df.graph.number_of_nodes(),
        df.graph.number_of_edges(),
        df.data.rows,
        df.data.columns.shape[1],
    )


def run_passes(df: Dataflow, pipeline: Sequence[Pass] = DEFAULT_PIPELINE) -> Dataflow:
    """Apply `pipeline` in rounds until a round changes nothing; verify after every round.

    The graph is copied once here; the passes then edit that private copy in place. Each
    pass keeps `verify`'s invariants on its own (tests/test_passes.py verifies every pass's
    output); checking once per round keeps the check off the hot path.
    """
    verify(df)
    df = Dataflow(df.graph.copy(), df.num_weights, df.num_examples, df.data, owned=True)
    for _ in range(_MAX_ROUNDS):
        before = _shape(df)
        for p in pipeline:
            df = p(df)
        verify(df)
        if _shape(df) == before:
            break
    return Dataflow(df.graph, df.num_weights, df.num_examples, df.data)


__all__ = [
    "DEFAULT_PIPELINE",
    "VARIANT_PIPELINE",
    "eliminate_dead_nodes",
    "fold_classical_inputs",
    "fold_fixed_layers",
    "merge_identical_examples",
    "run_passes",
    "share_identical_neurons",
    "simplify_thresholds",
]
