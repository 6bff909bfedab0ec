"""The reversible circuit IR: gates, named blocks and repeats, and a flattening for emitters.

A `Block` is a gate definition on its own local qubits `0..arity-1`; a `Call` applies it
(possibly inverted, possibly repeated) to program qubits. Repeated work (an example's
forward pass, one Grover iteration) is written once and called, so the IR's size grows
with the model and the data, not with the iteration count.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass, field, replace
from typing import Literal

from qbnnc.diagnostics import Span
from qbnnc.frontend.model import Angle

# Base gates of stdgates.inc that the IR uses; `controls` adds `ctrl @` controls in front.
SELF_INVERSE = frozenset({"x", "y", "z", "h"})
INVERSES = {"s": "sdg", "sdg": "s", "t": "tdg", "tdg": "t"}
PARAMETRISED = frozenset({"p", "rz", "rx", "ry"})

TempRole = Literal["compute", "uncompute"]
_OTHER_ROLE: dict[TempRole, TempRole] = {"compute": "uncompute", "uncompute": "compute"}


@dataclass(frozen=True)
class Gate:
    """`ctrl(controls) @ name(angle)` on `qubits`: the first `controls` qubits are controls.

    `temp` marks a temporary logical AND (Gidney, arXiv:1709.06648): a ccx whose target is
    known to be |0> before it ("compute") or known to hold the AND of its controls
    ("uncompute", which leaves |0>). It acts as ccx, so any consumer may treat it as one;
    the cost model charges 4 T each way instead of 7, and `uncompute measure` replaces the
    uncompute by a measurement and a classically controlled CZ.
    """

    name: str
    qubits: tuple[int, ...]
    controls: int = 0
    angle: Angle | None = None
    temp: TempRole | None = None

    def inverse(self) -> Gate:
        if self.temp is not None:
            return replace(self, temp=_OTHER_ROLE[self.temp])
        if self.name in SELF_INVERSE:
            return self
        if self.name in INVERSES:
            return Gate(INVERSES[self.name], self.qubits, self.controls)
        if self.name in PARAMETRISED and self.angle is not None:
            return Gate(self.name, self.qubits, self.controls, -self.angle)
        raise ValueError(f"gate {self.name} has no inverse in the IR")

    def remap(self, qubits: tuple[int, ...]) -> Gate:
        return replace(self, qubits=tuple(qubits[q] for q in self.qubits))


def temp_and(a: int, b: int, target: int) -> Gate:
    """target = a AND b, for a target known to be |0>: a temporary logical AND."""
    return Gate("x", (a, b, target), 2, temp="compute")


@dataclass(frozen=True)
class Measure:
    """Measure `qubit` into bit `index` of classical register `register`."""

    qubit: int
    register: str
    index: int

    def remap(self, qubits: tuple[int, ...]) -> Measure:
        return Measure(qubits[self.qubit], self.register, self.index)


@dataclass(frozen=True)
class Call:
    """Apply block `block` to `qubits` (its formal qubit i is program qubit qubits[i])."""

    block: str
    qubits: tuple[int, ...]
    inverse: bool = False
    repeat: int = 1

    def remap(self, qubits: tuple[int, ...]) -> Call:
        return Call(self.block, tuple(qubits[q] for q in self.qubits), self.inverse, self.repeat)


@dataclass(frozen=True)
class IfBit:
    """Apply `body` when classical bit `index` of `register` reads 1 (a dynamic circuit).

    Written by `uncompute measure` for the phase fix and reset after measuring an AND's
    target. It has no inverse: blocks holding one are never inverted or made gates.
    """

    register: str
    index: int
    body: tuple[Gate, ...]

    @property
    def qubits(self) -> tuple[int, ...]:
        return tuple(dict.fromkeys(q for g in self.body for q in g.qubits))

    def remap(self, qubits: tuple[int, ...]) -> IfBit:
        return IfBit(self.register, self.index, tuple(g.remap(qubits) for g in self.body))


Op = Gate | Measure | Call | IfBit
Flat = Gate | Measure | IfBit


@dataclass(frozen=True)
class Block:
    """A named, reusable piece of circuit on local qubits `0..arity-1`."""

    name: str
    arity: int
    body: tuple[Op, ...]
    # Human names of the formal qubits, for gate definitions that read well.
    params: tuple[str, ...] = ()


@dataclass(frozen=True)
class Register:
    """A named group of qubits, for the header comment and for readers of the program;
    `span`: where in the model the qubits come from (not part of equality)."""

    name: str
    start: int
    size: int
    role: str
    span: Span | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Circuit:
    """A whole program: blocks in dependency order, then the main body."""

    num_qubits: int
    blocks: tuple[Block, ...]
    body: tuple[Op, ...]
    registers: tuple[Register, ...]
    # Classical registers in declaration order: (name, size). `weights` is one of them.
    clbits: tuple[tuple[str, int], ...]

    def block(self, name: str) -> Block:
        for b in self.blocks:
            if b.name == name:
                return b
        raise KeyError(name)

    @property
    def block_map(self) -> dict[str, Block]:
        return {b.name: b for b in self.blocks}


def expand(ops: tuple[Op, ...], blocks: dict[str, Block], inverse: bool = False) -> Iterator[Flat]:
    """The gates of `ops` with every call inlined, in order (reversed and inverted if asked)."""
    sequence = reversed(ops) if inverse else ops
    for op in sequence:
        if isinstance(op, Gate):
            yield op.inverse() if inverse else op
        elif isinstance(op, Measure | IfBit):
            if inverse:
                raise ValueError("a block with measurements cannot be inverted")
            yield op
        else:
            block = blocks[op.block]
            for _ in range(op.repeat):
                for inner in expand(block.body, blocks, inverse != op.inverse):
                    yield inner.remap(op.qubits)


def flatten(circuit: Circuit) -> Iterator[Flat]:
    """Every gate and measurement of the program, calls inlined."""
    return expand(circuit.body, circuit.block_map)


def invert(ops: list[Op] | tuple[Op, ...]) -> list[Op]:
    """The inverse of a gate/call sequence: reversed, each gate inverted, each call flipped."""
    out: list[Op] = []
    for op in reversed(ops):
        if isinstance(op, Gate):
            out.append(op.inverse())
        elif isinstance(op, Call):
            out.append(Call(op.block, op.qubits, not op.inverse, op.repeat))
        else:
            raise ValueError("measurements cannot be inverted")
    return out


def _uses(ops: tuple[Op, ...]) -> list[tuple[Op, int]]:
    """Each distinct op object of `ops` with how often it occurs."""
    distinct = {id(op): op for op in ops}
    return [(distinct[k], n) for k, n in Counter(map(id, ops)).items()]


def count_ops(circuit: Circuit, key: Callable[[Flat], Hashable]) -> Counter[Hashable]:
    """How many flat operations fall under each `key`, counted through calls and repeats.

    Each block is tallied once per direction it is called in, and the tally multiplied by
    its calls, so a circuit with billions of flat gates is counted in time proportional to
    its structured size. `key` sees each gate as the flat program holds it: inside an
    inverted call, inverted (tdg where the block has t).
    """
    blocks = circuit.block_map
    memo: dict[tuple[str, bool], Counter[Hashable]] = {}

    def tally(ops: tuple[Op, ...], inverse: bool) -> Counter[Hashable]:
        total: Counter[Hashable] = Counter()
        for op, times in _uses(ops):
            if isinstance(op, Call):
                direction = op.inverse != inverse
                if (op.block, direction) not in memo:
                    memo[op.block, direction] = tally(blocks[op.block].body, direction)
                for key_, v in memo[op.block, direction].items():
                    total[key_] += v * op.repeat * times
            else:
                total[key(op.inverse() if inverse and isinstance(op, Gate) else op)] += times
        return total

    return tally(circuit.body, False)


def flat_size(circuit: Circuit) -> int:
    """The number of gates and measurements the flat program would have."""
    return sum(count_ops(circuit, lambda op: None).values())


def reachable_blocks(blocks: tuple[Block, ...], body: tuple[Op, ...]) -> tuple[Block, ...]:
    """The blocks `body` calls, directly or through other blocks, in their original order."""
    by_name = {b.name: b for b in blocks}
    used: set[str] = set()
    stack = [op.block for op in body if isinstance(op, Call)]
    while stack:
        name = stack.pop()
        if name not in used:
            used.add(name)
            stack += [op.block for op in by_name[name].body if isinstance(op, Call)]
    return tuple(b for b in blocks if b.name in used)


def distinct_ops(ops: tuple[Op, ...]) -> list[Op]:
    """Each op object of `ops` once, in first-use order: a sweep over a data set calls the
    same few objects (a `mask` call per input bit) millions of times."""
    return list({id(op): op for op in ops}.values())


def measuring_blocks(circuit: Circuit) -> frozenset[str]:
    """Blocks that measure (directly or through calls): emitters inline them, never gates."""
    blocks = circuit.block_map
    memo: dict[str, bool] = {}

    def measures(name: str) -> bool:
        if name not in memo:
            memo[name] = any(
                isinstance(op, Measure | IfBit) or (isinstance(op, Call) and measures(op.block))
                for op in distinct_ops(blocks[name].body)
            )
        return memo[name]

    return frozenset(name for name in blocks if measures(name))
