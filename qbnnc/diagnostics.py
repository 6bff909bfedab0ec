"""Located diagnostics and the one exception every stage raises for bad input."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

# Longer source lines are shown as this many characters around the caret.
MAX_SHOWN_LINE = 160


def printable(text: str) -> str:
    """`text` with every control or other non-printable character written as its Python
    escape (a newline as `\\n`, ESC as `\\x1b`, a right-to-left override as `\\u202e`), so
    that a path or name stays on one line wherever it is shown, in a message or in a
    comment of the output program, and no terminal acts on what it holds."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def printable_lines(text: str) -> str:
    """`text` as `printable` shows it, line by line (its line breaks kept)."""
    return "\n".join(printable(line) for line in text.split("\n"))


def plural(count: int, word: str, words: str | None = None) -> str:
    """`1 example`, `2 examples`: a count with its noun (`words`: an irregular plural)."""
    return f"{count} {word if count == 1 else words or word + 's'}"


@lru_cache(maxsize=2)
def source_lines(source: str) -> list[str]:
    """`source` split at `\\n`, once per text however many diagnostics point into it.
    (Do not modify the list.)"""
    return source.split("\n")


@dataclass(frozen=True)
class Span:
    """A place in a source file: 1-based line and column, end exclusive."""

    path: str | None
    line: int
    column: int
    end_line: int | None = None
    end_column: int | None = None


@dataclass(frozen=True)
class Diagnostic:
    """One error: where it is and what to do about it.

    `line` and `column` are 1-based; both are 0 for an error about the whole file or run
    (no training data, a missing package), which is printed as `path: error: ...`.
    """

    path: str | None
    line: int
    column: int
    message: str
    source_line: str | None = None

    @classmethod
    def at(cls, span: Span | None, message: str, source: str | None = None) -> Diagnostic:
        """A diagnostic at `span`, with the source line taken from `source` when given.

        Lines are split at `\n` only, as the lexer counts them (`str.splitlines` would also
        break at form feeds, lone carriage returns and U+2028, and show the wrong line).
        """
        if span is None:
            return cls(None, 0, 0, message)
        line_text = None
        if source is not None and span.line >= 1:
            lines = source_lines(source)
            if span.line <= len(lines):
                line_text = lines[span.line - 1].rstrip("\r")
        return cls(span.path, span.line, span.column, message, line_text)

    def render(self) -> str:
        """`path:line:col: error: message`, then the source line and a caret; every
        character a terminal would act on is shown escaped (`printable`).

        Without a line, one line: `path: error: message`, or `qbnnc: error: message` when
        there is no path either (an option, a target, text compiled without a path).
        """
        message = printable(self.message)
        if self.line <= 0:
            return f"{printable(self.path or 'qbnnc')}: error: {message}"
        where = printable(self.path or "<input>")
        text = f"{where}:{self.line}:{self.column}: error: {message}"
        if self.source_line is not None:
            # Control and bidi characters (a comment's ESC or U+202E) escaped, the caret
            # moved by what the escapes before it add.
            line = self.source_line.expandtabs(1)
            column = len(printable(line[: max(self.column - 1, 0)]))
            shown = printable(line)
            if len(shown) > MAX_SHOWN_LINE:  # a window around the caret
                start = max(0, min(column - MAX_SHOWN_LINE // 2, len(shown) - MAX_SHOWN_LINE))
                end = start + MAX_SHOWN_LINE
                shown = (
                    ("..." if start else "")
                    + shown[start:end]
                    + ("..." if end < len(shown) else "")
                )
                column += (3 if start else 0) - start
            text += f"\n    {shown}\n    {' ' * column}^"
        return text


@dataclass
class CompileError(Exception):
    """Bad input: the model, its data, an option or a target. Carries every diagnostic found."""

    diagnostics: list[Diagnostic] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(self.render())

    @classmethod
    def single(cls, span: Span | None, message: str, source: str | None = None) -> CompileError:
        return cls([Diagnostic.at(span, message, source)])

    def render(self) -> str:
        return "\n".join(d.render() for d in self.diagnostics)

    def __str__(self) -> str:
        return self.render()
