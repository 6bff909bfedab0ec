"""`qbnnc train` on models past a statevector: the 21-weight iris model and its 26-weight
deeper version, on the default backend (the exact sampler over the census).

    python bench/train_scale.py [--seeds 5] [MODEL.bnn ...]

For each model and seed: the wall-clock seconds of `train(model, seed=s)` in this process
(imports and loading excluded; the census is counted inside each call, as `qbnnc train`
does), whether it found the census optimum (counted here separately, untimed), how it
stopped, and its cost in oracle-call equivalents against N. Peak memory: run it under
`/usr/bin/time -v`, one model at a time. Recorded in docs/train.md.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from qbnnc import load_model
from qbnnc.execution.train import train
from qbnnc.pipeline.compiler import read_source
from qbnnc.reference.census import correct_counts

ROOT = Path(__file__).resolve().parent.parent
MODELS = [ROOT / "examples" / "iris.bnn", ROOT / "bench" / "iris26.bnn"]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--seeds", type=int, default=5)
    p.add_argument("models", nargs="*", type=Path, default=MODELS)
    ns = p.parse_args()
    print(
        "| model | weights | rows | seed | seconds | correct | census optimum | stop | cost | N |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for path in ns.models:
        model = load_model(read_source(path), str(path))
        name = os.path.relpath(path.resolve(), ROOT)
        optimum = int(correct_counts(model, limit=None).max())
        for seed in range(ns.seeds):
            start = time.perf_counter()
            result = train(model, seed=seed)
            seconds = time.perf_counter() - start
            print(
                f"| {name} | {model.num_weights} | {model.num_examples} "
                f"| {seed} | {seconds:.2f} | {result.correct} | {optimum} | {result.stop} "
                f"| {result.cost:,} | {2**model.num_weights:,} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
