"""Calibrate qbnnc/analysis/budget.py: estimated against measured time for every shipped example.

    python bench/budget.py [--fit] [--repeat 1]

For each examples/**/*.bnn (compiled first, untimed: compile time is not estimated), it
measures in this process, after a warm-up run that loads Qiskit and Aer:

- run: Aer's statevector as `qbnnc run` drives it (emit, load, unroll, Aer, 1024 shots
  drawn), whichever simulator `run` itself would pick (the sparse simulator's constants are
  calibrated by bench/sparse.py); examples wider than a statevector are skipped,
- flat: `program.qasm3(flat=True)` (the `--flat` text),
- pytket: `to_json(program.pytket())` (the `.json` output),

and prints each beside the estimate of qbnnc/analysis/budget.py and their ratio. `--fit` also
prints the constants that fit these measurements best (least squares on relative error),
to copy into qbnnc/analysis/budget.py. Recorded in docs/performance.md.
"""

from __future__ import annotations

import argparse
import gc
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from qbnnc.analysis import budget
from qbnnc.execution.simulate import MAX_QUBITS, sample, statevector_probabilities
from qbnnc.pipeline.compiler import compile_file
from qbnnc.synthesis.circuit import flat_size
from qbnnc.targets.pytket_circuit import to_json

ROOT = Path(__file__).resolve().parent.parent


def timed(work: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--fit", action="store_true", help="also print the best-fitting constants")
    p.add_argument("--repeat", type=int, default=1, help="best of N measurements (default 1)")
    ns = p.parse_args()
    paths = sorted(ROOT.glob("examples/**/*.bnn"))

    def run(program, shots: int, seed: int) -> object:  # a Program
        n = program.model.num_weights
        return sample(statevector_probabilities(program.qasm3(), n), shots, seed)

    run(compile_file(paths[0]), shots=1, seed=0)  # warm-up: imports, Aer's first start
    rows = []
    header = (
        "| model | qubits | flat ops | run est s | run s | ratio | flat est s | flat s | ratio "
        "| pytket est s | pytket s | ratio |"
    )
    print(header)
    print("|" + " --- |" * 12)
    for path in paths:
        program = compile_file(path)
        qubits, ops = program.circuit.num_qubits, flat_size(program.circuit)
        if qubits > MAX_QUBITS:
            continue
        n = program.model.num_weights
        t_run = timed(lambda program=program: run(program, shots=1024, seed=0), ns.repeat)
        t_flat = timed(lambda program=program: program.qasm3(flat=True), ns.repeat)
        t_tket = timed(lambda program=program: to_json(program.pytket()), ns.repeat)
        e_run = budget.estimate_run(qubits, ops, n).seconds
        e_flat = budget.estimate_flat(ops).seconds
        e_tket = budget.estimate_flat(ops, pytket=True).seconds
        rows.append((qubits, ops, t_run, t_flat, t_tket))
        name = path.relative_to(ROOT / "examples")
        print(
            f"| {name} | {qubits} | {ops:,} | {e_run:.2f} | {t_run:.2f} | {e_run / t_run:.2f} "
            f"| {e_flat:.3f} | {t_flat:.3f} | {e_flat / t_flat:.2f} "
            f"| {e_tket:.3f} | {t_tket:.3f} | {e_tket / t_tket:.2f} |",
            flush=True,
        )
    if ns.fit:
        fit(rows)


def fit(rows: list[tuple[int, int, float, float, float]]) -> None:
    """Least squares on relative error: each row divided by its measured time."""
    q = np.array([r[0] for r in rows], dtype=float)
    ops = np.array([r[1] for r in rows], dtype=float)
    t_run, t_flat, t_tket = (np.array([r[i] for r in rows]) for i in (2, 3, 4))
    design = np.stack([np.ones_like(ops), ops, ops * 2.0**q], axis=1) / t_run[:, None]
    (fixed, per_op, per_amp), *_ = np.linalg.lstsq(design, np.ones_like(ops), rcond=None)
    print(
        f"\nrun: RUN_SECONDS_FIXED = {fixed:.3g}, RUN_SECONDS_PER_OPERATION = {per_op:.3g}, "
        f"RUN_SECONDS_PER_AMPLITUDE_OPERATION = {per_amp:.3g}"
    )
    for name, measured in (("FLAT_QASM", t_flat), ("FLAT_PYTKET", t_tket)):
        x = ops / measured  # minimise sum (per * x - 1)^2
        per = float(np.sum(x) / np.sum(x**2))
        print(f"{name}_SECONDS_PER_OPERATION = {per:.3g}")


if __name__ == "__main__":
    main()
