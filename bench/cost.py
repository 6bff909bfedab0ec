"""Circuit cost against the paper's own construction and Qiskit's library parts.

Prints two Markdown tables (docs/cost.md records them):
1. the five paper tasks: the authors' circuit as the paper builds it (`qbnnc.baseline`)
   beside qbnnc's compiled with the paper's phase oracle, with the counter oracle (our
   default; `optimize_for="qubits"`) and with `optimize_for="gates"`: qubits,
   Toffoli-equivalents and T gates per Grover iteration (unitary, and with
   `uncompute measure`), two-qubit gates and depth of one iteration after pytket's
   SynthesiseTket, and the success probability;
2. single neurons [count >= ceil(f/2)] of fan-in f: qbnnc's ANDs beside the issue's
   numbers and beside Qiskit's WeightedAdder + IntegerComparator (Toffolis, multi-controlled
   gates counted as V-chains of 2k-3, as our cost model does).
Every count comes from qbnnc.synthesis.decompose. Run: python bench/cost.py [--no-pytket]
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

from qbnnc.compiler import compile, count_marked, load_model
from qbnnc.semantics import success_probability
from qbnnc.synthesis.arith import Lit, threshold
from qbnnc.synthesis.circuit import Call, Circuit, count_ops
from qbnnc.synthesis.decompose import and_count, rotation_count, t_count, toffoli_count
from qbnnc.synthesis.lower import Pool
from qbnnc.tools.baseline import authors_circuit

ROOT = Path(__file__).resolve().parent.parent
ISSUE_ANDS = {2: 1, 3: 1, 8: 7, 9: 7, 16: 15, 64: 63}


def one_iteration(circuit: Circuit) -> Circuit:
    """The circuit of a single Grover iteration (same blocks, no measurements)."""
    block = circuit.block("grover_iteration")
    body = (Call(block.name, tuple(range(block.arity))),)
    return Circuit(circuit.num_qubits, circuit.blocks, body, circuit.registers, ())


def total(circuit: Circuit, key) -> int | None:  # noqa: ANN001
    counts = count_ops(circuit, key)
    if None in counts:
        return None
    return sum(k * v for k, v in counts.items())


def pytket_counts(circuit: Circuit) -> tuple[int, int] | None:
    """(two-qubit gates, depth) of the flat circuit after SynthesiseTket, or None."""
    try:
        from pytket.passes import DecomposeBoxes, SynthesiseTket

        from qbnnc.targets.pytket_circuit import to_pytket
    except ImportError:
        return None
    tk = to_pytket(circuit, boxes=False)
    DecomposeBoxes().apply(tk)
    SynthesiseTket().apply(tk)
    return tk.n_2qb_gates(), tk.depth()


def task_rows(path: Path, with_pytket: bool) -> list[str]:
    text = path.read_text()
    model = load_model(text, str(path))
    counter = re.sub(r"oracle phase[^\n]*", "oracle counter", text)
    variants = [
        ("qbnnc, paper's phase oracle", text, {}),
        ("qbnnc default (counter)", counter, {}),
        ("qbnnc, optimize_for=gates", counter, {"optimize_for": "gates"}),
    ]
    programs = [(name, compile(src, str(path), **kw), src, kw) for name, src, kw in variants]
    iterations = programs[0][1].iterations
    theirs = authors_circuit(model, count_marked(model), iterations)
    p = success_probability(count_marked(model).marked, model.num_weights, iterations)
    rows = [_row(path.stem, "authors (paper)", theirs, None, p, with_pytket)]
    for name, program, src, kw in programs:
        measured = compile(
            src.replace("train {", "train {\n    uncompute measure"), str(path), **kw
        )
        rows.append(
            _row(path.stem, name, program.circuit, measured.circuit,
                 program.success_probability, with_pytket)
        )  # fmt: skip
    return rows


def _row(
    task: str, name: str, c: Circuit, measured: Circuit | None, p: float | None, tk: bool
) -> str:
    it = one_iteration(c)
    toffolis = total(it, toffoli_count)
    t_unitary = total(it, t_count)
    rotations = total(it, rotation_count)
    t_text = f"{t_unitary}" if t_unitary is not None else f"n/a ({rotations} rotations)"
    ands = total(it, and_count)
    t_measured = "-"
    if measured is not None:
        tm = total(one_iteration(measured), t_count)
        t_measured = str(tm) if tm is not None else "n/a"
    two_q, depth = ("-", "-")
    if tk:
        counts = pytket_counts(it)
        if counts:
            two_q, depth = map(str, counts)
    prob = f"{p:.4f}" if p is not None else "-"
    return (
        f"| {task} | {name} | {c.num_qubits} | {toffolis} | {ands} | {t_text} | {t_measured} "
        f"| {two_q} | {depth} | {prob} |"
    )


def qiskit_neuron_toffolis(fan_in: int) -> int:
    """Toffolis of Qiskit's WeightedAdder (popcount) + IntegerComparator (>= ceil(f/2))."""
    from qiskit.circuit.library import IntegerComparator, WeightedAdder

    adder = WeightedAdder(fan_in)
    compare = IntegerComparator(adder.num_sum_qubits, (fan_in + 1) // 2, geq=True)
    return sum(_qiskit_toffolis(part) for part in (adder, compare))


def _qiskit_toffolis(circuit) -> int:  # noqa: ANN001
    count = 0
    for inst in circuit.decompose().data:
        op = inst.operation
        k = getattr(op, "num_ctrl_qubits", None)
        if op.name == "or":
            k = op.num_qubits - 1
        if k is not None and k >= 2:
            count += 1 if k == 2 else 2 * k - 3
    return count


def neuron_rows() -> list[str]:
    rows = []
    for f in (2, 3, 4, 5, 8, 9, 16, 32, 64):
        pool = Pool(start=f + 1)
        gates = threshold([Lit(q) for q in range(f)], (f + 1) // 2, f, pool.take, pool.give)
        ours = sum(map(and_count, gates))
        issue = ISSUE_ANDS.get(f, "")
        rows.append(f"| {f} | {(f + 1) // 2} | {ours} | {issue} | {qiskit_neuron_toffolis(f)} |")
    return rows


def main() -> None:
    with_pytket = "--no-pytket" not in sys.argv
    start = time.time()
    print("### The paper's five tasks, per Grover iteration\n")
    print(
        "| task | circuit | qubits | Toffoli-eq. | ANDs | T (unitary) | T (uncompute measure) "
        "| 2q gates (pytket) | depth (pytket) | success probability |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for path in sorted(ROOT.glob("examples/paper/*.bnn")):
        for row in task_rows(path, with_pytket):
            print(row, flush=True)
    print("\n### One neuron [count >= ceil(f/2)]\n")
    print(
        "| fan-in | threshold | qbnnc ANDs | issue's bound "
        "| Qiskit WeightedAdder + IntegerComparator Toffolis |"
    )
    print("| --- | --- | --- | --- | --- |")
    for row in neuron_rows():
        print(row)
    print(f"\n(measured in {time.time() - start:.0f} s)", file=sys.stderr)


if __name__ == "__main__":
    main()
