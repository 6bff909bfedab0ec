"""scikit-learn integration: `from qbnnc.sklearn import QBNNClassifier` (needs the package
scikit-learn: pip install 'qbnnc[sklearn]')."""

from __future__ import annotations

from qbnnc.sklearn.classifier import QBNNClassifier

__all__ = ["QBNNClassifier"]
