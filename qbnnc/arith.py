"""Reversible arithmetic on literals: multi-controlled gates, thresholds, counters, QFT.

A literal is a qubit with a polarity: `Lit(q, True)` reads as NOT q. Every function returns
gates in program qubit numbers and leaves every work qubit it borrowed back at |0>.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from qbnnc.circuit import Gate
from qbnnc.model import Angle


@dataclass(frozen=True)
class Lit:
    qubit: int
    negated: bool = False

    def flip(self) -> Lit:
        return Lit(self.qubit, not self.negated)


Borrow = Callable[[int], list[int]]
Release = Callable[[list[int]], None]


def x(q: int) -> Gate:
    return Gate("x", (q,))


def cx(c: int, t: int) -> Gate:
    return Gate("x", (c, t), controls=1)


def inverse(ops: Sequence[Gate]) -> list[Gate]:
    return [g.inverse() for g in reversed(ops)]


def _normalise(lits: Sequence[Lit]) -> list[Lit] | None:
    """Drop repeated literals; None when a qubit appears with both polarities (never true)."""
    seen: dict[int, bool] = {}
    for lit in lits:
        if seen.get(lit.qubit, lit.negated) != lit.negated:
            return None
        seen[lit.qubit] = lit.negated
    return [Lit(q, n) for q, n in seen.items()]


def _conjugate(lits: Sequence[Lit], core: Gate) -> list[Gate]:
    """`core` with negated controls turned into X before and after."""
    flips = [x(lit.qubit) for lit in lits if lit.negated]
    return [*flips, core, *flips]


def mcx(controls: Sequence[Lit], target: int) -> list[Gate]:
    """target ^= AND(controls)."""
    lits = _normalise(controls)
    if lits is None:
        return []
    if any(lit.qubit == target for lit in lits):
        raise ValueError("a control is also the target")
    qubits = tuple(lit.qubit for lit in lits) + (target,)
    return _conjugate(lits, Gate("x", qubits, controls=len(lits)))


def mcz(lits_in: Sequence[Lit]) -> list[Gate]:
    """Phase -1 where every literal is true (Z is symmetric: any qubit may be the target)."""
    lits = _normalise(lits_in)
    if not lits:
        return []
    qubits = tuple(lit.qubit for lit in lits)
    return _conjugate(lits, Gate("z", qubits, controls=len(lits) - 1))


def mcp(lits_in: Sequence[Lit], angle: Angle) -> list[Gate]:
    """Phase exp(i*angle) where every literal is true."""
    lits = _normalise(lits_in)
    if not lits or (angle.pi_multiple is not None and angle.pi_multiple % 2 == 0):
        return []
    if angle.pi_multiple is None and angle.value == 0:
        return []
    qubits = tuple(lit.qubit for lit in lits)
    if angle.pi_multiple == 1:
        return _conjugate(lits, Gate("z", qubits, controls=len(lits) - 1))
    return _conjugate(lits, Gate("p", qubits, controls=len(lits) - 1, angle=angle))


def cubes_at_least(lo: int, bits: int) -> list[list[tuple[int, int]]]:
    """[lo, 2^bits) as disjoint cubes: each a list of (bit position, value) it fixes."""
    cubes = []
    v = lo
    while v < (1 << bits):
        size = (v & -v) if v else (1 << bits)
        free = size.bit_length() - 1
        cubes.append([(i, (v >> i) & 1) for i in range(free, bits)])
        v += size
    return cubes


def cube_lits(register: Sequence[int], cube: list[tuple[int, int]]) -> list[Lit]:
    return [Lit(register[i], value == 0) for i, value in cube]


def add_constant(register: Sequence[int], controls: Sequence[Lit], amount: int) -> list[Gate]:
    """register += amount (mod 2^len), controlled by AND(controls). Little-endian register."""
    ops: list[Gate] = []
    b = len(register)
    for j in range(b):
        if not (amount >> j) & 1:
            continue
        # +2^j: bit i flips when bits j..i-1 all carry; top bit first, so carries still hold.
        for i in reversed(range(j, b)):
            carry = [Lit(register[k]) for k in range(j, i)]
            ops += mcx([*controls, *carry], register[i])
    return ops


def at_least_into(register: Sequence[int], lo: int, target: int) -> list[Gate]:
    """target ^= [register >= lo]."""
    ops: list[Gate] = []
    for cube in cubes_at_least(lo, len(register)):
        ops += mcx(cube_lits(register, cube), target)
    return ops


def phase_at_least(register: Sequence[int], lo: int) -> list[Gate]:
    """Phase -1 on the basis states with register >= lo (the cubes are disjoint)."""
    ops: list[Gate] = []
    for cube in cubes_at_least(lo, len(register)):
        ops += mcz(cube_lits(register, cube))
    return ops


def phase_on_values(register: Sequence[int], values: Sequence[int]) -> list[Gate]:
    """Phase -1 on the basis states whose register value is in `values`."""
    ops: list[Gate] = []
    for v in sorted(set(values)):
        ops += mcz([Lit(q, not (v >> i) & 1) for i, q in enumerate(register)])
    return ops


def threshold(
    lits: Sequence[Lit], t: int, out: int, borrow: Borrow, release: Release
) -> list[Gate]:
    """out ^= [at least t of lits are true], in the cheapest form this module knows.

    AND and OR are one multi-controlled X; 2-of-3 (MAJ) is one Toffoli between CNOTs; any
    other threshold counts the literals into borrowed qubits, compares, and uncounts.
    """
    n = len(lits)
    if t <= 0:
        return [x(out)]
    if t > n:
        return []
    distinct = len({lit.qubit for lit in lits}) == n
    if t == n:
        return mcx(lits, out)
    if t == 1 and distinct:
        return [*mcx([lit.flip() for lit in lits], out), x(out)]
    if n == 3 and t == 2 and distinct:
        return majority(lits, out)
    return counted_threshold(lits, t, out, borrow, release)


def majority(lits: Sequence[Lit], out: int) -> list[Gate]:
    """out ^= MAJ(a, b, c) = ((a xor c) and (b xor c)) xor c, with one Toffoli."""
    a, b, c = lits
    spread = [cx(c.qubit, a.qubit), cx(c.qubit, b.qubit)]
    a2 = Lit(a.qubit, a.negated != c.negated)
    b2 = Lit(b.qubit, b.negated != c.negated)
    core = [*mcx([a2, b2], out), cx(c.qubit, out)] + ([x(out)] if c.negated else [])
    return [*spread, *core, *inverse(spread)]


def counted_threshold(
    lits: Sequence[Lit], t: int, out: int, borrow: Borrow, release: Release
) -> list[Gate]:
    """out ^= [popcount(lits) >= t] via a binary counter of borrowed qubits."""
    register = borrow(len(lits).bit_length())
    count: list[Gate] = []
    for lit in lits:
        count += add_constant(register, [lit], 1)
    ops = [*count, *at_least_into(register, t, out), *inverse(count)]
    release(register)
    return ops


def qft_dagger(register: Sequence[int]) -> list[Gate]:
    """Inverse QFT without the final swaps: sum_k e^(2 pi i v k / 2^P)|k> -> |reverse(v)>.

    The swaps are left out because the caller only flips phases on values and then undoes
    this; it marks bit-reversed values instead (see `bit_reverse`).
    """
    return inverse(_qft_no_swap(register))


def _qft_no_swap(register: Sequence[int]) -> list[Gate]:
    ops: list[Gate] = []
    p = len(register)
    for i in range(p):
        ops.append(Gate("h", (register[i],)))
        for j in range(i + 1, p):
            ops.append(
                Gate("p", (register[j], register[i]), 1, Angle.of_pi(Fraction(1, 2 ** (j - i))))
            )
    return ops


def bit_reverse(value: int, bits: int) -> int:
    return int(format(value, f"0{bits}b")[::-1], 2) if bits else 0
