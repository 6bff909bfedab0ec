"""`qbnnc train` on its default backend: the simulator chosen for the iterations a search
asks for, against Aer's statevector always (how train chose before).

    python bench/train_simulator.py

For each shipped example that trains (every layer fixed has nothing to search): wall
seconds of `train(model, seed=0)` in this process with the simulator `grover_simulator`
picks for up to sqrt(N) - 1 iterations, then with Aer's statevector forced, their ratio,
and whether both found the same weights and count (both simulators are exact, and the
shots are drawn with the same seed). Recorded in docs/train.md.
"""

from __future__ import annotations

import time
from pathlib import Path

from qbnnc import load_model
from qbnnc.execution import simulate
from qbnnc.execution.simulate import GroverSimulator, choose_simulator
from qbnnc.execution.train import blind_program, most_iterations, train, training_model
from qbnnc.pipeline.compiler import read_source

ROOT = Path(__file__).resolve().parent.parent
MODELS = [
    "csv/parity3.bnn",
    "xnor_fixed.bnn",
    "two_outputs.bnn",
    "paper/qbnn221_and.bnn",
    "paper/qbnn321_task1.bnn",
    "paper/qbnn321_task2.bnn",
]


def timed(model, force_aer: bool):
    """Seconds and result of `train(model, seed=0)`; `force_aer`: Aer's statevector for
    every threshold (the sampler takes `simulate.grover_simulator` when it is made)."""
    chosen = simulate.grover_simulator
    if force_aer:
        simulate.grover_simulator = lambda program, iterations=None: GroverSimulator(program)
    try:
        start = time.perf_counter()
        result = train(model, seed=0)
        return time.perf_counter() - start, result
    finally:
        simulate.grover_simulator = chosen


def main() -> None:
    print("| model | qubits | weights | chosen | chosen s | Aer s | Aer / chosen | same result |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for name in MODELS:
        path = ROOT / "examples" / name
        model = load_model(read_source(path), str(path))
        trained = training_model(model)
        program = blind_program(trained, 1, 1)
        chosen = choose_simulator(program, most_iterations(trained.num_weights))
        fast, a = timed(model, force_aer=False)
        slow, b = timed(model, force_aer=True)
        same = (a.weights, a.correct) == (b.weights, b.correct)
        print(
            f"| {name} | {program.circuit.num_qubits} | {trained.num_weights} | {chosen} "
            f"| {fast:.2f} | {slow:.2f} | {slow / fast:.1f} | {'yes' if same else 'no'} |"
        )


if __name__ == "__main__":
    main()
