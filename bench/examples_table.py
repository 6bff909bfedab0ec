"""Print qubits and gate counts of every shipped example, as a Markdown table for the README.

Run: python bench/examples_table.py
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

from qbnnc import compile_file, compile_model
from qbnnc.frontend.model import Oracle
from qbnnc.synthesis.circuit import count_ops
from qbnnc.synthesis.decompose import toffoli_count

ROOT = Path(__file__).resolve().parent.parent


def row(name: str, program) -> str:  # noqa: ANN001
    c = program.circuit
    sizes = count_ops(c, lambda op: len(getattr(op, "qubits", (0,))))
    gates = sum(v for k, v in count_ops(c, lambda op: type(op).__name__).items() if k == "Gate")
    toffolis = sum(k * v for k, v in count_ops(c, toffoli_count).items())
    m = program.model
    return (
        f"| {name} | {m.oracle.kind} | {m.num_weights} | {c.num_qubits} | {program.iterations} "
        f"| {gates} | {sizes.get(2, 0)} | {toffolis} |"
    )


def main() -> None:
    print("| example | oracle | weights | qubits | iterations | gates | two-qubit | Toffolis |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for path in sorted(ROOT.glob("examples/**/*.bnn")):
        name = str(path.relative_to(ROOT / "examples"))
        try:
            program = compile_file(path)
        except Exception as e:  # noqa: BLE001 - a benchmark reports, it does not stop
            print(f"| {name} | error: {e} |", file=sys.stderr)
            continue
        print(row(name, program))
        if program.model.oracle.kind == "phase":
            counter = replace(program.model, oracle=Oracle("counter"))
            print(row(name, compile_model(counter)))


if __name__ == "__main__":
    main()
