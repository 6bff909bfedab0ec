"""Parse `.bnn` text into a `syntax.File`, or raise `CompileError` with every syntax error.

The whole file is parsed once with the LALR grammar in `grammar/bnn.lark`. When that
fails, the first error is exact; to report further independent errors, every other line
is parsed again on its own, with the start rule of the block it sits in (the language
has one statement per line, so a line is a natural point to resynchronise). Errors the
grammar leaves to the tree builder (a keyword used as a name, a digit other than 0/1 in
a bit string, an overlong number) are collected as the tree is built.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Literal

from lark import Lark, Token, Tree
from lark.exceptions import LarkError, UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from qbnnc.diagnostics import CompileError, Diagnostic, Span
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
    source = _normalise(text)
    try:
        tree = _parser().parse(source, start="start")
    except UnexpectedInput as error:
        first = _diagnostic(error, source, path, 0)
        try:
            others = _line_errors(source, path, skip=_error_line(error))
        except Exception:  # best effort only: the first error is always reported
            others = []
        diagnostics = sorted([first, *others], key=lambda d: (d.line, d.column))
        raise CompileError(_capped(diagnostics, path)) from None
    except LarkError as error:  # not expected from LALR, but never let Lark escape
        raise CompileError.single(Span(path, 0, 0), f"cannot parse the file: {error}") from None
    builder = _Builder(path, source, 0)
    file = builder.file(tree)
    if builder.errors:
        raise CompileError(_capped(builder.errors, path))
    return file


def _normalise(text: str) -> str:
    # Every statement ends with a newline in the grammar; a byte-order mark is blank space.
    if text.startswith("\ufeff"):
        text = " " + text[1:]
    return text if text.endswith("\n") else text + "\n"


def _capped(diagnostics: list[Diagnostic], path: str | None) -> list[Diagnostic]:
    if len(diagnostics) <= MAX_ERRORS:
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


# ---- error recovery: one line at a time ---------------------------------------------------


@dataclass(frozen=True)
class _Line:
    number: int
    text: str
    context: Context
    open_block: tuple[Context, int, int] | None  # keyword, line and column of the open block


def _lines(source: str) -> Iterator[_Line]:
    """Each line with the block it sits in, guessed from block openers and lone braces."""
    block: tuple[Context, int, int] | None = None
    for number, text in enumerate(source.split("\n"), start=1):
        words = _code(text).split()
        opener = _opener(words)
        if opener is not None:
            yield _Line(number, text, "top", block)
            block = (opener, number, len(text) - len(text.lstrip()) + 1)
            continue
        context: Context = "top" if block is None else block[0]
        yield _Line(number, text, context, block)
        if words and words[0].startswith("}"):
            block = None


def _code(text: str) -> str:
    """The line without its comment (a `#` inside a quoted path is not a comment)."""
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


def _line_errors(source: str, path: str | None, skip: int) -> list[Diagnostic]:
    """Errors of each line but `skip`, parsed alone: lines before the first syntax error can
    only hold errors the grammar leaves to the tree builder (a keyword used as a name...)."""
    diagnostics: list[Diagnostic] = []
    for line in _lines(source):
        if line.number == skip or not _code(line.text).strip():
            continue
        try:
            tree = _parser().parse(line.text + "\n", start=_START_RULE[line.context])
        except UnexpectedInput as error:
            diagnostics.append(_diagnostic(error, source, path, line.number - 1))
        except LarkError:
            continue
        else:
            builder = _Builder(path, source, line.number - 1)
            builder.line(tree)
            diagnostics += builder.errors
        if len(diagnostics) > MAX_ERRORS:
            break
    return diagnostics


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
    "step": "expected an angle after 'step', such as pi/8, 3*pi/4 or 0.39",
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
    return f"'{token.value}'"


def _did_you_mean(word: str, choices: list[str] | tuple[str, ...]) -> str:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f": did you mean '{close[0]}'?" if close else ""


def _one_of(words: list[str] | tuple[str, ...]) -> str:
    quoted = [f"`{w}`" for w in words]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]


def _previous_word(before: str) -> str | None:
    match = re.search(r"(->|>=|[A-Za-z_][A-Za-z0-9_]*|[0-9.]+|\S)\s*$", before)
    return match.group(1) if match else None


def _diagnostic(error: UnexpectedInput, source: str, path: str | None, offset: int) -> Diagnostic:
    lines = source.split("\n")
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

    if token.type != "NAME" and value in syntax.KEYWORDS and expected == {"NAME"}:
        return f"'{value}' is a keyword and cannot be a name: rename it, e.g. '{value}_1'"
    if expected == {"LSQB"}:
        name = words[1] if len(words) > 1 else "h"
        if first == "input":
            return f"an input needs a size: write `input {name}[3]`"
        return f"a layer needs a size: write `layer {name}[2] from x`"
    if expected == {"RSQB"}:
        return f"expected ']' after the size, got {got}"
    if expected == {"FROM"}:
        return "a layer names its sources with 'from': write `layer h[2] from x`"
    if expected == {"NAME"}:
        return _name_message(first, prev, got)
    if expected == {"COMMA", "THRESHOLD", "FIXED", "_NL"} or expected == {"FIXED", "_NL"}:
        return (
            f"unexpected {got} after the sources: separate sources with ',' and end with "
            "optional `threshold T` and `fixed BITS`"
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
    if expected == {"LBRACE", "FROM"}:
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
    value = str(token.value)
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

    def __init__(self, path: str | None, source: str, line_offset: int) -> None:
        self.path = path
        self.source = source
        self.offset = line_offset
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
            self.error(span, f"{what} '{text}' is not a bit string: write only 0 and 1")
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
            rows = tuple(self.data_row(c) for c in _subtrees(tree) if c.data == "data_row")
            return syntax.DataBlock(rows, self.tree_span(tree))
        if kind == "data_from":
            return self.data_from(tree)
        settings = tuple(self.setting(c) for c in _subtrees(tree) if c.data != "train_head")
        return syntax.Train(settings, self.tree_span(tree))

    def line(self, tree: Tree) -> None:
        """Check one line parsed with a `*_line` start rule (used after a syntax error)."""
        for child in _subtrees(tree):
            if child.data in ("network_head", "data_head", "train_head"):
                self.head_name(child)
            elif child.data == "data_from":
                self.data_from(child)
            elif child.data == "data_row":
                self.data_row(child)
            elif child.data in ("input_decl", "layer_decl", "encoding_decl"):
                self.network_statement(child)
            else:
                self.setting(child)

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
        return syntax.DataFrom(path, self.tree_span(tree))

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
