"""The parser: every construct of docs/language.md, and friendly, located syntax errors."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from qbnnc.diagnostics import CompileError, Diagnostic
from qbnnc.frontend import syntax as s
from qbnnc.frontend.parse import MAX_ERRORS, parse, parse_recovering

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

AND_221 = """\
# QBNN 2-2-1 from arXiv:1810.12948
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
}

train {
    oracle phase precision 3 step pi/4
    accept all
    iterations 2
}
"""


def bits(text: str) -> s.Bits:
    return s.Bits(text)


def row(inputs: str, label: str) -> s.DataRow:
    return s.DataRow(bits(inputs), bits(label))


def errors(text: str) -> list[Diagnostic]:
    with pytest.raises(CompileError) as info:
        parse(text, "m.bnn")
    return info.value.diagnostics


def only_error(text: str) -> Diagnostic:
    found = errors(text)
    assert len(found) == 1, [d.render() for d in found]
    return found[0]


def network(*lines: str) -> str:
    return "network n {\n" + "".join(f"    {line}\n" for line in lines) + "}\n"


# ---- constructs ---------------------------------------------------------------------------


def test_the_spec_example_parses_to_the_expected_tree() -> None:
    expected = s.File(
        (
            s.Network(
                s.Name("and221"),
                (
                    s.EncodingDecl("xor"),
                    s.InputDecl(s.Name("x"), s.Int(2)),
                    s.LayerDecl(s.Name("h"), s.Int(2), (s.Name("x"),), s.Int(2)),
                    s.LayerDecl(s.Name("y"), s.Int(1), (s.Name("h"),), s.Int(2)),
                ),
            ),
            s.DataBlock((row("00", "0"), row("01", "0"), row("10", "0"), row("11", "1"))),
            s.Train(
                (
                    s.OraclePhase(s.Int(3), s.PiAngle(None, s.Int(4))),
                    s.AcceptAll(),
                    s.Iterations(s.Int(2)),
                )
            ),
        )
    )
    assert parse(AND_221) == expected


def test_spans_are_one_based_and_point_at_the_token() -> None:
    file = parse(AND_221, "and.bnn")
    net = file.blocks[0]
    assert isinstance(net, s.Network)
    assert (net.span.path, net.span.line, net.span.column) == ("and.bnn", 2, 1)
    layer = net.statements[2]
    assert isinstance(layer, s.LayerDecl)
    assert (layer.span.line, layer.span.column) == (5, 5)
    assert (layer.name.span.line, layer.name.span.column) == (5, 11)
    assert (layer.span.end_line, layer.span.end_column) == (5, 34)  # not the newline
    assert (net.span.end_line, net.span.end_column) == (7, 2)
    assert (layer.sources[0].span.line, layer.sources[0].span.column) == (5, 21)
    assert layer.threshold is not None and layer.threshold.span.column == 33
    data = file.blocks[1]
    assert isinstance(data, s.DataBlock)
    assert (data.rows[3].label.span.line, data.rows[3].label.span.column) == (13, 11)


def test_ten_is_an_integer_after_threshold_and_bits_in_a_row() -> None:
    text = network("input x[10]", "layer y[1] from x threshold 10 fixed 0000000010")
    text += "data {\n    0000000010 -> 1\n}\n"
    net, data = parse(text).blocks
    assert isinstance(net, s.Network) and isinstance(data, s.DataBlock)
    assert net.statements[0] == s.InputDecl(s.Name("x"), s.Int(10))
    assert net.statements[1] == s.LayerDecl(
        s.Name("y"), s.Int(1), (s.Name("x"),), s.Int(10), bits("0000000010")
    )
    assert data.rows[0] == row("0000000010", "1")
    assert data.rows[0].inputs.values == (0, 0, 0, 0, 0, 0, 0, 0, 1, 0)


def test_layer_with_several_sources_in_order_and_fixed_weights() -> None:
    text = network("input x[2]", "layer h[1] from x", "layer y[2] from h, x fixed 011101")
    net = parse(text).blocks[0]
    assert isinstance(net, s.Network)
    assert net.statements[2] == s.LayerDecl(
        s.Name("y"), s.Int(2), (s.Name("h"), s.Name("x")), None, bits("011101")
    )


def test_comments_blank_lines_indentation_crlf_and_no_final_newline() -> None:
    text = (
        "# heading\r\n\r\n  network n {   # trailing comment\r\n"
        "input x[2]\r\n\t\r\n      layer y[1] from x\r\n#\r\n}\r\n"
        "data {\r\n00 -> 1 # one row\r\n}\r\n# the end"
    )
    plain = network("input x[2]", "layer y[1] from x") + "data {\n00 -> 1\n}"
    assert parse(text) == parse(plain)


def test_byte_order_mark_and_empty_file() -> None:
    assert parse("\ufeffdata {\n00 -> 1\n}\n") == s.File((s.DataBlock((row("00", "1"),)),))
    assert parse("") == s.File(())
    assert parse("\n# only a comment") == s.File(())


def test_names_may_start_with_a_keyword() -> None:
    text = network("input inputs[1]", "layer layer_1[1] from inputs", "layer pi2[1] from layer_1")
    net = parse(text).blocks[0]
    assert isinstance(net, s.Network)
    assert [st.name.text for st in net.statements if not isinstance(st, s.EncodingDecl)] == [
        "inputs",
        "layer_1",
        "pi2",
    ]


def test_blocks_in_any_order_and_data_from() -> None:
    text = 'train {\n}\ndata from "sets/a#b.csv"  # comment\n' + network("input x[1]")
    train, data, net = parse(text).blocks
    assert train == s.Train(())
    assert data == s.DataFrom("sets/a#b.csv")
    assert isinstance(net, s.Network)


@pytest.mark.parametrize(
    ("written", "angle"),
    [
        ("pi", s.PiAngle()),
        ("pi/8", s.PiAngle(None, s.Int(8))),
        ("3*pi", s.PiAngle(s.Int(3))),
        ("3*pi/4", s.PiAngle(s.Int(3), s.Int(4))),
        ("3 * pi / 4", s.PiAngle(s.Int(3), s.Int(4))),
        ("0.39", s.RadianAngle(s.Number("0.39"))),
        ("2", s.RadianAngle(s.Number("2"))),
    ],
)
def test_angles(written: str, angle: s.AngleExpr) -> None:
    train = parse(f"train {{\n oracle phase step {written}\n}}\n").blocks[0]
    assert train == s.Train((s.OraclePhase(None, angle),))


@pytest.mark.parametrize(
    ("written", "setting"),
    [
        ("oracle counter", s.OracleCounter()),
        ("oracle phase", s.OraclePhase()),
        ("oracle phase precision 4", s.OraclePhase(s.Int(4))),
        ("oracle phase precision 3 step pi/8", s.OraclePhase(s.Int(3), s.PiAngle(None, s.Int(8)))),
        ("accept all", s.AcceptAll()),
        ("accept correct >= 6", s.AcceptCorrect(s.Int(6))),
        ("accept accuracy >= 87.5%", s.AcceptAccuracy(s.Number("87.5"))),
        ("accept accuracy >= 90 %", s.AcceptAccuracy(s.Number("90"))),
        ("iterations 3", s.Iterations(s.Int(3))),
        ("iterations auto", s.Iterations(None)),
        ("iterations -1", s.Iterations(s.Int(-1))),
        ("expect 2", s.Expect(s.Int(2))),
        ("uncompute unitary", s.Uncompute("unitary")),
        ("uncompute measure", s.Uncompute("measure")),
    ],
)
def test_train_settings(written: str, setting: s.Setting) -> None:
    assert parse(f"train {{\n    {written}\n}}\n").blocks[0] == s.Train((setting,))


@pytest.mark.parametrize("path", sorted(EXAMPLES.rglob("*.bnn")), ids=lambda p: p.name)
def test_every_example_parses(path: Path) -> None:
    file = parse(path.read_text(), str(path))
    assert any(isinstance(b, s.Network) for b in file.blocks)


# ---- syntax errors ------------------------------------------------------------------------

SYNTAX_ERRORS = [
    # (text, line, column, regex on the message)
    ("netwrk n {\n}\n", 1, 1, r"unknown block 'netwrk': did you mean 'network'\?"),
    (network("layr h[2] from x"), 2, 5, r"unknown statement 'layr': did you mean 'layer'\?"),
    (network("layer h from x"), 2, 13, r"a layer needs a size: write `layer h\[2\] from x`"),
    (network("input x"), 2, 12, r"an input needs a size: write `input x\[3\]`"),
    (network("layer h[2] x"), 2, 16, r"a layer names its sources with 'from': .*"),
    (network("layer h[2] from"), 2, 20, r"expected a source name after 'from' .*"),
    (network("layer h[2] from x,"), 2, 23, r"expected another source name after ','.*"),
    (network("layer h[2] from x y"), 2, 23, r"unexpected 'y' after the sources: .*"),
    (
        network("layer h[2] from x threshhold 2"),
        2,
        23,
        r"unexpected 'threshhold' after the sources: did you mean 'threshold'\?",
    ),
    (
        network("layer h[2] from x threshold 2 fixd 0110"),
        2,
        35,
        r"unexpected 'fixd' after the threshold: did you mean 'fixed'\?",
    ),
    (network("layer h[2] from x threshold 2 3"), 2, 35, r"unexpected '3' after the threshold: .*"),
    (network("layer h[2 from x"), 2, 15, r"expected '\]' after the size, got 'from'"),
    (network("layer h[2] from x threshold"), 2, 32, r"expected a number after 'threshold'.*"),
    (network("layer h[2] from x fixed"), 2, 28, r"expected the fixed weights as a bit string .*"),
    (network("layer h[2] from x fixed 012"), 2, 29, r"the fixed weight string '012' is not a .*"),
    (network("encoding xnr"), 2, 14, r"unknown encoding 'xnr': did you mean 'xnor'\?"),
    (network("layer input[2] from x"), 2, 11, r"'input' is a keyword and cannot be a name: .*"),
    ("network pi {\n}\n", 1, 9, r"'pi' is a keyword and cannot be a name: rename it, e.g. 'pi_1'"),
    ("network {\n}\n", 1, 9, r"a network needs a name: write `network my_net \{`, got '\{'"),
    ("network n\n}\n", 1, 10, r"expected '\{' at the end of the line, got the end of the line.*"),
    ("network n { input x[2]\n}\n", 1, 13, r"unexpected 'input' after '\{': .*next line"),
    (network("input x[2] }"), 2, 16, r"a closing brace goes on a line of its own"),
    ("network n {\n} data {\n", 2, 3, r"unexpected 'data' after '\}': .*new line"),
    ("data {\n00 ->\n}\n", 2, 6, r"expected a bit string such as 0110 after '->'.*"),
    ("data {\n00 1\n}\n", 2, 4, r"a data row is `INPUTS -> LABELS`, .*expected '->', got '1'"),
    ("data {\n02 -> 1\n}\n", 2, 1, r"the row's input '02' is not a bit string: write only 0 and 1"),
    ("data {\n01 -> 2\n}\n", 2, 7, r"the row's label '2' is not a bit string: .*"),
    ("data {\nx -> 1\n}\n", 2, 1, r"expected a data row such as `0110 -> 1` or '\}' .*"),
    ("data\n", 1, 5, r"expected '\{' or `from \"FILE.csv\"` after 'data'"),
    ("data from x.csv\n", 1, 11, r"expected the file name in double quotes, .*"),
    ('data from "x.csv\n', 1, 11, r"the quoted file name is not closed: .*"),
    ('data from ""\n', 1, 11, r"the file name is empty: .*"),
    (
        "train {\niteration 3\n}\n",
        2,
        1,
        r"unknown setting 'iteration': did you mean 'iterations'\?",
    ),
    ("train {\noracle\n}\n", 2, 7, r"unknown oracle the end of the line: write `oracle counter`.*"),
    ("train {\noracle phse\n}\n", 2, 8, r"unknown oracle 'phse': did you mean 'phase'\?"),
    ("train {\noracle phase foo\n}\n", 2, 14, r"unexpected 'foo': after `oracle phase` .*"),
    ("train {\noracle phase step\n}\n", 2, 18, r"expected an angle after 'step', .*"),
    ("train {\noracle phase step pi/\n}\n", 2, 22, r"expected a positive whole number .*"),
    ("train {\naccept alll\n}\n", 2, 8, r"unknown acceptance 'alll': did you mean 'all'\?"),
    ("train {\naccept correct 6\n}\n", 2, 16, r"expected '>=' after 'correct', .*"),
    ("train {\naccept correct > 6\n}\n", 2, 16, r"unexpected '>': write '>='.*"),
    ("train {\naccept accuracy >= 90\n}\n", 2, 22, r"write the accuracy as a percentage .*"),
    ("train {\niterations x\n}\n", 2, 12, r"expected a number or `auto` after 'iterations'.*"),
    ("train {\nexpect\n}\n", 2, 7, r"expected the number of good weight strings after 'expect'.*"),
    ("train {\nuncompute never\n}\n", 2, 11, r"unknown uncompute mode 'never': write .*"),
    ("train {\nencoding xor\n}\n", 2, 1, r"`encoding` belongs in the network block, not in .*"),
    ("layer h[2] from x\n", 1, 1, r"`layer` goes inside a `network \{ ... \}` block"),
    (network("input x[2]") + "\ntrain {\naccept all\n", 5, 1, r"the train block is never closed.*"),
    (network("data {"), 2, 5, r"`data` cannot go inside the network block: close the network.*"),
    (network("input x[2] @"), 2, 16, r"unexpected character '@'"),
    (network("input é[2]"), 2, 11, r"unexpected character 'é': names use only ASCII letters.*"),
    (network("input x[2]\x00"), 2, 15, r"unexpected character '\\x00'"),
    (network("input x[" + "9" * 40 + "]"), 2, 13, r"the number 999999999999\.\.\. is too large .*"),
]


@pytest.mark.parametrize(("text", "line", "column", "message"), SYNTAX_ERRORS)
def test_syntax_error(text: str, line: int, column: int, message: str) -> None:
    error = only_error(text)
    assert (error.path, error.line, error.column) == ("m.bnn", line, column), error.render()
    assert re.fullmatch(message, error.message), error.message
    assert error.source_line == text.split("\n")[line - 1]


def test_independent_syntax_errors_are_all_reported_in_order() -> None:
    text = (
        network("layr h[2] from x", "input x[2]", "layer input[1] from x", "encoding xnr")
        + "data {\n  00 -> 1\n  0 1\n}\ntrain {\n  iterations x\n  accept all\n}\n"
    )
    found = [(d.line, d.column) for d in errors(text)]
    assert found == [(2, 5), (4, 11), (5, 14), (9, 5), (12, 14)]


def test_errors_before_the_first_grammar_error_are_reported_too() -> None:
    text = "data {\n  0120 -> 1\n}\nnetwork n {\n  input x[2] )\n}\n"
    assert [(d.line, d.column) for d in errors(text)] == [(2, 3), (5, 14)]


def test_syntax_errors_are_capped() -> None:
    text = "data {\n" + "0 1\n" * (MAX_ERRORS + 5) + "}\n"
    found = errors(text)
    assert len(found) == MAX_ERRORS + 1
    assert found[-1].line == 0
    assert re.fullmatch(r"\.\.\. and more syntax errors: fix these first", found[-1].message)


@pytest.mark.parametrize(
    "text", ["{", "}", "->", '"', "\x00", "network", "data {", "train {\n", "\r;", "\\", "9" * 5000]
)
def test_odd_inputs_give_compile_errors(text: str) -> None:
    for d in errors(text):
        assert d.line >= 0 and d.column >= 0
        assert d.render()


# ---- data rows read by the line scanner; recovery keeps what it can read (issue 13) -------

ROW_LINES = [
    "00 -> 1",
    "\t01->0",
    "  10 ->\t1   # a comment -> 1",
    "11 -> 1\r",
    "\f0110 -> 10#",
    "0120 -> 2",
]


def test_scanned_rows_are_exactly_what_the_grammar_reads() -> None:
    from qbnnc.frontend.parse import _Builder, _parser

    text = "data {\n" + "\n".join(ROW_LINES) + "\n}\n"
    scanned = parse_recovering(text, "m.bnn")
    tree = _parser().parse(text, start="start")  # the grammar alone, no scanner
    builder = _Builder("m.bnn", text, 0)
    by_grammar = builder.file(tree)
    assert scanned[0] == by_grammar
    rows = scanned[0].blocks[0].rows
    for mine, theirs in zip(rows, by_grammar.blocks[0].rows, strict=True):
        for a, b in ((mine, theirs), (mine.inputs, theirs.inputs), (mine.label, theirs.label)):
            assert a.span == b.span
    assert scanned[1] == builder.errors
    assert [(d.line, d.column) for d in scanned[1]] == [(7, 1), (7, 9)]


def test_rows_outside_a_data_block_are_left_to_the_grammar() -> None:
    text = network("input x[2]", "00 -> 1") + "00 -> 1\ndata {\n 0 1\n 01 -> 1\n}\n"
    found = [(d.line, d.column) for d in errors(text)]
    assert found == [(3, 5), (5, 1), (7, 4)]


def test_large_inline_data_parses_in_linear_time() -> None:
    def rows(count: int) -> str:
        body = "".join(f"    {i % 256:08b} -> {i % 2}\n" for i in range(count))
        return "data {\n" + body + "}\n"

    start = time.perf_counter()
    file = parse(rows(200_000))
    took = time.perf_counter() - start
    assert len(file.blocks[0].rows) == 200_000
    assert file.blocks[0].rows[-1].span.line == 200_001
    # The grammar took about 140 microseconds a row (a minute for 50 MB).
    assert took < 60, took


def test_recovery_returns_the_readable_blocks_and_what_was_lost() -> None:
    text = (
        "network n {\n    input x[2]\n    layer h[2 from x\n    layer y[1] from h\n}\n"
        "data {\n    00 -> 1\n    0 1\n}\ntrain {\n    accept all\n}\nbogus\n"
    )
    file, found = parse_recovering(text, "m.bnn")
    assert [(d.line, d.column) for d in found] == [(3, 15), (8, 7), (13, 1)]
    net, data, train = file.blocks
    assert isinstance(net, s.Network) and isinstance(data, s.DataBlock)
    assert isinstance(train, s.Train)
    assert net.name.text == "n" and net.broken_lines == (3,) and not net.complete
    assert {"layer", "h", "from", "x"} <= net.broken_words
    assert [st.name.text for st in net.statements if isinstance(st, s.LayerDecl)] == ["y"]
    assert data.rows == (row("00", "1"),) and not data.complete
    assert train.settings == (s.AcceptAll(),) and train.complete
    assert not file.complete  # 'bogus' may have been anything
    assert (net.span.line, net.span.end_line, data.span.end_line) == (1, 5, 9)


def test_many_bad_rows_are_capped_with_a_note() -> None:
    text = "data {\n" + "02 -> 1\n" * 1000 + "}\n"
    found = errors(text)
    assert len(found) == MAX_ERRORS + 1
    assert found[-1].message == "... and more syntax errors: fix these first"
    file, everything = parse_recovering(text)
    assert len(file.blocks[0].rows) == 1000 and len(everything) <= 2 * MAX_ERRORS + 1


def test_a_long_line_costs_linear_time_and_is_shown_in_part() -> None:
    # A long number before the error made the message's look-back regex quadratic (40,000
    # digits: three minutes); quoted tokens and the shown line are cut short.
    digits = "0" * 30_000  # about a minute before
    text = network(f"layer h[{digits}] from x y", "x" * 100_000 + " 1") + "data {\n"
    text += f"  {'2' * 100_000} -> 1\n}}\n"
    start = time.perf_counter()
    found = errors(text)
    assert time.perf_counter() - start < 15
    assert [(d.line, d.column) for d in found] == [(2, 30_022), (3, 5), (6, 3)]
    assert all(len(d.message) < 200 and len(d.render()) < 700 for d in found)
    assert "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...'" in found[1].message
    assert "'222222222222222222222222222222...'" in found[2].message
    rendered = found[0].render().split("\n")
    assert rendered[1][rendered[2].index("^")] == "y"
