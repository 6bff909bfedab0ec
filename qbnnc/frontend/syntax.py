"""The syntax tree of a `.bnn` file: what was written, where, before any name is resolved.

Every node carries a `span` that `==` ignores, so tests can compare trees built from text
with trees written by hand. Numbers keep their written text where the checker needs it
(bit strings keep leading zeros; decimals stay exact).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Literal

from qbnnc.diagnostics import Span

KEYWORDS: frozenset[str] = frozenset(
    "network input layer from threshold fixed encoding xnor xor data train oracle counter "
    "phase precision step accept all correct accuracy iterations auto expect uncompute "
    "unitary measure pi".split()
)


def _bit_values(text: str, _cache: dict[str, tuple[int, ...]] = {}) -> tuple[int, ...]:  # noqa: B006
    """The bits of `text`, one shared tuple per distinct string (data rows repeat)."""
    found = _cache.get(text)
    if found is None:
        found = tuple(map(int, text))
        if len(_cache) < 1 << 16:
            _cache[text] = found
    return found


def _no_span() -> Span:
    return Span(None, 0, 0)


# ---- leaves ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Name:
    text: str
    span: Span = field(default_factory=_no_span, compare=False)


@dataclass(frozen=True)
class Int:
    """An integer as written, sign included (the checker says which range is allowed)."""

    value: int
    span: Span = field(default_factory=_no_span, compare=False)


@dataclass(frozen=True)
class Bits:
    """A bit string; `text` holds only 0 and 1, leftmost character is index 0."""

    text: str
    span: Span = field(default_factory=_no_span, compare=False)

    @property
    def values(self) -> tuple[int, ...]:
        return _bit_values(self.text)


@dataclass(frozen=True)
class Number:
    """A number that may be a decimal (accuracy percentages, angles in radians)."""

    text: str
    span: Span = field(default_factory=_no_span, compare=False)

    @property
    def value(self) -> Fraction:
        return Fraction(self.text)


# ---- network ------------------------------------------------------------------------------


@dataclass(frozen=True)
class InputDecl:
    name: Name
    size: Int
    span: Span = field(default_factory=_no_span, compare=False)


@dataclass(frozen=True)
class LayerDecl:
    name: Name
    size: Int
    sources: tuple[Name, ...]
    threshold: Int | None = None
    fixed: Bits | None = None
    span: Span = field(default_factory=_no_span, compare=False)


@dataclass(frozen=True)
class EncodingDecl:
    encoding: Literal["xnor", "xor"]
    span: Span = field(default_factory=_no_span, compare=False)


NetworkStatement = InputDecl | LayerDecl | EncodingDecl


@dataclass(frozen=True)
class Network:
    name: Name
    statements: tuple[NetworkStatement, ...]
    span: Span = field(default_factory=_no_span, compare=False)
    # After a syntax error: the lines of the block that could not be read (so the checker
    # does not report what they may have declared), and every word on them.
    broken_lines: tuple[int, ...] = field(default=(), compare=False)
    broken_words: frozenset[str] = field(default=frozenset(), compare=False)

    @property
    def complete(self) -> bool:
        return not self.broken_lines


# ---- data ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Columns:
    """`IN, IN... -> LABEL, ...` after `data from "PATH"`: the columns of the file's header
    read as the input bits and the label bits, in that order (a quoted name is its text)."""

    inputs: tuple[Name, ...]
    labels: tuple[Name, ...]
    span: Span = field(default_factory=_no_span, compare=False)


@dataclass(frozen=True)
class DataRow:
    inputs: Bits
    label: Bits
    span: Span = field(default_factory=_no_span, compare=False)


@dataclass(frozen=True)
class DataBlock:
    rows: tuple[DataRow, ...]
    span: Span = field(default_factory=_no_span, compare=False)
    complete: bool = field(default=True, compare=False)  # False: a row could not be read
    columns: Columns | None = None  # `data IN, ... -> LABEL, ... {`: the columns' names


@dataclass(frozen=True)
class DataFrom:
    """`data from "PATH" [columns]`; `path` is the text between the quotes."""

    path: str
    span: Span = field(default_factory=_no_span, compare=False)
    columns: Columns | None = None


# ---- train --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PiAngle:
    """`N*pi/D`; `pi` alone has N = D = None (read as 1)."""

    numerator: Int | None = None
    denominator: Int | None = None
    span: Span = field(default_factory=_no_span, compare=False)


@dataclass(frozen=True)
class RadianAngle:
    value: Number
    span: Span = field(default_factory=_no_span, compare=False)


AngleExpr = PiAngle | RadianAngle


@dataclass(frozen=True)
class OracleCounter:
    span: Span = field(default_factory=_no_span, compare=False)


@dataclass(frozen=True)
class OraclePhase:
    precision: Int | None = None
    step: AngleExpr | None = None
    span: Span = field(default_factory=_no_span, compare=False)


@dataclass(frozen=True)
class AcceptAll:
    span: Span = field(default_factory=_no_span, compare=False)


@dataclass(frozen=True)
class AcceptCorrect:
    count: Int
    span: Span = field(default_factory=_no_span, compare=False)


@dataclass(frozen=True)
class AcceptAccuracy:
    percent: Number
    span: Span = field(default_factory=_no_span, compare=False)


@dataclass(frozen=True)
class Iterations:
    """`iterations K`; `count` is None for `iterations auto`."""

    count: Int | None
    span: Span = field(default_factory=_no_span, compare=False)


@dataclass(frozen=True)
class Expect:
    count: Int
    span: Span = field(default_factory=_no_span, compare=False)


@dataclass(frozen=True)
class Uncompute:
    mode: Literal["unitary", "measure"]
    span: Span = field(default_factory=_no_span, compare=False)


Setting = (
    OracleCounter
    | OraclePhase
    | AcceptAll
    | AcceptCorrect
    | AcceptAccuracy
    | Iterations
    | Expect
    | Uncompute
)


@dataclass(frozen=True)
class Train:
    settings: tuple[Setting, ...]
    span: Span = field(default_factory=_no_span, compare=False)
    complete: bool = field(default=True, compare=False)  # False: a setting could not be read


# ---- file ---------------------------------------------------------------------------------

Block = Network | DataBlock | DataFrom | Train


@dataclass(frozen=True)
class File:
    """The blocks in the order written; how many of each is the checker's business."""

    blocks: tuple[Block, ...]
    path: str | None = field(default=None, compare=False)
    span: Span = field(default_factory=_no_span, compare=False)
    # False when a line outside every block could not be read, or error recovery stopped
    # early: a block may be missing.
    complete: bool = field(default=True, compare=False)
