"""What every device target shares: flat or segment-wise compilation, choosing among
candidate compilations, the vendor's validation, the QASM view.

Flat first. A vendor's toolchain compiles the flat circuit; optimisation (and routing)
across the seams between repeated blocks is what makes it better than compiling each block
on its own (QBN 3-1 task 1 on H2: 542 two-qubit gates segment by segment, 157 flat at the
vendor's level 3). So a circuit whose flat body has at most `FLAT_LIMIT` gates is compiled
flat, and each target compiles it several ways (`best` keeps the cheapest).

Segment by segment, past `FLAT_LIMIT`. The vendors' optimising passes cost time
superlinear in the circuit's length, and the flat circuit grows with the iteration count.
So the top-level body is cut into segments (the runs between repeated calls, and each
repeated call's block once) and each distinct segment is optimised once; the device
circuit appends each compiled segment as often as the program repeats it, then measures.
Optimisation across a seam is lost; the compile time then grows with the model and the
data, not with the iteration count, as the structured OpenQASM 3 does. pytket's `append`
composes the segments' implicit wire permutations, so measured bits stay right without
adding SWAPs.

A circuit that measures before its end (`uncompute measure`) is compiled whole.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

from pytket.circuit import Bit, Circuit, OpType, Qubit

from qbnnc.diagnostics import CompileError, Diagnostic
from qbnnc.synthesis.circuit import (
    Call,
    Measure,
    Op,
    Register,
    flat_size,
    invert,
)
from qbnnc.synthesis.circuit import Circuit as IrCircuit
from qbnnc.synthesis.training import Header, TrainingCircuit
from qbnnc.targets.pytket_circuit import qubit_names, to_pytket

if TYPE_CHECKING:
    from pytket.backends import Backend
    from qiskit import QuantumCircuit

    from qbnnc.targets import Target

Segment = tuple[tuple[Op, ...], int]  # operations, and how many times they run in a row
# Flat gates in the largest piece optimised at once: FullPeepholeOptimise costs more than
# linear time, so larger runs are optimised block by block (see compile_segmented).
PIECE_LIMIT = 2000
# Flat gates (of the IR, before any decomposition) up to which a device target compiles the
# flat circuit. The largest paper task (QBNN 3-2-1 task 1) has 4,576; Qiskit's preset pass
# managers take about 2 ms per flat gate and pytket-quantinuum's level 3 about as much, so
# at the limit one candidate compilation takes about a minute on this machine. Past it the
# segments are compiled once each (see the module docstring) and compile time stops
# growing with the iteration count.
FLAT_LIMIT = 20_000
# Seconds GreedyPauliSimp (the vendors' level-3 re-synthesis) may spend on one trial before
# that trial is dropped. The vendors' default (300 s) could be reached near FLAT_LIMIT on a
# busy machine, and which trials finish would then depend on timing; an hour keeps the
# output a function of the input.
RESYNTHESIS_TIMEOUT = 3600


def segments(training: TrainingCircuit) -> tuple[list[Segment], list[Measure]] | None:
    """The body as segments (the preparation, the iteration with its repeat count) and the
    final measurements; None if anything measures earlier."""
    if training.measures_early:
        return None
    loop = training.iteration
    out: list[Segment] = [(training.preparation, 1)] if training.preparation else []
    if loop is not None and training.iterations:
        out.append(((loop,), training.iterations))
    return out, list(training.measurement)


def flat_body(training: TrainingCircuit) -> Circuit | None:
    """The unitary part of the training circuit (everything before the final measurements),
    flat, on the program's qubit names; None if it measures earlier or has more than
    `FLAT_LIMIT` flat gates. `measured` adds the measurements back."""
    split = segments(training)
    if split is None:
        return None
    parts, _ = split
    body = tuple(op for ops, times in parts for op in ops * times)
    unitary = replace(training.circuit, body=body, clbits=())
    if flat_size(unitary) > FLAT_LIMIT:
        return None
    return to_pytket(unitary, boxes=False)


def measured(device: Circuit, training: TrainingCircuit) -> Circuit:
    """`device` (the compiled unitary part, on the program's qubit names) with the final
    measurements appended. Appending addresses a qubit by its name at the circuit's output,
    so an implicit wire permutation left by the compilation is respected without SWAPs."""
    circuit = training.circuit
    names = qubit_names(circuit)
    for name, size in circuit.clbits:
        device.add_c_register(name, size)
    for m in training.measurement:
        device.Measure(names[m.qubit], Bit(m.register, m.index))
    return device


def cost(device: Circuit) -> tuple[int, int]:
    """What `best` minimises: two-qubit gates first (the dominant error), then depth."""
    return two_qubit_gates(device), device.depth()


def best(candidates: Iterable[Callable[[], Circuit]]) -> Circuit:
    """The cheapest of the candidate compilations by `cost`; the first wins a tie, so the
    choice is deterministic when each candidate is."""
    return min((make() for make in candidates), key=cost)


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
    parts, _ = split
    pieces = _Pieces(circuit, optimise, limit)
    body = tuple(op for ops, times in parts for op in ops * times)
    whole = pieces.ops(body, circuit.num_qubits)
    names = qubit_names(circuit)
    whole.rename_units({Qubit("q", i): names[i] for i in range(circuit.num_qubits)})
    return finish(measured(whole, training))


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


def validated(device: Circuit, backend: Backend, target: Target) -> Circuit:
    """`device`, which the vendor's own `valid_circuit` must accept."""
    if not backend.valid_circuit(device):
        raise CompileError(
            [
                Diagnostic(
                    None,
                    0,
                    0,
                    f"internal: the circuit compiled for {target.name} fails the backend's "
                    "valid_circuit (please report this with the model)",
                )
            ]
        )
    return device


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


def physical_index(qubit: Qubit) -> int | None:
    """The device qubit a routed circuit's qubit is (`node[53]` is 53); None for a program
    qubit (`w[0]`: Quantinuum's all-to-all devices are not routed)."""
    return qubit.index[0] if qubit.reg_name == "node" else None


def to_qiskit(device: Circuit) -> QuantumCircuit:
    """The device circuit as Qiskit sees it, converted by pytket-qiskit's `tk_to_qiskit`.

    A routed circuit's qubit `node[i]` becomes Qiskit's qubit i, the circuit as wide as the
    highest used device qubit, with a trivial layout: that is how Qiskit marks a circuit on
    physical qubits, and its OpenQASM 3 exporter then writes `$i` (which
    `qiskit.qasm3.loads` reads back the same way). Implicit wire permutations are dropped,
    which moves no measurement (the measurements are on the wires the gates act on).
    """
    from pytket.extensions.qiskit import tk_to_qiskit

    physical = [physical_index(q) for q in device.qubits]
    if not physical or None in physical:
        return tk_to_qiskit(device, perm_warning=False)
    from qiskit.transpiler import Layout, TranspileLayout

    c = device.copy()
    c.rename_units({q: Qubit("q", i) for q, i in zip(device.qubits, physical, strict=True)})  # type: ignore[arg-type]
    for i in range(max(physical) + 1):  # type: ignore[type-var]
        if Qubit("q", i) not in c.qubits:
            c.add_qubit(Qubit("q", i))
    qc = tk_to_qiskit(c, perm_warning=False)
    mapping = {bit: i for i, bit in enumerate(qc.qubits)}
    qc._layout = TranspileLayout(  # what the transpiler sets (no public setter)
        initial_layout=Layout(dict(enumerate(qc.qubits))),
        input_qubit_mapping=mapping,
    )
    return qc


def compacted(device: Circuit) -> tuple[Circuit, dict[Qubit, Qubit]]:
    """A copy of `device` with its physical qubits (`node[i]`, as routing names them)
    renamed to `q[0..k-1]` in order, and the renaming; a copy as it is when none are. For
    simulating it (`Program.qiskit()`): Aer needs the qubits used, not the device's."""
    out = device.copy()
    physical = [q for q in out.qubits if q.reg_name == "node"]
    renamed = {q: Qubit("q", i) for i, q in enumerate(physical)}
    if renamed:
        out.rename_units(renamed)  # type: ignore[arg-type]
    return out, renamed


def used_qubits(qc: QuantumCircuit) -> int:
    """Qubits some instruction acts on (a physical circuit also has the idle ones below its
    highest qubit)."""
    return len({q for inst in qc.data if inst.operation.name != "barrier" for q in inst.qubits})


def qasm3(device: Circuit, header: Header) -> str:
    """The device circuit as OpenQASM 3, printed by Qiskit's exporter (pytket writes none).

    The circuit goes to Qiskit by `to_qiskit`: a routed (IBM) circuit is on physical qubits,
    written `$53` as OpenQASM 3 names them, and `qiskit.qasm3.loads` reads it back with that
    layout. Device gates outside stdgates.inc (Quantinuum's `rzz`, `r`; IBM's `sx`, `ecr`
    are standard or defined) come out as gate definitions. The header says where each
    weight is measured.
    """
    import qiskit.qasm3

    from qbnnc.targets.qasm3 import comment as as_comment

    text = qiskit.qasm3.dumps(to_qiskit(device))
    where = measured_from(device)

    def name(q: Qubit) -> str:
        i = physical_index(q)
        return str(q) if i is None else f"${i}"

    measured = tuple(
        f"weights[{i}] <- {name(where[Bit('weights', i)])}"
        for i in range(header.weights)
        if Bit("weights", i) in where
    )
    header = replace(header, sections=(("measured from:", measured),))
    comment = as_comment(header.lines())
    head, sep, rest = text.partition('include "stdgates.inc";\n')
    if not sep:
        return comment + text
    return head + sep + comment + rest
