"""Qubits against Toffolis at scale: the digits model (`bench/digits.bnn`) in each plan.

    python bench/digits_qubits.py

Runs `qbnnc stats MODEL --json` in a fresh process for `--optimize-for qubits` (the
default), `--optimize-for gates`, and the default with `uncompute measure` added to the
model's `train` block, and prints, per plan: qubits (and those beyond the 2,576 weights),
Toffolis (every gate on three or more qubits expanded, a temporary AND counted as one, a
measured uncompute as none: `qbnnc stats`' `toffoli_count`), the Toffolis per weight qubit,
the T count, the depth, and the wall time (CPU time: the machine may be shared) and peak
memory of the command, imports included.
Issue 14 asks for at most 2,700 qubits in the default plan; the script exits 1 otherwise.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "bench" / "digits.bnn"
LIMIT = 2_700  # issue 14: the default plan's qubits on this model

_CHILD = r"""
import contextlib, io, json, resource, sys, time
from qbnnc.cli import main
out = io.StringIO()
t = time.perf_counter()
with contextlib.redirect_stdout(out):
    status = main(sys.argv[1:])
use = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"status": status, "wall_s": time.perf_counter() - t,
    "cpu_s": use.ru_utime + use.ru_stime, "max_rss_mb": use.ru_maxrss / 1024,
    "table": json.loads(out.getvalue())}))
"""


def stats(model: Path, *options: str) -> dict:
    run = subprocess.run(
        [sys.executable, "-c", _CHILD, "stats", str(model), "--json", *options],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(run.stdout.strip().splitlines()[-1])


def measured_model(folder: Path) -> Path:
    """The digits model with `uncompute measure` (its data beside it)."""
    text = MODEL.read_text().replace("train {", "train {\n    uncompute measure", 1)
    (folder / "digits.csv").write_text((ROOT / "bench" / "digits.csv").read_text())
    model = folder / "digits.bnn"
    model.write_text(text)
    return model


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        plans = [
            ("qubits (default)", stats(MODEL)),
            ("gates", stats(MODEL, "--optimize-for", "gates")),
            ("qubits, uncompute measure", stats(measured_model(Path(tmp)))),
        ]
    print(
        "| plan | qubits | beyond weights | Toffolis | Toffolis / gates plan | T | depth "
        "| stats s (CPU) | stats MB |"
    )
    print("| --- " * 9 + "|")
    gates = plans[1][1]["table"]["toffoli_count"]
    for name, r in plans:
        t = r["table"]
        depth = "null" if t["depth"] is None else f"{t['depth']:,}"
        tcount = "null" if t["t_count"] is None else f"{t['t_count']:,}"
        print(
            f"| {name} | {t['qubits']:,} | {t['qubits'] - t['weight_qubits']:,} "
            f"| {t['toffoli_count']:,} | {t['toffoli_count'] / gates:.2f} | {tcount} "
            f"| {depth} | {r['wall_s']:.1f} ({r['cpu_s']:.1f}) | {r['max_rss_mb']:.0f} |",
            flush=True,
        )
    qubits = plans[0][1]["table"]["qubits"]
    print(
        f"default plan: {qubits:,} qubits, limit {LIMIT:,}: {'ok' if qubits <= LIMIT else 'OVER'}"
    )
    return 0 if qubits <= LIMIT else 1


if __name__ == "__main__":
    sys.exit(main())
