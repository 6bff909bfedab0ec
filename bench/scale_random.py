"""`qbnnc stats` at dataset scale on random data: a 784-input network, up to 10,000 rows.

    python bench/scale_random.py                      # the issue's case and both fits
    python bench/scale_random.py --rows 10000 --hidden 64 --no-fit

The model is MNIST-shaped: `input x[784]`, `layer h1[H]`, `layer h2[16]`, `layer y[1]`
(majority thresholds), with R rows of uniformly random bits and random labels (seeded, so
every run measures the same data), `accept accuracy >= 60%` and `iterations 10` (far too
many weights to count). Each measurement runs `qbnnc stats MODEL --json` in a fresh
process and reports its wall time and peak memory (the child's own getrusage).

The fits: compile-and-count time against rows (H = 64; R = 1,250 ... 10,000) and against
weights (R = 2,500; H = 8 ... 64), each a least-squares line through log(time) against
log(size); the slope is the exponent (1 is linear).
"""

from __future__ import annotations

import argparse
import json
import math
import random
import subprocess
import sys
import tempfile
from pathlib import Path

INPUTS = 784
SEED = 2026

# Runs in a child process: the CLI's stats, in-process, then its own time and peak memory.
_CHILD = r"""
import json, resource, sys, time, io, contextlib
from qbnnc.cli import main
out = io.StringIO()
t = time.perf_counter()
with contextlib.redirect_stdout(out):
    status = main(["stats", sys.argv[1], "--json"])
wall = time.perf_counter() - t
table = json.loads(out.getvalue())
print(json.dumps({
    "status": status,
    "wall_s": wall,
    "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "weights": table["weight_qubits"],
    "qubits": table["qubits"],
    "examples": table["examples"],
    "toffoli_count": table["toffoli_count"],
    "depth": table["depth"],
}))
"""


def write_model(folder: Path, rows: int, hidden: int) -> Path:
    """A random data set of `rows` rows and the model that trains on it."""
    rng = random.Random(SEED)
    lines = [",".join([f"x{i}" for i in range(INPUTS)] + ["y"])]
    for _ in range(rows):
        bits = rng.getrandbits(INPUTS + 1)
        lines.append(",".join(str((bits >> i) & 1) for i in range(INPUTS + 1)))
    (folder / "rows.csv").write_text("\n".join(lines) + "\n")
    model = folder / "random.bnn"
    model.write_text(
        f"network random{INPUTS} {{\n"
        f"    input x[{INPUTS}]\n"
        f"    layer h1[{hidden}] from x\n"
        "    layer h2[16] from h1\n"
        "    layer y[1] from h2\n"
        "}\n"
        'data from "rows.csv"\n'
        "train {\n    accept accuracy >= 60%\n    iterations 10\n}\n"
    )
    return model


def measure(rows: int, hidden: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        model = write_model(Path(tmp), rows, hidden)
        run = subprocess.run(
            [sys.executable, "-c", _CHILD, str(model)], capture_output=True, text=True, check=True
        )
    return json.loads(run.stdout.strip().splitlines()[-1])


def slope(points: list[tuple[float, float]]) -> float:
    """Least-squares slope of log(y) against log(x)."""
    xs = [math.log(x) for x, _ in points]
    ys = [math.log(y) for _, y in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum(
        (x - mx) ** 2 for x in xs
    )


def row(r: dict[str, float], rows: int, hidden: int) -> str:
    depth = "-" if r["depth"] is None else f"{r['depth']:,}"
    return (
        f"| {rows:,} | {hidden} | {r['weights']:,} | {r['qubits']:,} | {r['toffoli_count']:,} "
        f"| {depth} | {r['wall_s']:.1f} | {r['max_rss_mb']:.0f} |"
    )


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rows", type=int, default=10_000)
    p.add_argument("--hidden", type=int, default=64)
    p.add_argument("--no-fit", action="store_true", help="measure the one case only")
    ns = p.parse_args()
    header = "| rows | h1 | weights | qubits | Toffolis | depth | stats s | max RSS MB |"
    print(header)
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    print(row(measure(ns.rows, ns.hidden), ns.rows, ns.hidden), flush=True)
    if ns.no_fit:
        return
    by_rows = []
    for rows in (1250, 2500, 5000):
        r = measure(rows, 64)
        print(row(r, rows, 64), flush=True)
        by_rows.append((rows, r["wall_s"]))
    by_rows.append((ns.rows, measure(ns.rows, 64)["wall_s"]))
    by_weights = []
    for hidden in (8, 16, 32, 64):
        r = measure(2500, hidden)
        print(row(r, 2500, hidden), flush=True)
        by_weights.append((r["weights"], r["wall_s"]))
    print(
        f"\ntime ~ rows^{slope(by_rows):.2f} (h1 = 64), ~ weights^{slope(by_weights):.2f} "
        "(2,500 rows)"
    )


if __name__ == "__main__":
    main()
