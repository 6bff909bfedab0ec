"""How Grover's iterations move probability onto the good weight strings, as a PNG.

One curve per weight string when there are few (marked ones solid, unmarked dashed), as in
the paper's figures; beyond `MAX_CURVES` strings, two curves: the total probability of the
marked strings and of the unmarked ones. The probabilities come from simulating the
compiled circuit one iteration at a time (`simulate.iteration_distributions`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np

from qbnnc.frontend.model import Model
from qbnnc.output import check_output, write_atomically
from qbnnc.semantics import correct_counts, weight_string

MAX_CURVES = 16


@dataclass(frozen=True)
class Curve:
    label: str
    marked: bool
    probabilities: tuple[float, ...]  # after 0, 1, ..., K iterations


@dataclass(frozen=True)
class PlotData:
    title: str
    iterations: tuple[int, ...]
    curves: tuple[Curve, ...]


def curves(model: Model, distributions: np.ndarray) -> PlotData:
    """The curves to draw from P(w) after each iteration (`distributions[k][w]`)."""
    n = model.num_weights
    marked = correct_counts(model) >= model.accept.min_correct
    ks = tuple(range(distributions.shape[0]))
    if 2**n <= MAX_CURVES:
        out = tuple(
            Curve(
                f"{weight_string(w, n)}" + (" (marked)" if marked[w] else ""),
                bool(marked[w]),
                tuple(float(p) for p in distributions[:, w]),
            )
            for w in range(2**n)
        )
    else:
        m = int(marked.sum())
        good, bad = distributions[:, marked].sum(axis=1), distributions[:, ~marked].sum(axis=1)
        out = (
            Curve(f"marked ({m} strings)", True, tuple(float(p) for p in good)),
            Curve(f"unmarked ({2**n - m} strings)", False, tuple(float(p) for p in bad)),
        )
    title = (
        f"{model.name}: {n} weights, {model.num_examples} examples, accept {model.accept.written}"
    )
    return PlotData(title, ks, out)


def draw(data: PlotData, path: str | Path | BinaryIO) -> None:
    """Write the figure as a PNG (matplotlib's Agg backend: no display needed)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.2), dpi=100)
    try:
        for curve in data.curves:
            ax.plot(
                data.iterations,
                curve.probabilities,
                marker="o",
                linestyle="-" if curve.marked else "--",
                label=curve.label,
            )
        ax.set_xlabel("Grover iterations")
        ax.set_ylabel("probability of measuring")
        ax.set_title(data.title, fontsize=9)
        ax.set_xticks(data.iterations)
        ax.set_ylim(0, 1.02)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7, ncol=2 if len(data.curves) > 8 else 1, loc="best")
        fig.tight_layout()
        # Fixed metadata so the same data gives the same bytes.
        fig.savefig(path, format="png", metadata={"Software": None})
    finally:
        plt.close(fig)


def plot(
    model: Model,
    path: str | Path,
    iterations: int,
    progress: Callable[[str], None] | None = None,
    inputs: Iterable[str | os.PathLike[str]] = (),
) -> PlotData:
    """Simulate iterations 0..`iterations` of the model's circuit and draw them into `path`.

    The PNG is written whole or not at all (`qbnnc.output.write_atomically`: a temporary
    file beside it, then a rename), never over one of `inputs`. Returns the plotted data
    (one curve per legend entry).
    """
    from qbnnc.tools.simulate import iteration_distributions

    check_output(path, inputs)
    data = curves(model, iteration_distributions(model, iterations, progress))
    write_atomically(path, lambda f: draw(data, f), inputs)
    return data
