"""Reversible arithmetic on literals: multi-controlled gates, thresholds, counters, QFT.

A literal is a qubit with a polarity: `Lit(q, True)` reads as NOT q. Every function returns
gates in program qubit numbers and leaves every work qubit it borrowed back at |0>, unless
it says it hands work qubits to the caller.

Nonlinear logic is built from temporary ANDs (`circuit.temp_and`): an AND into a fresh |0>
qubit, undone later by its mirror (or, with `uncompute measure`, by a measurement). The
threshold `[sum of weighted literals >= t]` is a popcount tree of full and half adders
(one AND each, the sums are free CNOTs in place) fused with the comparison: adding the
constant 2^k - t makes bit k of the sum the answer, so only the carries below bit k are
computed and bit k is a parity. This reaches the multiplicative complexity of the
Hamming-weight threshold for the fan-ins that matter (1 AND for fan-in 2 and 3, 7 for 8
and 9, 15 for 16, 63 for 64, 781 for 784); see `tree_ands`.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from qbnnc.frontend.model import Angle
from qbnnc.synthesis.circuit import Gate, temp_and


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


def threshold(
    lits: Sequence[Lit], t: int, out: int, borrow: Borrow, release: Release
) -> list[Gate]:
    """out ^= [at least t of lits are true]: the fused popcount tree, copied out and undone."""
    return threshold_weighted([(lit, 1) for lit in lits], t, out, borrow, release)


def threshold_weighted(
    terms: Sequence[tuple[Lit, int]], t: int, out: int, borrow: Borrow, release: Release
) -> list[Gate]:
    """out ^= [sum of weight * literal >= t]; every borrowed qubit comes back at |0>."""
    total = sum(w for _, w in terms)
    if t <= 0:
        return [x(out)]
    if t > total:
        return []
    tree = popcount_at_least(terms, t, borrow)
    copy = [cx(lit.qubit, out) for lit in tree.top]
    if tree.parity():
        copy.append(x(out))
    ops = [*tree.ops, *copy, *inverse(tree.ops)]
    release(tree.work)
    return ops


@dataclass(frozen=True)
class Fresh:
    """A value computed into work qubits: `ops` leave `lit` readable and every input as it
    was; `held` (lit's qubit among them) stay in use until `inverse(ops)` has run."""

    ops: list[Gate]
    lit: Lit
    held: list[int]


# A lean neuron wider than this counts its literals in chunks of this many (a 64-input
# neuron, the digits model's widest, is still one tree).
LEAN_CHUNK = 64


def threshold_fresh(
    lits: Sequence[Lit],
    t: int,
    borrow: Borrow,
    release: Release,
    lean: bool = False,
    chunk: int = LEAN_CHUNK,
) -> Fresh:
    """[at least t of lits] in a fresh literal: a neuron.

    When the tree ends in its one AND and only writes inputs from inputs (AND, OR, MAJ), the
    AND's target is the answer and the in-place sums are undone at once: one AND, no copy.
    Otherwise the tree is copied into a fresh qubit and undone, its work released. `lean`
    takes the copy whenever the tree holds more than its answer: one qubit held instead of
    the whole tree, for twice the ANDs (Bennett's trick at the neuron); beyond `chunk`
    distinct literals it counts them `chunk` at a time (`threshold_chunked`), so no more
    than one chunk's tree is ever held.
    """
    n = len(lits)
    if t <= 0 or t > n:
        (out,) = borrow(1)
        return Fresh([x(out)] if t <= 0 else [], Lit(out), [out])
    if lean and n > chunk and len({lit.qubit for lit in lits}) == n:
        (out,) = borrow(1)
        return Fresh(threshold_chunked(lits, t, out, chunk, borrow, release), Lit(out), [out])
    tree = popcount_at_least([(lit, 1) for lit in lits], t, borrow)
    work = set(tree.work)
    # Undoing the writes into inputs restores them only if those writes read inputs alone.
    inputs_closed = all(g.qubits[-1] in work or not set(g.qubits) & work for g in tree.ops)
    small = not lean or len(tree.work) == 1
    if len(tree.top) == 1 and tree.top[0].qubit in work and inputs_closed and small:
        restore = [g.inverse() for g in reversed(tree.ops) if g.qubits[-1] not in work]
        lit = tree.top[0]
        ops = _cancel_pairs([*tree.ops, *restore])
        return Fresh(ops, Lit(lit.qubit, lit.negated != tree.flip), tree.work)
    release(tree.work)
    (out,) = borrow(1)
    return Fresh(threshold(lits, t, out, borrow, release), Lit(out), [out])


def threshold_chunked(
    lits: Sequence[Lit], t: int, out: int, chunk: int, borrow: Borrow, release: Release
) -> list[Gate]:
    """out ^= [at least t of lits], holding one chunk's popcount tree at a time.

    A register starts at 2^k - t (2^k >= t and 2^k > n - t, so no sum reaches bit k + 1);
    each chunk of `chunk` literals is counted into binary (`popcount_bits`), the count is
    added into the register (`add_into`, a ripple of k ANDs computed and undone), and the
    chunk's tree is undone at once. Bit k of the register is then [sum >= t]: it is copied
    into `out` and the whole is undone. Work: the k + 1 register bits, one chunk's tree
    (chunk - 1 ANDs) and k carries; ANDs: twice the chunks' trees plus 2k per chunk, all
    twice over.
    """
    n = len(lits)
    k = (max(t, n - t + 1) - 1).bit_length()
    register = borrow(k + 1)
    start = (1 << k) - t
    ops: list[Gate] = [x(register[j]) for j in range(k + 1) if (start >> j) & 1]
    for i in range(0, n, chunk):
        count, bits, work = popcount_bits(lits[i : i + chunk], borrow)
        ops += count
        ops += add_into(register, bits, borrow, release)
        ops += inverse(count)
        release(work)
    release(register)
    return [*ops, cx(register[k], out), *inverse(ops)]


def add_into(
    register: Sequence[int], value: Sequence[Lit], borrow: Borrow, release: Release
) -> list[Gate]:
    """register += value (mod 2^len(register)), value's literals low bit first and no longer
    than the register; they are left as they were.

    Gidney's ripple adder (arXiv:1709.06648): carry i+1 = ((a ^ c) and (v ^ c)) ^ c with one
    temporary AND into a fresh qubit (a and c past the value's bits), then back down, each
    carry undone before its bit's sum a ^ v ^ c is written: len - 1 ANDs each way.
    """
    w, m = len(register), len(value)
    if m > w:
        raise ValueError("the value is wider than the register")
    if not m:
        return []
    carry = borrow(w - 1)  # carry[i] holds the carry into bit i + 1
    steps: list[list[Gate]] = []
    for i in range(w - 1):
        a = Lit(register[i])
        if not i:
            step = and_lits(a, value[0], carry[0])
        elif i < m:
            c = carry[i - 1]
            step = [cx(c, a.qubit), cx(c, value[i].qubit)]
            step += [*and_lits(a, value[i], carry[i]), cx(c, carry[i])]
        else:
            step = and_lits(a, Lit(carry[i - 1]), carry[i])
        steps.append(step)
    ops = [g for step in steps for g in step]
    if w - 1 < m:
        ops += _xor_lit(value[w - 1], register[w - 1])
    if w > 1:
        ops.append(cx(carry[w - 2], register[w - 1]))
    for i in reversed(range(w - 1)):
        ops += inverse(steps[i])
        if i < m:
            ops += _xor_lit(value[i], register[i])
        if i:
            ops.append(cx(carry[i - 1], register[i]))
    release(carry)
    return ops


def _xor_lit(lit: Lit, target: int) -> list[Gate]:
    """target ^= the literal's value."""
    return [cx(lit.qubit, target)] + ([x(target)] if lit.negated else [])


def popcount_bits(lits: Sequence[Lit], borrow: Borrow) -> tuple[list[Gate], list[Lit], list[int]]:
    """The number of true literals (distinct qubits) in binary, low bit first.

    Full adders (one AND each) and half adders reduce each column to one literal, the sums
    in place (the inputs change), the carries into fresh qubits: n - popcount(n) ANDs.
    Returns the gates, the count's bits and the work qubits (held until `inverse`)."""
    b = _Builder(borrow)
    columns: list[deque[Lit]] = [deque(lits)]
    bits: list[Lit] = []
    while columns[-1]:
        column, carries = columns[-1], deque()
        while len(column) >= 3:
            a, bb, c = column.popleft(), column.popleft(), column.popleft()
            carry, total = b.full_adder(a, bb, c, True, False)
            assert carry is not None
            carries.append(carry)
            column.append(total)
        if len(column) == 2:
            x_, y_ = column
            carries.append(b.and_(x_, y_))
            column = deque([b.xor_into(y_, x_)])
        bits.append(column[0])
        columns.append(carries)
    return b.ops, bits, b.work


def _cancel_pairs(gates: list[Gate]) -> list[Gate]:
    """Drop each uncontrolled X that meets another X on the same qubit with nothing between.

    Undoing a tree's writes into its inputs re-applies the X pairs that set polarities."""
    out: list[Gate] = []
    for g in gates:
        if g.name == "x" and not g.controls and out and out[-1] == g:
            out.pop()
        else:
            out.append(g)
    return out


# --- The fused popcount-and-compare tree -------------------------------------------------


@dataclass(frozen=True)
class Tree:
    """Gates after which [sum >= t] = parity(top) xor flip.

    `ops` compute carries into the fresh qubits `work` with temporary ANDs and sums in place
    (inputs change: run `inverse(ops)` to restore them and return `work` to |0>).
    """

    ops: list[Gate]
    top: list[Lit]
    flip: bool
    work: list[int]

    def parity(self) -> bool:
        return (sum(lit.negated for lit in self.top) + self.flip) % 2 == 1


@dataclass(frozen=True)
class _Plan:
    """Column k holds the answer after adding 2^k - t (inputs complemented if `complement`)."""

    k: int
    complement: bool
    ands: int


def tree_ands(columns: Sequence[int], constant: int, k: int, phase: bool = False) -> int:
    """ANDs the tree spends: column j of n literals (plus a constant bit) costs floor(n/2)
    and sends floor((n + constant bit)/2) carries up; in `phase` mode column k-1's carries
    are phases (CZ), not qubits."""
    ands = carry = 0
    for j in range(k):
        n = (columns[j] if j < len(columns) else 0) + carry
        if not (phase and j == k - 1):
            ands += n // 2
        carry = (n + ((constant >> j) & 1)) // 2
    return ands


def _columns(terms: Sequence[tuple[Lit, int]]) -> list[int]:
    width = max((w.bit_length() for _, w in terms), default=0)
    return [sum((w >> j) & 1 for _, w in terms) for j in range(width)]


def _plan(terms: Sequence[tuple[Lit, int]], t: int, bound: int, phase: bool) -> _Plan:
    """The cheapest (k, complement) for [s >= t], s in 0..bound.

    Plain: v = s + 2^k - t has bit k = [s >= t] when 2^k >= t and 2^k > bound - t.
    Complement: s' = total - s, [s >= t] = not [s' >= total - t + 1], needing 2^k >= both
    thresholds. One k above the least is tried too: the carries may fall better.
    """
    total = sum(w for _, w in terms)
    columns = _columns(terms)
    best: _Plan | None = None
    for complement in (False, True):
        tt = total - t + 1 if complement else t
        need = max(t, tt) if complement else max(t, bound - t + 1)
        kmin = max(need - 1, 0).bit_length()
        for k in (kmin, kmin + 1):
            plan = _Plan(k, complement, tree_ands(columns, (1 << k) - tt, k, phase))
            if best is None or plan.ands < best.ands:
                best = plan
    assert best is not None
    return best


def popcount_at_least(
    terms: Sequence[tuple[Lit, int]],
    t: int,
    borrow: Borrow,
    bound: int | None = None,
) -> Tree:
    """The tree for [sum of weight * literal >= t], 1 <= t <= total; `bound` caps the sums
    that can occur (a counter's reachable values), which may shorten the tree."""
    total = sum(w for _, w in terms)
    plan = _plan(terms, t, total if bound is None else bound, phase=False)
    return _build(terms, t, plan, borrow, phase=False)[0]


def phase_at_least_terms(
    terms: Sequence[tuple[Lit, int]],
    t: int,
    borrow: Borrow,
    release: Release,
    bound: int | None = None,
    ccz: bool = True,
) -> list[Gate]:
    """Phase -1 where sum of weight * literal >= t; the last carries become CZs, so this
    needs one AND fewer per carry into the top column (an AND of n literals: see `phase_all`,
    which `ccz` is passed to)."""
    total = sum(w for _, w in terms)
    if t <= 0:
        return _minus_one(terms[0][0].qubit) if terms else []
    if t > min(total, bound if bound is not None else total):
        return []
    if t == total and all(w == 1 for _, w in terms):
        return phase_all([lit for lit, _ in terms], borrow, release, ccz)
    plan = _plan(terms, t, total if bound is None else bound, phase=True)
    tree, forward = _build(terms, t, plan, borrow, phase=True)
    release(tree.work)
    return [*forward, *inverse(tree.ops)]


@dataclass
class _Builder:
    borrow: Borrow
    ops: list[Gate] = field(default_factory=list)  # the tree: AND carries, in-place sums
    # The tree with the phases interleaved: a phase reads its literals as they are at that
    # moment, later sums overwrite them. The undo is inverse(ops): phases are applied once.
    seq: list[Gate] = field(default_factory=list)
    work: list[int] = field(default_factory=list)
    sign: bool = False  # a global -1 owed by the phases

    def emit(self, gates: list[Gate]) -> None:
        self.ops += gates
        self.seq += gates

    def fresh(self) -> int:
        (q,) = self.borrow(1)
        self.work.append(q)
        return q

    def and_(self, a: Lit, b: Lit) -> Lit:
        q = self.fresh()
        self.emit(and_lits(a, b, q))
        return Lit(q)

    def xor_into(self, target: Lit, source: Lit) -> Lit:
        """target's qubit ^= source's qubit: the literal target xor source, in place."""
        self.emit([cx(source.qubit, target.qubit)])
        return Lit(target.qubit, target.negated != source.negated)

    def phase_of(self, lits: list[Lit], negate: bool = False) -> None:
        """Phase -1 where the AND of lits (negated if asked) holds."""
        self.sign ^= negate
        if len(lits) == 1:
            self.sign ^= lits[0].negated
            self.seq.append(Gate("z", (lits[0].qubit,)))
        else:
            self.seq += mcz(lits)

    def full_adder(
        self, a: Lit, b: Lit, c: Lit, need_sum: bool, phase: bool
    ) -> tuple[Lit | None, Lit]:
        """carry = MAJ = ((a^c) & (b^c)) ^ c with one AND (a phase in `phase` mode); the
        sum a^b^c is left on c's qubit when needed. Returns (carry, sum)."""
        a2, b2 = self.xor_into(a, c), self.xor_into(b, c)
        carry: Lit | None = None
        if phase:
            self.phase_of([a2, b2])
            self.phase_of([c])
        else:
            carry = self.xor_into(self.and_(a2, b2), c)
        total = self.xor_into(self.xor_into(c, a2), b2) if need_sum else c
        return carry, total


def _build(
    terms: Sequence[tuple[Lit, int]], t: int, plan: _Plan, borrow: Borrow, phase: bool
) -> tuple[Tree, list[Gate]]:
    total = sum(w for _, w in terms)
    if plan.complement:
        terms = [(lit.flip(), w) for lit, w in terms]
        t = total - t + 1
    b = _Builder(borrow)
    columns: list[deque[Lit]] = [deque() for _ in range(plan.k + 1)]
    used: set[int] = set()
    for lit, w in terms:
        for j in range(min(w.bit_length(), plan.k + 1)):
            if (w >> j) & 1:
                if lit.qubit in used:  # the tree writes in place: a second use needs a copy
                    q = b.fresh()
                    b.emit([cx(lit.qubit, q)])
                    lit = Lit(q, lit.negated)
                used.add(lit.qubit)
                columns[j].append(lit)
    constant = (1 << plan.k) - t
    for j in range(plan.k):
        bits, const = columns[j], (constant >> j) & 1
        last = phase and j == plan.k - 1
        carries: list[Lit | None] = []
        while len(bits) >= 3:
            a, bb, c = bits.popleft(), bits.popleft(), bits.popleft()
            need_sum = bool(bits) or const == 1
            carry, total_ = b.full_adder(a, bb, c, need_sum, last)
            carries.append(carry)
            if need_sum:
                bits.append(total_)
        if len(bits) == 2 and const == 0:  # half adder; its sum would be discarded
            x_, y_ = bits
            if last:
                b.phase_of([x_, y_])
            else:
                carries.append(b.and_(x_, y_))
        elif len(bits) == 2:  # x + y + 1: carry x OR y = not (not x and not y)
            x_, y_ = bits
            if last:
                b.phase_of([x_.flip(), y_.flip()], negate=True)
            else:
                carries.append(b.and_(x_.flip(), y_.flip()).flip())
        elif len(bits) == 1 and const == 1:  # x + 1: carry x, free
            if last:
                b.phase_of([bits[0]])
            else:
                carries.append(bits[0])
        columns[j + 1].extend(c for c in carries if c is not None)
    top = list(columns[plan.k])
    flip = plan.complement
    if phase:
        for lit in top:
            b.phase_of([lit])
        if flip:  # the complement's answer is negated: -1 everywhere, then the phases
            b.sign ^= True
        if b.sign and terms:
            b.seq += _minus_one(terms[0][0].qubit)
    return Tree(b.ops, top, flip, b.work), b.seq


def _minus_one(q: int) -> list[Gate]:
    """A global phase of -1 as gates (X Z X Z = -I), so phase oracles stay exact."""
    return [x(q), Gate("z", (q,)), x(q), Gate("z", (q,))]


def and_lits(a: Lit, b: Lit, target: int) -> list[Gate]:
    """target = a AND b (literals) into a fresh |0> target: one temporary AND."""
    flips = [x(lit.qubit) for lit in (a, b) if lit.negated]
    return [*flips, temp_and(a.qubit, b.qubit, target), *flips]


def and_tree(
    lits: Sequence[Lit], borrow: Borrow, keep: int = 2
) -> tuple[list[Gate], list[Lit], list[int]]:
    """ANDs pairing literals level by level until at most `keep` remain (log depth).

    Returns the gates, the `keep` (or fewer) literals whose AND is the AND of all, and the
    work qubits (held until `inverse` of the gates has run)."""
    level = list(lits)
    ops: list[Gate] = []
    work: list[int] = []
    while len(level) > keep:
        pairs = min(len(level) // 2, len(level) - keep)  # each AND removes one literal
        nxt: list[Lit] = []
        for i in range(pairs):
            (q,) = borrow(1)
            work.append(q)
            ops += and_lits(level[2 * i], level[2 * i + 1], q)
            nxt.append(Lit(q))
        level = nxt + level[2 * pairs :]
    return ops, level, work


def phase_all(
    lits_in: Sequence[Lit], borrow: Borrow, release: Release, ccz: bool = True
) -> list[Gate]:
    """Phase -1 where every literal holds: n - 3 temporary ANDs and one CCZ (for n >= 3).

    2n - 5 Toffoli-equivalents, the V-chain's count: ending in a CCZ rather than an AND and
    a CZ saves one per call (the AND would be computed and uncomputed unitarily). With
    `ccz=False`, n - 2 ANDs and a CZ: for `uncompute measure`, where undoing an AND is free
    and a CCZ (7 T) costs more than an AND (4 T)."""
    lits = _normalise(lits_in)
    if lits is None or not lits:
        return []
    ops, last, work = and_tree(lits, borrow, keep=3 if ccz else 2)
    release(work)
    return [*ops, *mcz(last), *inverse(ops)]


@dataclass(frozen=True)
class Pebbled:
    """A phase on the AND of many literals, pebbled: `groups` each compute one group's AND
    into a qubit that stays (their trees undone at once), `core` is the phase on those
    qubits; the whole is groups, core, then the groups inverted in reverse order."""

    groups: list[list[Gate]]
    core: list[Gate]

    def gates(self) -> list[Gate]:
        compute = [g for group in self.groups for g in group]
        return [*compute, *self.core, *inverse(compute)]


def phase_all_within(
    lits_in: Sequence[Lit], budget: int, borrow: Borrow, release: Release, ccz: bool = True
) -> Pebbled:
    """`phase_all` holding at most `budget` work qubits at once where it can (pebbling);
    `ccz` as for `phase_all`.

    Within the budget it is `phase_all` (n - 2 ANDs, no groups). Beyond it the literals are
    cut into G groups: each group's AND is computed into a qubit that stays and its tree is
    undone at once (Bennett), then `phase_all` over the G group qubits, then the groups are
    undone the same way. Work peaks at max(G + g - 2, 2G - 2) for groups of g = ceil(n / G);
    the ANDs are about 4n instead of 2n. G is the largest count that fits the budget (each
    group saves a few ANDs), or, when none does, the one with the lowest peak.
    """
    lits = _normalise(lits_in)
    if lits is None or not lits:
        return Pebbled([], [])
    n = len(lits)
    if n - 2 <= budget:
        return Pebbled([], phase_all(lits, borrow, release, ccz))
    groups = _groups_within(n, budget)
    size = -(-n // groups)
    parts = [lits[i : i + size] for i in range(0, n, size)]
    computed: list[list[Gate]] = []
    tops: list[Lit] = []
    kept: list[int] = []
    for part in parts:
        if len(part) == 1:
            tops.append(part[0])
            continue
        tree, last, work = and_tree(part, borrow)
        (q,) = borrow(1)
        kept.append(q)
        computed.append([*tree, *and_lits(last[0], last[1], q), *inverse(tree)])
        release(work)
        tops.append(Lit(q))
    core = phase_all(tops, borrow, release, ccz)
    release(kept)
    return Pebbled(computed, core)


def _group_peak(n: int, groups: int) -> int:
    size = -(-n // groups)
    return max(groups + size - 2, 2 * groups - 2)


def _groups_within(n: int, budget: int) -> int:
    """The group count of `phase_all_within` for n literals (see there)."""
    fits = [g for g in range(2, n) if _group_peak(n, g) <= budget]
    return max(fits) if fits else min(range(2, n), key=lambda g: (_group_peak(n, g), -g))


def phase_all_floor(n: int) -> int:
    """The fewest work qubits `phase_all_within` can hold for n literals, whatever the budget."""
    return min([max(n - 2, 0), *(_group_peak(n, g) for g in range(2, n))])


def mcp_tree(lits_in: Sequence[Lit], angle: Angle, borrow: Borrow, release: Release) -> list[Gate]:
    """Phase exp(i*angle) where every literal holds: n - 2 temporary ANDs and one cp."""
    lits = _normalise(lits_in)
    if lits is None or not lits:
        return []
    ops, last, work = and_tree(lits, borrow)
    core = mcp(last, angle)
    release(work)
    return [*ops, *core, *inverse(ops)] if core else []


def increment(
    register: Sequence[int], control: Lit, borrow: Borrow, release: Release
) -> list[Gate]:
    """register += control (mod 2^len): a carry chain of len - 1 temporary ANDs.

    a_0 = control, a_i = a_(i-1) AND r_(i-1); then top down r_i ^= a_i and a_i is undone
    at once (it still reads the unflipped r_(i-1)), so the chain never holds garbage.
    """
    chain = [control]
    compute: list[list[Gate]] = []
    work: list[int] = []
    for i in range(1, len(register)):
        (q,) = borrow(1)
        work.append(q)
        compute.append(and_lits(chain[-1], Lit(register[i - 1]), q))
        chain.append(Lit(q))
    ops = [g for step in compute for g in step]
    for i in reversed(range(1, len(register))):
        ops.append(cx(chain[i].qubit, register[i]))
        ops += inverse(compute[i - 1])
    if register:
        ops += [x(control.qubit)] * control.negated + [cx(control.qubit, register[0])]
        ops += [x(control.qubit)] * control.negated
    release(work)
    return ops


def add_controlled(
    register: Sequence[int], controls: Sequence[Lit], amount: int, borrow: Borrow, release: Release
) -> list[Gate]:
    """register += amount when every control holds (mod 2^len), with carry chains."""
    lits = _normalise(controls)
    if lits is None or not amount:
        return []
    ops: list[Gate] = []
    work: list[int] = []
    if len(lits) == 1:
        control = lits[0]
    else:
        pre, last, work = and_tree(lits, borrow)
        (q,) = borrow(1)
        work.append(q)
        pre += and_lits(last[0], last[1], q)
        ops += pre
        control = Lit(q)
    for j in range(len(register)):
        if (amount >> j) & 1:
            ops += increment(register[j:], control, borrow, release)
    if len(lits) > 1:
        ops += inverse(pre)
    release(work)
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
