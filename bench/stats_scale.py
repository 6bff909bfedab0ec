"""`qbnnc stats` at scale: the 8x8 digits of scikit-learn, a 64-input 32-16-1 network.

    python bench/stats_scale.py make-data            # examples/digits/digits.csv (scikit-learn)
    python bench/stats_scale.py [--examples N ...]   # time stats on the first N rows
    python bench/stats_scale.py --examples 1797      # the whole data set (see docs/performance.md)

`make-data` binarises the 1,797 images (a pixel is 1 when its intensity is 8 or more of 16)
and labels each image 1 when it shows the digit 0, else 0 (one class against the rest); the
CSV is committed, so only `make-data` needs scikit-learn (`pip install '.[bench]'`).

For each N the model `bench/digits.bnn` is compiled on the first N rows, on the
same rows twice over ("doubled": repeated rows merge into one example of multiplicity 2),
and `stats` is taken; beside it, the time `qiskit.qasm3.loads` takes to read the structured
program of the same model. Each measurement runs in a fresh process so that memory is
measured per model.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIGITS = ROOT / "examples" / "digits"
CSV = DIGITS / "digits.csv"
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


# Runs in a child process: compile, count, load; prints one JSON line.
_CHILD = r"""
import json, resource, sys, time
from qbnnc.synthesis.circuit import flat_size
from qbnnc.compiler import compile_model, load_model, read_source
path, load_qasm = sys.argv[1], sys.argv[2] == "1"
out = {}
t = time.perf_counter()
model = load_model(read_source(path), path)
program = compile_model(model)
out["compile_s"] = time.perf_counter() - t
t = time.perf_counter()
table = program.stats()
out["stats_s"] = time.perf_counter() - t
out["examples"] = model.num_examples
out["qubits"] = table["qubits"]
out["gates"] = sum(table["gates"].values())
out["depth"] = table["depth"]
out["flat_ops"] = flat_size(program.circuit)
if load_qasm:
    import qiskit.qasm3
    text = program.qasm3()
    out["qasm_bytes"] = len(text)
    t = time.perf_counter()
    qiskit.qasm3.loads(text)
    out["loads_s"] = time.perf_counter() - t
out["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
print(json.dumps(out))
"""


def subset_model(folder: Path, rows: int, times: int) -> Path:
    """The digits model on the first `rows` rows of the CSV, each repeated `times` times."""
    header, *data = CSV.read_text().splitlines()
    body = [row for row in data[:rows] for _ in range(times)]
    (folder / "digits.csv").write_text("\n".join([header, *body]) + "\n")
    model = folder / "digits.bnn"
    model.write_text(MODEL.read_text().replace("../examples/digits/digits.csv", "digits.csv"))
    return model


def measure(model: Path, load_qasm: bool) -> dict[str, float]:
    run = subprocess.run(
        [sys.executable, "-c", _CHILD, str(model), "1" if load_qasm else "0"],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(run.stdout.strip().splitlines()[-1])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("command", nargs="?", choices=["make-data"], help="make the CSV and stop")
    p.add_argument("--examples", type=int, nargs="+", default=[25, 50, 100])
    p.add_argument(
        "--loads-max",
        type=int,
        default=25,
        metavar="ROWS",
        help="time qiskit.qasm3.loads only up to this many rows (it needs about 150 MB and "
        "3.5 s per row here; default 25)",
    )
    p.add_argument(
        "--doubled-max",
        type=int,
        default=200,
        metavar="ROWS",
        help="also measure the doubled data only up to this many rows (the doubled graph "
        "needs about 7 MB per example before identical rows merge; default 200)",
    )
    ns = p.parse_args()
    if ns.command == "make-data":
        print(f"wrote {make_data()} rows to {CSV.relative_to(ROOT)}")
        return
    print(
        "| rows | data | examples | qubits | flat gates | depth | compile s | stats s "
        "| loads s | max RSS MB |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for rows in ns.examples:
        for label, times in (("as is", 1), ("doubled", 2))[: 2 if rows <= ns.doubled_max else 1]:
            with tempfile.TemporaryDirectory() as tmp:
                loads = times == 1 and rows <= ns.loads_max
                r = measure(subset_model(Path(tmp), rows, times), loads)
            loads_s = f"{r['loads_s']:.1f}" if "loads_s" in r else "-"
            print(
                f"| {rows} | {label} | {r['examples']} | {r['qubits']} | {r['gates']:,} "
                f"| {r['depth']:,} | {r['compile_s']:.1f} | {r['stats_s']:.2f} | {loads_s} "
                f"| {r['max_rss_mb']} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
