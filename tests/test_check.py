"""The checker: defaults, resolution, and every error class of docs/language.md.

Bad inputs live in `tests/bad/*.bnn`; each states the diagnostics it must produce, all of
them and in order, as comments: `# expect-error: LINE:COL: REGEX` (the regex must match
the whole message), or `# expect-error: FILE:LINE:COL: REGEX` for an error located in
another file (a CSV, relative to the model's folder).
"""

from __future__ import annotations

import math
import re
import time
from fractions import Fraction
from pathlib import Path

import pytest

import qbnnc
from qbnnc.diagnostics import CompileError, Diagnostic
from qbnnc.frontend.check import MAX_ERRORS, MAX_ITERATIONS, check
from qbnnc.frontend.model import Accept, Angle, Model, Oracle, Source
from qbnnc.frontend.parse import parse
from qbnnc.frontend.source import MAX_SOURCE_BYTES
from qbnnc.pipeline.compiler import load_model
from qbnnc.synthesis.oracle import phase_readout

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
        load_model(text, name)  # syntax errors and the checker's together, as users see them
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
    assert m.spans.written() == ("network", "data", "train", "oracle", "accept", "iterations")
    assert m.spans.network and m.spans.oracle
    assert (m.spans.network.line, m.spans.oracle.line, m.spans.oracle.column) == (
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
    assert m.spans.written() == ("network", "data")


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
        ("oracle counter", Oracle("counter")),
    ],
)
def test_oracle(written: str, oracle: Oracle) -> None:
    # 8 examples: the default precision holds 0..8, so it has 4 bits.
    assert model(SIMPLE, "00 -> 1\n" * 8, written).oracle == oracle


@pytest.mark.parametrize(
    ("written", "fix"),
    [
        ("oracle phase step 0.39", "oracle phase step pi/4"),
        ("oracle phase precision 2 step 1.5", "oracle phase precision 3 step pi/4"),
        ("oracle phase precision 5 step 2", "oracle phase precision 5 step pi/16"),
    ],
)
def test_a_step_in_radians_is_refused_with_a_step_that_reads_every_count(
    written: str, fix: str
) -> None:
    """Phase estimation cannot read an irrational fraction of a turn exactly: the checker
    refuses the step (as compiling would), at the step, and the step it offers works."""
    text = "network n {\n" + SIMPLE + "\n}\ndata {\n" + "00 -> 1\n" * 5 + "}\ntrain {\n"
    [error] = errors(text + written + "\n}\n")
    assert (error.line, error.column) == (13, written.index("step ") + 6)
    assert error.message.startswith(f"step {written.split()[-1]} is in radians")
    assert error.message.endswith(f"write it with pi, e.g. `{fix}`")
    fixed = compile_text(text + fix + "\n}\n")
    assert phase_readout(fixed, None) == [5]  # reads every count 0..5 exactly; 5 is marked


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
    assert m.spans.written() == ("network", "data", "train", "iterations", "expect", "uncompute")
    assert m.spans.expect is not None and m.spans.expect.line == 11


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
    # 0: a trained network, every layer fixed; 21: iris.bnn, the realistic task `qbnnc train`
    # is measured on (one iteration: its circuit stays small).
    assert 0 <= m.num_weights <= 21 and (m.num_weights <= 12 or m.iterations == 1)


def test_model_errors_are_capped() -> None:
    found = errors("network n {\n" + SIMPLE + "\n}\ndata {\n" + "0 -> 1\n" * 30 + "}\n")
    assert len(found) == 21
    assert (found[-1].line, found[-1].message) == (0, "... and 10 more errors")


def test_expect_may_be_every_weight_string() -> None:
    assert model(SIMPLE, train="expect 4").expect == 4


def test_paper_examples_iterations_follow_the_formula() -> None:
    # M from brute force (see each file's comment); Grover's formula for the iterations.
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


# ---- syntax errors beside the checker's (issue 13) -----------------------------------------


def located(text: str, path: str = "m.bnn") -> list[tuple[int, int, str]]:
    with pytest.raises(CompileError) as info:
        load_model(text, path)
    return [(d.line, d.column, d.message) for d in info.value.diagnostics]


def test_a_bad_row_and_a_bad_setting_hide_no_other_error() -> None:
    text = (
        "network n {\n"
        "    input x[2]\n"
        "    layer h[2] from x threshold 3\n"
        "    layer y[1] from h, z\n"
        "}\n"
        "data {\n"
        "    00 -> 0\n"
        "    01 -> 2\n"
        "    0 1\n"
        "}\n"
        "train {\n"
        "    accept foo\n"
        "    iterations -1\n"
        "}\n"
    )
    found = located(text)
    assert [(line, column) for line, column, _ in found] == [
        (3, 33),
        (4, 24),
        (8, 11),
        (9, 7),
        (12, 12),
        (13, 16),
    ]
    messages = [message for _, _, message in found]
    assert messages[0].startswith("threshold 3 is outside 1..2")
    assert messages[1].startswith("unknown source 'z'")
    assert messages[2].startswith("the row's label '2' is not a bit string")
    assert messages[3].startswith("a data row is `INPUTS -> LABELS`")
    assert messages[4].startswith("unknown acceptance 'foo'")
    assert messages[5].startswith("iterations -1: the number of Grover iterations")


def test_an_unreadable_line_does_not_cascade() -> None:
    # The broken line may declare 'h' and be the input: no "unknown source 'h'", no
    # "no input", no row widths checked against an unknown input; the broken row leaves
    # the number of examples unknown, so `accept correct >= 9` is not judged either.
    text = (
        "network n {\n"
        "    input x[2] @\n"
        "    layr h[2] from x\n"
        "    layer y[1] from h threshold 9\n"
        "}\n"
        "data {\n"
        "    000 -> 1\n"
        "    01 1\n"
        "}\n"
        "train {\n"
        "    accept correct >= 9\n"
        "    expect 0\n"
        "}\n"
    )
    assert [(line, column) for line, column, _ in located(text)] == [
        (2, 16),
        (3, 5),
        (8, 8),
        (12, 12),
    ]


def test_a_broken_last_layer_leaves_the_label_width_unknown() -> None:
    text = (
        "network n {\n input x[2]\n layer y[1] from x\n layer z[2 from y\n}\ndata {\n 00 -> 11\n}\n"
    )
    assert [(line, column) for line, column, _ in located(text)] == [(4, 12)]


def test_the_independent_errors_of_a_broken_block_are_still_reported() -> None:
    text = "network n {\n input x[2]\n layer h[2] from x fixed 01\n layer y[1] from h, q\n"
    text += " encoding xnr\n}\ndata {\n 00 -> 1\n}\n"
    found = located(text)
    assert [(line, column) for line, column, _ in found] == [(3, 26), (4, 21), (5, 11)]
    assert found[1][2].startswith("unknown source 'q'")


def test_a_stray_line_outside_blocks_does_not_claim_a_block_is_missing() -> None:
    text = "layer h[2] from x\ndata {\n 00 -> 1\n}\n"
    assert [m for _, _, m in located(text)] == ["`layer` goes inside a `network { ... }` block"]


def test_errors_after_the_cap_are_counted_after_the_errors() -> None:
    rows = "".join(f"    {i % 2}{i % 2} -> 11\n" for i in range(30))
    with pytest.raises(CompileError) as info:
        load_model(f"network n {{\n    input x[2]\n    layer y[1] from x\n}}\ndata {{\n{rows}}}\n")
    found = info.value.diagnostics
    assert len(found) == MAX_ERRORS + 1
    assert [d.line for d in found[:-1]] == sorted(d.line for d in found[:-1])
    assert (found[-1].line, found[-1].message) == (0, "... and 10 more errors")
    assert info.value.render().splitlines()[-1] == "qbnnc: error: ... and 10 more errors"


def test_notes_come_after_the_errors_of_the_model_and_of_its_data(tmp_path: Path) -> None:
    (tmp_path / "d.csv").write_text("0,1,1\n" + "0,1\n" * 25)
    layers = "".join(f"    layer h{i}[1] from q{i}\n" for i in range(25))
    model = tmp_path / "m.bnn"
    model.write_text(f'network n {{\n    input x[2]\n{layers}}}\ndata from "d.csv"\n')
    with pytest.raises(CompileError) as info:
        load_model(model.read_text(), str(model))
    lines = info.value.render().splitlines()
    assert lines[-2] == f"{model}: error: ... and 5 more errors"
    assert lines[-1] == f"{tmp_path / 'd.csv'}: error: ... and 5 more errors in this file"
    assert not any(line.startswith(f"{model}: error: ...") for line in lines[:-2])


def test_a_diagnostic_without_a_place_names_the_file_or_qbnnc() -> None:
    assert Diagnostic(None, 0, 0, "oops").render() == "qbnnc: error: oops"
    assert Diagnostic("m.bnn", 0, 0, "oops").render() == "m.bnn: error: oops"
    assert Diagnostic("a\nb.bnn", 0, 0, "oops").render() == "a\\nb.bnn: error: oops"
    # Unreachable `accept all`, with no `accept` written: the file, not `<input>`.
    text = (EXAMPLES / "paper" / "qbn31_task2.bnn").read_text()
    text = re.sub(r"\n\s*accept correct >= 6", "", text)
    with pytest.raises(CompileError) as info:
        qbnnc.compile(text, "t.bnn")
    assert info.value.render().startswith("t.bnn: error: no weight string meets `accept all`")


# ---- sizes ----------------------------------------------------------------------------------


def chain(layers: int) -> str:
    body = "".join(f"    layer l{i}[2] from l{i - 1}\n" for i in range(1, layers))
    return (
        f"network deep {{\n    input x[2]\n    layer l0[2] from x\n{body}}}\n"
        "data {\n    00 -> 10\n}\ntrain {\n    iterations 1\n}\n"
    )


def test_ten_thousand_layers_check_in_linear_time() -> None:
    start = time.perf_counter()
    m = load_model(chain(10_000), "deep.bnn")
    assert len(m.layers) == 10_000 and m.num_weights == 40_000
    assert time.perf_counter() - start < 60  # a few seconds, growing linearly
    # The look-up that replaced the quadratic scan still tells "declared later" apart.
    late = chain(10_000).replace("layer l5[2] from l4", "layer l5[2] from l9000")
    (only,) = located(late, "deep.bnn")
    assert only[:2] == (8, 22) and "declared later (line 9003)" in only[2]


def test_expect_beyond_the_iteration_limit_is_located() -> None:
    # 32 x 32 + 32 = 1,056 weights: 2^1056 does not fit a float (an OverflowError before).
    text = (
        "network n {\n    input x[32]\n    layer h[32] from x\n    layer y[1] from h\n}\n"
        f"data {{\n    {'0' * 32} -> 1\n}}\ntrain {{\n    expect 1\n}}\n"
    )
    ((line, column, message),) = located(text)
    assert (line, column) == (10, 12)
    assert message == (
        "expect 1 with 1056 weights means about 2^528 Grover iterations "
        "(pi/4 x sqrt(2^1056 / 1)), above the limit of 10^30: train fewer weights, or write "
        "`iterations K` to choose the count yourself"
    )
    assert MAX_ITERATIONS == 10**30 - 1

    # The limit: pi/4 sqrt(2^200) = 9.96e29 iterations is allowed, one weight more is not.
    def single(weights: int) -> str:
        return (
            f"network n {{\n    input x[{weights}]\n    layer y[1] from x\n}}\n"
            f"data {{\n    {'0' * weights} -> 1\n}}\ntrain {{\n    expect 1\n}}\n"
        )

    assert load_model(single(200)).expect == 1
    ((line, column, message),) = located(single(201))
    assert message.startswith("expect 1 with 201 weights means about 2^100 Grover iterations")


# ---- the library's arguments ----------------------------------------------------------------


AND221 = (EXAMPLES / "paper" / "qbnn221_and.bnn").read_text()


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (None, r"source must be str \(the \.bnn text\), got NoneType; to compile a file .*"),
        (b"network", r"source must be str \(the \.bnn text\), got bytes; decode it .*compile_file"),
        (7, r"source must be str \(the \.bnn text\), got int; .*"),
    ],
)
def test_compile_refuses_what_is_not_text(source: object, message: str) -> None:
    for call in (qbnnc.compile, load_model):
        with pytest.raises(TypeError, match=message):
            call(source)  # type: ignore[arg-type]


def test_compile_options_are_checked_before_compiling() -> None:
    with pytest.raises(
        ValueError, match=r"optimize_for must be one of 'qubits', 'gates', got 'speed'"
    ):
        qbnnc.compile(AND221, optimize_for="speed")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"target must be a str such as 'generic', got int"):
        qbnnc.compile(AND221, target=5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"target must be a str .* got list"):
        qbnnc.compile_file(EXAMPLES / "paper" / "qbnn221_and.bnn", target=["generic"])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"optimize must be True or False, got str"):
        qbnnc.compile(AND221, optimize="no")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"path must be a str, an os.PathLike or None"):
        qbnnc.compile(AND221, path=3)  # type: ignore[arg-type]
    model = qbnnc.load_model(AND221)
    with pytest.raises(CompileError, match=r"qbnnc: error: unknown target 'nope'"):
        qbnnc.compile_model(model, target="nope")
    with pytest.raises(TypeError, match=r"data_root must be a str, an os.PathLike or None"):
        qbnnc.compile(AND221, data_root=1)  # type: ignore[arg-type]
    with pytest.raises(CompileError, match=r"the data root '/no/such/dir' is not a folder"):
        qbnnc.compile(AND221, data_root="/no/such/dir")


def test_a_model_above_the_size_limit_is_refused_with_its_size() -> None:
    text = AND221 + "#" * MAX_SOURCE_BYTES
    with pytest.raises(CompileError) as info:
        qbnnc.compile(text, "big.bnn")
    (d,) = info.value.diagnostics
    assert d.render() == (
        f"big.bnn: error: the model is {len(text)} characters, above the limit of "
        f"{MAX_SOURCE_BYTES} bytes (4 MiB): move its training data to a CSV file and read it "
        'with `data from "FILE.csv"`'
    )


def test_the_output_header_cannot_be_escaped_by_the_model_path() -> None:
    import openqasm3
    from openqasm3 import ast

    path = 'evil\ninclude "evil.inc";\n\rOPENQASM 2.0;\u2028.bnn'
    text = qbnnc.compile(AND221, path).qasm3()
    comments = [line for line in text.split("\n") if "evil" in line]
    assert comments == [
        '// model: and221 (evil\\ninclude "evil.inc";\\n\\rOPENQASM 2.0;\\u2028.bnn)'
    ]
    program = openqasm3.parse(text)
    includes = [s.filename for s in program.statements if isinstance(s, ast.Include)]
    assert includes == ["stdgates.inc"]
    start = text.index("\n", text.index('include "stdgates.inc";')) + 1
    lines = text[start:].split("\n")
    first_code = next(i for i, line in enumerate(lines) if line and not line.startswith("//"))
    assert all(line.startswith("//") for line in lines[:first_code])
    assert "\u2028" not in text and "\r" not in text


def test_a_negative_accept_count_is_wrong_even_when_the_data_is_unreadable() -> None:
    # Found by tests/test_frontend_fuzz.py: the count was judged only once the number of
    # examples was known, so a broken row hid it.
    text = "network n {\n input x[2]\n layer y[1] from x\n}\ndata {\n 0 0 -> 1\n}\n"
    text += "train {\n accept correct >= -1\n}\n"
    assert [(line, column) for line, column, _ in located(text)] == [(6, 4), (9, 20)]
