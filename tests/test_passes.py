"""Each pass preserves every example's correctness for every weight string, and fires."""

from __future__ import annotations

import random

import pytest

from qbnnc.build_dataflow import build_dataflow
from qbnnc.compiler import compile_model, load_model
from qbnnc.dataflow import AtLeast, Dataflow, FixedBit, InputBit, LabelBit, evaluate, verify
from qbnnc.passes import (
    DEFAULT_PIPELINE,
    eliminate_dead_nodes,
    fold_classical_inputs,
    fold_fixed_layers,
    merge_identical_examples,
    run_passes,
    share_identical_neurons,
    simplify_thresholds,
)
from qbnnc.semantics import forward
from qbnnc.testing import random_source

MODELS = [load_model(random_source(random.Random(seed))) for seed in range(40)]


def _kinds(df: Dataflow, kind: type) -> int:
    return sum(1 for n in df.graph if isinstance(df.op(n), kind))


def _assert_same(before: Dataflow, after: Dataflow, num_weights: int) -> None:
    for w in range(2**num_weights):
        assert evaluate(before, w) == evaluate(after, w), w


@pytest.mark.parametrize("p", DEFAULT_PIPELINE, ids=lambda p: p.__name__)
def test_each_pass_alone_preserves_evaluation(p) -> None:  # noqa: ANN001
    for model in MODELS:
        df = build_dataflow(model)
        out = p(df)
        verify(out)
        _assert_same(df, out, model.num_weights)


def test_pipeline_preserves_evaluation_and_matches_the_reference() -> None:
    for model in MODELS:
        df = build_dataflow(model)
        out = run_passes(df)
        for w in range(2**model.num_weights):
            got = evaluate(out, w)
            assert got == evaluate(df, w)
            want = {
                i: int(forward(model, w, e.inputs) == e.label) for i, e in enumerate(model.examples)
            }
            assert got == want


AND221 = """\
network and221 {
    encoding xor
    input x[2]
    layer h[2] from x threshold 2
    layer y[1] from h threshold 2
}
data {
    00 -> 0
    01 -> 0
    10 -> 0
    11 -> 1
    11 -> 1
}
"""

FIXED = """\
network f {
    input x[2]
    layer h[2] from x threshold 1 fixed 1101
    layer y[1] from h
}
data {
    00 -> 0
    01 -> 1
}
"""


def test_fold_classical_inputs_removes_input_and_label_bits() -> None:
    df = build_dataflow(load_model(AND221))
    assert _kinds(df, InputBit) and _kinds(df, LabelBit)
    out = eliminate_dead_nodes(fold_classical_inputs(df))
    assert _kinds(out, InputBit) == _kinds(out, LabelBit) == 0


def test_fold_fixed_layers_removes_constant_weights_and_their_qubits() -> None:
    model = load_model(FIXED)
    df = build_dataflow(model)
    assert _kinds(df, FixedBit)
    out = eliminate_dead_nodes(fold_fixed_layers(fold_classical_inputs(df)))
    assert _kinds(out, FixedBit) == 0
    assert (
        compile_model(model).circuit.num_qubits
        < compile_model(model, optimize=False).circuit.num_qubits
    )


def test_simplify_thresholds_turns_known_neurons_into_constants() -> None:
    # A fixed first layer reads only classical inputs: its neurons are constants per example.
    df = build_dataflow(load_model(FIXED))
    folded = fold_fixed_layers(fold_classical_inputs(df))
    out = eliminate_dead_nodes(simplify_thresholds(folded))
    assert _kinds(out, AtLeast) < _kinds(eliminate_dead_nodes(folded), AtLeast)
    assert _kinds(out, AtLeast) == 2  # only y, once per example


def test_share_and_merge_fold_repeated_examples_into_one_pass() -> None:
    model = load_model(AND221)
    df = fold_classical_inputs(build_dataflow(model))
    shared = share_identical_neurons(df)
    assert _kinds(eliminate_dead_nodes(shared), AtLeast) < _kinds(eliminate_dead_nodes(df), AtLeast)
    merged = merge_identical_examples(shared)
    assert len(merged.sinks) == 4 and len(df.sinks) == 5
    assert sorted(merged.op(s).multiplicity for s in merged.sinks) == [1, 1, 1, 2]


def test_eliminate_dead_nodes_leaves_only_what_sinks_read() -> None:
    df = fold_classical_inputs(build_dataflow(load_model(AND221)))
    out = eliminate_dead_nodes(df)
    assert out.graph.number_of_nodes() < df.graph.number_of_nodes()
    live = set()
    for s in out.sinks:
        live |= set(out.cone(s))
    assert all(n in live or out.graph.out_degree(n) == 0 for n in out.graph)
