"""The classical reference for one weight string: what the network computes on an input and
how many examples it classifies correctly.

A weight string is an integer `w` whose bit `i` is weight `i` in canonical order (the order of
`Model.weight_names`), the same bit order as the measured `weights` register.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

from qbnnc.frontend.model import Model


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


def weight_string(weights: int, num_weights: int) -> str:
    """Canonical-order bit string: weight 0 first (the reverse of Qiskit's count keys)."""
    return "".join(str((weights >> i) & 1) for i in range(num_weights))


def weight_index(text: str) -> int:
    """The weight string `weight_string` writes as `text` (the empty one is 0)."""
    return sum(1 << i for i, bit in enumerate(text) if bit == "1")


def fix_weights(model: Model, weights: int) -> Model:
    """The model with every layer `fixed`: trainable layers at the weight string `weights`
    (bit i is weight i in canonical order), fixed layers as they were."""
    rows = layer_weights(model, weights)
    layers = tuple(
        replace(layer, fixed=fixed) for layer, fixed in zip(model.layers, rows, strict=True)
    )
    return replace(model, layers=layers)
