"""scikit-learn integration: `from qbnnc.sklearn import QBNNClassifier` (needs the package
scikit-learn: pip install 'qbnnc[sklearn]'). See `qbnnc.tools.sklearn`."""

from __future__ import annotations

from qbnnc.tools.sklearn import QBNNClassifier

__all__ = ["QBNNClassifier"]
