"""Random edits of the example files never make the front end raise anything but
`CompileError`, and every diagnostic it gives is located and renders."""

from __future__ import annotations

import re
from pathlib import Path

import openqasm3
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openqasm3 import ast

import qbnnc
from qbnnc.diagnostics import CompileError, Diagnostic
from qbnnc.frontend.check import check
from qbnnc.frontend.model import Model
from qbnnc.frontend.parse import parse
from qbnnc.frontend.syntax import KEYWORDS
from qbnnc.pipeline.compiler import load_model

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
FILES = sorted(EXAMPLES.rglob("*.bnn"))
TEXTS = {path: path.read_text() for path in FILES}

FRAGMENTS = [
    *sorted(KEYWORDS),
    "{",
    "}",
    "[",
    "]",
    ",",
    "->",
    ">=",
    "%",
    "*",
    "/",
    "-",
    "\n",
    "#",
    '"',
    "0",
    "1",
    "0110",
    "2",
    "9" * 40,
    str(2**64),
    "0.5",
    "1e9",
    "é",
    "\x00",
    "\t",
    "\r",
    "\ufeff",
    'data from "parity3.csv"',
    'data from "/dev/null"',
    'data from "."',
]

fragment = st.one_of(
    st.sampled_from(FRAGMENTS),
    st.text(max_size=6),
    st.binary(max_size=6).map(lambda b: b.decode("latin-1")),
)


def split_tokens(text: str) -> list[str]:
    return re.findall(r"\s+|[A-Za-z_][A-Za-z0-9_]*|[0-9.]+|->|>=|\S", text)


@st.composite
def edited(draw: st.DrawFn) -> tuple[Path, str]:
    path = draw(st.sampled_from(FILES))
    text = TEXTS[path]
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["line", "token", "insert", "truncate"]))
        if kind == "truncate":
            text = text[: draw(st.integers(0, len(text)))]
            continue
        unit = text.split("\n") if kind == "line" else split_tokens(text)
        if not unit:
            continue
        i = draw(st.integers(0, len(unit) - 1))
        j = draw(st.integers(0, len(unit) - 1))
        if kind == "insert":
            unit.insert(i, draw(fragment))
        else:
            action = draw(st.sampled_from(["delete", "duplicate", "swap"]))
            if action == "delete":
                del unit[i]
            elif action == "duplicate":
                unit.insert(i, unit[i])
            else:
                unit[i], unit[j] = unit[j], unit[i]
        text = ("\n" if kind == "line" else "").join(unit)
    return path, text


@settings(
    max_examples=300,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(edited())
def test_random_edits_give_a_model_or_located_errors(case: tuple[Path, str]) -> None:
    path, text = case
    try:
        # Both ways: the parser alone, and with its recovery feeding the checker.
        try:
            check(parse(text, str(path)), text, str(path))
        except CompileError:
            pass
        result = load_model(text, str(path))
    except CompileError as error:
        assert error.diagnostics
        lines = text.count("\n") + 1
        for diagnostic in error.diagnostics:
            assert diagnostic.line >= 0 and diagnostic.column >= 0
            if diagnostic.line == 0:
                assert diagnostic.column == 0
            else:
                assert diagnostic.column >= 1
            if diagnostic.path == str(path):
                assert diagnostic.line <= lines
            assert diagnostic.message and not diagnostic.message.endswith(".")
            assert not diagnostic.message[0].isupper()
            assert diagnostic.render()
    else:
        assert isinstance(result, Model)
        assert result.layers and result.examples


# ---- issue 13: independent errors, paths, sizes ---------------------------------------------

BASE = [
    "network n {",
    "    input x[3]",
    "    layer h[2] from x",
    "    layer y[1] from h",
    "}",
    "data {",
    "    000 -> 0",
    "    011 -> 1",
    "    101 -> 1",
    "}",
    "train {",
    "    accept all",
    "    iterations 1",
    "}",
]

# (line, replacement): each breaks exactly its own line, syntax or meaning.
INJECTIONS = [
    (3, "    layer h[2] from x threshold 4"),
    (3, "    layer h[2] fron x"),
    (4, "    layer y[1] from h, z"),
    (4, "    layer y[1] from h fixed 012"),
    (7, "    000 -> 2"),
    (7, "    0 0 0 -> 0"),
    (8, "    01 1"),
    (8, "    011 -> 11"),
    (9, "    1010 -> 1"),
    (9, "    101 -> "),
    (12, "    accept foo"),
    (12, "    accept correct >= -1"),
    (13, "    iterations -1"),
    (13, "    iterations x"),
]


@settings(max_examples=200, deadline=None, database=None)
@given(st.lists(st.sampled_from(INJECTIONS), min_size=1, max_size=6, unique_by=lambda i: i[0]))
def test_every_independent_error_is_reported_and_nothing_else(
    injected: list[tuple[int, str]],
) -> None:
    lines = list(BASE)
    for line, text in injected:
        lines[line - 1] = text
    text = "\n".join(lines) + "\n"
    try:
        load_model(text, "m.bnn")
    except CompileError as error:
        found = {d.line for d in error.diagnostics}
        assert found == {line for line, _ in injected}, error.render()
    else:
        raise AssertionError(f"no error for {injected}")


@settings(max_examples=25, deadline=None, database=None)
@given(st.text(min_size=1, max_size=12))
def test_no_path_can_leave_the_comment_header(name: str) -> None:
    path = f"m{name}.bnn"
    text = qbnnc.compile(TEXTS[EXAMPLES / "paper" / "qbnn221_and.bnn"], path).qasm3()
    program = openqasm3.parse(text)
    includes = [s.filename for s in program.statements if isinstance(s, ast.Include)]
    assert includes == ["stdgates.inc"]
    lines = text.split("\n")[2:]
    header = lines[: next(i for i, line in enumerate(lines) if not line.startswith("//"))]
    assert any(line.startswith("// model: and221 (m") for line in header)
    # Each diagnostic about such a file stays on its own first line.
    bad = Diagnostic(path, 1, 1, "x", "y").render().split("\n")
    assert len(bad) == 3 and bad[0].endswith(": error: x")


@settings(max_examples=150, deadline=None, database=None)
@given(
    width=st.integers(-3, 3000),
    neurons=st.one_of(st.integers(-2, 200), st.integers(10**6, 10**29)),
    threshold=st.one_of(st.none(), st.integers(-(10**29), 10**29)),
    expect=st.one_of(st.none(), st.integers(-5, 10**29)),
    rows=st.integers(0, 3),
)
def test_any_size_gives_a_model_or_located_errors(
    width: int, neurons: int, threshold: int | None, expect: int | None, rows: int
) -> None:
    t = f" threshold {threshold}" if threshold is not None else ""
    data = "".join(
        f"    {'01' * (abs(width) // 2)}{'1' * (abs(width) % 2)} -> 1\n" for _ in range(rows)
    )
    text = (
        f"network n {{\n    input x[{width}]\n    layer h[{neurons}] from x{t}\n"
        f"    layer y[1] from h\n}}\ndata {{\n{data}}}\ntrain {{\n"
        + (f"    expect {expect}\n" if expect is not None else "    iterations 1\n")
        + "}\n"
    )
    try:
        model = load_model(text, "m.bnn")
    except CompileError as error:
        for d in error.diagnostics:
            assert d.render() and (d.line > 0 or d.message.startswith("..."))
    else:
        assert model.num_weights == width * neurons + neurons


@pytest.fixture(scope="module")
def confined(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("confined")
    (root / "outside").mkdir()
    (root / "outside" / "secret.csv").write_text("name,value\nsecret-value-42,0,1\n")
    (root / "models" / "sets").mkdir(parents=True)
    (root / "models" / "sets" / "d.csv").write_text("0,1,1\n")
    (root / "models" / "up").symlink_to(root / "outside")
    return root


@settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    st.lists(
        st.sampled_from(["..", ".", "sets", "outside", "up", "secret.csv", "d.csv", "", "/"]),
        min_size=1,
        max_size=6,
    )
)
def test_data_paths_never_reveal_a_file_outside_the_models_folder(
    confined: Path, parts: list[str]
) -> None:
    written = "/".join(parts)
    if not written.strip() or '"' in written:
        return
    model = str(confined / "models" / "m.bnn")
    text = f'network n {{\n    input x[2]\n    layer y[1] from x\n}}\ndata from "{written}"\n'
    try:
        loaded = load_model(text, model)
    except CompileError as error:
        rendered = error.render()
        assert "secret-value" not in rendered
    else:
        assert loaded.examples[0].span is not None
        real = Path(loaded.examples[0].span.path).resolve()
        assert real.is_relative_to((confined / "models").resolve())
