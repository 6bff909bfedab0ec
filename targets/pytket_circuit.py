"""pytket output: a `pytket.Circuit` built directly from the circuit IR (pytket reads no QASM 3).

Qubit registers keep the IR's register names (`w`, `work`, ...), the classical registers
its `clbits` (so `weights[i]` is weight i). Each block becomes a `CircBox` named after it,
so the circuit reads like the structured OpenQASM 3 program (`get_commands()` shows
`grover_iteration`, `oracle`, ...); an inverted call gets a box of the inverted body and a
repeated call the box once per repetition, since pytket has no loops. `boxes=False` gives
the flat circuit. Angles are written in half-turns, as pytket counts them.
"""

from __future__ import annotations

import json
import math
import uuid
from typing import Any

from pytket.circuit import Bit, CircBox, Circuit, Op, OpType, QControlBox, Qubit, UnitID

from qbnnc.synthesis.circuit import Block, Call, Gate, IfBit, Measure, invert, measuring_blocks
from qbnnc.synthesis.circuit import Circuit as IrCircuit
from qbnnc.synthesis.circuit import Op as IrOp

# The IR's base gate names and their pytket types (p is U1: diag(1, e^{i a}), not Rz, which
# differs by a global phase that becomes a relative phase once the gate is controlled).
BASE = {
    "x": OpType.X,
    "y": OpType.Y,
    "z": OpType.Z,
    "h": OpType.H,
    "s": OpType.S,
    "sdg": OpType.Sdg,
    "t": OpType.T,
    "tdg": OpType.Tdg,
    "p": OpType.U1,
    "rz": OpType.Rz,
    "rx": OpType.Rx,
    "ry": OpType.Ry,
    "swap": OpType.SWAP,  # on two qubits (the authors' phase estimation)
}
# pytket's own controlled types, by (base, controls); anything else is a QControlBox.
CONTROLLED = {
    ("x", 1): OpType.CX,
    ("x", 2): OpType.CCX,
    ("y", 1): OpType.CY,
    ("z", 1): OpType.CZ,
    ("h", 1): OpType.CH,
    ("p", 1): OpType.CU1,
    ("rz", 1): OpType.CRz,
    ("rx", 1): OpType.CRx,
    ("ry", 1): OpType.CRy,
}
MULTI_CONTROLLED = {"x": OpType.CnX, "y": OpType.CnY, "z": OpType.CnZ}


def to_pytket(circuit: IrCircuit, boxes: bool = True, name: str | None = None) -> Circuit:
    """The IR circuit as a pytket circuit (blocks as CircBoxes unless `boxes` is False)."""
    out = Circuit(0, name=name)
    qubits: list[UnitID] = []
    for reg in circuit.registers:
        qubits += list(out.add_q_register(reg.name, reg.size))
    for name, size in circuit.clbits:
        out.add_c_register(name, size)
    # A CircBox holds no classical bits here: blocks that measure are always inlined.
    boxed = repeated_blocks(circuit) - measuring_blocks(circuit) if boxes else frozenset()
    _Builder(circuit.block_map, boxed).fill(out, circuit.body, qubits)
    return out


def to_json(circuit: Circuit) -> str:
    """`circuit.to_dict()` as JSON text, the same bytes for the same circuit.

    pytket gives every box a random UUID; here each distinct box id becomes a name-based
    UUID numbered in order of first appearance, so `Circuit.from_dict` reads the same
    circuit (a box used twice keeps one id) and the text depends on the circuit alone.
    """
    ids: dict[str, str] = {}

    def renumber(value: Any) -> Any:  # JSON data
        if isinstance(value, list):
            return [renumber(v) for v in value]
        if not isinstance(value, dict):
            return value
        out = {k: renumber(v) for k, v in value.items()}
        if "id" in out and str(out.get("type", "")).endswith("Box"):
            old = out["id"]
            ids.setdefault(old, str(uuid.uuid5(_BOX_IDS, str(len(ids)))))
            out["id"] = ids[old]
        return out

    return json.dumps(renumber(circuit.to_dict()), sort_keys=True) + "\n"


_BOX_IDS = uuid.UUID("6d0c7d1e-5b1a-4c0e-9a55-71626e6e6300")  # qbnnc's namespace for box ids


def repeated_blocks(circuit: IrCircuit) -> frozenset[str]:
    """Blocks applied more than once in the flat program (any direction): worth a box.

    A block applied once is inlined: a box would only add a level to read through, and
    `to_dict()` writes a box's whole body at every use, so boxes never make the JSON smaller.
    """
    blocks = circuit.block_map
    uses: dict[str, int] = {}

    def visit(ops: tuple[IrOp, ...], times: int) -> None:
        for op in ops:
            if isinstance(op, Call):
                uses[op.block] = uses.get(op.block, 0) + times * op.repeat
                visit(blocks[op.block].body, times * op.repeat)

    visit(circuit.body, 1)
    return frozenset(name for name, n in uses.items() if n > 1)


class _Builder:
    """Fills pytket circuits with IR operations, making each block's box once."""

    def __init__(self, blocks: dict[str, Block], boxed: frozenset[str]) -> None:
        self.blocks = blocks
        self.boxed = boxed
        self.cache: dict[tuple[str, bool], CircBox] = {}

    def fill(self, out: Circuit, ops: tuple[IrOp, ...] | list[IrOp], qubits: list[UnitID]) -> None:
        for op in ops:
            if isinstance(op, Gate):
                add_gate(out, op, [qubits[q] for q in op.qubits])
            elif isinstance(op, Measure):
                out.Measure(qubits[op.qubit], Bit(op.register, op.index))
            elif isinstance(op, IfBit):
                bit = Bit(op.register, op.index)
                for g in op.body:
                    args = [qubits[q] for q in g.qubits]
                    add_gate(out, g, args, condition_bits=[bit], condition_value=1)
            else:
                self.call(out, op, qubits)

    def call(self, out: Circuit, op: Call, qubits: list[UnitID]) -> None:
        args = [qubits[q] for q in op.qubits]
        block = self.blocks[op.block]
        if op.block not in self.boxed:
            body = invert(block.body) if op.inverse else block.body
            for _ in range(op.repeat):
                self.fill(out, body, args)
            return
        box = self.box(block, op.inverse)
        for _ in range(op.repeat):
            out.add_circbox(box, args)

    def box(self, block: Block, inverse: bool) -> CircBox:
        key = (block.name, inverse)
        if key not in self.cache:
            inner = Circuit(block.arity, name=block.name + ("_inv" if inverse else ""))
            body = invert(block.body) if inverse else block.body
            self.fill(inner, body, list(inner.qubits))
            self.cache[key] = CircBox(inner)
        return self.cache[key]


def half_turns(gate: Gate) -> float:
    """The gate's angle in half-turns (pytket's unit): exact for multiples of pi."""
    assert gate.angle is not None
    if gate.angle.pi_multiple is not None:
        return float(gate.angle.pi_multiple)
    return gate.angle.value / math.pi


def add_gate(out: Circuit, gate: Gate, args: list[UnitID], **condition: Any) -> None:
    """Append one IR gate (`ctrl(k) @ name(angle)`) to `out` on `args` (`condition`:
    pytket's `condition_bits` and `condition_value`, for a classically controlled gate)."""
    if gate.name not in BASE:
        raise ValueError(f"gate {gate.name} has no pytket form here")
    params = [half_turns(gate)] if gate.angle is not None else []
    k = gate.controls
    if k == 0:
        out.add_gate(BASE[gate.name], params, args, **condition)
    elif (gate.name, k) in CONTROLLED:
        out.add_gate(CONTROLLED[gate.name, k], params, args, **condition)
    elif gate.name in MULTI_CONTROLLED:
        out.add_gate(MULTI_CONTROLLED[gate.name], params, args, **condition)
    else:
        box = QControlBox(Op.create(BASE[gate.name], params), k)
        out.add_qcontrolbox(box, args, **condition)


def qubit_names(circuit: IrCircuit) -> list[Qubit]:
    """The pytket qubit of each IR qubit index, in index order."""
    return [Qubit(reg.name, i) for reg in circuit.registers for i in range(reg.size)]
