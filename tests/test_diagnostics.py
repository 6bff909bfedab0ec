"""What qbnnc prints never holds a character a terminal acts on: control characters (ESC,
OSC sequences, BEL) and bidi controls from a model, a data file, a handle or the command
line are shown escaped (`\\x1b`, `\\u202e`), the caret still under the character meant."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import qbnnc
from qbnnc.cli import main
from qbnnc.diagnostics import Diagnostic

# A terminal acts on C0 and C1 controls (but the line break) and on bidi controls.
RAW = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
OSC = "\x1b]0;owned\x07"  # sets the terminal's title
RLO = "\u202e"  # shows what follows right to left


def test_the_source_line_is_shown_escaped_with_the_caret_on_its_character() -> None:
    line = f"    layer y[1] from {RLO}x{OSC}, q"
    column = line.index("q") + 1
    text = Diagnostic("m.bnn", 3, column, "unknown source 'q'", line).render()
    assert not RAW.search(text)
    shown, caret = text.splitlines()[1:]
    assert shown == r"        layer y[1] from \u202ex\x1b]0;owned\x07, q"
    assert caret.index("^") == shown.index(", q") + 2  # under the q, past the escapes


def test_a_long_line_keeps_its_window_around_the_caret_after_escaping() -> None:
    line = "\x1b" * 100 + "#" * 300 + "X" + "#" * 300
    text = Diagnostic("m.bnn", 1, line.index("X") + 1, "here", line).render()
    shown, caret = text.splitlines()[1:]
    assert shown[caret.index("^")] == "X" and not RAW.search(text)


def test_a_message_with_a_control_character_is_escaped() -> None:
    text = Diagnostic(None, 0, 0, f"name '{OSC}' is bad").render()
    assert text == r"qbnnc: error: name '\x1b]0;owned\x07' is bad"


def test_a_models_control_characters_are_escaped_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    model = tmp_path / "m.bnn"
    model.write_text(
        f"network n {{ # {OSC}\n    input x[2]\n    layer y[1] from {RLO}x\n}}\n"
        f"data {{\n    00 -> 0 # {RLO} the rows\n    0{OSC}1 -> 1\n}}\n"
    )
    assert main([str(model)]) == 1
    err = capsys.readouterr().err
    assert not RAW.search(err), repr(err)
    assert r"from \u202ex" in err and r"0\x1b]0;owned\x071 -> 1" in err
    with pytest.raises(qbnnc.CompileError) as info:  # the library renders the same
        qbnnc.compile_file(model)
    assert not RAW.search(str(info.value))


def test_names_from_the_command_line_are_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for argv in (
        [f"chek{OSC}"],
        [str(tmp_path / f"m{OSC}.bnn")],
        ["run", str(tmp_path / "m.bnn"), "--backend", f"x{RLO}"],
        [str(tmp_path / "m.bnn"), "-o", f"out{OSC}"],
    ):
        (tmp_path / "m.bnn").write_text(
            "network n {\n input x[2]\n layer y[1] from x\n}\ndata {\n 00 -> 0\n}\n"
        )
        assert main(argv) in (1, 2)
        err = capsys.readouterr().err
        assert not RAW.search(err) and ("\\x1b" in err or "\\u202e" in err), repr(err)
