"""What `qbnnc train` spends, against its targets and the classical yardsticks.

    python bench/train_calls.py [--seeds 50] [--random-tasks 24]

For the five paper tasks and for seeded random tasks of 6 to 16 weights (a hidden layer
of 1 to 3 neurons, 4 to 16 rows labelled by a random teacher network, half of them with
a quarter of the labels flipped, so that some have a string that classifies every row and
some do not), `train(model, seed=s)` for each seed on the default backend. Printed per
task: N = 2^weights, R rows, the best count and M_opt (the strings that reach it, counted
here, never by `train`), the method, the mean oracle calls, checks and total cost
(oracle-call equivalents: oracle calls + candidate checks), the largest cost, the target
2 sqrt(N/M_opt) (1 + log2 R), plus 8 sqrt(N) where no string classifies every row, capped
at N, how often the optimum was found, and random search's N / M_opt. Recorded in
docs/train.md and README.md.
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
from dataclasses import dataclass
from pathlib import Path

from qbnnc import load_model
from qbnnc.execution.train import train
from qbnnc.frontend.model import Model
from qbnnc.pipeline.compiler import read_source
from qbnnc.reference.census import correct_counts

ROOT = Path(__file__).resolve().parent.parent


def random_task(rng: random.Random) -> str:
    """A network of 6 to 16 weights (inputs -> hidden -> 1 output) and rows from a random
    teacher of the same shape, half the time with a quarter of the labels flipped."""
    while True:
        inputs, hidden = rng.randint(2, 6), rng.randint(1, 3)
        if 6 <= hidden * (inputs + 1) <= 16:
            break
    encoding = rng.choice(["xnor", "xor"])
    t_hidden, t_out = rng.randint(1, inputs), rng.randint(1, hidden)
    teacher = [[rng.randint(0, 1) for _ in range(inputs)] for _ in range(hidden)]
    top = [rng.randint(0, 1) for _ in range(hidden)]
    noisy = rng.random() < 0.5

    def fires(x: list[int], w: list[int], t: int) -> int:
        return int(sum((a == b) == (encoding == "xnor") for a, b in zip(x, w, strict=True)) >= t)

    rows = []
    for _ in range(rng.randint(4, 16)):
        x = [rng.randint(0, 1) for _ in range(inputs)]
        y = fires([fires(x, w, t_hidden) for w in teacher], top, t_out)
        y ^= int(noisy and rng.random() < 0.25)
        rows.append(f"    {''.join(map(str, x))} -> {y}")
    return (
        f"network random {{\n    encoding {encoding}\n    input x[{inputs}]\n"
        f"    layer h[{hidden}] from x threshold {t_hidden}\n"
        f"    layer y[1] from h threshold {t_out}\n}}\n"
        "data {\n" + "\n".join(rows) + "\n}\n"
    )


@dataclass(frozen=True)
class Row:
    name: str
    weights: int
    rows: int
    best: int
    optimal: int
    method: str
    calls: float
    checks: float
    cost: float
    most: int
    target: float
    found: int
    seeds: int

    @property
    def meets(self) -> bool:
        strings = 2**self.weights
        return self.found >= 0.98 * self.seeds and self.cost <= self.target and self.most <= strings


def measure(name: str, model: Model, seeds: int) -> Row:
    counts = correct_counts(model)
    n, r = 2**model.num_weights, model.num_examples
    best = int(counts.max())
    optimal = int((counts == best).sum())
    target = 2 * math.sqrt(n / optimal) * (1 + math.log2(r))
    if best < r:
        target += 8 * math.sqrt(n)
    results = [train(model, seed=s) for s in range(seeds)]
    methods = sorted({res.method for res in results})
    return Row(
        name=name,
        weights=model.num_weights,
        rows=r,
        best=best,
        optimal=optimal,
        method="/".join(methods),
        calls=statistics.mean(res.oracle_calls for res in results),
        checks=statistics.mean(res.candidate_checks for res in results),
        cost=statistics.mean(res.cost for res in results),
        most=max(res.cost for res in results),
        target=min(target, n),
        found=sum(res.correct == best for res in results),
        seeds=seeds,
    )


HEADER = (
    "| task | N | R | best | M_opt | method | oracle calls | checks | cost | max cost "
    "| target | found | N/M_opt |\n"
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
)


def line(row: Row) -> str:
    n = 2**row.weights
    return (
        f"| {row.name} | {n:,} | {row.rows} | {row.best}/{row.rows} | {row.optimal:,} "
        f"| {row.method} | {row.calls:.1f} | {row.checks:.1f} | {row.cost:.1f} | {row.most:,} "
        f"| {row.target:.1f} | {row.found}/{row.seeds} | {n / row.optimal:.1f} |"
    )


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--seeds", type=int, default=50)
    p.add_argument("--random-tasks", type=int, default=24)
    ns = p.parse_args()
    table: list[Row] = []
    print(HEADER)
    for path in sorted(ROOT.glob("examples/paper/*.bnn")):
        row = measure(path.stem, load_model(read_source(path), str(path)), ns.seeds)
        table.append(row)
        print(line(row), flush=True)
    rng = random.Random(19)
    for i in range(ns.random_tasks):
        row = measure(f"random {i}", load_model(random_task(rng)), ns.seeds)
        table.append(row)
        print(line(row), flush=True)
    runs = sum(r.seeds for r in table)
    found = sum(r.found for r in table)
    print()
    print(f"optimum found: {found}/{runs} runs ({found / runs:.1%})")
    print(f"tasks meeting every target: {sum(r.meets for r in table)}/{len(table)}")
    print(f"largest cost over N: {max(r.most / 2**r.weights for r in table):.2f}")


if __name__ == "__main__":
    main()
