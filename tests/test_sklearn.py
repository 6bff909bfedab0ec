"""qbnnc.sklearn.QBNNClassifier: a scikit-learn estimator trained by simulated Grover search."""

from __future__ import annotations

import itertools
import subprocess
import sys

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import KFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import Binarizer

from qbnnc.sklearn import QBNNClassifier


def neuron(lines: tuple[int, ...], weights: tuple[int, ...], threshold: int) -> int:
    """The xnor BNN neuron, written out here independently of qbnnc."""
    return int(sum(x == w for x, w in zip(lines, weights, strict=True)) >= threshold)


def best_221(bits: np.ndarray, labels: np.ndarray) -> int:
    """The most rows any weight string of the 2-2-1 network (hidden threshold 2, output
    threshold 1) classifies correctly: brute force over all 2^6 weight strings."""
    best = 0
    for w in itertools.product((0, 1), repeat=6):
        hits = 0
        for row, label in zip(bits.tolist(), labels.tolist(), strict=True):
            hidden = (neuron(tuple(row), w[0:2], 2), neuron(tuple(row), w[2:4], 2))
            hits += neuron(hidden, w[4:6], 1) == label
        best = max(best, hits)
    return best


def test_a_pipeline_after_a_binariser_reaches_the_exhaustive_optimum() -> None:
    rng = np.random.default_rng(0)
    X = rng.random((16, 2))
    bits = (X > 0.5).astype(int)
    y = np.where(bits[:, 0] != bits[:, 1], "odd", "even")  # XOR: needs the hidden layer
    # random_state 4: the first random guess is not already optimal, so the search runs.
    estimator = QBNNClassifier(hidden=(2,), thresholds=(None, 1), random_state=4)
    pipeline = make_pipeline(Binarizer(threshold=0.5), estimator)
    pipeline.fit(X, y)
    fitted = pipeline[-1]
    optimum = best_221(bits, (y == "odd").astype(int))
    assert fitted.oracle_calls_ > 0
    assert fitted.train_correct_ == optimum
    assert pipeline.score(X, y) == optimum / len(y)
    assert list(fitted.classes_) == ["even", "odd"]
    assert set(pipeline.predict(X)) <= {"even", "odd"}
    assert fitted.n_features_in_ == 2 and len(fitted.weights_) == 6
    assert set(fitted.network_.neurons) == {"h1[0]", "h1[1]", "y[0]"}


def test_cross_val_score_on_a_small_data_set() -> None:
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]] * 3)
    y = X[:, 0] & X[:, 1]  # AND: one neuron of threshold 2 with weights 11, nothing else
    scores = cross_val_score(QBNNClassifier(random_state=1), X, y, cv=KFold(3))
    assert scores.tolist() == [1.0, 1.0, 1.0]


def test_hyper_parameters_follow_scikit_learn_conventions() -> None:
    estimator = QBNNClassifier(hidden=(3,), thresholds=(2, 1), random_state=7)
    params = estimator.get_params()
    assert params["hidden"] == (3,) and params["random_state"] == 7
    copy = clone(estimator).set_params(encoding="xor")
    assert (copy.encoding, copy.hidden, estimator.encoding) == ("xor", (3,), "xnor")
    assert not hasattr(estimator, "network_")  # __init__ does no work
    with pytest.raises(ValueError, match="put a binariser before it"):
        estimator.fit(np.array([[0.2, 0.7], [0.9, 0.1]]), [0, 1])
    with pytest.raises(ValueError, match="thresholds has 1 entries for 2 layers"):
        QBNNClassifier(hidden=(1,), thresholds=(1,)).fit([[0, 1], [1, 0]], [0, 1])


def test_without_scikit_learn_the_import_names_the_pip_line() -> None:
    code = "import sys; sys.modules['sklearn'] = None; import qbnnc.sklearn"
    run = subprocess.run([sys.executable, "-P", "-c", code], capture_output=True, text=True)
    assert run.returncode == 1
    assert run.stderr.strip().endswith(
        "ImportError: qbnnc.sklearn needs the package scikit-learn: pip install scikit-learn, "
        "or: pip install 'qbnnc[sklearn]'"
    )
