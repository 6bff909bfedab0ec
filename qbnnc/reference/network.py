"""A trained network: every weight known, evaluated classically (prediction, accuracy,
confusion table, the `.bnn` text with every layer fixed)."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from qbnnc.frontend.model import Model
from qbnnc.reference.evaluate import correct, fix_weights, forward


@dataclass(frozen=True)
class Evaluation:
    """How a network classifies a data set: accuracy and the confusion table.

    `labels` are the label bit strings that occur (true or predicted), sorted; `confusion[i][j]`
    counts the examples whose label is `labels[i]` and whose prediction is `labels[j]`.
    """

    correct: int
    examples: int
    labels: tuple[str, ...]
    confusion: tuple[tuple[int, ...], ...]

    @property
    def accuracy(self) -> float:
        return self.correct / self.examples if self.examples else 0.0

    def to_json(self) -> dict[str, object]:
        return {
            "correct": self.correct,
            "examples": self.examples,
            "accuracy": self.accuracy,
            "labels": list(self.labels),
            "confusion": [list(row) for row in self.confusion],
        }


@dataclass(frozen=True)
class Network:
    """A network whose every weight is known (`model` has only fixed layers), evaluated
    classically by `forward`: what `train` found, or a saved `.bnn` read back."""

    model: Model

    def __post_init__(self) -> None:
        if any(layer.trainable for layer in self.model.layers):
            raise ValueError(
                f"network '{self.model.name}' has trainable layers: train it first "
                "(qbnnc.train, or `qbnnc train MODEL --save FILE.bnn`)"
            )

    @classmethod
    def of(cls, model: Model, weights: int | str) -> Network:
        """The network of `model` at the weight string `weights`: an int (bit i is weight i)
        or a canonical-order string of 0s and 1s (weight 0 first, as `train` prints)."""
        if isinstance(weights, str):
            if len(weights) != model.num_weights or set(weights) - {"0", "1"}:
                raise ValueError(
                    f"weights must be {model.num_weights} characters of 0 and 1, got {weights!r}"
                )
            weights = sum(int(b) << i for i, b in enumerate(weights))
        return cls(fix_weights(model, weights))

    @property
    def neurons(self) -> dict[str, str]:
        """Each neuron's weights, one bit per line of its sources in order: {'h[0]': '011'}."""
        return {
            f"{layer.name}[{j}]": "".join(map(str, row))
            for layer in self.model.layers
            for j, row in enumerate(layer.fixed or ())
        }

    def predict(self, X: object) -> np.ndarray:  # the usual name for inputs
        """The output bits for each row of `X` (rows x input bits, 0/1): shape (rows,) for a
        one-bit output, else (rows, output bits); dtype uint8."""
        from qbnnc.frontend.data import bit_matrix

        x = bit_matrix(X, self.model.input_width, "X")
        out = np.zeros((len(x), self.model.output_width), dtype=np.uint8)
        if len(x):
            # The output depends only on the row: each distinct row is evaluated once.
            rows, inverse = np.unique(x, axis=0, return_inverse=True)
            values = np.array(
                [forward(self.model, 0, tuple(int(b) for b in row)) for row in rows],
                dtype=np.uint8,
            )
            out = values[inverse.reshape(-1)]
        return out[:, 0] if self.model.output_width == 1 else out

    def evaluate(self, X: object, y: object) -> Evaluation:
        """Accuracy (every output bit right) and confusion table on `X`, labels `y`."""
        from qbnnc.frontend.data import bit_matrix

        k = self.model.output_width
        labels = bit_matrix(y, k, "y")
        predicted = self.predict(X).reshape(-1, k)
        if len(predicted) != len(labels):
            raise ValueError(f"X has {len(predicted)} rows but y has {len(labels)}")
        return evaluation(predicted, labels)

    def bnn(self, comment: str = "") -> str:
        """The network as a `.bnn` model (every layer fixed; its examples inline), whose
        train block accepts what this network scores on them, so the file checks."""
        from qbnnc.frontend.model import Accept
        from qbnnc.frontend.unparse import bnn_text

        score = correct(self.model, 0)
        accept = Accept("correct", score, f"correct >= {score}")
        return bnn_text(replace(self.model, accept=accept, iterations=None, expect=None), comment)


def evaluation(predicted: np.ndarray, labels: np.ndarray) -> Evaluation:
    """The accuracy and confusion table of `predicted` against `labels` (rows x bits)."""
    truth = ["".join(map(str, row)) for row in labels.tolist()]
    guess = ["".join(map(str, row)) for row in predicted.tolist()]
    names = tuple(sorted(set(truth) | set(guess)))
    index = {name: i for i, name in enumerate(names)}
    table = np.zeros((len(names), len(names)), dtype=np.int64)
    for t, g in zip(truth, guess, strict=True):
        table[index[t], index[g]] += 1
    right = sum(t == g for t, g in zip(truth, guess, strict=True))
    return Evaluation(right, len(truth), names, tuple(tuple(map(int, r)) for r in table))
