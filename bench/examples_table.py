"""Print qubits and gate counts of every shipped example, as a Markdown table for the README:
the counts `qbnnc stats` gives (gates include the measurements and, with `uncompute
measure`, the classically controlled fix-ups).

Run: python bench/examples_table.py
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

from qbnnc import compile_file, compile_model
from qbnnc.frontend.model import Oracle

ROOT = Path(__file__).resolve().parent.parent


def row(name: str, program) -> str:
    s = program.stats()
    return (
        f"| {name} | {s['oracle']} | {s['weight_qubits']} | {s['qubits']} | {s['iterations']} "
        f"| {sum(s['gates'].values())} | {s['two_qubit_gates']} | {s['toffoli_count']} |"
    )


def main() -> None:
    print("| example | oracle | weights | qubits | iterations | gates | two-qubit | Toffolis |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for path in sorted(ROOT.glob("examples/**/*.bnn")):
        name = str(path.relative_to(ROOT / "examples"))
        try:
            program = compile_file(path)
        except Exception as e:  # a benchmark reports, it does not stop
            print(f"| {name} | error: {e} |", file=sys.stderr)
            continue
        print(row(name, program))
        if program.model.oracle.kind == "phase" and program.model.num_weights:
            counter = replace(program.model, oracle=Oracle("counter"))
            print(row(name, compile_model(counter)))


if __name__ == "__main__":
    main()
