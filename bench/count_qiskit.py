"""qbnnc's amplitude estimation against qiskit-algorithms' on the same circuits.

For each paper task: qiskit-algorithms' `IterativeAmplitudeEstimation` (and
`MaximumLikelihoodAmplitudeEstimation`) given the compiled state preparation A and Grover
iteration Q (`qbnnc.targets.qiskit_circuit.to_qiskit` of the program's preparation and one
iteration), the weights as objective qubits, a classical check of each measured string as
`is_good_state`, and Aer's `SamplerV2` (each circuit Q^k A transpiled for Aer first: Aer
does not run the `power` gate qiskit-algorithms builds); then `qbnnc.count` with the same
epsilon, confidence and shots. Each side: one run, from a compiled program to the interval,
wall-clock seconds in this process. Needs `pip install '.[bench]'` (qiskit-algorithms).

    python bench/count_qiskit.py [--epsilon 0.01] [--seed 1]
"""

from __future__ import annotations

import argparse
import time
import warnings
from pathlib import Path
from typing import Any

from qbnnc.execution.count import count, counting_model
from qbnnc.execution.simulate import iteration_circuits
from qbnnc.pipeline.compiler import compile_model, load_model, read_source
from qbnnc.reference.census import census
from qbnnc.reference.evaluate import correct
from qbnnc.targets.qiskit_circuit import to_qiskit

ROOT = Path(__file__).resolve().parent.parent
PAPER = sorted((ROOT / "examples" / "paper").glob("*.bnn"))


class _ForAer:
    """qiskit-algorithms' `transpiler=`: an object with `run(circuit)`."""

    def run(self, circuit: Any, **_: Any) -> Any:
        from qiskit import transpile
        from qiskit_aer import AerSimulator

        return transpile(circuit, AerSimulator(), optimization_level=0)


def _qiskit_algorithms(model: Any, method: str, epsilon: float, seed: int) -> str:
    from qiskit_aer.primitives import SamplerV2
    from qiskit_algorithms import (
        EstimationProblem,
        IterativeAmplitudeEstimation,
        MaximumLikelihoodAmplitudeEstimation,
    )

    start = time.perf_counter()
    counted = counting_model(model)
    program = compile_model(counted, count=False)
    prep, step = iteration_circuits(program)
    a, q = to_qiskit(prep), to_qiskit(step)
    a.remove_final_measurements()
    q.remove_final_measurements()
    n, k = model.num_weights, model.accept.min_correct
    checked: dict[int, bool] = {}

    def good(bits: str) -> bool:
        w = int(bits, 2)  # a Qiskit key: qubit 0 rightmost, so bit i is weight i
        if w not in checked:
            checked[w] = correct(model, w) >= k
        return checked[w]

    problem = EstimationProblem(a, list(range(n)), grover_operator=q, is_good_state=good)
    sampler = SamplerV2(default_shots=100, seed=seed)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if method == "iae":
                found = IterativeAmplitudeEstimation(
                    epsilon, 0.05, sampler=sampler, transpiler=_ForAer()
                ).estimate(problem)
            else:
                found = MaximumLikelihoodAmplitudeEstimation(
                    4, sampler=sampler, transpiler=_ForAer()
                ).estimate(problem)
    except Exception as e:
        cause = e.__cause__ or e
        return f"fails: {type(cause).__name__}: {cause}"
    seconds = time.perf_counter() - start
    low, high = (x * 2**n for x in found.confidence_interval)
    return f"{seconds:.1f} s, {found.num_oracle_queries} oracle calls, [{low:.2f}, {high:.2f}]"


def _qbnnc(model: Any, method: str, epsilon: float, seed: int) -> str:
    start = time.perf_counter()
    result = count(model, epsilon=epsilon, method=method, seed=seed, census=False)  # type: ignore[arg-type]
    seconds = time.perf_counter() - start
    low, high = result.interval
    return f"{seconds:.1f} s, {result.oracle_calls} oracle calls, [{low:.2f}, {high:.2f}]"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--epsilon", type=float, default=0.01)
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args()
    print("| task | M | method | qiskit-algorithms 0.4 (Aer SamplerV2) | qbnnc.count |")
    print("| --- | --- | --- | --- | --- |")
    for path in PAPER:
        model = load_model(read_source(path), str(path))
        exact = census(model).marked
        for method in ("iae", "mlae"):
            theirs = _qiskit_algorithms(model, method, args.epsilon, args.seed)
            ours = _qbnnc(model, method, args.epsilon, args.seed)
            print(f"| {path.stem} | {exact} | {method} | {theirs} | {ours} |", flush=True)


if __name__ == "__main__":
    main()
