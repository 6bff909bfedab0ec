"""Calibrate the count and compile estimates of qbnnc/analysis/budget.py against measurement.

    python bench/budget_compile.py [--large]

Models: every examples/**/*.bnn, bench/digits.bnn, and generated ones written to a
temporary folder: the two counting cases of bench/count_scale.py (7-3-1: 24 weights on
128 rows; 9-2-1: 20 weights on 1,000 rows), a single 24-input neuron on 1,000 random rows,
the 784-input networks of bench/scale_random.py (1,000 rows x h1 8, 2,500 x 16; with
`--large` also the issue's 10,000 x 64, whose OpenQASM 3 is 5 GB), 10,000 layers of width 2,
100,000 rows of 4 distinct inputs, and a 64-32-1 network on 100 rows.

Three jobs per model, each in a fresh process (`qbnnc.cli.main`, output discarded):
`check` (the count), `compile` (count, compile, structured OpenQASM 3 to a file) and `stats`.
Each prints CPU seconds (the child's own, steady on a shared machine; the constants are
fitted to it) and wall seconds, both without reading and checking the model (which happens
before the estimate, bounded by the input size caps), and the peak RSS, beside the estimates
the command line computes before starting (`budget.estimate_count` +
`budget.estimate_compile`: seconds and peak memory), and the ratio estimate / CPU.
Recorded in docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import count_scale  # noqa: E402
import scale_random  # noqa: E402

from qbnnc.reference.census import MAX_COUNTED_WEIGHTS  # noqa: E402

# Runs in a child: one CLI command, its CPU and wall seconds and peak memory, and the
# estimate made from the checked model (as the command line makes it).
_CHILD = r"""
import json, os, resource, sys, time, contextlib, io
from qbnnc.analysis import budget
from qbnnc.cli import main
from qbnnc.frontend.source import load_model, read_source
from qbnnc.reference.census import MAX_COUNTED_WEIGHTS
job, path, out = sys.argv[1:4]
load_model(read_source(path), path)  # warm-up: imports, the grammar, caches
load, load_wall = time.process_time(), time.perf_counter()
model = load_model(read_source(path), path)
load, load_wall = time.process_time() - load, time.perf_counter() - load_wall
size = budget.ModelSize.of(model)
count = budget.estimate_count(size).seconds if size.weights <= MAX_COUNTED_WEIGHTS else 0.0
output = {"check": None, "compile": "qasm", "stats": "stats"}[job]
compiling = budget.estimate_compile(size, output) if output else None
estimate = count + (compiling.seconds if compiling else 0.0)
memory = max(budget.estimate_count(size).memory if count else 0,
             compiling.memory if compiling else 0)
argv = {"check": ["check", path], "compile": [path, "-o", out], "stats": ["stats", path, "--json"]}
cpu, wall = time.process_time(), time.perf_counter()
with contextlib.redirect_stdout(io.StringIO()):
    status = main(argv[job])
cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
print(json.dumps({"status": status, "cpu": cpu - load, "wall": wall - load_wall,
    "estimate": estimate, "memory_mb": memory / 2**20, "load": load,
    "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "lines": size.lines, "input_lines": size.input_lines, "data_bits": size.data_bits,
    "rows": size.rows, "weights": size.weights}))
"""

JOBS = ("check", "compile", "stats")


def generated(folder: Path, large: bool) -> list[Path]:
    """The generated models, written into `folder`."""
    paths = []
    for name in count_scale.CASES:
        paths.append(folder / f"count_{name}.bnn")
        paths[-1].write_text(count_scale.model_source(name))
    rng = random.Random(2026)

    def row(width: int) -> str:
        return "".join(rng.choice("01") for _ in range(width))

    def model(name: str, layers: list[str], rows: list[str], train: str) -> Path:
        body = [f"network {name} {{", *layers, "}", "data {", *rows, "}", "train {", train, "}"]
        path = folder / f"{name}.bnn"
        path.write_text("\n".join(body) + "\n")
        return path

    paths.append(
        model(
            "neuron24",
            ["    input x[24]", "    layer y[1] from x"],
            [f"    {row(24)} -> {rng.choice('01')}" for _ in range(1000)],
            "    accept accuracy >= 50%",
        )
    )
    for rows, hidden in ((1000, 8), (2500, 16)) + (((10_000, 64),) if large else ()):
        sub = folder / f"random_{rows}_{hidden}"
        sub.mkdir()
        paths.append(scale_random.write_model(sub, rows, hidden))
    deep = ["    input x[2]", "    layer l0[2] from x"]
    deep += [f"    layer l{i}[2] from l{i - 1}" for i in range(1, 10_000)]
    deep.append("    layer y[1] from l9999")
    paths.append(model("deep", deep, ["    00 -> 0", "    11 -> 1"], "    iterations 1"))
    patterns = ["00", "01", "10", "11"]
    paths.append(
        model(
            "rows4",
            ["    input x[2]", "    layer h[2] from x", "    layer y[1] from h"],
            [f"    {p} -> {p[0]}" for p in (rng.choice(patterns) for _ in range(100_000))],
            "    accept accuracy >= 50%",
        )
    )
    paths.append(
        model(
            "wide64_32",
            ["    input x[64]", "    layer h[32] from x", "    layer y[1] from h"],
            [f"    {row(64)} -> {rng.choice('01')}" for _ in range(100)],
            "    iterations 3",
        )
    )
    return paths


def measure(job: str, path: Path, out: Path) -> dict:
    run = subprocess.run(
        [sys.executable, "-c", _CHILD, job, str(path), str(out)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(run.stdout.strip().splitlines()[-1])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--large", action="store_true", help="add the 784 x 10,000 x 64 model")
    ns = p.parse_args()
    print("| model | job | estimate s | CPU s | wall s | ratio | estimate MB | peak RSS MB |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    worst = 1.0
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        shipped = sorted(ROOT.glob("examples/**/*.bnn")) + [ROOT / "bench" / "digits.bnn"]
        for path in shipped + generated(folder, ns.large):
            name = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name
            if path.name == "random.bnn":
                name = path.parent.name
            for job in JOBS:
                r = measure(job, path, folder / "out.qasm")
                if r["status"] != 0:
                    raise SystemExit(f"{name}: {job} exited {r['status']}")
                if job == "check" and r["weights"] > MAX_COUNTED_WEIGHTS:
                    continue  # nothing to count: check only parses
                # Times under 10 ms are the clock's noise: compared as 10 ms.
                ratio = max(r["estimate"], 0.01) / max(r["cpu"], 0.01)
                worst = max(worst, ratio, 1 / ratio)
                print(
                    f"| {name} | {job} | {r['estimate']:.2f} | {r['cpu']:.2f} | {r['wall']:.2f} "
                    f"| {ratio:.2f} | {r['memory_mb']:.0f} | {r['rss_mb']:.0f} |",
                    flush=True,
                )
    print(f"\nworst ratio (estimate / CPU, or its inverse): {worst:.2f}")


if __name__ == "__main__":
    main()
