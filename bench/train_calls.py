"""Oracle calls of `qbnnc train` (BBHT inside Dürr–Høyer) beside sqrt(N/M) and N.

    python bench/train_calls.py [--seeds 20]

For each paper task: N = 2^weights, M = the number of optimal weight strings (counted
classically here, never by `train`), the mean oracle calls over the seeds (Grover
iterations x shots, one shot per round), how often the optimum was found, and the
budget after which Dürr–Høyer stop. Recorded in docs/train.md.
"""

from __future__ import annotations

import argparse
import math
import statistics
from pathlib import Path

from qbnnc import load_model
from qbnnc.execution.train import train
from qbnnc.pipeline.compiler import read_source
from qbnnc.reference.census import census

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--seeds", type=int, default=20)
    ns = p.parse_args()
    print(
        "| task | N | M (optimal) | best | sqrt(N/M) | mean oracle calls | min-max "
        "| optimum found | DH budget | classical evaluations (N x examples) |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for path in sorted(ROOT.glob("examples/paper/*.bnn")):
        model = load_model(read_source(path), str(path))
        tally = census(model)
        n = 2**model.num_weights
        m = dict(tally.histogram)[tally.best]
        calls, found = [], 0
        for seed in range(ns.seeds):
            result = train(model, seed=seed)
            calls.append(result.oracle_calls)
            found += result.correct == tally.best
        print(
            f"| {path.stem} | {n} | {m} | {tally.best}/{model.num_examples} "
            f"| {math.sqrt(n / m):.2f} | {statistics.mean(calls):.1f} | {min(calls)}-{max(calls)} "
            f"| {found}/{ns.seeds} | {result.budget} | {n * model.num_examples} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
