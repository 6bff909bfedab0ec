"""How fast Aer runs `program.qiskit()` against the flat OpenQASM 3 program, as Qiskit users
run circuits: `AerSimulator().run(circuit, shots=...)`, default simulator settings, no
transpile.

    python bench/qiskit_speed.py [MODEL.bnn] [--shots N] [--repeat R]

Default model: the paper's QBNN 3-2-1 task 1. Prints the time to build each circuit (the
flat program is loaded with `qiskit.qasm3.loads`), the best of R Aer runs of each, their
ratio, and that both measure the same counts (same seed), decoded to weight names.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import qiskit.qasm3
from qiskit_aer import AerSimulator

import qbnnc

ROOT = Path(__file__).resolve().parent.parent


def best_time(run, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model", nargs="?", default=str(ROOT / "examples/paper/qbnn321_task1.bnn"))
    parser.add_argument("--shots", type=int, default=1024)
    parser.add_argument("--repeat", type=int, default=3)
    ns = parser.parse_args()

    program = qbnnc.compile_file(ns.model)
    build_qiskit, circuit = best_time(program.qiskit, ns.repeat)
    flat_text = program.qasm3(flat=True)
    build_flat, flat = best_time(lambda: qiskit.qasm3.loads(flat_text), 1)
    sim = AerSimulator()

    def run(c):
        return lambda: sim.run(c, shots=ns.shots, seed_simulator=1).result().get_counts()

    aer_qiskit, counts = best_time(run(circuit), ns.repeat)
    aer_flat, flat_counts = best_time(run(flat), ns.repeat)
    print(
        f"model: {program.model.name} ({program.circuit.num_qubits} qubits, "
        f"{circuit.size()} operations flat, {program.iterations} iterations), "
        f"{ns.shots} shots, best of {ns.repeat}"
    )
    print(
        f"build: program.qiskit() {build_qiskit:.2f} s; qasm3.loads(flat program) "
        f"{build_flat:.2f} s"
    )
    print(
        f"aer:   program.qiskit() {aer_qiskit:.2f} s; flat program {aer_flat:.2f} s; "
        f"ratio {aer_qiskit / aer_flat:.2f}"
    )
    same = program.decode_counts(counts) == program.decode_counts(flat_counts)
    top = max(counts, key=counts.get)
    print(f"same counts: {same}; most frequent key {top!r} = {program.decode(top)}")


if __name__ == "__main__":
    main()
