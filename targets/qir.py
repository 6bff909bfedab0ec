"""QIR output (`-o train.ll`, `-o train.bc`) through pytket-qir.

A program's pytket circuit (the device circuit for a device target, else the flat
circuit of the compiler's gates) is brought into the gates pytket-qir converts: boxes
decomposed, then a rebase to Clifford+T plus rotations, CX and CZ (a device circuit's
PhasedX and ZZPhase are QIR gates already and stay). pytket-qir converts only circuits
whose qubits form one register, hence `FlattenRelabelRegistersPass` first; the classical
registers keep their names, so the output records `weights`.

Profile: the QIR base profile (every measurement at the end) when the program measures
only the weights at the end (`uncompute unitary`); the adaptive profile (mid-circuit
measurement, classically controlled gates) for `uncompute measure`. The result parses with
pyqir (`pyqir.Module.from_ir` / `from_bitcode`), which the tests check for every paper task.
"""

from __future__ import annotations

from pytket.circuit import Circuit, OpType
from pytket.passes import AutoRebase, DecomposeBoxes, FlattenRelabelRegistersPass, SequencePass
from pytket.qir import QIRFormat, QIRProfile, pytket_to_qir

# Gates pytket-qir converts, of those a rebase can target.
QIR_GATES = frozenset(
    {OpType.H, OpType.X, OpType.Y, OpType.Z, OpType.S, OpType.Sdg, OpType.T, OpType.Tdg}
    | {OpType.Rx, OpType.Ry, OpType.Rz, OpType.PhasedX, OpType.CX, OpType.CZ, OpType.ZZPhase}
)


def circuit(program: Circuit) -> Circuit:
    """A copy of the program's pytket circuit in QIR's gates, registers flattened."""
    out = program.copy()
    SequencePass([DecomposeBoxes(), AutoRebase(set(QIR_GATES))]).apply(out)
    # pytket-qir addresses qubits as one array: the named registers (w, work...) become
    # q[0..n-1]; classical registers keep their names (the output labels say `weights`).
    FlattenRelabelRegistersPass("q").apply(out)
    return out


def qir(program: Circuit, name: str, adaptive: bool, binary: bool = False) -> str | bytes:
    """The program's pytket circuit as QIR module `name`: LLVM text (`.ll`), or bitcode
    (`.bc`) when `binary`; the adaptive profile when it measures mid-circuit, else base."""
    profile = QIRProfile.ADAPTIVE if adaptive else QIRProfile.BASE
    out = pytket_to_qir(
        circuit(program),
        name,
        QIRFormat.BINARY if binary else QIRFormat.STRING,
        profile=profile,
    )
    assert out is not None
    return out
