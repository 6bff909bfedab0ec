"""Build the dataflow graph of a checked model: one forward pass per example, unoptimised."""

from __future__ import annotations

from qbnnc.dataflow import (
    AtLeast,
    Correct,
    Dataflow,
    FixedBit,
    InputBit,
    LabelBit,
    WeightBit,
    Xor,
    add_node,
    new_graph,
)
from qbnnc.model import Model


def build_dataflow(model: Model) -> Dataflow:
    """Every example's forward pass, literally: input and constant bits are nodes of their own.

    A line contributes to a neuron through Xor (encoding xor) or XNOR (encoding xnor) with its
    weight; a neuron is AtLeast(threshold); an example's sink ANDs output == label.
    """
    g = new_graph()
    weight_nodes: dict[tuple[str, int, int], int] = {}
    index = 0
    for layer in model.layers:
        if not layer.trainable:
            continue
        for j in range(layer.width):
            for i, line in enumerate(layer.line_names):
                weight_nodes[(layer.name, j, i)] = add_node(
                    g, WeightBit(index), label=f"{layer.name}[{j}].{line}"
                )
                index += 1
    negated = model.encoding == "xnor"
    for e, example in enumerate(model.examples):
        values: dict[str, list[int]] = {
            model.input_name: [
                add_node(g, InputBit(b), label=f"e{e}.{model.input_name}[{i}]")
                for i, b in enumerate(example.inputs)
            ]
        }
        for layer in model.layers:
            lines = [v for s in layer.sources for v in values[s.name]]
            outputs = []
            for j in range(layer.width):
                terms = []
                for i, line in enumerate(lines):
                    if layer.fixed is not None:
                        w = add_node(
                            g, FixedBit(layer.fixed[j][i]), label=f"{layer.name}[{j}].w{i}"
                        )
                    else:
                        w = weight_nodes[(layer.name, j, i)]
                    terms.append(
                        add_node(g, Xor(negated), (line, w), label=f"e{e}.{layer.name}[{j}].l{i}")
                    )
                outputs.append(
                    add_node(g, AtLeast(layer.threshold), terms, label=f"e{e}.{layer.name}[{j}]")
                )
            values[layer.name] = outputs
        matches = [
            add_node(
                g,
                Xor(True),
                (y, add_node(g, LabelBit(bit), label=f"e{e}.label[{k}]")),
                label=f"e{e}.match[{k}]",
            )
            for k, (y, bit) in enumerate(
                zip(values[model.layers[-1].name], example.label, strict=True)
            )
        ]
        add_node(g, Correct((e,)), matches, label=f"e{e}.correct")
    return Dataflow(g, model.num_weights, model.num_examples)
