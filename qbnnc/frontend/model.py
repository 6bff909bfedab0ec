"""The checked model: names resolved, defaults filled, data loaded. Immutable."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from fractions import Fraction
from typing import Literal

from qbnnc.diagnostics import Span, plural
from qbnnc.frontend.syntax import Columns

Encoding = Literal["xnor", "xor"]


@dataclass(frozen=True)
class Angle:
    """An angle in radians, kept exact as a multiple of pi when it was written with pi."""

    pi_multiple: Fraction | None
    value: float

    @classmethod
    def of_pi(cls, multiple: Fraction) -> Angle:
        return cls(Fraction(multiple), float(multiple) * math.pi)

    @classmethod
    def radians(cls, value: float) -> Angle:
        return cls(None, float(value))

    def times(self, factor: int | Fraction) -> Angle:
        if self.pi_multiple is not None:
            return Angle.of_pi(self.pi_multiple * factor)
        return Angle.radians(self.value * float(factor))

    def __neg__(self) -> Angle:
        return self.times(-1)

    def __str__(self) -> str:
        if self.pi_multiple is None:
            return repr(self.value)
        m = self.pi_multiple
        if m == 0:
            return "0"
        num = "pi" if abs(m.numerator) == 1 else f"{abs(m.numerator)}*pi"
        sign = "-" if m < 0 else ""
        return f"{sign}{num}" if m.denominator == 1 else f"{sign}{num}/{m.denominator}"


@dataclass(frozen=True)
class Source:
    """One line group feeding a layer: the input or an earlier layer."""

    name: str
    width: int
    span: Span | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Layer:
    name: str
    width: int
    sources: tuple[Source, ...]
    threshold: int
    fixed: tuple[tuple[int, ...], ...] | None  # width x fan_in bits, neuron-major
    span: Span | None = field(default=None, compare=False)

    @property
    def fan_in(self) -> int:
        return sum(s.width for s in self.sources)

    @property
    def line_names(self) -> tuple[str, ...]:
        return tuple(f"{s.name}[{i}]" for s in self.sources for i in range(s.width))

    @property
    def trainable(self) -> bool:
        return self.fixed is None


@dataclass(frozen=True)
class Example:
    inputs: tuple[int, ...]
    label: tuple[int, ...]
    span: Span | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Oracle:
    kind: Literal["counter", "phase"]
    precision: int | None = None  # phase only: qubits of the phase register
    step: Angle | None = None  # phase only: phase added per correct example

    def __str__(self) -> str:
        if self.kind == "counter":
            return "counter"
        return f"phase, precision {self.precision}, step {self.step}"


@dataclass(frozen=True)
class Accept:
    """Which weight strings the oracle marks: those with at least `min_correct` correct examples."""

    kind: Literal["all", "correct", "accuracy"]
    min_correct: int
    written: str  # as the user wrote it, for summaries


@dataclass(frozen=True)
class Spans:
    """Where each block and train setting of the model was written (None: not written), so
    that a later stage can point at the line that caused an error."""

    network: Span | None = None
    data: Span | None = None
    train: Span | None = None
    oracle: Span | None = None
    accept: Span | None = None
    iterations: Span | None = None
    expect: Span | None = None
    uncompute: Span | None = None

    def written(self) -> tuple[str, ...]:
        """The names of the blocks and settings written, in declaration order."""
        return tuple(f.name for f in fields(self) if getattr(self, f.name) is not None)


def describe_accept(written: str, min_correct: int) -> str:
    """`accept all (correct >= 4)`; `correct >= 4` alone, which says it already."""
    meaning = f"correct >= {min_correct}"
    return written if written == meaning else f"{written} ({meaning})"


@dataclass(frozen=True)
class Model:
    """A checked model (`qbnnc.load_model`): the network with every name resolved and
    default filled, the training examples loaded, the train settings. Immutable; compile it
    with `qbnnc.compile_model`."""

    name: str
    encoding: Encoding
    input_name: str
    input_width: int
    layers: tuple[Layer, ...]
    examples: tuple[Example, ...]
    oracle: Oracle
    accept: Accept
    iterations: int | None  # None: auto
    expect: int | None
    uncompute: Literal["unitary", "measure"]
    path: str | None = field(default=None, compare=False)
    spans: Spans = field(default_factory=Spans, compare=False)
    source: str | None = field(default=None, compare=False, repr=False)
    # The header columns `data from` names (`a, b -> y`), if any: `predict` reads by them too.
    columns: Columns | None = field(default=None, compare=False, repr=False)

    def __repr__(self) -> str:
        layers = ", ".join(f"{layer.name}[{layer.width}]" for layer in self.layers)
        return (
            f"<qbnnc.Model {self.name!r}: input {self.input_name}[{self.input_width}], "
            f"layers {layers}, {plural(self.num_weights, 'weight')}, "
            f"{plural(self.num_examples, 'example')}>"
        )

    @property
    def output_width(self) -> int:
        return self.layers[-1].width

    @property
    def weight_names(self) -> list[str]:
        """Trainable weights in canonical order: layers, then neurons, then lines."""
        return [
            f"{layer.name}[{j}].{line}"
            for layer in self.layers
            if layer.trainable
            for j in range(layer.width)
            for line in layer.line_names
        ]

    @property
    def num_weights(self) -> int:
        return sum(layer.width * layer.fan_in for layer in self.layers if layer.trainable)

    @property
    def weighted_lines(self) -> int:
        """Lines into neurons: the network's size in dataflow nodes (each read once per row)."""
        return sum(layer.width * layer.fan_in for layer in self.layers)

    @property
    def num_examples(self) -> int:
        return len(self.examples)
