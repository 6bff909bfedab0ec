"""Spans on the IR: every dataflow node and circuit role keeps the place in the model it
came from, so an error found late (in the synthesis, a target, an output) points at the
line that caused it."""

from __future__ import annotations

from pathlib import Path

import pytest

import qbnnc
from qbnnc.ir.build_dataflow import build_dataflow
from qbnnc.ir.dataflow import AtLeast, WeightBit
from qbnnc.passes import run_passes

ROOT = Path(__file__).resolve().parent.parent
AND221 = ROOT / "examples" / "paper" / "qbnn221_and.bnn"
TEXT = AND221.read_text()
LINES = TEXT.split("\n")


def line_of(text: str) -> int:
    """The 1-based line of AND221 that starts with `text` (after its indentation)."""
    return next(i for i, line in enumerate(LINES, 1) if line.strip().startswith(text))


def test_dataflow_nodes_keep_their_layer_through_the_passes() -> None:
    model = qbnnc.load_model(TEXT, str(AND221))
    layer_line = {layer.name: line_of(f"layer {layer.name}[") for layer in model.layers}
    for df in (build_dataflow(model), run_passes(build_dataflow(model))):
        neurons = [n for n in df.graph if isinstance(df.op(n), AtLeast)]
        weights = [n for n in df.graph if isinstance(df.op(n), WeightBit)]
        assert neurons and weights
        for node in neurons + weights:
            span = df.span(node)
            assert span is not None and span.path == str(AND221)
            layer = df.label(node).split("[", 1)[0]
            assert span.line == layer_line[layer], df.label(node)
        assert df.span(df.sink).line == line_of("data {")


def test_spans_are_not_part_of_equality() -> None:
    """The same model written elsewhere in a file is the same model."""
    moved = qbnnc.load_model("\n\n" + TEXT, str(AND221))
    model = qbnnc.load_model(TEXT, str(AND221))
    assert moved.layers == model.layers and moved.spans != model.spans
    compiled = [qbnnc.compile_model(m).training for m in (moved, model)]
    assert compiled[0] == compiled[1]
    assert compiled[0].circuit.registers[0].span != compiled[1].circuit.registers[0].span


def test_each_register_comes_from_its_line() -> None:
    registers = {r.name: r for r in qbnnc.compile_file(AND221).circuit.registers}
    assert set(registers) == {"w", "table", "phase_register", "work"}
    want = {
        "w": line_of("network"),
        "table": line_of("layer h["),  # the first layer's neurons, tabulated
        "phase_register": line_of("oracle phase"),
        "work": line_of("network"),
    }
    assert {name: r.span.line for name, r in registers.items() if r.span} == want


def test_a_rotation_the_gate_set_cannot_express_points_at_the_oracle() -> None:
    source = TEXT.replace("precision 3 step pi/4", "precision 4 step pi/8")
    with pytest.raises(qbnnc.CompileError) as error:
        qbnnc.compile(source, str(AND221), target="clifford+t")
    (d,) = error.value.diagnostics
    assert (d.line, d.column) == (line_of("oracle phase"), 5)
    assert d.source_line == "    oracle phase precision 4 step pi/8"
    assert "cannot express this circuit exactly" in d.message


def test_a_flat_circuit_too_large_points_at_the_iterations() -> None:
    program = qbnnc.compile(TEXT.replace("iterations 2", "iterations 1000000"), str(AND221))
    with pytest.raises(qbnnc.CompileError, match="the flat circuit would have") as error:
        program.qasm3(flat=True)
    (d,) = error.value.diagnostics
    assert (d.path, d.line, d.source_line) == (
        str(AND221),
        line_of("iterations"),
        "    iterations 1000000",
    )


def test_a_device_without_feedforward_points_at_uncompute_measure() -> None:
    source = TEXT.replace("iterations 2", "iterations 2\n    uncompute measure")
    with pytest.raises(qbnnc.CompileError, match="no fast feed-forward") as error:
        qbnnc.compile(source, str(AND221), target="ibm-torino")
    (d,) = error.value.diagnostics
    assert (d.line, d.source_line) == (line_of("iterations") + 1, "    uncompute measure")
