"""Random edits of the example files never make the front end raise anything but
`CompileError`, and every diagnostic it gives is located and renders."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qbnnc.diagnostics import CompileError
from qbnnc.frontend.check import check
from qbnnc.frontend.model import Model
from qbnnc.frontend.parse import parse
from qbnnc.frontend.syntax import KEYWORDS

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
        result = check(parse(text, str(path)), text, str(path))
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
