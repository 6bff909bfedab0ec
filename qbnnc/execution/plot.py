"""How Grover's iterations move probability onto the good weight strings, as a PNG.

With few weight strings (up to `MAX_CURVES`), one curve per distinct course of probability,
as in the paper's figures: strings whose probabilities agree after every iteration (in
noiseless Grover search, all marked strings move together, and so do all unmarked ones)
share one curve, labelled with the strings and how many they are; marked solid, unmarked
dashed. Beyond `MAX_CURVES` strings, two curves: the total probability of the marked
strings and of the unmarked ones. A vertical line marks the iteration count the model
chose. The figure is 8 x 5 inches at 150 dpi (1200 x 750 pixels) with 11-point text, so
that it reads printed at a column's width. The probabilities come from simulating the
compiled circuit one iteration at a time (`simulate.iteration_distributions`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

import numpy as np

from qbnnc.files.inputs import FileId
from qbnnc.files.output import check_output, write_atomically
from qbnnc.frontend.model import Model
from qbnnc.reference.census import correct_counts
from qbnnc.reference.evaluate import weight_string

if TYPE_CHECKING:
    from matplotlib.figure import Figure

MAX_CURVES = 16
# Strings named in a group's label; a larger group names these and the count.
NAMED_IN_LABEL = 4
SIZE_INCHES, DPI, FONT_POINTS = (8.0, 5.0), 150, 11


@dataclass(frozen=True)
class Curve:
    """One drawn line: `probabilities` after 0, 1, ..., K iterations, for `count` weight
    strings; `each`: the probability of each of them (identical), else their total."""

    label: str
    marked: bool
    probabilities: tuple[float, ...]
    count: int = 1
    each: bool = True


@dataclass(frozen=True)
class PlotData:
    """What `plot` draws: the title, the iterations 0..K, the curves (one legend entry
    each) and the iteration count marked on the figure."""

    title: str
    iterations: tuple[int, ...]
    curves: tuple[Curve, ...]
    chosen: int | None = None  # the model's iteration count, marked on the figure


def _group_label(strings: list[str], marked: bool) -> str:
    kind = "marked" if marked else "unmarked"
    if len(strings) == 1:
        return f"{strings[0]} ({kind})"
    named = ", ".join(strings[:NAMED_IN_LABEL]) + (", ..." if len(strings) > NAMED_IN_LABEL else "")
    return f"{named} ({len(strings)} {kind} strings, each)"


def curves(model: Model, distributions: np.ndarray, chosen: int | None = None) -> PlotData:
    """The curves to draw from P(w) after each iteration (`distributions[k][w]`); `chosen`:
    the iteration count to mark."""
    n = model.num_weights
    marked = correct_counts(model) >= model.accept.min_correct
    ks = tuple(range(distributions.shape[0]))
    if 2**n <= MAX_CURVES:
        # Identical courses (to 1e-9, far below what a figure shows) share a curve, in
        # canonical order of their first string; marked curves first.
        groups: dict[tuple[bool, tuple[float, ...]], list[str]] = {}
        for w in sorted(range(2**n), key=lambda w: (not marked[w], weight_string(w, n))):
            course = tuple(round(float(p), 9) for p in distributions[:, w])
            groups.setdefault((bool(marked[w]), course), []).append(weight_string(w, n))
        out = tuple(
            Curve(_group_label(strings, is_marked), is_marked, course, len(strings))
            for (is_marked, course), strings in groups.items()
        )
    else:
        m = int(marked.sum())
        good, bad = distributions[:, marked].sum(axis=1), distributions[:, ~marked].sum(axis=1)
        out = (
            Curve(f"marked ({m} strings, total)", True, tuple(float(p) for p in good), m, False),
            Curve(
                f"unmarked ({2**n - m} strings, total)",
                False,
                tuple(float(p) for p in bad),
                2**n - m,
                False,
            ),
        )
    title = (
        f"{model.name}: {n} weights, {model.num_examples} examples, accept {model.accept.written}"
    )
    return PlotData(title, ks, out, chosen)


def figure(data: PlotData) -> Figure:
    """The matplotlib figure of `data` (Agg: no display needed); the caller closes it."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    with plt.rc_context({"font.size": FONT_POINTS}):
        fig, ax = plt.subplots(figsize=SIZE_INCHES, dpi=DPI)
        colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
        for i, curve in enumerate(data.curves):
            ax.plot(
                data.iterations,
                curve.probabilities,
                marker="o",
                linewidth=2,
                color=colors[i % len(colors)],
                linestyle="-" if curve.marked else "--",
                label=curve.label,
            )
        if data.chosen is not None:
            ax.axvline(
                data.chosen,
                color="0.3",
                linestyle=":",
                linewidth=1.5,
                label=f"chosen: {data.chosen} iterations",
                gid="chosen",
            )
        ax.set_xlabel("Grover iterations")
        ax.set_ylabel("probability of measuring")
        ax.set_title(data.title, fontsize=FONT_POINTS + 1)
        ax.set_xticks(data.iterations)
        ax.set_ylim(0, 1.02)
        ax.grid(alpha=0.3)
        # Below the axes, where it can hide no point of a curve.
        ax.legend(
            loc="upper center",
            bbox_to_anchor=(0.5, -0.14),
            fontsize=FONT_POINTS - 1,
            frameon=False,
            ncol=1 if len(data.curves) > 2 else 2,
        )
        fig.tight_layout()
    return fig


def draw(data: PlotData, path: str | Path | BinaryIO) -> None:
    """Write the figure as a PNG, the same bytes for the same data."""
    import matplotlib.pyplot as plt

    fig = figure(data)
    try:
        fig.savefig(path, format="png", metadata={"Software": None})
    finally:
        plt.close(fig)


def plot(
    model: Model,
    path: str | Path,
    iterations: int,
    progress: Callable[[str], None] | None = None,
    inputs: Iterable[str | os.PathLike[str] | FileId] = (),
    chosen: int | None = None,
) -> PlotData:
    """Simulate iterations 0..`iterations` of the model's circuit and draw them into `path`.

    `chosen`: the iteration count to mark (default: the model's, as `compile` chooses it).
    The PNG is written whole or not at all (`qbnnc.files.output.write_atomically`: a temporary
    file beside it, then a rename), never over one of `inputs` nor a file the model was read
    from. Returns the plotted data (one curve per legend entry, then the marked iteration).
    """
    from qbnnc.execution.simulate import iteration_distributions

    inputs = [*inputs, *model.files_read]
    check_output(path, inputs)
    if chosen is None:
        from qbnnc.pipeline.compiler import choose_iterations, count_marked

        chosen = choose_iterations(model, count_marked(model))
    data = curves(model, iteration_distributions(model, iterations, progress), chosen)
    write_atomically(path, lambda f: draw(data, f), inputs)
    return data
