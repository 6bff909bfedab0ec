"""Build the dataflow of a checked model: the network once, the training set as data."""

from __future__ import annotations

import numpy as np

from qbnnc.frontend.model import Model
from qbnnc.ir.dataflow import (
    AtLeast,
    Column,
    Correct,
    Dataflow,
    FixedBit,
    NodeKind,
    TrainingSet,
    WeightBit,
    Xor,
    add_node,
    new_graph,
)


def training_set(model: Model) -> TrainingSet:
    """One row per example: the input bits, then the label bits."""
    width = model.input_width + model.output_width
    columns = np.array([e.inputs + e.label for e in model.examples], dtype=np.uint8).reshape(
        len(model.examples), width
    )
    return TrainingSet(columns, tuple((e,) for e in range(len(model.examples))))


def build_dataflow(model: Model) -> Dataflow:
    """The forward pass of one symbolic example, literally, unoptimised.

    Input bit i is `Column(i)`, label bit k is `Column(input_width + k)`. A line contributes
    to a neuron through Xor (encoding xor) or XNOR (encoding xnor) with its weight; a neuron
    is AtLeast(threshold); the sink ANDs output == label. Each node carries the span of
    the layer it belongs to (the inputs the network's, the labels and the sink the data's).
    """
    g = new_graph()
    negated = model.encoding == "xnor"
    network, data = model.spans.network, model.spans.data
    values: dict[str, list[int]] = {
        model.input_name: [
            add_node(g, Column(i), label=f"{model.input_name}[{i}]", span=network)
            for i in range(model.input_width)
        ]
    }
    index = 0
    for layer in model.layers:
        lines = [v for s in layer.sources for v in values[s.name]]
        outputs = []
        span = layer.span
        for j in range(layer.width):
            terms = []
            for i, (line, name) in enumerate(zip(lines, layer.line_names, strict=True)):
                if layer.fixed is not None:
                    weight: NodeKind = FixedBit(layer.fixed[j][i])
                    label = f"{layer.name}[{j}].w{i}"
                else:
                    weight, label = WeightBit(index), f"{layer.name}[{j}].{name}"
                    index += 1
                w = add_node(g, weight, label=label, span=span)
                xor = add_node(g, Xor(negated), (line, w), f"{layer.name}[{j}].l{i}", span)
                terms.append(xor)
            outputs.append(add_node(g, AtLeast(layer.threshold), terms, f"{layer.name}[{j}]", span))
        values[layer.name] = outputs
    matches = [
        add_node(
            g,
            Xor(True),
            (y, add_node(g, Column(model.input_width + k), label=f"label[{k}]", span=data)),
            label=f"match[{k}]",
            span=data,
        )
        for k, y in enumerate(values[model.layers[-1].name])
    ]
    add_node(g, Correct(), matches, label="correct", span=data)
    return Dataflow(g, model.num_weights, model.num_examples, training_set(model))
