"""The gate cost model: expansion into Toffolis, then into Clifford+T, and what each costs.

Every count qbnnc reports (Toffolis, T gates, rotations) comes from these expansions, so
`stats`, the `clifford+t` target and the benchmarks always agree.

Conventions (the table in docs/cost-model.md):
- `ctrl(k) @ x`, k >= 3: a V-chain of 2k-3 Toffolis over k-2 clean ancillas.
- `ctrl(k) @ z`: H-conjugated `ctrl(k) @ x` (ccz is one Toffoli-equivalent).
- `ctrl(k) @ p(a)`, k >= 1: where a/2 is a multiple of pi/4 and k = 1, the textbook
  three-phase, two-CNOT form; otherwise the AND of all k+1 qubits is computed into an
  ancilla (k Toffolis over k ancillas), the phase applied to it, and the AND uncomputed.
- A Toffoli is the standard 7-T circuit (T-depth 3 is not the point: T count is).
- A temporary logical AND (`Gate.temp`, Gidney arXiv:1709.06648) is one Toffoli-equivalent
  of 4 T to compute into |0>, and 4 T to uncompute unitarily (the adjoint circuit). Undone
  by measurement (`uncompute measure`: H, measure, classically controlled CZ and X) it costs
  no T and no Toffoli.
- A phase that is not a multiple of pi/4 is an arbitrary-angle rotation: no T count.
- `swap` (only the authors' baseline writes one): three CNOTs, no T.
"""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction
from functools import lru_cache

from qbnnc.frontend.model import Angle
from qbnnc.synthesis.circuit import Block, Call, Circuit, Flat, Gate, IfBit, Measure, Op, Register

CLIFFORD_T = frozenset({"h", "s", "sdg", "t", "tdg", "x", "z", "cx"})
_EIGHTH_TURN_GATES = {
    1: ["t"],
    2: ["s"],
    3: ["s", "t"],
    4: ["z"],
    5: ["z", "t"],
    6: ["sdg"],
    7: ["tdg"],
}


class RotationError(ValueError):
    """A gate needs an arbitrary-angle rotation, which Clifford+T cannot express exactly."""


def _eighths(angle: Angle | None) -> int | None:
    """The angle in units of pi/4 (mod 8), or None when it is not such a multiple."""
    if angle is None or angle.pi_multiple is None:
        return None
    units = angle.pi_multiple * 4
    return int(units) % 8 if units.denominator == 1 else None


def ancillas_needed(g: Gate) -> int:
    """Clean ancillas the Toffoli expansion of `g` borrows (and returns to |0>)."""
    if g.name in ("x", "z") and g.controls >= 3:
        return g.controls - 2
    if g.name == "p" and g.controls >= 1 and not _textbook_cp(g):
        return g.controls
    return 0


def _half(angle: Angle | None) -> Angle:
    assert angle is not None
    return angle.times(Fraction(1, 2))


def _textbook_cp(g: Gate) -> bool:
    """cp(a) with a/2 a multiple of pi/4: three phases and two CNOTs, no ancilla."""
    return g.controls == 1 and _eighths(_half(g.angle)) is not None


def to_toffoli(g: Gate, ancillas: list[int]) -> list[Gate]:
    """`g` as gates on at most three qubits (x, z, p with at most 2 controls; h)."""
    if g.name == "swap" and not g.controls:
        a, b = g.qubits
        return [Gate("x", (a, b), 1), Gate("x", (b, a), 1), Gate("x", (a, b), 1)]
    if g.name == "x" and g.controls >= 3:
        return _v_chain(list(g.qubits[:-1]), g.qubits[-1], ancillas)
    if g.name == "z" and g.controls >= 3:
        t = g.qubits[-1]
        return [Gate("h", (t,)), *_v_chain(list(g.qubits[:-1]), t, ancillas), Gate("h", (t,))]
    if g.name == "p" and g.controls >= 1 and not _textbook_cp(g):
        qubits = list(g.qubits)
        need = len(qubits) - 1
        work = ancillas[:need]
        compute = [Gate("x", (qubits[0], qubits[1], work[0]), 2)]
        for i in range(2, len(qubits)):
            compute.append(Gate("x", (work[i - 2], qubits[i], work[i - 1]), 2))
        return [*compute, Gate("p", (work[need - 1],), 0, g.angle), *reversed(compute)]
    return [g]


def _v_chain(controls: list[int], target: int, ancillas: list[int]) -> list[Gate]:
    """target ^= AND(controls) with len(controls)-2 clean ancillas: 2k-3 Toffolis."""
    k = len(controls)
    work = ancillas[: k - 2]
    compute = [Gate("x", (controls[0], controls[1], work[0]), 2)]
    for i in range(2, k - 1):
        compute.append(Gate("x", (work[i - 2], controls[i], work[i - 1]), 2))
    return [*compute, Gate("x", (work[-1], controls[-1], target), 2), *reversed(compute)]


def to_clifford_t(g: Gate, ancillas: list[int]) -> list[Gate]:
    """`g` in h s sdg t tdg x z cx; RotationError where an arbitrary angle remains."""
    out: list[Gate] = []
    for small in to_toffoli(g, ancillas):
        out += _small_to_clifford_t(small)
    return out


def _small_to_clifford_t(g: Gate) -> list[Gate]:
    q = g.qubits
    if g.controls == 0:
        if g.name in CLIFFORD_T:
            return [g]
        if g.name == "p":
            return _phase(q[0], g.angle)
        raise RotationError(f"gate {g.name} has no Clifford+T form here")
    if g.name == "x" and g.controls == 1:
        return [g]
    if g.name == "z" and g.controls == 1:
        return [Gate("h", (q[1],)), Gate("x", q, 1), Gate("h", (q[1],))]
    if g.name == "x" and g.controls == 2 and g.temp == "compute":
        return _temporary_and(*q)
    if g.name == "x" and g.controls == 2 and g.temp == "uncompute":
        return [s.inverse() for s in reversed(_temporary_and(*q))]
    if g.name == "x" and g.controls == 2:
        return _toffoli(*q)
    if g.name == "z" and g.controls == 2:
        return [Gate("h", (q[2],)), *_toffoli(*q), Gate("h", (q[2],))]
    if g.name == "p" and g.controls == 1:
        assert g.angle is not None
        half = _half(g.angle)
        a, b = q
        cx = Gate("x", (a, b), 1)
        return [*_phase(a, half), *_phase(b, half), cx, *_phase(b, -half), cx]
    raise RotationError(f"ctrl({g.controls}) @ {g.name} has no Clifford+T form here")


def _phase(q: int, angle: Angle | None) -> list[Gate]:
    units = _eighths(angle)
    if units is None:
        raise RotationError(f"a phase of {angle} is not a multiple of pi/4")
    return [Gate(name, (q,)) for name in _EIGHTH_TURN_GATES.get(units, [])]


def _toffoli(a: int, b: int, c: int) -> list[Gate]:
    """The standard 7-T Toffoli (Nielsen & Chuang, figure 4.9)."""

    def g(name: str, *qs: int) -> Gate:
        return Gate(name, qs, len(qs) - 1)

    return [
        g("h", c), g("x", b, c), g("tdg", c), g("x", a, c), g("t", c), g("x", b, c),
        g("tdg", c), g("x", a, c), g("t", b), g("t", c), g("h", c), g("x", a, b),
        g("t", a), g("tdg", b), g("x", a, b),
    ]  # fmt: skip


def _temporary_and(a: int, b: int, c: int) -> list[Gate]:
    """c = a AND b for c in |0>, with 4 T (Gidney, arXiv:1709.06648, figure 3)."""

    def g(name: str, *qs: int) -> Gate:
        return Gate(name, qs, len(qs) - 1)

    return [
        g("h", c), g("t", c), g("x", a, c), g("x", b, c), g("x", c, a), g("x", c, b),
        g("tdg", a), g("tdg", b), g("t", c), g("x", c, a), g("x", c, b), g("h", c), g("s", c),
    ]  # fmt: skip


def measured_uncompute(g: Gate, register: str, index: int) -> list[Op]:
    """Undo a temporary AND by measurement: H, measure, and if 1 a CZ on the controls and an X
    that resets the target. No T gate (Gidney, arXiv:1709.06648, figure 3)."""
    a, b, t = g.qubits
    fix = (Gate("z", (a, b), 1), Gate("x", (t,)))
    return [Gate("h", (t,)), Measure(t, register, index), IfBit(register, index, fix)]


def _shape(g: Gate) -> Gate:
    """The gate on qubits 0..n-1: costs depend only on its kind, controls and angle."""
    return replace(g, qubits=tuple(range(len(g.qubits))))


@lru_cache(maxsize=4096)
def _costs(shape: Gate) -> tuple[int, int | None, int]:
    """(Toffolis, T count or None, arbitrary rotations) of one gate shape."""
    n = len(shape.qubits)
    ancillas = list(range(n, n + ancillas_needed(shape)))
    smalls = to_toffoli(shape, ancillas)
    toffolis = sum(1 for s in smalls if s.controls == 2)
    rotations = sum(1 for s in smalls if s.name == "p" and _eighths(s.angle) is None)
    if rotations:
        return toffolis, None, rotations
    t = sum(1 for s in to_clifford_t(shape, ancillas) if s.name in ("t", "tdg"))
    return toffolis, t, 0


@lru_cache(maxsize=4096)
def _logical(shape: Gate) -> tuple[int, int, int, int]:
    """(CCZs, CCiXs, T gates outside them, arbitrary rotations) of one gate shape: the
    Toffoli expansion, each full Toffoli a CCZ (H-conjugated: the same T states), each
    temporary AND (compute, or its unitary uncompute) a CCiX, and the T gates of the other
    small gates (a textbook cp, a pi/4 phase). So 7 x CCZ + 4 x CCiX + T is `t_count`."""
    n = len(shape.qubits)
    ccz = ccix = t = rotations = 0
    for small in to_toffoli(shape, list(range(n, n + ancillas_needed(shape)))):
        if small.controls == 2 and small.name in ("x", "z"):
            if small.temp is None:
                ccz += 1
            else:
                ccix += 1
        elif small.name == "p" and _eighths(small.angle) is None:
            rotations += 1
        else:
            t += sum(1 for s in _small_to_clifford_t(small) if s.name in ("t", "tdg"))
    return ccz, ccix, t, rotations


def logical_costs(g: Flat) -> tuple[int, int, int, int]:
    """(CCZs, CCiXs, T gates, rotations) of `g` for a resource estimator's logical counts
    (none for a measurement or the Clifford fix-up of a measured uncomputation)."""
    return _logical(_shape(g)) if isinstance(g, Gate) else (0, 0, 0, 0)


def rotation_count(g: Flat) -> int:
    """Arbitrary-angle rotations left in the expansion of `g`."""
    return _costs(_shape(g))[2] if isinstance(g, Gate) else 0


def toffoli_count(g: Flat) -> int:
    """Toffolis (and Toffoli-equivalent CCZs and temporary ANDs) in the expansion of a gate
    on 3+ qubits; a measured uncomputation is none."""
    return _costs(_shape(g))[0] if isinstance(g, Gate) else 0


def t_count(g: Flat) -> int | None:
    """T and T-dagger gates in the Clifford+T expansion; None if a rotation remains."""
    return _costs(_shape(g))[1] if isinstance(g, Gate) else 0


def and_count(g: Flat) -> int:
    """1 for a computed temporary AND (the multiplicative cost of reversible logic)."""
    return int(isinstance(g, Gate) and g.temp == "compute")


def expansion_ancillas(circuit: Circuit) -> int:
    """Clean ancillas the Toffoli expansion of the hungriest gate of `circuit` borrows: one
    shared register serves every gate, since each expansion returns them to |0>."""
    needed = max(
        (ancillas_needed(g) for b in circuit.blocks for g in b.body if isinstance(g, Gate)),
        default=0,
    )
    return max(needed, *(ancillas_needed(g) for g in circuit.body if isinstance(g, Gate)), 0)


def prepare_clifford_t(circuit: Circuit) -> Circuit:
    """The circuit in Clifford+T, structure kept: every block gains the ancilla qubits.

    The ancillas are one shared register, sized for the hungriest gate; every expansion
    returns them to |0>, so blocks may share them. Raises RotationError where an arbitrary
    angle remains.
    """
    needed = expansion_ancillas(circuit)

    def expand_ops(ops: tuple[Op, ...], anc: list[int]) -> tuple[Op, ...]:
        out: list[Op] = []
        for op in ops:
            if isinstance(op, Gate):
                out += to_clifford_t(op, anc)
            elif isinstance(op, IfBit):
                fix = tuple(small for g in op.body for small in to_clifford_t(g, anc))
                out.append(IfBit(op.register, op.index, fix))
            elif isinstance(op, Call):
                out.append(Call(op.block, op.qubits + tuple(anc), op.inverse, op.repeat))
            else:
                out.append(op)
        return tuple(out)

    blocks = tuple(
        Block(
            b.name,
            b.arity + needed,
            expand_ops(b.body, list(range(b.arity, b.arity + needed))),
        )
        for b in circuit.blocks
    )
    start = circuit.num_qubits
    anc = list(range(start, start + needed))
    registers = circuit.registers
    if needed:
        registers += (
            Register("ancilla", start, needed, "clean ancillas for the Clifford+T expansion"),
        )
    return Circuit(
        num_qubits=start + needed,
        blocks=blocks,
        body=expand_ops(circuit.body, anc),
        registers=registers,
        clbits=circuit.clbits,
    )
