"""What every device target shares: segment-wise compilation, the Program, the QASM view.

Compiling segment by segment. A vendor's optimising pass (pytket's FullPeepholeOptimise
at the heart of both vendors' level 2) costs time superlinear in the circuit's length: 43 s
for the paper's 3-2-1 task on this machine, whose six Grover iterations are one block
repeated. So the top-level body is cut into segments (the runs between repeated calls, and
each repeated call's block once) and each distinct segment is optimised once; the device
circuit appends each compiled segment as often as the program repeats it, then measures.
Optimisation across a seam is lost (a few single-qubit gates, squashed afterwards); the
compile time then grows with the model and the data, not with the iteration count, as the
structured OpenQASM 3 does. pytket's `append` composes the segments' implicit wire
permutations, so measured bits stay right without adding SWAPs.

A circuit that measures before its end (`uncompute measure`) is compiled whole.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from pytket.circuit import Bit, Circuit, OpType, Qubit

from qbnnc.diagnostics import CompileError, Diagnostic
from qbnnc.synthesis.circuit import (
    Call,
    IfBit,
    Measure,
    Op,
    Register,
    flat_size,
    invert,
    measuring_blocks,
)
from qbnnc.synthesis.circuit import Circuit as IrCircuit
from qbnnc.synthesis.training import TrainingCircuit
from qbnnc.targets.pytket_circuit import qubit_names, to_pytket

if TYPE_CHECKING:
    from pytket.backends import Backend

    from qbnnc.program import Program
    from qbnnc.targets import Target

Segment = tuple[tuple[Op, ...], int]  # operations, and how many times they run in a row
# Flat gates in the largest piece optimised at once: FullPeepholeOptimise costs more than
# linear time, so larger runs are optimised block by block (see compile_segmented).
PIECE_LIMIT = 2000


def segments(training: TrainingCircuit) -> tuple[list[Segment], list[Measure]] | None:
    """The body as segments (the preparation, the iteration with its repeat count) and the
    final measurements; None if anything measures earlier."""
    circuit = training.circuit
    measuring = measuring_blocks(circuit)
    if training.iteration.block in measuring or any(
        isinstance(op, Measure | IfBit) for op in training.preparation
    ):
        return None
    out: list[Segment] = [(training.preparation, 1)] if training.preparation else []
    if training.iterations:
        out.append(((training.iteration,), training.iterations))
    return out, list(training.measurement)


def compile_segmented(
    training: TrainingCircuit,
    optimise: Callable[[Circuit], Circuit],
    finish: Callable[[Circuit], Circuit],
    limit: int = PIECE_LIMIT,
) -> Circuit:
    """The device circuit: `optimise` each distinct piece once, assemble, measure, `finish`.

    A piece is a run of operations of at most `limit` flat gates, or a block (each direction
    compiled once, reused at every call and repetition). `optimise` must keep qubit names
    (it may leave implicit wire permutations); `finish` runs once on the whole (routing, a
    final squash) and returns the result.
    """
    circuit = training.circuit
    split = segments(training)
    if split is None:
        return finish(optimise(to_pytket(circuit)))
    parts, final = split
    pieces = _Pieces(circuit, optimise, limit)
    body = tuple(op for ops, times in parts for op in ops * times)
    whole = pieces.ops(body, circuit.num_qubits)
    names = qubit_names(circuit)
    whole.rename_units({Qubit("q", i): names[i] for i in range(circuit.num_qubits)})
    for name, size in circuit.clbits:
        whole.add_c_register(name, size)
    for m in final:
        whole.Measure(names[m.qubit], Bit(m.register, m.index))
    return finish(whole)


class _Pieces:
    """Optimises operation runs and blocks on local qubits q[0..k-1], each once."""

    def __init__(
        self, circuit: IrCircuit, optimise: Callable[[Circuit], Circuit], limit: int
    ) -> None:
        self.circuit = circuit
        self.blocks = circuit.block_map
        self.optimise = optimise
        self.limit = limit
        self.cache: dict[tuple[str, bool], Circuit] = {}

    def size(self, ops: tuple[Op, ...]) -> int:
        return flat_size(replace(self.circuit, body=ops))

    def block(self, name: str, inverse: bool) -> Circuit:
        key = (name, inverse)
        if key not in self.cache:
            block = self.blocks[name]
            body = tuple(invert(block.body)) if inverse else block.body
            self.cache[key] = self.ops(body, block.arity)
        return self.cache[key]

    def ops(self, ops: tuple[Op, ...], arity: int) -> Circuit:
        """`ops` on qubits 0..arity-1, optimised whole when small, else call by call."""
        if self.size(ops) <= self.limit:
            return self.piece(ops, arity)
        out = Circuit(arity)
        run: list[Op] = []
        for op in (*ops, None):
            if op is not None and not isinstance(op, Call):
                run.append(op)
                continue
            if run:
                out.append(self.piece(tuple(run), arity))
                run = []
            if isinstance(op, Call):
                sub = self.block(op.block, op.inverse)
                for _ in range(op.repeat):
                    out.add_circuit(sub, [Qubit("q", q) for q in op.qubits])
        return out

    def piece(self, ops: tuple[Op, ...], arity: int) -> Circuit:
        local = replace(
            self.circuit,
            num_qubits=arity,
            body=ops,
            registers=(Register("q", 0, arity, "local"),),
            clbits=(),
        )
        out = self.optimise(to_pytket(local))
        for q in range(arity):  # every qubit present, so pieces line up by name
            if Qubit("q", q) not in out.qubits:
                out.add_qubit(Qubit("q", q))
        return out


def with_device(program: Program, target: Target, backend: Backend, device: Circuit) -> Program:
    """The program carrying `device`, which the vendor's own `valid_circuit` must accept."""
    if not backend.valid_circuit(device):
        raise CompileError(
            [
                Diagnostic(
                    program.model.path,
                    0,
                    0,
                    f"internal: the circuit compiled for {target.name} fails the backend's "
                    "valid_circuit (please report this with the model)",
                )
            ]
        )
    return replace(program, device=device)


def two_qubit_gates(circuit: Circuit) -> int:
    """Gates acting on exactly two qubits (what `stats` reports for a device circuit)."""
    return sum(
        1
        for cmd in circuit.get_commands()
        if cmd.op.type != OpType.Barrier and len(cmd.qubits) == 2
    )


def measured_from(device: Circuit) -> dict[Bit, Qubit]:
    """Which device qubit each classical bit is (last) measured from."""
    out: dict[Bit, Qubit] = {}
    for cmd in device.get_commands():
        if cmd.op.type == OpType.Measure:
            out[cmd.bits[0]] = cmd.qubits[0]
    return out


def compacted(device: Circuit) -> tuple[Circuit, dict[Qubit, Qubit]]:
    """A copy of `device` with its physical qubits (`node[i]`, as routing names them)
    renamed to `q[0..k-1]` in order, and the renaming; a copy as it is when none are."""
    out = device.copy()
    physical = [q for q in out.qubits if q.reg_name == "node"]
    renamed = {q: Qubit("q", i) for i, q in enumerate(physical)}
    if renamed:
        out.rename_units(renamed)  # type: ignore[arg-type]
    return out, renamed


def qasm3(program: Program, target: Target) -> str:
    """The device circuit as OpenQASM 3, printed by Qiskit's exporter (pytket writes none).

    The circuit goes to Qiskit with `tk_to_qiskit`; implicit wire permutations are dropped,
    which moves no measurement (the measurements are on the wires the gates act on; only
    the final, unmeasured qubit labels would move). Device gates outside stdgates.inc
    (Quantinuum's `rzz`, `r`; IBM's `sx`, `ecr` are standard or defined) come out as gate
    definitions. A routed circuit's physical qubits (`node[53]`) are renamed to one compact
    register `q`, so the program declares exactly the qubits it uses (as `stats` counts
    them); the header records which device qubit each one is, and where each weight is
    measured. `program.pytket()` keeps the physical names for submission.
    """
    import qiskit.qasm3
    from pytket.extensions.qiskit import tk_to_qiskit

    from qbnnc.targets.qasm3 import comment as as_comment

    device, renamed = compacted(program.device)
    text = qiskit.qasm3.dumps(tk_to_qiskit(device, perm_warning=False))
    where = measured_from(device)
    sections = [
        ("device qubits:", tuple(f"{new} = {old}" for old, new in renamed.items())),
        (
            "measured from:",
            tuple(
                f"weights[{i}] <- {where[Bit('weights', i)]}"
                for i in range(program.model.num_weights)
                if Bit("weights", i) in where
            ),
        ),
    ]
    header = replace(
        program.training.header,
        sections=tuple(s for s in sections if s[1] or s[0] == "measured from:"),
    )
    comment = as_comment(header.lines())
    head, sep, rest = text.partition('include "stdgates.inc";\n')
    if not sep:
        return comment + text
    return head + sep + comment + rest
