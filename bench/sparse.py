"""The sparse simulator (qbnnc/execution/sparse.py): time, estimate and exactness, past 30 qubits.

    python bench/sparse.py

For every shipped example, and for a generated 16-weight, 71-qubit model (`wide16`: 4
inputs, 4 trained neurons, a fixed layer of 12 random neurons, all 16 input rows, labels
from a planted network so that some weight string is perfect), it compiles the model
(untimed), simulates it on the sparse simulator, and prints the wall time beside the
estimate of qbnnc/analysis/budget.py (`sparse_seconds`) and their ratio, the amplitudes held
(2^log2), which simulator `qbnnc run` would pick, and the largest difference from Grover's
formula over the classical count. Then it times `qbnnc run examples/wide_fixed.bnn` and
`qbnnc run` on wide16 end to end (a fresh process each, compile included).
Recorded in docs/run.md.
"""

from __future__ import annotations

import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from qbnnc.analysis import budget
from qbnnc.execution.simulate import choose_simulator
from qbnnc.execution.sparse import amplitudes_log2, sparse_distribution
from qbnnc.pipeline.compiler import compile, compile_file
from qbnnc.synthesis.circuit import flat_size
from qbnnc.testing import expected_distribution

ROOT = Path(__file__).resolve().parent.parent


def wide16(seed: int = 3) -> str:
    """4 inputs -> h[4] (16 weights) -> fixed g[12] -> fixed y[1], on all 16 rows."""
    rng = random.Random(seed)
    g = [[rng.randint(0, 1) for _ in range(4)] for _ in range(12)]
    h = [[rng.randint(0, 1) for _ in range(4)] for _ in range(4)]

    def fire(bits: list[int], weights: list[int], t: int) -> int:
        return int(sum(a == b for a, b in zip(bits, weights, strict=True)) >= t)

    xs = [[(r >> i) & 1 for i in range(4)] for r in range(16)]
    rng.shuffle(xs)
    rows = []
    for x in xs:
        hidden = [fire(x, w, 1) for w in h]
        y = fire([fire(hidden, w, 1) for w in g], [1] * 12, 11)
        rows.append(f"    {''.join(map(str, x))} -> {y}")
    fixed = "".join(str(b) for row in g for b in row)
    return (
        "network wide16 {\n    input x[4]\n    layer h[4] from x threshold 1\n"
        f"    layer g[12] from h threshold 1 fixed {fixed}\n"
        "    layer y[1] from g threshold 11 fixed 111111111111\n}\n"
        "data {\n" + "\n".join(rows) + "\n}\ntrain {\n    accept all\n}\n"
    )


def main() -> int:
    models = [(str(p.relative_to(ROOT)), compile_file(p)) for p in
              sorted(ROOT.glob("examples/**/*.bnn"))]  # fmt: skip
    models.append(("wide16 (generated)", compile(wide16(), path="wide16.bnn")))
    print("| model | qubits | weights | amplitudes | flat ops | run picks | sparse s | "
          "estimate s | ratio | max error |")  # fmt: skip
    print("|" + " --- |" * 10)
    for name, program in models:
        log2, ops = amplitudes_log2(program), flat_size(program.circuit)
        start = time.perf_counter()
        got = sparse_distribution(program)
        seconds = time.perf_counter() - start
        error = np.abs(got - expected_distribution(program.model, program.iterations)).max()
        estimate = budget.sparse_seconds(log2, ops)
        ratio = estimate / seconds if seconds else float("inf")
        print(
            f"| {name} | {program.circuit.num_qubits} | {program.model.num_weights} | "
            f"2^{log2} | {ops:,} | {choose_simulator(program)} | {seconds:.2f} | "
            f"{estimate:.2f} | {ratio:.2f} | {error:.1e} |"
        )
    with tempfile.TemporaryDirectory() as tmp:
        generated = Path(tmp) / "wide16.bnn"
        generated.write_text(wide16())
        for model in (ROOT / "examples" / "wide_fixed.bnn", generated):
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "qbnnc", "run", str(model), "--rows", "1"],
                check=True, capture_output=True,
            )  # fmt: skip
            print(f"qbnnc run {model.name}: {time.perf_counter() - start:.1f} s end to end")
    return 0


if __name__ == "__main__":
    sys.exit(main())
