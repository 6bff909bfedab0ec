"""Limits: what is too big is refused with its size and a way out, and nothing is written."""

from __future__ import annotations

from pathlib import Path

import pytest

import qbnnc
from qbnnc.cli import main

ROOT = Path(__file__).resolve().parent.parent
AND221 = (ROOT / "examples" / "paper" / "qbnn221_and.bnn").read_text()


def test_flat_output_of_a_huge_circuit_is_refused_but_structured_works(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    model = tmp_path / "m.bnn"
    model.write_text(AND221.replace("iterations 2", "iterations 1000000"))
    flat = tmp_path / "flat.qasm"
    assert main([str(model), "-o", str(flat), "--flat"]) == 1
    err = capsys.readouterr().err
    assert "the flat circuit would have" in err and "without --flat" in err and "stats" in err
    assert f"{model}:" in err and not flat.exists()
    as_json = tmp_path / "c.json"  # pytket has no loops: a pytket circuit is flat in size
    assert main([str(model), "-o", str(as_json)]) == 1
    err = capsys.readouterr().err
    assert "too many for a pytket circuit" in err and "stats" in err and not as_json.exists()
    structured = tmp_path / "s.qasm"
    assert main([str(model), "-o", str(structured)]) == 0
    assert "for uint _ in [0:999999]" in structured.read_text()


def test_iterations_auto_beyond_the_counting_limit_says_what_to_write() -> None:
    source = """\
network wide {
    input x[5]
    layer h[5] from x
    layer y[1] from h
}
data {
    00000 -> 0
}
train {
    iterations auto
}
"""
    with pytest.raises(qbnnc.CompileError) as info:
        qbnnc.compile(source, "wide.bnn")
    (d,) = info.value.diagnostics
    assert (d.path, d.line, d.column) == ("wide.bnn", 10, 5)
    assert "30 weights are too many to count (the limit is 24)" in d.message
    assert "write `iterations K` or `expect M`" in d.message
    # Given an explicit count, the same model compiles without counting.
    program = qbnnc.compile(source.replace("iterations auto", "iterations 3"), "wide.bnn")
    assert program.marked is None and program.success_probability is None


def test_a_model_too_large_to_compile_is_refused_with_its_size() -> None:
    source = AND221.replace("layer h[2] from x", "layer h[3000000] from x")
    with pytest.raises(qbnnc.CompileError) as info:
        qbnnc.compile(source, "big.bnn")
    (d,) = info.value.diagnostics
    assert "too large to compile" in d.message and "9000000 weighted lines" in d.message
