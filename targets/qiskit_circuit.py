"""Qiskit output: a flat `qiskit.QuantumCircuit` built directly from the circuit IR.

The circuit is what `AerSimulator().run(circuit)` runs as it is, with no `transpile`: every
call is inlined (Qiskit's simulators would otherwise re-synthesise each gate definition
inside the loop body, minutes for the paper's 3-2-1 task) and every gate is one Aer
simulates natively (`x cx ccx mcx`, `z cz ccz`, `p cp mcphase`, `h`, ...; `if_test` for
`uncompute measure`). Building it walks the IR once, without writing or parsing OpenQASM.

Registers keep the IR's names (`w` the weights, `counter` or `phase_register`, `work`;
the classical `weights`, plus the mid-circuit registers of `uncompute measure`), and
`metadata` states the weight names and each register's role. A Qiskit count key lists
the classical registers last-declared first, separated by spaces, each with its bit 0
rightmost: `decode_key` turns one into the canonical weight string (weight 0 first).
"""

from __future__ import annotations

from typing import Any

from qiskit import ClassicalRegister, QuantumCircuit, QuantumRegister
from qiskit.circuit import Gate as QiskitGate
from qiskit.circuit.library import (
    CCXGate,
    CCZGate,
    CHGate,
    CPhaseGate,
    CRXGate,
    CRYGate,
    CRZGate,
    CXGate,
    CYGate,
    CZGate,
    HGate,
    MCPhaseGate,
    MCXGate,
    PhaseGate,
    RXGate,
    RYGate,
    RZGate,
    SdgGate,
    SGate,
    TdgGate,
    TGate,
    XGate,
    YGate,
    ZGate,
)

from qbnnc.synthesis.circuit import Circuit, Gate, IfBit, Measure, flatten

# The IR's base gates with no controls, and with exactly one.
BASE = {
    "x": XGate,
    "y": YGate,
    "z": ZGate,
    "h": HGate,
    "s": SGate,
    "sdg": SdgGate,
    "t": TGate,
    "tdg": TdgGate,
}
ROTATIONS = {"p": PhaseGate, "rz": RZGate, "rx": RXGate, "ry": RYGate}
ONE_CONTROL = {"x": CXGate, "y": CYGate, "z": CZGate, "h": CHGate}
ONE_CONTROL_ROTATIONS = {"p": CPhaseGate, "rz": CRZGate, "rx": CRXGate, "ry": CRYGate}


def gate(g: Gate) -> QiskitGate:
    """The Qiskit gate of one IR gate `ctrl(k) @ name(angle)`, in a form Aer runs as is."""
    k, name = g.controls, g.name
    angle = g.angle.value if g.angle is not None else None
    if k == 0:
        return ROTATIONS[name](angle) if angle is not None else BASE[name]()
    if k == 1:
        return ONE_CONTROL_ROTATIONS[name](angle) if angle is not None else ONE_CONTROL[name]()
    if name == "x":
        return CCXGate() if k == 2 else MCXGate(k)
    if name == "z":  # a controlled Z is a controlled phase of pi on any of its qubits
        return CCZGate() if k == 2 else MCPhaseGate(3.141592653589793, k)
    if name == "p" and angle is not None:
        return MCPhaseGate(angle, k)
    base = ROTATIONS[name](angle) if angle is not None else BASE[name]()
    return base.control(k)


def to_qiskit(
    circuit: Circuit, name: str | None = None, metadata: dict[str, Any] | None = None
) -> QuantumCircuit:
    """The IR circuit, flat, as a `QuantumCircuit` with the IR's registers."""
    qregs = [QuantumRegister(r.size, r.name) for r in circuit.registers]
    cregs = {n: ClassicalRegister(size, n) for n, size in circuit.clbits}
    out = QuantumCircuit(*qregs, *cregs.values(), name=name, metadata=metadata or {})
    qubits = out.qubits
    append = out._append  # the checked `append` costs more than the whole walk
    from qiskit.circuit import CircuitInstruction
    from qiskit.circuit.library import Measure as MeasureGate

    cache: dict[Gate, QiskitGate] = {}
    for op in flatten(circuit):
        if isinstance(op, Gate):
            key = Gate(op.name, (), op.controls, op.angle)
            if key not in cache:
                cache[key] = gate(op)
            append(CircuitInstruction(cache[key], tuple(qubits[q] for q in op.qubits)))
        elif isinstance(op, Measure):
            clbit = cregs[op.register][op.index]
            append(CircuitInstruction(MeasureGate(), (qubits[op.qubit],), (clbit,)))
        elif isinstance(op, IfBit):
            with out.if_test((cregs[op.register][op.index], 1)):
                for g in op.body:
                    out.append(gate(g), [qubits[q] for q in g.qubits])
    return out


def decode_key(key: str, registers: tuple[tuple[str, int], ...], measured: str = "weights") -> str:
    """The canonical weight string (weight 0 first) of a Qiskit count key.

    `registers`: the circuit's classical registers in declaration order, (name, size).
    A key holds them last-declared first, separated by spaces (or run together), each
    register's bit 0 rightmost; the `measured` register's bits are reversed into
    canonical order.
    """
    parts = key.split() or [key]  # "": the key of zero measured bits
    if len(parts) == 1 and len(registers) > 1:  # registers run together: cut by size
        text, parts = parts[0], []
        for _, size in reversed(registers):
            parts.append(text[:size])
            text = text[size:]
    names = [n for n, _ in registers]
    if len(parts) != len(names) or measured not in names:
        raise ValueError(
            f"count key {key!r} does not match the classical registers "
            f"{', '.join(f'{n}[{s}]' for n, s in registers)}"
        )
    bits = parts[len(names) - 1 - names.index(measured)]
    return bits[::-1]
