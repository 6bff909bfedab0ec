"""`qbnnc estimate` on the paper's tasks and the digits model: how long it takes, and what
it answers, as a user runs it.

    python bench/estimate.py                       # the default qubit model
    python bench/estimate.py --qubit-params all    # every standard configuration

Each model runs in a fresh process (`qbnnc estimate MODEL --json`, compile included); the
wall time and, per configuration, the physical qubits, runtime and code distance are
printed as a Markdown table (docs/estimate.md has the measured one).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODELS = [*sorted((ROOT / "examples" / "paper").glob("*.bnn")), ROOT / "bench" / "digits.bnn"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--qubit-params", default="qubit_gate_ns_e3")
    args = parser.parse_args()
    print("| model | seconds | qubit model | QEC | physical qubits | runtime (ns) | distance |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for model in MODELS:
        start = time.perf_counter()
        run = subprocess.run(
            [sys.executable, "-m", "qbnnc", "estimate", str(model), "--json",
             "--qubit-params", args.qubit_params],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        seconds = time.perf_counter() - start
        out = json.loads(run.stdout)
        for e in out["estimates"]:
            print(
                f"| {model.relative_to(ROOT)} | {seconds:.1f} | {e['qubit_params']} | "
                f"{e['qec_scheme']} | {e['physical_qubits']:,} | {e['runtime_ns']:,} | "
                f"{e['code_distance']} |"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
