"""Parse `.bnn` text into a `syntax.File`, or raise `CompileError` with every syntax error.

Data rows inside `data { ... }` are read by a line scanner (one regular expression per
line, exact line:column for its errors) and blanked out of the text before the rest is
parsed once with the LALR grammar in `grammar/bnn.lark`, so inline data of a million rows
parses in seconds. When the grammar fails, the first error is exact; to report further
independent errors every other line is parsed again on its own, with the start rule of the
block it sits in (the language has one statement per line, so a line is a natural point to
resynchronise), and what could be read is returned as a tree whose blocks say whether a
line of theirs was lost (`parse_recovering`), so that the checker can report the errors of
the rest of the file without guessing about the lost lines. Errors the grammar leaves to
the tree builder (a keyword used as a name, a digit other than 0/1 in a bit string, an
overlong number) are collected as the tree is built.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Literal

from lark import Lark, Token, Tree
from lark.exceptions import LarkError, UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from qbnnc.diagnostics import CompileError, Diagnostic, Span, printable, source_lines
from qbnnc.frontend import syntax

MAX_ERRORS = 20
# Longer numbers are surely typos, and Python refuses to convert very long digit strings.
MAX_NUMBER_DIGITS = 30

Context = Literal["top", "network", "data", "train"]
_START_RULE: dict[Context, str] = {
    "top": "top_line",
    "network": "net_line",
    "data": "data_line",
    "train": "train_line",
}

# A data row on a line of its own, exactly as the grammar reads it (`data_row _NL`):
# blanks are spaces, tabs and form feeds, a comment may follow, and a carriage return may
# end the line.
_ROW = re.compile(r"[ \t\f]*([0-9]+)[ \t\f]*->[ \t\f]*([0-9]+)[ \t\f]*(?:#.*)?")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@cache
def _parser() -> Lark:
    return Lark.open_from_package(
        "qbnnc.grammar",
        "bnn.lark",
        parser="lalr",
        propagate_positions=True,
        start=["start", *_START_RULE.values()],
    )


def parse(text: str, path: str | None = None) -> syntax.File:
    """The syntax tree of `text`; `path` is only used in spans and messages."""
    file, errors = parse_recovering(text, path)
    if errors:
        raise CompileError(_capped(errors, path))
    return file


def parse_recovering(text: str, path: str | None = None) -> tuple[syntax.File, list[Diagnostic]]:
    """The syntax tree of what could be read, and the syntax errors in line order (none
    when the file parses). After an error, blocks with an unreadable line say so
    (`Network.broken_lines`, `DataBlock.complete`, `Train.complete`, `File.complete`).
    Recovery stops after `MAX_ERRORS` errors, with a note that more were left out."""
    source = _normalise(text)
    scan = _Scan(source, path)
    try:
        tree = _parser().parse(scan.text, start="start")
    except UnexpectedInput as error:
        return _Recovery(source, scan, path, error).run()
    except LarkError as error:  # not expected from LALR, but never let Lark escape
        message = f"cannot parse the file: {error}"
        return syntax.File((), path, Span(path, 1, 1), False), [
            Diagnostic.at(Span(path, 0, 0), message)
        ]
    builder = _Builder(path, source, 0, scan.rows)
    file = builder.file(tree)
    errors = sorted([*scan.errors, *builder.errors], key=lambda d: (d.line, d.column))
    return file, errors + scan.notes


def _normalise(text: str) -> str:
    # Every statement ends with a newline in the grammar; a byte-order mark is blank space.
    if text.startswith("\ufeff"):
        text = " " + text[1:]
    return text if text.endswith("\n") else text + "\n"


def _capped(diagnostics: list[Diagnostic], path: str | None) -> list[Diagnostic]:
    notes = [d for d in diagnostics if d.line == 0 and d.message.startswith("... and ")]
    diagnostics = [d for d in diagnostics if d not in notes]
    if len(diagnostics) <= MAX_ERRORS and not notes:
        return diagnostics
    # Recovery stops soon after the cap, so the number left out is not known exactly.
    message = "... and more syntax errors: fix these first"
    return diagnostics[:MAX_ERRORS] + [Diagnostic.at(Span(path, 0, 0), message)]


def _error_line(error: UnexpectedInput) -> int:
    if isinstance(error, UnexpectedToken) and error.token.type == "$END":
        return 0  # an unclosed block: every line may still hold its own error
    return _position(error.line)


def _position(value: object) -> int:
    # Lark writes '?' for the position of a token it made up.
    return value if isinstance(value, int) and value >= 1 else 1


# ---- the lines of a file, and the block each sits in ---------------------------------------


@dataclass(slots=True)
class _Line:
    number: int
    text: str
    context: Context
    open_block: tuple[Context, int, int] | None  # keyword, line and column of the open block
    opens: Context | None = None  # the block this line opens
    row: re.Match[str] | None = None  # a data row (in a data block), as `_ROW` reads it


def _lines(source: str) -> Iterator[_Line]:
    """Each line with the block it sits in, guessed from block openers and lone braces."""
    block: tuple[Context, int, int] | None = None
    for number, text in enumerate(source_lines(source), start=1):
        if block is not None and block[0] == "data":
            row = _ROW.fullmatch(text, 0, len(text) - text.endswith("\r"))
            if row is not None:
                yield _Line(number, text, "data", block, None, row)
                continue
        words = _code(text).split()
        opener = _opener(words)
        if opener is not None:
            yield _Line(number, text, "top", block, opener)
            block = (opener, number, len(text) - len(text.lstrip()) + 1)
            continue
        context: Context = "top" if block is None else block[0]
        yield _Line(number, text, context, block)
        if words and words[0].startswith("}"):
            block = None


def _code(text: str) -> str:
    """The line without its comment (a `#` inside a quoted path is not a comment)."""
    if "#" not in text:
        return text
    return re.sub(r'("[^"\n]*"?)|#.*', lambda m: m.group(1) or "", text)


def _opener(words: list[str]) -> Context | None:
    """The block a line opens: by its keyword, or by the closest one when it ends in `{`."""
    if not words or words[0] == "data" and len(words) > 1 and words[1] == "from":
        return None
    blocks: tuple[Context, ...] = ("network", "data", "train")
    for block in blocks:
        if words[0] == block:
            return block
    if words[-1].endswith("{"):
        close = difflib.get_close_matches(words[0], blocks, n=1, cutoff=0.5)
        return next((b for b in blocks if close and b == close[0]), "network")
    return None


# ---- data rows: a line scanner --------------------------------------------------------------


class _Scan:
    """The data rows of every data block, read with `_ROW`, and the text for the grammar
    with those lines blanked (line numbers and every other column unchanged)."""

    def __init__(self, source: str, path: str | None) -> None:
        self.rows: dict[int, syntax.DataRow] = {}
        self.errors: list[Diagnostic] = []
        self.notes: list[Diagnostic] = []
        lines = source_lines(source)
        blanked: list[str] | None = None
        dropped = 0
        for line in _lines(source):
            match = line.row
            if match is None:
                continue
            found: list[Diagnostic] = []
            self.rows[line.number] = _row(match, line.number, path, source, found)
            if len(self.errors) < MAX_ERRORS * 2:
                self.errors += found
            else:
                dropped += len(found)
            if blanked is None:
                blanked = list(lines)
            blanked[line.number - 1] = ""
        self.text = source if blanked is None else "\n".join(blanked)
        if dropped:
            message = "... and more syntax errors: fix these first"
            self.notes.append(Diagnostic.at(Span(path, 0, 0), message))


def _row(
    match: re.Match[str], number: int, path: str | None, source: str, errors: list[Diagnostic]
) -> syntax.DataRow:
    start, end = match.span(1)
    label_start, label_end = match.span(2)
    inputs, label = match.group(1, 2)
    inputs_span = Span(path, number, start + 1, number, end + 1)
    label_span = Span(path, number, label_start + 1, number, label_end + 1)
    if inputs.strip("01"):
        inputs = _bad_bits(inputs, inputs_span, "the row's input", source, errors)
    if label.strip("01"):
        label = _bad_bits(label, label_span, "the row's label", source, errors)
    return syntax.DataRow(
        syntax.Bits(inputs, inputs_span),
        syntax.Bits(label, label_span),
        Span(path, number, start + 1, number, label_end + 1),
    )


def _bad_bits(text: str, span: Span, what: str, source: str, errors: list[Diagnostic]) -> str:
    """A digit other than 0 or 1 is an error, read as 1 so that widths still check."""
    message = f"{what} '{_quoted(text)}' is not a bit string: write only 0 and 1"
    errors.append(Diagnostic.at(span, message, source))
    return "".join("1" if c != "0" else "0" for c in text)


# ---- error recovery: one line at a time ---------------------------------------------------


@dataclass
class _Block:
    """A block being read line by line after a syntax error."""

    kind: Context
    line: int
    column: int
    name: syntax.Name | None = None
    items: list = field(default_factory=list)
    broken_lines: list[int] = field(default_factory=list)
    broken_words: set[str] = field(default_factory=set)
    end: tuple[int, int] | None = None  # line and column of the closing brace

    def node(self, path: str | None) -> syntax.Block:
        end_line, end_column = self.end or (self.line, self.column)
        span = Span(path, self.line, self.column, end_line, end_column + 1)
        if self.kind == "network":
            name = self.name or syntax.Name("", Span(path, self.line, self.column))
            return syntax.Network(
                name,
                tuple(self.items),
                span,
                tuple(self.broken_lines),
                frozenset(self.broken_words),
            )
        if self.kind == "data":
            return syntax.DataBlock(tuple(self.items), span, not self.broken_lines)
        return syntax.Train(tuple(self.items), span, not self.broken_lines)


class _Recovery:
    """After the grammar's first error: every other line parsed alone, in the block the
    line heuristics put it in; the readable lines make the tree, the others mark their
    block as incomplete."""

    def __init__(self, source: str, scan: _Scan, path: str | None, error: UnexpectedInput):
        self.source = source
        self.scan = scan
        self.path = path
        self.first = _diagnostic(error, source, path, 0)
        self.skip = _error_line(error)
        self.blocks: list[syntax.Block] = []
        self.block: _Block | None = None
        self.complete = True
        self.errors: list[Diagnostic] = []

    def run(self) -> tuple[syntax.File, list[Diagnostic]]:
        notes = list(self.scan.notes)
        for line in _lines(self.source):
            if line.row is not None:
                if self.block is not None:
                    self.block.items.append(self.scan.rows[line.number])
                continue
            if len(self.errors) > MAX_ERRORS:
                self.complete = False  # stop: the rest of the file is not read
                if self.block is not None:
                    self.block.broken_lines.append(line.number)
                notes.append(
                    Diagnostic.at(
                        Span(self.path, 0, 0), "... and more syntax errors: fix these first"
                    )
                )
                break
            self.line(line)
        self.close()
        errors = [self.first, *self.scan.errors, *self.errors]
        errors.sort(key=lambda d: (d.line, d.column))
        file = syntax.File(tuple(self.blocks), self.path, Span(self.path, 1, 1), self.complete)
        return file, errors + notes[:1]

    def close(self, end: tuple[int, int] | None = None) -> None:
        if self.block is not None:
            self.block.end = end
            self.blocks.append(self.block.node(self.path))
            self.block = None

    def broken(self, line: _Line) -> None:
        if self.block is None:
            self.complete = False
        else:
            self.block.broken_lines.append(line.number)
            self.block.broken_words.update(_WORD.findall(_code(line.text)))

    def line(self, line: _Line) -> None:
        code = _code(line.text)
        if not code.strip():
            return
        if line.opens is not None:
            self.close()
            column = len(line.text) - len(line.text.lstrip()) + 1
            self.block = _Block(line.opens, line.number, column)
        nodes = self.parse(line)
        if nodes is None:
            self.broken(line)
        else:
            for node in nodes:
                self.add(node, line)
        if line.opens is None and line.context != "top" and code.split()[0].startswith("}"):
            self.close((line.number, code.index("}") + 1))

    def parse(self, line: _Line) -> list | None:
        """The syntax nodes of the line, or None when it cannot be read."""
        if line.number == self.skip:
            return None  # the first error, already reported
        try:
            tree = _parser().parse(line.text + "\n", start=_START_RULE[line.context])
        except UnexpectedInput as error:
            self.errors.append(_diagnostic(error, self.source, self.path, line.number - 1))
            return None
        except LarkError:
            return None
        builder = _Builder(self.path, self.source, line.number - 1)
        nodes = builder.line(tree)
        self.errors += builder.errors
        return nodes

    def add(self, node: object, line: _Line) -> None:
        block = self.block
        if isinstance(node, syntax.DataFrom):
            self.blocks.append(node)
        elif isinstance(node, tuple):  # a block's head: its kind and name
            kind, name = node
            if block is not None and block.kind == kind and block.line == line.number:
                block.name = name
            else:
                self.complete = False
        elif block is not None and node is not None:
            kinds = {
                "network": (syntax.InputDecl, syntax.LayerDecl, syntax.EncodingDecl),
                "data": (syntax.DataRow,),
            }
            if isinstance(node, kinds.get(block.kind, ())) or (
                block.kind == "train" and not isinstance(node, syntax.DataRow)
            ):
                block.items.append(node)


# ---- friendly messages --------------------------------------------------------------------

# How each terminal is named in a message.
_TERMINAL_WORDS: dict[str, str] = {
    "NAME": "a name",
    "DIGITS": "a number",
    "DECIMAL": "a number",
    "MINUS": "'-'",
    "STRING": 'a quoted file name such as "data.csv"',
    "_NL": "the end of the line",
    "$END": "the end of the file",
    "LBRACE": "'{'",
    "RBRACE": "'}'",
    "LSQB": "'['",
    "RSQB": "']'",
    "COMMA": "','",
    "ARROW": "'->'",
    "GE": "'>='",
    "PERCENT": "'%'",
    "STAR": "'*'",
    "SLASH": "'/'",
}

_STATEMENTS: dict[Context, tuple[str, ...]] = {
    "top": ("network", "data", "train"),
    "network": ("input", "layer", "encoding"),
    "train": ("oracle", "accept", "iterations", "expect", "uncompute"),
    "data": (),
}

# After this word, what must follow.
_AFTER_WORD: dict[str, str] = {
    "threshold": "expected a number after 'threshold', e.g. `threshold 2`",
    "fixed": "expected the fixed weights as a bit string after 'fixed', e.g. `fixed 0110`",
    "->": "expected a bit string such as 0110 after '->'",
    "precision": "expected the number of phase qubits after 'precision', e.g. `precision 3`",
    "step": "expected an angle after 'step', such as pi/8 or 3*pi/4",
    ">=": "expected a number after '>='",
    "iterations": "expected a number or `auto` after 'iterations', e.g. `iterations 2`",
    "expect": "expected the number of good weight strings after 'expect', e.g. `expect 2`",
    "/": "expected a positive whole number after '/', e.g. pi/8",
    "*": "expected 'pi' after '*', e.g. 3*pi/4",
}


def _terminal_word(name: str) -> str:
    if name in _TERMINAL_WORDS:
        return _TERMINAL_WORDS[name]
    return f"'{name.lower()}'"


def _token_word(token: Token) -> str:
    if token.type in ("_NL", "$END"):
        return _TERMINAL_WORDS[token.type]
    return f"'{_quoted(str(token.value))}'"


def _did_you_mean(word: str, choices: list[str] | tuple[str, ...]) -> str:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f": did you mean '{close[0]}'?" if close else ""


def _one_of(words: list[str] | tuple[str, ...]) -> str:
    quoted = [f"`{w}`" for w in words]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]


def _previous_word(before: str) -> str | None:
    # Only the end of the line: searching a long line of digits backtracks in square time.
    tail = before.rstrip()[-40:]
    match = re.search(r"(->|>=|[A-Za-z_][A-Za-z0-9_]*|[0-9.]+|\S)$", tail)
    return match.group(1) if match else None


def _quoted(text: str) -> str:
    """A token as a message quotes it: escaped, and cut short when long."""
    return printable(text if len(text) <= 40 else text[:30] + "...")


def _diagnostic(error: UnexpectedInput, source: str, path: str | None, offset: int) -> Diagnostic:
    lines = source_lines(source)
    line = _position(error.line) + offset
    column = _position(error.column)
    text = lines[line - 1] if line <= len(lines) else ""
    if isinstance(error, UnexpectedToken) and error.token.type == "$END" and offset == 0:
        return _unclosed(source, path)
    if isinstance(error, UnexpectedCharacters):
        message = _character_message(error.char, text, column)
    elif isinstance(error, UnexpectedToken):
        message = _token_message(error, text, column)
    else:
        message = "unexpected input"
    return Diagnostic.at(Span(path, line, column), message, source)


def _unclosed(source: str, path: str | None) -> Diagnostic:
    last = list(_lines(source))[-1]
    if last.open_block is None:
        return Diagnostic.at(Span(path, 0, 0), "the file ends in the middle of a statement")
    keyword, line, column = last.open_block
    message = f"the {keyword} block is never closed: add '}}' on a line of its own at its end"
    return Diagnostic.at(Span(path, line, column), message, source)


def _character_message(char: str, text: str, column: int) -> str:
    if char == '"':
        return "the quoted file name is not closed: end it with '\"' on the same line"
    if char == "\r":
        return "a carriage return alone is not a line break: use \\n or \\r\\n line endings"
    if char == ">":
        return "unexpected '>': write '>=', e.g. `accept correct >= 6`"
    if char == ".":
        return "unexpected '.': a decimal number needs digits on both sides, e.g. 0.5"
    if char.isalpha():
        return f"unexpected character '{char}': names use only ASCII letters, digits and '_'"
    if char.isprintable() and not char.isspace():
        return f"unexpected character '{char}'"
    return f"unexpected character {char!r}"


def _token_message(error: UnexpectedToken, text: str, column: int) -> str:
    token: Token = error.token
    expected = set(error.expected)
    words = _code(text).split()
    first = words[0] if words else ""
    prev = _previous_word(text[: column - 1])
    got = _token_word(token)
    value = str(token.value)

    # A statement or block keyword was expected: unknown words get a suggestion.
    for context, keywords in _STATEMENTS.items():
        upper = {k.upper() for k in keywords}
        if keywords and upper <= expected:
            return _statement_message(context, keywords, token, got)
    if expected == {"DIGITS", "RBRACE"}:
        if token.type in ("NETWORK", "DATA", "TRAIN"):
            return f"{got} cannot go inside the data block: close it with '}}' first"
        return f"expected a data row such as `0110 -> 1` or '}}' to close the data block, got {got}"

    if first == "data" and len(words) > 1 and words[1] != "from" and "LBRACE" not in expected:
        return (
            f"unexpected {got}: a data block opens with `data {{`, or `data IN1, IN2, ... -> "
            "LABEL {` to name its columns"
        )
    if first == "data" and len(words) > 1 and words[1] == "from" and '"' in text[: column - 1]:
        # After the file name: the columns to read, `IN, IN... -> LABEL, ...`.
        return (
            f"unexpected {got}: after the file name, name the columns to read as "
            '`data from "FILE.csv" IN1, IN2, ... -> LABEL` (each a name or a quoted name), '
            "or end the line"
        )
    if token.type != "NAME" and value in syntax.KEYWORDS and expected == {"NAME"}:
        return f"'{value}' is a keyword and cannot be a name: rename it, e.g. '{value}_1'"
    if expected == {"LSQB"}:
        name = words[1] if len(words) > 1 else "h"
        if first == "input":
            return f"an input needs a size: write `input {name}[3]`"
        return f"a layer needs a size: write `layer {name}[2] from x`"
    before = text[: column - 1]
    if expected == {"RSQB"} or ("RSQB" in expected and "[" in before and "]" not in before):
        return f"expected ']' after the size, got {got}"
    if expected == {"FROM"}:
        return "a layer names its sources with 'from': write `layer h[2] from x`"
    if expected == {"NAME"}:
        return _name_message(first, prev, got)
    if expected == {"COMMA", "THRESHOLD", "FIXED", "_NL"} or expected == {"FIXED", "_NL"}:
        words_after = sorted(k.lower() for k in expected & {"THRESHOLD", "FIXED"})
        hint = _did_you_mean(value, words_after) if token.type == "NAME" else ""
        if hint:  # a misspelt keyword, not a missing comma
            return f"unexpected {got} after the sources{hint}"
        return (
            f"unexpected {got} after the sources: separate sources with ',' and end with "
            "optional `threshold T` and `fixed BITS`"
        )
    after_threshold = "threshold" in _code(text[: column - 1]).split()
    if first == "layer" and "FIXED" in expected and after_threshold:
        hint = _did_you_mean(value, ["fixed"]) if token.type == "NAME" else ""
        return f"unexpected {got} after the threshold" + (
            hint or ": end the line, or give the weights with `fixed BITS`"
        )
    if expected == {"XNOR", "XOR"}:
        hint = _did_you_mean(value, ["xnor", "xor"])
        return f"unknown encoding {got}" + (hint or ": write `encoding xnor` or `encoding xor`")
    if expected == {"UNITARY", "MEASURE"}:
        hint = _did_you_mean(value, ["unitary", "measure"])
        return f"unknown uncompute mode {got}" + (
            hint or ": write `uncompute unitary` or `uncompute measure`"
        )
    if expected == {"COUNTER", "PHASE"}:
        hint = _did_you_mean(value, ["counter", "phase"])
        return f"unknown oracle {got}" + (hint or ": write `oracle counter` or `oracle phase`")
    if expected == {"ALL", "CORRECT", "ACCURACY"}:
        hint = _did_you_mean(value, ["all", "correct", "accuracy"])
        return f"unknown acceptance {got}" + (
            hint or ": write `accept all`, `accept correct >= K` or `accept accuracy >= Q%`"
        )
    if expected >= {"PRECISION", "STEP"} or expected == {"STEP", "_NL"}:
        return (
            f"unexpected {got}: after `oracle phase` write `precision P` and/or `step ANGLE`, "
            "e.g. `oracle phase precision 3 step pi/8`"
        )
    if expected == {"LBRACE"}:
        return (
            f"expected '{{' at the end of the line, got {got}: a block opens on its keyword's "
            f"line, e.g. `{first} {'n ' if first == 'network' else ''}{{`"
        )
    if {"LBRACE", "FROM"} <= expected <= {"LBRACE", "FROM", "NAME", "STRING"}:
        return "expected '{' or `from \"FILE.csv\"` after 'data'"
    if expected == {"STRING"}:
        return 'expected the file name in double quotes, e.g. `data from "data.csv"`'
    if expected == {"ARROW"}:
        return f"a data row is `INPUTS -> LABELS`, e.g. `0110 -> 1`: expected '->', got {got}"
    if expected == {"GE"}:
        example = "accept correct >= 6" if prev == "correct" else "accept accuracy >= 90%"
        return f"expected '>=' after '{prev}', e.g. `{example}`, got {got}"
    if expected == {"PERCENT"}:
        return "write the accuracy as a percentage with '%', e.g. `accept accuracy >= 90%`"
    if prev in _AFTER_WORD and expected & {"DIGITS", "DECIMAL", "PI", "AUTO"}:
        return f"{_AFTER_WORD[prev]}, got {got}"
    if expected == {"_NL"}:
        if token.type == "RBRACE":
            return "a closing brace goes on a line of its own"
        if prev == "}":
            return f"unexpected {got} after '}}': start the next block on a new line"
        if prev == "{":
            return f"unexpected {got} after '{{': the block's statements start on the next line"
        return f"unexpected {got}: expected the end of the line (one statement per line)"
    wanted = sorted(_terminal_word(t) for t in expected)
    return f"unexpected {got}: expected " + (
        wanted[0] if len(wanted) == 1 else ", ".join(wanted[:-1]) + " or " + wanted[-1]
    )


def _statement_message(context: Context, keywords: tuple[str, ...], token: Token, got: str) -> str:
    value = _quoted(str(token.value))
    kind = {"top": "block", "network": "statement", "train": "setting"}.get(context, "statement")
    if token.type == "NAME":
        hint = _did_you_mean(value, keywords)
        return f"unknown {kind} '{value}'" + (hint or f": expected {_one_of(keywords)}")
    for other, other_keywords in _STATEMENTS.items():
        if other == context or value not in other_keywords:
            continue
        if context == "top":
            return f"`{value}` goes inside a `{other} {{ ... }}` block"
        if other == "top":
            return (
                f"`{value}` cannot go inside the {context} block: close the {context} "
                "block with '}' on a line of its own first"
            )
        return f"`{value}` belongs in the {other} block, not in the {context} block"
    if context == "top":
        return f"expected {_one_of(keywords)} at the start of a block, got {got}"
    return f"expected {_one_of(keywords)} or '}}' to close the {context} block, got {got}"


def _name_message(first: str, prev: str | None, got: str) -> str:
    if prev == "from":
        return f"expected a source name after 'from' (the input or an earlier layer), got {got}"
    if prev == ",":
        return f"expected another source name after ',', got {got}"
    if first == "network":
        return f"a network needs a name: write `network my_net {{`, got {got}"
    if first in ("layer", "input"):
        example = "layer h[2] from x" if first == "layer" else "input x[3]"
        return f"expected a name after '{first}', e.g. `{example}`, got {got}"
    return f"expected a name, got {got}"


# ---- tree to syntax -----------------------------------------------------------------------


class _Builder:
    """Turns Lark trees into syntax nodes, collecting the errors the grammar cannot state."""

    def __init__(
        self,
        path: str | None,
        source: str,
        line_offset: int,
        rows: dict[int, syntax.DataRow] | None = None,
    ) -> None:
        self.path = path
        self.source = source
        self.offset = line_offset
        self.rows = rows or {}  # the data rows the scanner read, by line
        self.errors: list[Diagnostic] = []

    # -- positions

    def token_span(self, token: Token) -> Span:
        return Span(
            self.path,
            (token.line or 1) + self.offset,
            token.column or 1,
            (token.end_line or token.line or 1) + self.offset,
            token.end_column,
        )

    def tree_span(self, tree: Tree) -> Span:
        meta = tree.meta
        if getattr(meta, "empty", True):
            return Span(self.path, 0, 0)
        # The meta's end counts the filtered newline token; end at the last kept token.
        last = _last_token(tree)
        end_line = last.end_line if last is not None else meta.end_line
        end_column = last.end_column if last is not None else meta.end_column
        return Span(
            self.path,
            meta.line + self.offset,
            meta.column,
            (end_line or meta.line) + self.offset,
            end_column,
        )

    def error(self, span: Span, message: str) -> None:
        self.errors.append(Diagnostic.at(span, message, self.source))

    # -- leaves

    def name(self, token: Token) -> syntax.Name:
        span = self.token_span(token)
        if token.value in syntax.KEYWORDS:
            self.error(
                span,
                f"'{token.value}' is a keyword and cannot be a name: rename it, "
                f"e.g. '{token.value}_1'",
            )
        return syntax.Name(str(token.value), span)

    def int(self, tree: Tree) -> syntax.Int:
        tokens = [c for c in tree.children if isinstance(c, Token)]
        digits = tokens[-1]
        sign = -1 if len(tokens) > 1 else 1
        span = self.tree_span(tree)
        return syntax.Int(sign * self.digits(digits, span), span)

    def digits(self, token: Token, span: Span | None = None) -> int:
        if len(token.value) > MAX_NUMBER_DIGITS:
            self.error(
                span or self.token_span(token),
                f"the number {token.value[:12]}... is too large "
                f"(at most {MAX_NUMBER_DIGITS} digits)",
            )
            return 0
        return int(token.value)

    def number(self, tree: Tree) -> syntax.Number:
        text = "".join(str(c) for c in tree.children)
        span = self.tree_span(tree)
        if len(text) > MAX_NUMBER_DIGITS + 2:
            self.error(span, f"the number {text[:12]}... is too long")
            text = "0"
        return syntax.Number(text, span)

    def bits(self, token: Token, what: str) -> syntax.Bits:
        span = self.token_span(token)
        text = str(token.value)
        bad = next((c for c in text if c not in "01"), None)
        if bad is not None:
            self.error(span, f"{what} '{_quoted(text)}' is not a bit string: write only 0 and 1")
            text = "".join("1" if c != "0" else "0" for c in text)
        return syntax.Bits(text, span)

    # -- file and blocks

    def file(self, tree: Tree) -> syntax.File:
        blocks = tuple(self.block(child) for child in tree.children if isinstance(child, Tree))
        return syntax.File(blocks, self.path, Span(self.path, 1, 1))

    def block(self, tree: Tree) -> syntax.Block:
        kind = tree.data
        if kind == "network":
            return self.network(tree)
        if kind == "data_block":
            rows = [self.data_row(c) for c in _subtrees(tree) if c.data == "data_row"]
            if self.rows:
                meta = tree.meta
                scanned = (self.rows.get(n) for n in range(meta.line, meta.end_line + 1))
                rows += [row for row in scanned if row is not None]
                rows.sort(key=lambda row: row.span.line)
            head = _subtrees(tree)[0]
            columns = next((self.columns(c) for c in _subtrees(head)), None)
            return syntax.DataBlock(tuple(rows), self.tree_span(tree), columns=columns)
        if kind == "data_from":
            return self.data_from(tree)
        settings = tuple(self.setting(c) for c in _subtrees(tree) if c.data != "train_head")
        return syntax.Train(settings, self.tree_span(tree))

    def line(self, tree: Tree) -> list:
        """The nodes of one line parsed with a `*_line` start rule (after a syntax error):
        statements, settings, rows, `data from`, and `(kind, name)` for a block's head."""
        nodes: list = []
        heads: dict[str, Context] = {
            "network_head": "network",
            "data_head": "data",
            "train_head": "train",
        }
        for child in _subtrees(tree):
            if child.data in heads:
                nodes.append((heads[child.data], self.head_name(child)))
            elif child.data == "data_from":
                nodes.append(self.data_from(child))
            elif child.data == "data_row":
                nodes.append(self.data_row(child))
            elif child.data in ("input_decl", "layer_decl", "encoding_decl"):
                nodes.append(self.network_statement(child))
            else:
                nodes.append(self.setting(child))
        return nodes

    def head_name(self, tree: Tree) -> syntax.Name:
        names = [c for c in tree.children if isinstance(c, Token) and c.type == "NAME"]
        return self.name(names[0]) if names else syntax.Name("", self.tree_span(tree))

    def network(self, tree: Tree) -> syntax.Network:
        children = _subtrees(tree)
        name = self.head_name(children[0])
        statements = tuple(self.network_statement(c) for c in children[1:])
        return syntax.Network(name, statements, self.tree_span(tree))

    def network_statement(self, tree: Tree) -> syntax.NetworkStatement:
        span = self.tree_span(tree)
        tokens = _tokens(tree)
        if tree.data == "encoding_decl":
            return syntax.EncodingDecl("xor" if tokens[-1].type == "XOR" else "xnor", span)
        name = self.name(tokens[1])
        size = self.int(_subtrees(tree)[0])
        if tree.data == "input_decl":
            return syntax.InputDecl(name, size, span)
        threshold: syntax.Int | None = None
        fixed: syntax.Bits | None = None
        sources: tuple[syntax.Name, ...] = ()
        for child in _subtrees(tree)[1:]:
            if child.data == "sources":
                sources = tuple(self.name(t) for t in _tokens(child) if t.type == "NAME")
            elif child.data == "threshold":
                threshold = self.int(_subtrees(child)[0])
            elif child.data == "fixed":
                fixed = self.bits(_tokens(child)[-1], "the fixed weight string")
        return syntax.LayerDecl(name, size, sources, threshold, fixed, span)

    def data_row(self, tree: Tree) -> syntax.DataRow:
        tokens = _tokens(tree)
        inputs = self.bits(tokens[0], "the row's input")
        label = self.bits(tokens[-1], "the row's label")
        return syntax.DataRow(inputs, label, self.tree_span(tree))

    def data_from(self, tree: Tree) -> syntax.DataFrom:
        string = next(t for t in _tokens(tree) if t.type == "STRING")
        path = str(string.value)[1:-1]
        if not path.strip():
            message = 'the file name is empty: write `data from "data.csv"`'
            self.error(self.token_span(string), message)
        columns = next((self.columns(c) for c in _subtrees(tree)), None)
        return syntax.DataFrom(path, self.tree_span(tree), columns)

    def columns(self, tree: Tree) -> syntax.Columns:
        """`IN, IN... -> LABEL, ...`: the names of the input columns, then the labels'."""
        inputs, labels = (
            tuple(self.column(t) for t in _tokens(side) if t.type != "COMMA")
            for side in _subtrees(tree)
        )
        return syntax.Columns(inputs, labels, self.tree_span(tree))

    def column(self, token: Token) -> syntax.Name:
        """A column's name: a name as written, or the text of a quoted one."""
        if token.type == "STRING":
            return syntax.Name(str(token.value)[1:-1], self.token_span(token))
        return syntax.Name(str(token.value), self.token_span(token))

    # -- train

    def setting(self, tree: Tree) -> syntax.Setting:
        span = self.tree_span(tree)
        kind = tree.data
        tokens = _tokens(tree)
        subtrees = _subtrees(tree)
        if kind == "oracle_counter":
            return syntax.OracleCounter(span)
        if kind == "oracle_phase":
            precision: syntax.Int | None = None
            step: syntax.AngleExpr | None = None
            for child in subtrees:
                if child.data == "precision":
                    precision = self.int(_subtrees(child)[0])
                else:
                    step = self.angle(_subtrees(child)[0])
            return syntax.OraclePhase(precision, step, span)
        if kind == "accept_all":
            return syntax.AcceptAll(span)
        if kind == "accept_correct":
            return syntax.AcceptCorrect(self.int(subtrees[0]), span)
        if kind == "accept_accuracy":
            return syntax.AcceptAccuracy(self.number(subtrees[0]), span)
        if kind == "iterations":
            return syntax.Iterations(self.int(subtrees[0]) if subtrees else None, span)
        if kind == "expect":
            return syntax.Expect(self.int(subtrees[0]), span)
        return syntax.Uncompute("measure" if tokens[-1].type == "MEASURE" else "unitary", span)

    def angle(self, tree: Tree) -> syntax.AngleExpr:
        span = self.tree_span(tree)
        tokens = _tokens(tree)
        if tree.data == "angle_number":
            token = tokens[0]
            return syntax.RadianAngle(self.number(Tree("number", [token], tree.meta)), span)
        numerator: syntax.Int | None = None
        denominator: syntax.Int | None = None
        if tokens[0].type == "DIGITS":
            numerator = syntax.Int(self.digits(tokens[0]), self.token_span(tokens[0]))
        if tokens[-1].type == "DIGITS" and len(tokens) > 1 and tokens[-2].type == "SLASH":
            denominator = syntax.Int(self.digits(tokens[-1]), self.token_span(tokens[-1]))
        return syntax.PiAngle(numerator, denominator, span)


def _last_token(tree: Tree) -> Token | None:
    for child in reversed(tree.children):
        found = child if isinstance(child, Token) else _last_token(child)
        if found is not None:
            return found
    return None


def _subtrees(tree: Tree) -> list[Tree]:
    return [c for c in tree.children if isinstance(c, Tree)]


def _tokens(tree: Tree) -> list[Token]:
    return [c for c in tree.children if isinstance(c, Token)]
