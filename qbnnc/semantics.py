"""The classical reference: what the network computes and how many examples a weight string fits.

A weight string is an integer `w` whose bit `i` is weight `i` in canonical order (the order of
`Model.weight_names`), the same bit order as the measured `weights` register.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from qbnnc.frontend.model import Layer, Model

# Exhaustive counting visits every weight string; 2^24 strings take seconds, 2^25 and up are
# refused so that `iterations auto` never stalls the compiler.
MAX_COUNTED_WEIGHTS = 24
_CHUNK = 1 << 18


def neuron_fires(
    encoding: str, lines: Sequence[int], weights: Sequence[int], threshold: int
) -> int:
    """One neuron on known bits: 1 when at least `threshold` lines match under `encoding`."""
    if encoding == "xnor":
        matches = sum(1 for x, w in zip(lines, weights, strict=True) if x == w)
    else:
        matches = sum(1 for x, w in zip(lines, weights, strict=True) if x != w)
    return int(matches >= threshold)


def layer_weights(model: Model, weights: int) -> list[tuple[tuple[int, ...], ...]]:
    """Split a weight string into each layer's neuron-major weight bits (fixed layers as given)."""
    out: list[tuple[tuple[int, ...], ...]] = []
    offset = 0
    for layer in model.layers:
        if layer.fixed is not None:
            out.append(layer.fixed)
            continue
        rows = []
        for _ in range(layer.width):
            rows.append(tuple((weights >> (offset + i)) & 1 for i in range(layer.fan_in)))
            offset += layer.fan_in
        out.append(tuple(rows))
    return out


def forward(model: Model, weights: int, inputs: Sequence[int]) -> tuple[int, ...]:
    """The network's output bits for one weight string and one input, by direct evaluation."""
    values: dict[str, tuple[int, ...]] = {model.input_name: tuple(inputs)}
    for layer, rows in zip(model.layers, layer_weights(model, weights), strict=True):
        lines = [bit for s in layer.sources for bit in values[s.name]]
        values[layer.name] = tuple(
            neuron_fires(model.encoding, lines, row, layer.threshold) for row in rows
        )
    return values[model.layers[-1].name]


def correct(model: Model, weights: int) -> int:
    """How many examples the weight string classifies correctly (every output bit right)."""
    return sum(1 for e in model.examples if forward(model, weights, e.inputs) == e.label)


def example_groups(model: Model) -> list[tuple[tuple[int, ...], list[tuple[tuple[int, ...], int]]]]:
    """Examples grouped by input: each distinct input with its (label, multiplicity) pairs.

    The network's output depends only on the input, so it is computed once per group.
    """
    by_input: dict[tuple[int, ...], Counter[tuple[int, ...]]] = {}
    for e in model.examples:
        by_input.setdefault(e.inputs, Counter())[e.label] += 1
    return [(x, sorted(labels.items())) for x, labels in by_input.items()]


def _layer_outputs(
    model: Model, layer: Layer, offset: int, w: np.ndarray, lines: list[np.ndarray | int]
) -> list[np.ndarray | int]:
    """Every neuron of `layer` for a chunk of weight strings `w`; constants stay Python ints."""
    outputs: list[np.ndarray | int] = []
    f = layer.fan_in
    xnor = model.encoding == "xnor"
    for j in range(layer.width):
        if layer.fixed is not None:
            bits: list[np.ndarray | int] = list(layer.fixed[j])
        else:
            base = offset + j * f
            bits = [((w >> (base + i)) & 1).astype(np.uint8) for i in range(f)]
        if all(isinstance(v, int) for v in lines) and all(isinstance(b, int) for b in bits):
            outputs.append(
                neuron_fires(model.encoding, lines, bits, layer.threshold)  # type: ignore[arg-type]
            )
            continue
        count: np.ndarray | int = 0
        for x, b in zip(lines, bits, strict=True):
            count = count + ((x == b) if xnor else (x != b))
        outputs.append((np.asarray(count) >= layer.threshold).astype(np.uint8))
    return outputs


def correct_counts(model: Model) -> np.ndarray:
    """For every weight string `w` (index), the number of examples it classifies correctly.

    Vectorised over weight strings in chunks, so 2^20 strings x 100 examples takes seconds.
    """
    n = model.num_weights
    if n > MAX_COUNTED_WEIGHTS:
        raise ValueError(f"{n} weights: too many to count exhaustively")
    total = 1 << n
    dtype = np.uint16 if model.num_examples < 65536 else np.uint32
    counts = np.zeros(total, dtype=dtype)
    groups = example_groups(model)
    offsets = []
    offset = 0
    for layer in model.layers:
        offsets.append(offset)
        if layer.trainable:
            offset += layer.width * layer.fan_in
    for lo in range(0, total, _CHUNK):
        w = np.arange(lo, min(lo + _CHUNK, total), dtype=np.int64)
        chunk = counts[lo : lo + len(w)]
        for inputs, labels in groups:
            values: dict[str, list[np.ndarray | int]] = {model.input_name: list(inputs)}
            for layer, off in zip(model.layers, offsets, strict=True):
                lines = [v for s in layer.sources for v in values[s.name]]
                values[layer.name] = _layer_outputs(model, layer, off, w, lines)
            out = values[model.layers[-1].name]
            for label, multiplicity in labels:
                ok: np.ndarray | bool = True
                for y, bit in zip(out, label, strict=True):
                    ok = ok & (np.asarray(y) == bit)
                chunk += (np.broadcast_to(ok, w.shape) * multiplicity).astype(dtype)
    return counts


@dataclass(frozen=True)
class Census:
    """The outcome of counting every weight string: what the oracle marks and what is reachable."""

    num_weights: int
    num_examples: int
    min_correct: int
    marked: int
    best: int
    histogram: tuple[tuple[int, int], ...]  # (correct examples, number of weight strings)

    @property
    def reachable(self) -> tuple[int, ...]:
        return tuple(c for c, _ in self.histogram)


def census(model: Model, counts: np.ndarray | None = None) -> Census:
    """Count, for all 2^n weight strings, how many meet `accept`, and the best count reachable."""
    if counts is None:
        counts = correct_counts(model)
    values, freq = np.unique(counts, return_counts=True)
    histogram = tuple((int(v), int(f)) for v, f in zip(values, freq, strict=True))
    k = model.accept.min_correct
    return Census(
        num_weights=model.num_weights,
        num_examples=model.num_examples,
        min_correct=k,
        marked=sum(f for v, f in histogram if v >= k),
        best=int(values.max()),
        histogram=histogram,
    )


def grover_angle(marked: int, num_weights: int) -> float:
    """theta = asin(sqrt(M/N)), N = 2^num_weights."""
    return math.asin(math.sqrt(marked / float(1 << num_weights)))


def optimal_iterations(marked: int, num_weights: int) -> int:
    """round(pi/(4 theta) - 1/2) with halves rounded up, which is floor(pi/(4 theta))."""
    return math.floor(math.pi / (4 * grover_angle(marked, num_weights)))


def success_probability(marked: int, num_weights: int, iterations: int) -> float:
    """sin^2((2K+1) theta): the chance of measuring a marked weight string after K iterations."""
    theta = grover_angle(marked, num_weights)
    return math.sin((2 * iterations + 1) * theta) ** 2


def weight_string(weights: int, num_weights: int) -> str:
    """Canonical-order bit string: weight 0 first (the reverse of Qiskit's count keys)."""
    return "".join(str((weights >> i) & 1) for i in range(num_weights))
