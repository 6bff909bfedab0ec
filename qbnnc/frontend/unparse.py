"""A checked model written back as `.bnn` text: the inverse of parse and check.

Used to save a trained network (every layer `fixed` at the weights found): the text
states the network as checked (encoding, thresholds and fixed bits written out, defaults
included), its examples as an inline `data` block (so the file stands alone, wherever it
is saved), and the train settings that still mean something for it.
"""

from __future__ import annotations

import re

from qbnnc.frontend.model import Model
from qbnnc.frontend.syntax import KEYWORDS


def bnn_text(model: Model, comment: str = "") -> str:
    """The `.bnn` text of `model`; `comment` (one or more lines) goes first, as `#` lines."""
    lines = [f"# {line}".rstrip() for line in comment.splitlines()]
    lines += [f"network {model.name} {{", f"    encoding {model.encoding}"]
    lines.append(f"    input {model.input_name}[{model.input_width}]")
    for layer in model.layers:
        sources = ", ".join(s.name for s in layer.sources)
        text = f"    layer {layer.name}[{layer.width}] from {sources} threshold {layer.threshold}"
        if layer.fixed is not None:
            text += " fixed " + "".join(str(b) for row in layer.fixed for b in row)
        lines.append(text)
    lines += ["}", "", f"data {_columns(model)}{{"]
    # Rows repeat in large data sets: each distinct row is formatted once.
    formatted: dict[tuple[tuple[int, ...], tuple[int, ...]], str] = {}
    for e in model.examples:
        key = (e.inputs, e.label)
        row = formatted.get(key)
        if row is None:
            row = formatted[key] = (
                "    " + "".join(map(str, e.inputs)) + " -> " + "".join(map(str, e.label))
            )
        lines.append(row)
    lines += ["}", "", "train {"]
    if model.oracle.kind == "counter":
        lines.append("    oracle counter")
    else:
        oracle = model.oracle  # its step is a multiple of pi: the checker refuses radians
        lines.append(f"    oracle phase precision {oracle.precision} step {oracle.step}")
    lines.append(f"    accept {model.accept.written}")
    lines.append(f"    uncompute {model.uncompute}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _columns(model: Model) -> str:
    """`IN, ... -> LABEL, ... ` when the model's data names its columns (so `qbnnc predict`
    reads a data file by the same names), else nothing."""
    columns = model.columns
    if columns is None or len(columns.inputs) != model.input_width:
        return ""  # none, or the two arrays of a .npz file: nothing to name per bit
    names = [_name(c.text) for c in (*columns.inputs, *columns.labels)]
    if any(name is None for name in names):
        return ""
    n = len(columns.inputs)
    return f"{', '.join(names[:n])} -> {', '.join(names[n:])} "  # type: ignore[arg-type]


def _name(text: str) -> str | None:
    """A column name as the grammar reads it: plain, or quoted (None: not writable)."""
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", text) and text not in KEYWORDS:
        return text
    if '"' in text or "\n" in text or "\r" in text:
        return None
    return f'"{text}"'
