"""qbnnc's device circuits beside the vendors' own toolchains on the same flat circuit.

    python bench/device_compare.py [--tasks qbn31_task2 ...] [--targets ibm-torino ...]
                                   [--no-pytket-default]

For every paper task (examples/paper/) and target, one row: two-qubit gates and depth of

- qbnnc: `compile_file(task, target=...)`, the circuit `-o` writes and `stats` counts;
- Qiskit: `qiskit.transpile` of the flat circuit at optimization levels 2 and 3, seeds 1, 2
  and 3 each, the best of the six (fewest two-qubit gates, then lowest depth). For IBM,
  `backend=FakeTorino()`; Quantinuum's devices have no Qiskit backend, so their native
  gates (`basis_gates=["rzz", "r", "rz"]`, all-to-all);
- pytket: the vendor extension's `default_compilation_pass()` at its default level (2) on
  the flat circuit (pytket-qiskit's `IBMQBackend` pass for the device, as
  `default_compilation_pass` builds it from the fake backend's configuration;
  pytket-quantinuum's `QuantinuumBackend` offline), and its seconds.

The flat circuit is the program's own (`program.pytket(flat=True)`, converted by
`tk_to_qiskit` for Qiskit). Counting convention, one for all columns: every circuit is
counted as a Qiskit circuit (pytket's by `tk_to_qiskit`): a two-qubit gate is an instruction
on exactly two qubits (CZ on Torino, `rzz` = ZZPhase on H2; no SWAP survives any of the
compilations), depth is `QuantumCircuit.depth()` with the measurements. The last column is
`ok` when qbnnc's two-qubit count is at most each other column's. Also asserted: qbnnc's
circuit passes the vendor's `valid_circuit`. Recorded in docs/targets.md.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PAPER = sorted(ROOT.joinpath("examples", "paper").glob("*.bnn"))
TARGETS = ("ibm-torino", "quantinuum-h2")
QISKIT_RUNS = tuple((level, seed) for level in (2, 3) for seed in (1, 2, 3))


def counts(qc: Any) -> tuple[int, int]:  # a Qiskit circuit
    """(two-qubit gates, depth) by the convention in the module docstring."""
    two = sum(1 for inst in qc.data if inst.operation.name != "barrier" and len(inst.qubits) == 2)
    return two, qc.depth()


def qiskit_best(flat: Any, target: str) -> tuple[int, int]:
    from pytket.extensions.qiskit import tk_to_qiskit
    from qiskit import transpile

    qc = tk_to_qiskit(flat)
    if target.startswith("ibm"):
        from qbnnc.targets.ibm import backend

        options: dict[str, Any] = {"backend": backend("FakeTorino").fake}
    else:
        options = {"basis_gates": ["rzz", "r", "rz"]}
    return min(
        counts(transpile(qc, optimization_level=level, seed_transpiler=seed, **options))
        for level, seed in QISKIT_RUNS
    )


def pytket_default(flat: Any, target: str) -> tuple[int, int, float]:
    from pytket.extensions.qiskit import IBMQBackend, tk_to_qiskit

    c = flat.copy()
    start = time.perf_counter()
    if target.startswith("ibm"):
        from qbnnc.targets.ibm import backend

        IBMQBackend.pass_from_info(backend("FakeTorino").backend_info).apply(c)
    else:
        from qbnnc.targets.quantinuum import backend as quantinuum

        quantinuum("H2-1").default_compilation_pass().apply(c)
    seconds = time.perf_counter() - start
    return (*counts(tk_to_qiskit(c, perm_warning=False)), seconds)


def row(path: Path, target: str, with_pytket: bool) -> list[str]:
    from qbnnc.pipeline.compiler import compile_file
    from qbnnc.targets import get_target
    from qbnnc.targets.device import to_qiskit

    start = time.perf_counter()
    program = compile_file(path, target=target)
    seconds = time.perf_counter() - start
    device = program.device
    if target.startswith("ibm"):
        from qbnnc.targets.ibm import backend

        valid = backend(get_target(target).device).valid_circuit(device)  # type: ignore[arg-type]
    else:
        from qbnnc.targets.quantinuum import backend as quantinuum

        valid = quantinuum(get_target(target).device).valid_circuit(device)  # type: ignore[arg-type]
    assert valid, (path.stem, target)
    ours = counts(to_qiskit(device))
    flat = compile_file(path).pytket(flat=True)
    qiskit = qiskit_best(flat, target)
    others = [qiskit]
    cells = [
        path.stem,
        target,
        f"{ours[0]}, {ours[1]} ({seconds:.0f} s)",
        f"{qiskit[0]}, {qiskit[1]}",
    ]
    if with_pytket:
        *tket, tket_seconds = pytket_default(flat, target)
        others.append(tuple(tket))
        cells.append(f"{tket[0]}, {tket[1]} ({tket_seconds:.0f} s)")
    cells.append("ok" if all(ours[0] <= other[0] for other in others) else "WORSE")
    return cells


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tasks", nargs="*", default=[p.stem for p in PAPER])
    parser.add_argument("--targets", nargs="*", default=list(TARGETS))
    parser.add_argument("--no-pytket-default", action="store_true", help="skip the slow column")
    args = parser.parse_args()
    header = ["task", "target", "qbnnc: 2q, depth", "Qiskit best: 2q, depth"]
    if not args.no_pytket_default:
        header.append("pytket default: 2q, depth")
    print("| " + " | ".join([*header, "qbnnc <= all"]) + " |", flush=True)
    print("|" + " --- |" * (len(header) + 1), flush=True)
    for stem in args.tasks:
        for target in args.targets:
            path = ROOT / "examples" / "paper" / f"{stem}.bnn"
            print(
                "| " + " | ".join(row(path, target, not args.no_pytket_default)) + " |", flush=True
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
