"""The `qbnnc` command line: one module per command (`compile`, `analyse`, `run`, `train`,
`predict`, `jobs`), the entry point in `main`, and what they share (argument parsing,
packages, budgets, printing, progress)."""

from __future__ import annotations

from qbnnc.cli.main import main

__all__ = ["main"]
