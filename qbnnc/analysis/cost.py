"""What one Grover iteration costs, counted one way for qbnnc's circuits and the authors'.

Both sides are `TrainingCircuit`s (`Program.training`, `baseline.authors_circuit`), whose
`iteration` field is the call of one Grover iteration, so nothing here looks for blocks by
name. The comparison convention (docs/cost-model.md):

- Toffoli-equivalents: a gate on k >= 3 qubits (a multi-controlled X, Z or phase, a
  temporary AND computed or undone unitarily) counts 2k - 5, the Toffolis of its V-chain
  over clean ancillas: 1 for a ccx, ccz or ccp, 3 for a C3X. Gates on one or two qubits,
  measurements and classically controlled fixes count none.
- ANDs, T and rotations come from the cost model's expansion (`qbnnc.synthesis.decompose`);
  a SWAP is three CNOTs there: no T, no rotation.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable
from dataclasses import dataclass, replace

from qbnnc.synthesis.circuit import Circuit, Flat, Gate, count_ops
from qbnnc.synthesis.decompose import and_count, rotation_count, t_count
from qbnnc.synthesis.training import TrainingCircuit


def toffoli_equivalents(op: Flat) -> int:
    """2k - 5 for a gate on k >= 3 qubits, else 0 (the comparison convention)."""
    k = len(op.qubits) if isinstance(op, Gate) else 0
    return 2 * k - 5 if k >= 3 else 0


def one_iteration(training: TrainingCircuit) -> Circuit:
    """The circuit of a single Grover iteration: the same blocks, no preparation or
    measurement."""
    c = training.circuit
    return Circuit(c.num_qubits, c.blocks, training.iteration_ops, c.registers, ())


def per_iteration(training: TrainingCircuit, key: Callable[[Flat], Hashable]) -> Counter[Hashable]:
    """How many flat operations of one iteration fall under each `key`."""
    return count_ops(one_iteration(training), key)


def gate_kinds(training: TrainingCircuit) -> Counter[tuple[str, int]]:
    """Gates of one iteration by (base gate, number of controls): ("x", 3) is a C3X."""
    return Counter(
        {k: v for k, v in per_iteration(training, _kind).items() if isinstance(k, tuple)}
    )


def _shape(op: Flat) -> Gate | None:
    """The gate on qubits 0..k-1 (its costs do not depend on which qubits), or None."""
    return replace(op, qubits=tuple(range(len(op.qubits)))) if isinstance(op, Gate) else None


def _kind(op: Flat) -> tuple[str, int] | None:
    return (op.name, op.controls) if isinstance(op, Gate) else None


@dataclass(frozen=True)
class IterationCost:
    """One Grover iteration's cost (the program's qubits, the rest per iteration)."""

    qubits: int
    toffoli_equivalents: int
    ands: int  # temporary ANDs computed (4 T each, Gidney arXiv:1709.06648)
    t_count: int | None  # None where arbitrary-angle rotations remain
    rotations: int


def iteration_cost(training: TrainingCircuit) -> IterationCost:
    shapes = per_iteration(training, _shape)
    toffolis = ands = rotations = 0
    t: int | None = 0
    for op, n in shapes.items():
        if op is None:  # measurements and `if` fixes: no Toffoli, no T
            continue
        assert isinstance(op, Gate)
        toffolis += n * toffoli_equivalents(op)
        ands += n * and_count(op)
        rotations += n * rotation_count(op)
        gate_t = t_count(op)
        t = None if t is None or gate_t is None else t + n * gate_t
    return IterationCost(training.num_qubits, toffolis, ands, t, rotations)
