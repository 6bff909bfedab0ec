"""Each pass preserves every example's correctness for every weight string, and fires;
specialisation into structures and masks preserves it too."""

from __future__ import annotations

import random

import pytest

from qbnnc.ir.build_dataflow import build_dataflow
from qbnnc.ir.dataflow import (
    AtLeast,
    Column,
    Dataflow,
    FixedBit,
    Xor,
    evaluate,
    node_values,
    verify,
)
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
from qbnnc.pipeline.compiler import compile_model, load_model, specialised
from qbnnc.reference.evaluate import forward
from qbnnc.synthesis.specialise import Variant, specialise
from qbnnc.testing import random_source

MODELS = [load_model(random_source(random.Random(seed))) for seed in range(40)]


def _kinds(df: Dataflow, kind: type) -> int:
    return sum(1 for n in df.graph if isinstance(df.op(n), kind))


def _assert_same(before: Dataflow, after: Dataflow, num_weights: int) -> None:
    for w in range(2**num_weights):
        assert evaluate(before, w) == evaluate(after, w), w


@pytest.mark.parametrize("p", DEFAULT_PIPELINE, ids=lambda p: p.__name__)
def test_each_pass_alone_preserves_evaluation(p) -> None:
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


def _columns_read(df: Dataflow) -> int:
    return sum(1 for n in df.graph if isinstance(df.op(n), Column) and df.graph.out_degree(n))


def test_fold_classical_inputs_computes_data_only_nodes_as_columns() -> None:
    # The fixed first layer reads only the inputs: each of its neurons becomes one column.
    df = fold_fixed_layers(build_dataflow(load_model(FIXED)))
    out = eliminate_dead_nodes(fold_classical_inputs(df))
    assert _kinds(out, AtLeast) == 1  # only y is left to compute on qubits
    assert out.data.columns.shape[1] > df.data.columns.shape[1]
    assert _columns_read(out) == 2  # the hidden neurons' column (they are equal) and the label
    # A trainable first layer keeps its lines as column XOR weight (the X masks).
    and221 = run_passes(build_dataflow(load_model(AND221)))
    # 4 first-layer lines, 2 second-layer lines (h xor w), the match with the label.
    assert sum(1 for n in and221.graph if isinstance(and221.op(n), Xor)) == 4 + 2 + 1


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


def test_simplify_thresholds_folds_constants_into_neurons() -> None:
    model = load_model(
        FIXED.replace("fixed 1101", "fixed 1111").replace("threshold 1", "threshold 2")
    )
    df = fold_fixed_layers(build_dataflow(model))
    folded = eliminate_dead_nodes(fold_classical_inputs(df))
    simplified = eliminate_dead_nodes(simplify_thresholds(folded))
    verify(simplified)
    _assert_same(df, simplified, model.num_weights)
    # fixed 1111 with threshold 2 over two lines: h fires only on 11 -> a column, then
    # y = AtLeast(1) of (h0 xnor w0, h1 xnor w1) keeps its two lines.
    assert _kinds(simplified, AtLeast) == 1


def test_merge_identical_examples_merges_rows_into_multiplicities() -> None:
    df = run_passes(build_dataflow(load_model(AND221)), (fold_classical_inputs,))
    merged = merge_identical_examples(df)
    assert df.data.rows == 5 and merged.data.rows == 4
    assert sorted(merged.data.multiplicity.tolist()) == [1, 1, 1, 2]
    assert sorted(e for row in merged.data.examples for e in row) == list(range(5))
    _assert_same(df, merged, 6)


def test_share_identical_neurons_computes_each_value_once() -> None:
    twice = load_model(
        "network n {\n input x[2]\n layer h[2] from x threshold 1 fixed 1010\n"
        " layer y[1] from h\n}\ndata {\n 00 -> 0\n 01 -> 1\n}\n"
    )
    folded = run_passes(build_dataflow(twice), (fold_fixed_layers,))
    out = eliminate_dead_nodes(share_identical_neurons(folded))
    assert _kinds(out, AtLeast) < _kinds(eliminate_dead_nodes(folded), AtLeast)
    _assert_same(folded, out, twice.num_weights)


def test_eliminate_dead_nodes_leaves_only_what_the_sink_reads() -> None:
    df = fold_classical_inputs(fold_fixed_layers(build_dataflow(load_model(FIXED))))
    out = eliminate_dead_nodes(df)
    assert out.graph.number_of_nodes() < df.graph.number_of_nodes()
    live = set(out.cone(out.sink))
    assert all(n in live or out.graph.out_degree(n) == 0 for n in out.graph)


def _variant_correct(variant: Variant, i: int, weights: int, num_weights: int) -> int:
    """Row i of `variant`, classically: its masks applied to the weights, its sink
    arguments negated as the row says."""
    masked = weights
    for m in variant.masks:
        if variant.polarity[i, m.column] ^ m.negated:
            masked ^= 1 << m.weight
    values = node_values(variant.df, masked)
    sink = variant.df.sink
    negations = variant.sink_negations(i)
    return int(
        all(
            int(values[a][0]) ^ neg for a, neg in zip(variant.df.args(sink), negations, strict=True)
        )
    )


@pytest.mark.parametrize("optimize", [True, False])
def test_specialise_reproduces_every_row_by_masks_and_structures(optimize: bool) -> None:
    for model in MODELS[:25] + [load_model(FIXED), load_model(AND221)]:
        df = build_dataflow(model)
        if optimize:
            df = run_passes(df)
        variants = specialised(df, optimize)
        rows = sorted(r for v in variants for r in v.rows.tolist())
        assert rows == list(range(df.data.rows))
        for w in range(2**model.num_weights):
            want = evaluate(df, w)
            for v in variants:
                for i, row in enumerate(v.rows.tolist()):
                    got = _variant_correct(v, i, w, model.num_weights)
                    assert all(want[e] == got for e in df.data.examples[row]), (model.name, w)


def test_specialise_groups_rows_by_structure_only() -> None:
    # Trainable first layer: one structure for all rows, the inputs are masks.
    assert len(specialise(run_passes(build_dataflow(load_model(AND221))))) == 1
    # A fixed first layer's outputs change which lines y has: rows split by them.
    variants = specialise(run_passes(build_dataflow(load_model(FIXED))))
    assert 1 <= len(variants) <= 2 and sum(len(v.rows) for v in variants) == 2
