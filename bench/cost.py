"""Circuit cost against the authors' own circuits and Qiskit's library parts.

Prints Markdown (docs/cost.md records it):
1. for each of the paper's five tasks, one table: the authors' circuit
   (`qbnnc.analysis.baseline.authors_circuit`, their ProjectQ scripts gate for gate) beside
   qbnnc compiled now, in its default, `optimize_for="gates"` and `optimize_for="qubits"`,
   all with the language's default oracle (the task's `oracle phase` line removed), and
   the task as written (the paper's phase oracle). Rows: qubits; per Grover iteration
   Toffoli-equivalents (`qbnnc.analysis.cost`: 2k-5 per gate on k >= 3 qubits, both sides),
   ANDs, T (unitary, and with `uncompute measure`), two-qubit gates after pytket's
   optimisation of the flat iteration; the ratios authors/qbnnc; the success probability.
2. single neurons [count >= ceil(f/2)] of fan-in f: qbnnc's ANDs beside Qiskit's
   WeightedAdder + IntegerComparator (their multi-controlled gates counted 2k-5 on k
   qubits, as above).
Nothing is hard-coded: every qbnnc column is compiled when the bench runs.

Run: python bench/cost.py [--no-pytket] [--full-peephole]
Two-qubit gates: DecomposeBoxes then SynthesiseTket, pytket-qiskit's AerBackend pass at
optimisation level 1; `--full-peephole` uses its default level 2 (FullPeepholeOptimise),
which takes 13 CPU minutes on the authors' smallest circuit and more on the others.
"""

from __future__ import annotations

import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from qbnnc.analysis.baseline import authors_circuit
from qbnnc.analysis.cost import IterationCost, iteration_cost, one_iteration
from qbnnc.pipeline.compiler import compile, count_marked, load_model
from qbnnc.pipeline.program import Program
from qbnnc.synthesis.arith import Lit, threshold
from qbnnc.synthesis.decompose import and_count
from qbnnc.synthesis.lower import Pool
from qbnnc.synthesis.training import TrainingCircuit

ROOT = Path(__file__).resolve().parent.parent
ISSUE_ANDS = {2: 1, 3: 1, 8: 7, 9: 7, 16: 15, 64: 63}
# The columns after the authors': (heading, keep the paper's oracle line, compile options).
COLUMNS = (
    ("qbnnc default", False, {}),
    ("qbnnc --optimize-for gates", False, {"optimize_for": "gates"}),
    ("qbnnc --optimize-for qubits", False, {"optimize_for": "qubits"}),
    ("qbnnc, paper's phase oracle", True, {}),
)


@dataclass(frozen=True)
class Column:
    cost: IterationCost
    t_measured: int | None | str  # T with `uncompute measure`; "-" where it does not apply
    two_qubit: int | None  # after pytket's optimisation; None without pytket
    success: float | None


def pytket_two_qubit(training: TrainingCircuit, full: bool) -> int | None:
    """Two-qubit gates of one flat iteration after SynthesiseTket (or FullPeepholeOptimise)."""
    try:
        from pytket.passes import DecomposeBoxes, FullPeepholeOptimise, SynthesiseTket

        from qbnnc.targets.pytket_circuit import to_pytket
    except ImportError:
        return None
    tk = to_pytket(one_iteration(training), boxes=False)
    DecomposeBoxes().apply(tk)
    (FullPeepholeOptimise() if full else SynthesiseTket()).apply(tk)
    return tk.n_2qb_gates()


def measured_t(source: str, path: Path, options: dict) -> int | None | str:
    """T per iteration with `uncompute measure` (temporary ANDs undone by measurement)."""
    measured = source.replace("train {", "train {\n    uncompute measure")
    program = compile(measured, str(path), **options)
    return iteration_cost(program.training).t_count


def task_table(path: Path, tk: bool, full: bool) -> list[str]:
    text = path.read_text()
    model = load_model(text, str(path))
    default_oracle = re.sub(r"\n[ \t]*oracle phase[^\n]*", "", text)
    programs: list[tuple[str, Program, str, dict]] = []
    for heading, as_written, options in COLUMNS:
        source = text if as_written else default_oracle
        programs.append((heading, compile(source, str(path), **options), source, options))
    # The authors run as many iterations as the task's own circuit (their scripts: 2, 1, 2).
    iterations = programs[-1][1].iterations
    theirs = authors_circuit(model, count_marked(model), iterations)
    columns = [Column(iteration_cost(theirs), "-", pytket_two_qubit(theirs, full) if tk else None,
                      programs[-1][1].success_probability)]  # fmt: skip
    for _, program, source, options in programs:
        columns.append(
            Column(
                iteration_cost(program.training),
                measured_t(source, path, options),
                pytket_two_qubit(program.training, full) if tk else None,
                program.success_probability,
            )
        )
    authors = columns[0]

    def ratio(ours: int | None, theirs: int | None) -> str:
        return f"{theirs / ours:.1f}x" if ours and theirs else "-"

    def t_text(c: Column) -> str:
        if c.cost.t_count is not None:
            return str(c.cost.t_count)
        return f"n/a ({c.cost.rotations} rotations)"

    rows = [
        ("qubits", [str(c.cost.qubits) for c in columns]),
        ("Toffoli-equivalents (2k-5 per gate on k >= 3 qubits)",
         [str(c.cost.toffoli_equivalents) for c in columns]),
        ("authors / qbnnc, Toffoli-equivalents",
         ["-"] + [ratio(c.cost.toffoli_equivalents, authors.cost.toffoli_equivalents)
                   for c in columns[1:]]),
        ("ANDs", [str(c.cost.ands) for c in columns]),
        ("T (unitary)", [t_text(c) for c in columns]),
        ("T (`uncompute measure`)",
         [str(c.t_measured) if c.t_measured is not None else "n/a" for c in columns]),
        ("two-qubit gates (pytket)", [str(c.two_qubit or "-") for c in columns]),
        ("authors / qbnnc, two-qubit gates",
         ["-"] + [ratio(c.two_qubit, authors.two_qubit) for c in columns[1:]]),
        ("success probability",
         [f"{c.success:.4f}" if c.success is not None else "-" for c in columns]),
    ]  # fmt: skip
    headings = ["authors (ProjectQ scripts)"] + [h for h, _, _ in COLUMNS]
    out = [f"### {path.stem}\n", f"| per Grover iteration | {' | '.join(headings)} |"]
    out.append("| --- " * (len(headings) + 1) + "|")
    out += [f"| {name} | {' | '.join(cells)} |" for name, cells in rows]
    return out


def qiskit_neuron_toffolis(fan_in: int) -> int:
    """Toffoli-equivalents of Qiskit's WeightedAdder (popcount) + IntegerComparator
    (>= ceil(f/2)): 2k-5 per gate on k >= 3 qubits."""
    from qiskit.circuit.library import IntegerComparator, WeightedAdder

    adder = WeightedAdder(fan_in)
    compare = IntegerComparator(adder.num_sum_qubits, (fan_in + 1) // 2, geq=True)
    return sum(_qiskit_toffolis(part) for part in (adder, compare))


def _qiskit_toffolis(circuit) -> int:
    count = 0
    for inst in circuit.decompose().data:
        op = inst.operation
        k = getattr(op, "num_ctrl_qubits", None)
        if op.name == "or":
            k = op.num_qubits - 1
        if k is not None and k >= 2:
            count += 2 * (k + 1) - 5
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
    tk = "--no-pytket" not in sys.argv
    full = "--full-peephole" in sys.argv
    start = time.time()
    optimiser = "FullPeepholeOptimise" if full else "SynthesiseTket"
    print(f"## The paper's five tasks (two-qubit gates after pytket's {optimiser})\n")
    for path in sorted(ROOT.glob("examples/paper/*.bnn")):
        print("\n".join(task_table(path, tk, full)) + "\n", flush=True)
    print("## One neuron [count >= ceil(f/2)]\n")
    print(
        "| fan-in | threshold | qbnnc ANDs | issue's bound "
        "| Qiskit WeightedAdder + IntegerComparator Toffoli-equivalents |"
    )
    print("| --- | --- | --- | --- | --- |")
    for row in neuron_rows():
        print(row)
    print(f"\n(measured in {time.time() - start:.0f} s)", file=sys.stderr)


if __name__ == "__main__":
    main()
