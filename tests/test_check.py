"""The checker: defaults, resolution, and every error class of language.md.

Bad inputs live in `tests/bad/*.bnn`; each states the diagnostics it must produce, all of
them and in order, as comments: `# expect-error: LINE:COL: REGEX` (the regex must match
the whole message), or `# expect-error: FILE:LINE:COL: REGEX` for an error located in
another file (a CSV, relative to the model's folder).
"""

from __future__ import annotations

import math
import re
from fractions import Fraction
from pathlib import Path

import pytest

from qbnnc.diagnostics import CompileError, Diagnostic
from qbnnc.frontend.check import check
from qbnnc.frontend.model import Accept, Angle, Model, Oracle, Source
from qbnnc.frontend.parse import parse

TESTS = Path(__file__).resolve().parent
BAD = TESTS / "bad"
EXAMPLES = TESTS.parent / "examples"
EXPECT = re.compile(r"#\s*expect-error:\s*(?:(\S+?):)?(\d+):(\d+): (.*)$")


def compile_text(text: str, path: str | None = "m.bnn") -> Model:
    return check(parse(text, path), text, path)


def errors(text: str) -> list[Diagnostic]:
    with pytest.raises(CompileError) as info:
        compile_text(text)
    return info.value.diagnostics


def model(network: str, rows: str = "00 -> 1", train: str = "") -> Model:
    """A model from the body of each block (rows one per line)."""
    text = f"network n {{\n{network}\n}}\ndata {{\n{rows}\n}}\n"
    if train:
        text += f"train {{\n{train}\n}}\n"
    return compile_text(text)


SIMPLE = "input x[2]\nlayer y[1] from x"


# ---- bad files ----------------------------------------------------------------------------


def expectations(text: str) -> list[tuple[str | None, int, int, str]]:
    found = []
    for line in text.splitlines():
        match = EXPECT.search(line)
        if match:
            path, row, column, regex = match.groups()
            found.append((path, int(row), int(column), regex))
    return found


@pytest.mark.parametrize("name", sorted(p.name for p in BAD.glob("*.bnn")))
def test_bad_file(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(BAD)
    text = (BAD / name).read_text()
    wanted = expectations(text)
    assert wanted, f"{name} states no expected error"
    with pytest.raises(CompileError) as info:
        check(parse(text, name), text, name)
    got = info.value.diagnostics
    shown = "\n".join(d.render() for d in got)
    assert len(got) == len(wanted), shown
    for diagnostic, (path, line, column, regex) in zip(got, wanted, strict=True):
        assert (diagnostic.path, diagnostic.line, diagnostic.column) == (
            path or name,
            line,
            column,
        ), shown
        assert re.fullmatch(regex, diagnostic.message), diagnostic.message
        if line > 0 and path is None:
            assert diagnostic.source_line == text.splitlines()[line - 1]


# ---- a whole model ------------------------------------------------------------------------


def test_the_spec_example() -> None:
    text = (EXAMPLES / "paper" / "qbnn221_and.bnn").read_text()
    m = compile_text(text, "and.bnn")
    assert m.name == "and221"
    assert m.encoding == "xor"
    assert (m.input_name, m.input_width) == ("x", 2)
    assert [(layer.name, layer.width, layer.fan_in, layer.threshold) for layer in m.layers] == [
        ("h", 2, 2, 2),
        ("y", 1, 2, 2),
    ]
    assert m.layers[0].sources == (Source("x", 2),)
    assert [(e.inputs, e.label) for e in m.examples] == [
        ((0, 0), (0,)),
        ((0, 1), (0,)),
        ((1, 0), (0,)),
        ((1, 1), (1,)),
    ]
    assert m.oracle == Oracle("phase", 3, Angle.of_pi(Fraction(1, 4)))
    assert m.accept == Accept("all", 4, "all")
    assert (m.iterations, m.expect, m.uncompute) == (2, None, "unitary")
    assert m.weight_names == [
        "h[0].x[0]",
        "h[0].x[1]",
        "h[1].x[0]",
        "h[1].x[1]",
        "y[0].h[0]",
        "y[0].h[1]",
    ]
    assert (m.path, m.source) == ("and.bnn", text)
    assert sorted(m.spans) == ["accept", "data", "iterations", "network", "oracle", "train"]
    assert (m.spans["network"].line, m.spans["oracle"].line, m.spans["oracle"].column) == (
        5,
        20,
        5,
    )
    assert m.examples[3].span is not None and m.examples[3].span.line == 16


def test_defaults() -> None:
    m = model(SIMPLE)
    assert m.encoding == "xnor"
    assert m.oracle == Oracle("counter")
    assert m.accept == Accept("all", 1, "all")
    assert (m.iterations, m.expect, m.uncompute) == (None, None, "unitary")
    assert sorted(m.spans) == ["data", "network"]


@pytest.mark.parametrize(("fan_in", "threshold"), [(1, 1), (2, 2), (3, 2), (4, 3), (5, 3)])
def test_default_threshold_is_a_strict_majority(fan_in: int, threshold: int) -> None:
    m = model(f"input x[{fan_in}]\nlayer y[1] from x", "0" * fan_in + " -> 1")
    assert m.layers[0].threshold == threshold


def test_sources_in_order_fan_in_and_fixed_weights_neuron_major() -> None:
    m = model(
        "input x[2]\nlayer h[1] from x\nlayer y[2] from h, x fixed 011101\nlayer z[1] from y",
        "00 -> 1",
    )
    y = m.layers[1]
    assert [s.name for s in y.sources] == ["h", "x"]
    assert y.fan_in == 3 and y.line_names == ("h[0]", "x[0]", "x[1]")
    assert y.fixed == ((0, 1, 1), (1, 0, 1)) and not y.trainable
    assert m.weight_names == ["h[0].x[0]", "h[0].x[1]", "z[0].y[0]", "z[0].y[1]"]


def test_the_input_may_come_after_the_layers() -> None:
    m = model("layer y[1] from x\ninput x[2]")
    assert m.layers[0].sources == (Source("x", 2),)


def test_bit_order_and_repeated_rows() -> None:
    m = model("input x[3]\nlayer y[2] from x", "100 -> 10\n100 -> 10\n001 -> 01")
    assert [(e.inputs, e.label) for e in m.examples] == [
        ((1, 0, 0), (1, 0)),
        ((1, 0, 0), (1, 0)),
        ((0, 0, 1), (0, 1)),
    ]


@pytest.mark.parametrize(
    ("written", "min_correct", "kind"),
    [
        ("accept all", 10, "all"),
        ("accept correct >= 0", 0, "correct"),
        ("accept correct >= 10", 10, "correct"),
        ("accept accuracy >= 70%", 7, "accuracy"),  # 0.7 * 10 is 7.000000000000001 in floats
        ("accept accuracy >= 87.5%", 9, "accuracy"),
        ("accept accuracy >= 0%", 0, "accuracy"),
        ("accept accuracy >= 100%", 10, "accuracy"),
        ("accept accuracy >= 0.05%", 1, "accuracy"),
    ],
)
def test_accept(written: str, min_correct: int, kind: str) -> None:
    m = model(SIMPLE, "00 -> 1\n" * 10, written)
    assert (m.accept.kind, m.accept.min_correct) == (kind, min_correct)
    assert m.accept.written == written.removeprefix("accept ")


@pytest.mark.parametrize(
    ("written", "oracle"),
    [
        ("oracle phase", Oracle("phase", 4, Angle.of_pi(Fraction(1, 8)))),
        ("oracle phase precision 5", Oracle("phase", 5, Angle.of_pi(Fraction(1, 16)))),
        ("oracle phase precision 3 step pi/8", Oracle("phase", 3, Angle.of_pi(Fraction(1, 8)))),
        ("oracle phase step pi/9", Oracle("phase", 4, Angle.of_pi(Fraction(1, 9)))),
        ("oracle phase step pi/5", Oracle("phase", 4, Angle.of_pi(Fraction(1, 5)))),
        ("oracle phase step 3*pi/17", Oracle("phase", 4, Angle.of_pi(Fraction(3, 17)))),
        ("oracle phase step 0.39", Oracle("phase", 4, Angle.radians(0.39))),
        ("oracle counter", Oracle("counter")),
    ],
)
def test_oracle(written: str, oracle: Oracle) -> None:
    # 8 examples: the default precision holds 0..8, so it has 4 bits.
    assert model(SIMPLE, "00 -> 1\n" * 8, written).oracle == oracle


def test_oracle_phase_exactly_at_the_limit() -> None:
    assert model(SIMPLE, "00 -> 1\n" * 7, "oracle phase precision 3").oracle.precision == 3
    assert errors(
        "network n {\n"
        + SIMPLE
        + "\n}\ndata {\n"
        + "00 -> 1\n" * 8
        + "}\ntrain {\noracle phase precision 3\n}\n"
    )[0].message.startswith("precision 3 cannot count 8 examples")


def test_settings_and_their_spans() -> None:
    m = model(SIMPLE, "00 -> 1\n00 -> 0", "iterations 0\nexpect 4\nuncompute measure")
    assert (m.iterations, m.expect, m.uncompute) == (0, 4, "measure")
    assert sorted(m.spans) == ["data", "expect", "iterations", "network", "train", "uncompute"]
    assert m.spans["expect"].line == 11


def test_expect_beside_explicit_iterations_is_accepted_and_kept() -> None:
    m = model(SIMPLE, train="iterations 1\nexpect 2")
    assert (m.iterations, m.expect) == (1, 2)


def test_errors_come_together_across_blocks() -> None:
    text = (
        "network n {\n input x[2]\n layer y[1] from z\n}\n"
        "data {\n 000 -> 1\n}\ntrain {\n iterations -2\n}\n"
    )
    assert [(d.line, d.column) for d in errors(text)] == [(3, 18), (6, 2), (9, 13)]


def test_a_layer_error_does_not_hide_errors_of_layers_reading_it() -> None:
    text = (
        "network n {\n input x[2]\n layer h[2] from x threshold 9\n"
        " layer y[1] from h threshold 9\n}\ndata {\n 00 -> 1\n}\n"
    )
    assert [(d.line, d.column) for d in errors(text)] == [(3, 30), (4, 30)]


@pytest.mark.parametrize(
    ("name", "weights", "examples"),
    [
        ("paper/qbn31_task1.bnn", 3, 8),
        ("paper/qbn31_task2.bnn", 3, 8),
        ("paper/qbnn221_and.bnn", 6, 4),
        ("paper/qbnn321_task1.bnn", 8, 8),
        ("paper/qbnn321_task2.bnn", 8, 8),
        ("csv/parity3.bnn", 8, 8),
        ("xnor_fixed.bnn", 6, 8),
        ("two_outputs.bnn", 4, 4),
    ],
)
def test_examples_check(name: str, weights: int, examples: int) -> None:
    path = EXAMPLES / name
    m = compile_text(path.read_text(), str(path))
    assert (m.num_weights, m.num_examples) == (weights, examples)
    assert m.num_weights <= 12


@pytest.mark.parametrize("path", sorted(EXAMPLES.rglob("*.bnn")), ids=lambda p: p.name)
def test_every_example_checks_and_stays_small(path: Path) -> None:
    m = compile_text(path.read_text(), str(path))
    assert 1 <= m.num_weights <= 12


def test_model_errors_are_capped() -> None:
    found = errors("network n {\n" + SIMPLE + "\n}\ndata {\n" + "0 -> 1\n" * 30 + "}\n")
    assert len(found) == 21
    assert (found[-1].line, found[-1].message) == (0, "... and 10 more errors")


def test_expect_may_be_every_weight_string() -> None:
    assert model(SIMPLE, train="expect 4").expect == 4


def test_paper_examples_iterations_follow_the_formula() -> None:
    # M from brute force (see each file's comment); the formula of algorithm.md.
    marked = {"qbn31_task1": (1, 3), "qbn31_task2": (2, 3), "qbnn221_and": (7, 6)}
    marked |= {"qbnn321_task1": (4, 8)}
    for name, (m_good, weights) in marked.items():
        path = EXAMPLES / "paper" / f"{name}.bnn"
        m = compile_text(path.read_text(), str(path))
        theta = math.asin(math.sqrt(m_good / 2**weights))
        assert m.iterations == round(math.pi / (4 * theta) - 0.5), name


def test_csv_example_skips_its_header() -> None:
    path = EXAMPLES / "csv" / "parity3.bnn"
    m = compile_text(path.read_text(), str(path))
    assert m.examples[1].inputs == (0, 0, 1) and m.examples[1].label == (1,)
    assert m.examples[0].span is not None
    assert m.examples[0].span.path == str(EXAMPLES / "csv" / "parity3.csv")
    assert m.examples[0].span.line == 2
    assert m.accept == Accept("accuracy", 6, "accuracy >= 75%")
