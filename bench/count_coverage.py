"""How often `qbnnc count`'s interval holds the exact M, and what it spends.

For every paper task and both methods: `--runs` seeded runs (seeds 0..runs-1) of
`qbnnc.count(model, epsilon, confidence, method, seed=...)` on qbnnc's exact simulation (one
compiled circuit and simulation shared by the runs, as `make_sampler` allows; the shots are
the runs' own), compared with the census's M. Prints a Markdown table: coverage (runs whose
interval holds M) against the stated confidence, mean oracle calls, mean interval width in
M, and the mean of the estimate. For MLAE, also how often the likelihood-ratio interval
of Suzuki et al. (qiskit-algorithms' `kind="lr"`), computed from the same rounds, holds M:
the interval qbnnc does not use.

    python bench/count_coverage.py                      # 200 runs, epsilon 0.01, 95%
    python bench/count_coverage.py --runs 50 --epsilon 0.05 --confidence 0.9
"""

from __future__ import annotations

import argparse
import math
import time
from pathlib import Path

import numpy as np
from scipy.special import xlogy
from scipy.stats import chi2

from qbnnc.execution.count import CountRound, count, make_sampler, most_power
from qbnnc.pipeline.compiler import load_model, read_source
from qbnnc.reference.census import census

ROOT = Path(__file__).resolve().parent.parent

PAPER = sorted((ROOT / "examples" / "paper").glob("*.bnn"))


def likelihood_ratio(rounds: tuple[CountRound, ...], confidence: float) -> tuple[float, float]:
    """The likelihood-ratio interval for a = sin^2(theta) (Suzuki et al.): the thetas whose
    log-likelihood is within chi2(1, confidence) / 2 of the maximum, on a fine grid."""
    odd = np.array([2 * r.power + 1 for r in rounds], dtype=float)
    hits = np.array([r.marked for r in rounds], dtype=float)
    misses = np.array([r.shots - r.marked for r in rounds], dtype=float)
    grid = np.linspace(0, math.pi / 2, 200_001)
    angles = np.multiply.outer(grid, odd)
    loglik = (xlogy(hits, np.sin(angles) ** 2) + xlogy(misses, np.cos(angles) ** 2)).sum(-1)
    inside = np.flatnonzero(loglik >= loglik.max() - chi2.ppf(confidence, df=1) / 2)
    return math.sin(grid[inside[0]]) ** 2, math.sin(grid[inside[-1]]) ** 2


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--runs", type=int, default=200)
    p.add_argument("--epsilon", type=float, default=0.01)
    p.add_argument("--confidence", type=float, default=0.95)
    p.add_argument("--shots", type=int, default=100)
    args = p.parse_args()
    print(
        f"{args.runs} seeded runs per task and method; epsilon {args.epsilon}, confidence "
        f"{args.confidence}, {args.shots} shots per round"
    )
    print()
    print(
        "| task | N | M | method | covered | coverage | mean oracle calls | min-max "
        "| mean width (M) | mean estimate | seconds | likelihood-ratio interval covered |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for path in PAPER:
        model = load_model(read_source(path), str(path))
        exact = census(model).marked
        most = max(
            most_power(m, args.epsilon, args.confidence, args.shots) for m in ("iae", "mlae")
        )
        sampler = make_sampler(model, most=most)
        for method in ("iae", "mlae"):
            start = time.perf_counter()
            results = [
                count(
                    model,
                    epsilon=args.epsilon,
                    confidence=args.confidence,
                    method=method,  # type: ignore[arg-type]
                    seed=seed,
                    shots=args.shots,
                    sampler=sampler,
                    census=False,
                )
                for seed in range(args.runs)
            ]
            seconds = time.perf_counter() - start
            covered = sum(r.interval[0] - 1e-9 <= exact <= r.interval[1] + 1e-9 for r in results)
            calls = [r.oracle_calls for r in results]
            width = sum(r.interval[1] - r.interval[0] for r in results) / len(results)
            estimate = sum(r.estimate for r in results) / len(results)
            lr = "-"
            if method == "mlae":
                a = exact / (1 << model.num_weights)
                held = sum(
                    low - 1e-12 <= a <= high + 1e-12
                    for low, high in (likelihood_ratio(r.rounds, args.confidence) for r in results)
                )
                lr = f"{held}/{args.runs}"
            print(
                f"| {path.stem} | {1 << model.num_weights} | {exact} | {method} | "
                f"{covered}/{args.runs} | {covered / args.runs:.3f} | "
                f"{sum(calls) / len(calls):.0f} | {min(calls)}-{max(calls)} | {width:.2f} | "
                f"{estimate:.2f} | {seconds:.1f} | {lr} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
