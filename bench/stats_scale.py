"""`qbnnc stats` and compilation at scale: the 8x8 digits of scikit-learn, a 64-32-16-1 network.

    python bench/stats_scale.py make-data            # bench/digits.csv (scikit-learn)
    python bench/stats_scale.py [--examples N ...]   # measure on the first N rows
    python bench/stats_scale.py --examples 1797      # the whole data set (docs/performance.md)

`make-data` binarises the 1,797 images (a pixel is 1 when its intensity is 8 or more of 16)
and labels each image 1 when it shows the digit 0, else 0 (one class against the rest); the
CSV is committed, so only `make-data` needs scikit-learn (`pip install '.[bench]'`).

For each N the model `bench/digits.bnn` runs on the first N rows, and on the same rows
twice over ("doubled": repeated rows merge into one row of multiplicity 2, so the circuit
must come out the same). Each measurement is a fresh process running the command line as
a user does: `qbnnc stats MODEL --json` (wall time, peak memory, the counts), then
`qbnnc MODEL -o OUT.qasm` (wall time, peak memory, bytes written), and, up to
`--parse-max` rows, `openqasm3.parse` of the written program (wall time).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CSV = ROOT / "bench" / "digits.csv"
MODEL = ROOT / "bench" / "digits.bnn"  # kept out of examples/: the tests compile those
CLASS = 0  # the digit against the rest
INK = 8  # a pixel is 1 when its intensity (0..16) is at least this


def make_data(path: Path = CSV) -> int:
    """Write the binarised digits as CSV (header row, 64 pixels, then the label)."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    lines = [",".join([f"p{i}" for i in range(64)] + [f"is_{CLASS}"])]
    for image, target in zip(digits.data, digits.target, strict=True):
        pixels = [str(int(v >= INK)) for v in image]
        lines.append(",".join(pixels + [str(int(target == CLASS))]))
    path.write_text("\n".join(lines) + "\n")
    return len(lines) - 1


# Runs in a child process: one CLI command in-process, then its own time and peak memory.
_CHILD = r"""
import contextlib, io, json, resource, sys, time
from qbnnc.cli import main
out = io.StringIO()
t = time.perf_counter()
with contextlib.redirect_stdout(out):
    status = main(sys.argv[1:])
report = {"status": status, "wall_s": time.perf_counter() - t,
          "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
if sys.argv[1] == "stats":
    report["table"] = json.loads(out.getvalue())
print(json.dumps(report))
"""

_PARSE = r"""
import json, sys, time
import openqasm3
t = time.perf_counter()
openqasm3.parse(open(sys.argv[1]).read())
print(json.dumps({"wall_s": time.perf_counter() - t}))
"""


def child(code: str, *args: str) -> dict:
    run = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=True
    )
    return json.loads(run.stdout.strip().splitlines()[-1])


def subset_model(folder: Path, rows: int, times: int) -> Path:
    """The digits model on the first `rows` rows of the CSV, each repeated `times` times."""
    header, *data = CSV.read_text().splitlines()
    body = [row for row in data[:rows] for _ in range(times)]
    (folder / "digits.csv").write_text("\n".join([header, *body]) + "\n")
    model = folder / "digits.bnn"
    model.write_text(MODEL.read_text())
    return model


def measure(model: Path, parse: bool) -> dict:
    stats = child(_CHILD, "stats", str(model), "--json")
    out = model.with_suffix(".qasm")
    compiled = child(_CHILD, str(model), "-o", str(out))
    r = {"stats": stats, "compile": compiled, "bytes": out.stat().st_size}
    if parse:
        r["parse_s"] = child(_PARSE, str(out))["wall_s"]
    return r


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("command", nargs="?", choices=["make-data"], help="make the CSV and stop")
    p.add_argument("--examples", type=int, nargs="+", default=[25, 50, 100])
    p.add_argument(
        "--parse-max",
        type=int,
        default=100,
        metavar="ROWS",
        help="time openqasm3.parse of the written program only up to this many rows (its "
        "ANTLR parser reads about 15 KB/s here; default 100)",
    )
    p.add_argument(
        "--doubled-max",
        type=int,
        default=1797,
        metavar="ROWS",
        help="also measure the doubled data up to this many rows (default: all)",
    )
    ns = p.parse_args()
    if ns.command == "make-data":
        print(f"wrote {make_data()} rows to {CSV.relative_to(ROOT)}")
        return
    print(
        "| rows | data | qubits | Toffolis | two-qubit | T | depth | stats s | stats MB "
        "| compile s | compile MB | .qasm MB | parse s |"
    )
    print("| --- " * 13 + "|")
    for rows in ns.examples:
        for label, times in (("as is", 1), ("doubled", 2))[: 2 if rows <= ns.doubled_max else 1]:
            with tempfile.TemporaryDirectory() as tmp:
                parse = times == 1 and rows <= ns.parse_max
                r = measure(subset_model(Path(tmp), rows, times), parse)
            t, c = r["stats"]["table"], r["compile"]
            depth = "null" if t["depth"] is None else f"{t['depth']:,}"
            parse_s = f"{r['parse_s']:.0f}" if "parse_s" in r else "-"
            print(
                f"| {rows} | {label} | {t['qubits']:,} | {t['toffoli_count']:,} "
                f"| {t['two_qubit_gates']:,} | {t['t_count']:,} | {depth} "
                f"| {r['stats']['wall_s']:.1f} | {r['stats']['max_rss_mb']:.0f} "
                f"| {c['wall_s']:.1f} | {c['max_rss_mb']:.0f} | {r['bytes'] / 1e6:.1f} "
                f"| {parse_s} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
