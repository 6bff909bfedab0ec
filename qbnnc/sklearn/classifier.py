"""A scikit-learn classifier that trains a binary neural network by simulated Grover search.

`QBNNClassifier(hidden=(2,))` is the network `input x[features] -> hidden layers -> y`;
`fit(X, y)` writes that model, hands it the arrays as its data (`compile(..., data=(X, y))`)
and trains it with `qbnnc.train` (Dürr–Høyer minimum finding around BBHT search, each
round drawn from the circuit's exact distribution, or enumerated where that is cheaper), so
the weights it keeps classify the most training rows correctly with high probability.
Features must be bits: put a `Binarizer` (or any 0/1 encoder) before it in a `Pipeline`.

Classes are coded in binary on the output layer: 2 classes on 1 output bit, K classes on
ceil(log2 K) bits (class i is the bit string of i, most significant bit first). An output
code no class has (K not a power of two) predicts the most frequent training class.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

try:
    from sklearn.base import BaseEstimator, ClassifierMixin
    from sklearn.utils.multiclass import check_classification_targets
    from sklearn.utils.validation import check_array, check_is_fitted, check_X_y
except ImportError:  # pragma: no cover - exercised by hiding the package in the tests
    from qbnnc.targets import needs_packages

    raise ImportError(needs_packages("qbnnc.sklearn", ["scikit-learn"], "sklearn")) from None

from qbnnc.diagnostics import CompileError
from qbnnc.execution.train import train
from qbnnc.frontend.data import bit_matrix, refuse_masked
from qbnnc.pipeline.compiler import load_model
from qbnnc.reference.network import Network

__all__ = ["QBNNClassifier"]


class QBNNClassifier(ClassifierMixin, BaseEstimator):
    """A binary neural network trained by (simulated) quantum search over its weights.

    Parameters (stored as given; nothing is checked until `fit`):

    hidden: the widths of the hidden layers, e.g. `(2,)` (a number: one hidden layer); `()`
        is a single layer of output neurons reading the features directly.
    thresholds: one threshold per layer (hidden layers, then the output layer), an int or
        None for the default strict majority `floor(fan_in / 2) + 1`; None: all default.
    encoding: "xnor" (a line counts when it equals its weight bit, the BNN convention) or
        "xor" (when it differs, the paper's).
    oracle: "counter" or "phase" (see the `.bnn` train settings).
    random_state: the seed of the search (an int; None: a fresh one each fit).
    shots_per_round, budget, backend: as for `qbnnc.train`.

    Fitted attributes: `classes_`, `n_features_in_`, `network_` (a `qbnnc.Network`, all
    weights known: `network_.neurons`, `network_.bnn()`), `weights_` (canonical weight
    string), `train_correct_` (training rows classified correctly), `oracle_calls_`,
    `model_text_` (the `.bnn` network trained, without its data).
    """

    def __init__(
        self,
        hidden: tuple[int, ...] = (),
        thresholds: tuple[int | None, ...] | None = None,
        encoding: str = "xnor",
        oracle: str = "counter",
        random_state: int | None = 0,
        shots_per_round: int = 1,
        budget: int | None = None,
        backend: str = "aer",
    ) -> None:
        self.hidden = hidden
        self.thresholds = thresholds
        self.encoding = encoding
        self.oracle = oracle
        self.random_state = random_state
        self.shots_per_round = shots_per_round
        self.budget = budget
        self.backend = backend

    # -- the model -------------------------------------------------------------------------

    def _text(self, features: int, outputs: int) -> str:
        """The `.bnn` network (no data: the arrays are handed to the checker)."""
        widths = [*_widths(self.hidden), outputs]
        thresholds = list(self.thresholds) if self.thresholds is not None else [None] * len(widths)
        for threshold in thresholds:
            if threshold is not None and not _whole(threshold):
                raise ValueError(f"thresholds must hold whole numbers or None, got {threshold!r}")
        if len(thresholds) != len(widths):
            raise ValueError(
                f"thresholds has {len(thresholds)} entries for {len(widths)} layers "
                "(the hidden layers, then the output layer)"
            )
        if self.encoding not in ("xnor", "xor"):
            raise ValueError(f"encoding must be 'xnor' or 'xor', got {self.encoding!r}")
        if self.oracle not in ("counter", "phase"):
            raise ValueError(f"oracle must be 'counter' or 'phase', got {self.oracle!r}")
        lines = ["network qbnn {", f"    encoding {self.encoding}", f"    input x[{features}]"]
        source = "x"
        for i, (width, threshold) in enumerate(zip(widths, thresholds, strict=True)):
            name = "y" if i == len(widths) - 1 else f"h{i + 1}"
            rule = "" if threshold is None else f" threshold {int(threshold)}"
            lines.append(f"    layer {name}[{width}] from {source}{rule}")
            source = name
        lines += ["}", "train {", f"    oracle {self.oracle}", "}"]
        return "\n".join(lines) + "\n"

    def fit(self, X: Any, y: Any) -> QBNNClassifier:  # scikit-learn's names
        """Train on `X` (rows x features, values 0 and 1) and labels `y`."""
        refuse_masked(X, "X")
        refuse_masked(y, "y")
        X, y = check_X_y(X, y, dtype=None)
        check_classification_targets(y)
        self.n_features_in_ = X.shape[1]
        self.classes_, codes = np.unique(y, return_inverse=True)
        bits = max(1, math.ceil(math.log2(len(self.classes_))))
        labels = (codes.reshape(-1, 1) >> np.arange(bits - 1, -1, -1)) & 1
        self._fallback = int(np.bincount(codes).argmax())
        x = _bits(X, self.n_features_in_)
        self.model_text_ = self._text(self.n_features_in_, bits)
        try:
            model = load_model(self.model_text_, data=(x, labels))
            # Refused before any work when it would take too long or too much memory.
            result = train(
                model,
                seed=self.random_state,
                shots_per_round=self.shots_per_round,
                backend=self.backend,
                budget=self.budget,
            )
        except CompileError as error:
            raise ValueError(f"QBNNClassifier cannot train this network: {error}") from None
        self.network_: Network = result.network
        self.weights_ = result.weights
        self.train_correct_ = result.correct
        self.oracle_calls_ = result.oracle_calls
        return self

    def predict(self, X: Any) -> np.ndarray:
        """The class of each row of `X` (rows x features, values 0 and 1)."""
        check_is_fitted(self, "network_")
        X = check_array(X, dtype=None)
        if X.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X has {X.shape[1]} features, but QBNNClassifier was fitted with "
                f"{self.n_features_in_}"
            )
        out = self.network_.predict(_bits(X, self.n_features_in_))
        out = out.reshape(len(X), -1).astype(np.int64)
        codes = out @ (1 << np.arange(out.shape[1] - 1, -1, -1))
        codes[codes >= len(self.classes_)] = self._fallback
        return self.classes_[codes]


def _bits(X: np.ndarray, features: int) -> np.ndarray:
    try:
        return bit_matrix(X, features, "X")
    except ValueError as error:
        raise ValueError(
            f"QBNNClassifier reads bits: {error}; put a binariser before it, e.g. "
            "make_pipeline(Binarizer(threshold=...), QBNNClassifier())"
        ) from None


def _whole(value: object) -> bool:
    """Whether `value` is a whole number (a Python or NumPy integer, not a bool)."""
    return isinstance(value, int | np.integer) and not isinstance(value, bool)


def _widths(hidden: object) -> list[int]:
    """The hidden layers' widths: a whole number (one layer) or a tuple or list of them,
    each at least 1 (a string such as "2" is refused, not read digit by digit)."""
    layers = [hidden] if _whole(hidden) else hidden
    if not isinstance(layers, tuple | list) or not all(_whole(w) and w >= 1 for w in layers):
        raise ValueError(
            f"hidden must be the widths of the hidden layers, a tuple of whole numbers of at "
            f"least 1 such as (2,), got {hidden!r}"
        )
    return [int(w) for w in layers]
