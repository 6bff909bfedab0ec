"""Time the exhaustive count (`semantics.census`) on models of 20-24 weights.

    python bench/count_scale.py [--cases 7-3-1 9-2-1]

Each case is a generated model, counted in a fresh process (so the peak memory is the
count's own): the seconds `census` takes (wall clock, and CPU time, steadier on a shared
machine) and the process's peak resident memory (`resource.getrusage`, imports included).
Recorded in docs/performance.md ("Counting every weight string").

- `7-3-1`: `input x[7]`, `layer h[3] from x`, `layer y[1] from h`: 24 weights; 128 rows,
  every 7-bit input once, labelled by a noisy majority.
- `9-2-1`: `input x[9]`, `layer h[2] from x`, `layer y[1] from h`: 20 weights; 1,000 rows
  drawn with repetition from the 512 inputs, so rows repeat and some inputs carry both labels.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time

CASES: dict[str, tuple[int, int, int, bool]] = {
    # name: (inputs, hidden width, rows, every input once)
    "7-3-1": (7, 3, 128, True),
    "9-2-1": (9, 2, 1000, False),
}


def model_source(name: str) -> str:
    """The .bnn text of a case; the labels come from a seeded generator, so runs agree."""
    inputs, hidden, rows, every = CASES[name]
    rng = random.Random(name)
    xs = list(range(1 << inputs)) if every else [rng.randrange(1 << inputs) for _ in range(rows)]
    data = []
    for x in xs:
        bits = [(x >> i) & 1 for i in range(inputs)]
        label = int(2 * sum(bits) > inputs) ^ int(rng.random() < 0.1)
        data.append(f"    {''.join(map(str, bits))} -> {label}")
    return "\n".join(
        [
            f"network count_{name.replace('-', '_')} {{",
            f"    input x[{inputs}]",
            f"    layer h[{hidden}] from x",
            "    layer y[1] from h",
            "}",
            "data {",
            *data,
            "}",
            "train {",
            "    accept accuracy >= 50%",
            "}",
            "",
        ]
    )


def measure(name: str) -> dict[str, object]:
    """Count one case in this process: seconds, peak memory and the census's headline."""
    from qbnnc import load_model
    from qbnnc.reference.census import census

    model = load_model(model_source(name))
    start, cpu = time.perf_counter(), time.process_time()
    tally = census(model)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "case": name,
        "weights": model.num_weights,
        "rows": model.num_examples,
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu, 2),
        "peak_mb": round(peak_kb / 1024),
        "marked": tally.marked,
        "best": tally.best,
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--cases", nargs="+", choices=sorted(CASES), default=sorted(CASES))
    p.add_argument("--one", choices=sorted(CASES), help=argparse.SUPPRESS)
    ns = p.parse_args()
    if ns.one:
        print(json.dumps(measure(ns.one)))
        return
    print("| model | weights | rows | census s | CPU s | peak RSS MB | marked | best |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for name in ns.cases:
        out = subprocess.run(
            [sys.executable, __file__, "--one", name], check=True, capture_output=True, text=True
        ).stdout
        r = json.loads(out)
        print(
            f"| {r['case']} | {r['weights']} | {r['rows']} | {r['seconds']} | {r['cpu_seconds']} "
            f"| {r['peak_mb']} "
            f"| {r['marked']} | {r['best']} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
