"""An exact sparse simulator for training circuits: as many amplitudes as there are non-zero
ones, not 2^qubits.

A training circuit puts only the weights (and the phase oracle's phase register) in
superposition; every other qubit starts clean and holds a function of them, and the oracle
returns it clean. So the state has at most about 2^(weights + phase qubits) non-zero
amplitudes whatever the width. The state is kept as that list: each basis state's index as
a row of booleans per qubit, beside its amplitude. Permutation gates (X with any
controls) are boolean operations on the rows of their qubits; phases (Z, S, T, P, RZ with any
controls) multiply amplitudes; H branches every basis state in two and merges the equal
ones (dropping amplitudes that cancel); a mid-circuit measurement (`uncompute measure`)
keeps its more likely outcome, exactly, since the circuit's fix-up makes the state the same
either way. Each operation costs time proportional to the number of amplitudes.
"""

from __future__ import annotations

import cmath
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from qbnnc.synthesis.circuit import Block, Call, Circuit, Gate, IfBit, Measure, Op, count_ops

if TYPE_CHECKING:
    from qbnnc.pipeline.program import Program

# Amplitudes smaller than this after an H are cancellations left by rounding: dropped (a
# probability of 1e-26 each, far below the 1e-9 the simulation is checked to).
ZERO = 1e-13
_PHASES = {"z": math.pi, "s": math.pi / 2, "sdg": -math.pi / 2, "t": math.pi / 4,
           "tdg": -math.pi / 4}  # fmt: skip


class Unsupported(ValueError):
    """The circuit has an operation the sparse simulator does not model."""


class TooManyAmplitudes(Exception):
    """The state grew past the number of amplitudes it was allowed."""


def supports(circuit: Circuit) -> bool:
    """Whether every gate of `circuit` is one the simulator models (any X, Y, Z, S, T, P or
    RZ with any controls; H without)."""
    kinds = count_ops(circuit, lambda op: (op.name, op.controls) if isinstance(op, Gate) else None)
    return all(k is None or k[0] in _MODELLED or (k[0] == "h" and k[1] == 0) for k in kinds)


_MODELLED = frozenset({"x", "y", "p", "rz", *_PHASES})


def branching_qubits(circuit: Circuit, weights: int) -> int:
    """Qubits other than the weights that an H leaves in superposition: those some H acts on
    and no measurement collapses right after (a measured uncomputation's H is undone by its
    measurement). With the weights, the base-2 logarithm of the amplitudes to expect."""
    blocks = circuit.block_map
    memo: dict[str, frozenset[int]] = {}

    def hit(ops: Iterable[Op]) -> set[int]:
        out: set[int] = set()
        measured: set[int] = set()
        for op in ops:
            if isinstance(op, Gate) and op.name == "h":
                out.add(op.qubits[-1])
            elif isinstance(op, Measure):
                measured.add(op.qubit)
            elif isinstance(op, Call):
                out |= {op.qubits[q] for q in block_hits(op.block)}
        return out - measured

    def block_hits(name: str) -> frozenset[int]:
        if name not in memo:
            memo[name] = frozenset()  # no recursion in the IR; a guard all the same
            memo[name] = frozenset(hit({id(o): o for o in blocks[name].body}.values()))
        return memo[name]

    return len({q for q in hit(circuit.body) if q >= weights})


@dataclass
class SparseState:
    """Basis states and their amplitudes: `bits[q, i]` is qubit q of basis state i (a row
    per qubit, so a gate reads and writes only the rows of its qubits)."""

    bits: np.ndarray  # bool, shape (qubits, states)
    amplitudes: np.ndarray  # complex128, shape (states,)

    @classmethod
    def zero(cls, num_qubits: int) -> SparseState:
        return cls(np.zeros((num_qubits, 1), dtype=bool), np.ones(1, dtype=np.complex128))

    @property
    def size(self) -> int:
        return self.amplitudes.size

    def all_set(self, qubits: tuple[int, ...]) -> np.ndarray | None:
        """Where every qubit of `qubits` is 1 (None: no qubits, everywhere)."""
        if not qubits:
            return None
        if len(qubits) == 1:
            return self.bits[qubits[0]]
        cond = self.bits[qubits[0]] & self.bits[qubits[1]]
        for q in qubits[2:]:
            cond &= self.bits[q]
        return cond

    def flip(self, q: int, where: np.ndarray | None) -> None:
        row = self.bits[q]
        if where is None:
            np.logical_not(row, out=row)
        else:
            row ^= where

    def phase(self, angle: float, where: np.ndarray | None) -> None:
        factor = cmath.exp(1j * angle)
        if where is None:
            self.amplitudes *= factor
        else:
            self.amplitudes[where] *= factor

    def hadamard(self, q: int) -> None:
        """|b> -> (|0> + (-1)^b |1>)/sqrt 2 on every basis state, equal states merged."""
        b = self.bits[q]
        a = self.amplitudes * (1 / math.sqrt(2))
        flipped = self.bits.copy()
        np.logical_not(flipped[q], out=flipped[q])
        bits = np.concatenate([self.bits, flipped], axis=1)
        amps = np.concatenate([np.where(b, -a, a), a])
        self.bits, self.amplitudes = _merge(bits, amps)

    def measure(self, q: int) -> int:
        """Collapse qubit q onto its more likely outcome (0 on a tie); return the outcome."""
        b = self.bits[q]
        p1 = float(np.sum(np.abs(self.amplitudes[b]) ** 2))
        p0 = float(np.sum(np.abs(self.amplitudes[~b]) ** 2))
        outcome = int(p1 > p0)
        keep = b if outcome else ~b
        self.bits = self.bits[:, keep]
        self.amplitudes = self.amplitudes[keep] / math.sqrt(p1 if outcome else p0)
        return outcome

    def probabilities(self, num_weights: int) -> np.ndarray:
        """P(weights = w) for every w (the weights are qubits 0..n-1: bit i is weight i)."""
        index = np.zeros(self.size, dtype=np.int64)
        for i in range(num_weights):
            index |= self.bits[i].astype(np.int64) << i
        out = np.zeros(1 << num_weights)
        np.add.at(out, index, np.abs(self.amplitudes) ** 2)
        return out


def _merge(bits: np.ndarray, amps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sum the amplitudes of equal basis states; drop those that cancel."""
    packed = np.packbits(bits, axis=0, bitorder="little")  # (bytes, states)
    pad = -packed.shape[0] % 8
    rows = np.concatenate([packed, np.zeros((pad, packed.shape[1]), np.uint8)]) if pad else packed
    words = np.ascontiguousarray(rows.T).view("<u8").T  # (words, states)
    order = np.lexsort(words)
    words, bits, amps = words[:, order], bits[:, order], amps[order]
    new = np.ones(amps.size, dtype=bool)
    new[1:] = np.any(words[:, 1:] != words[:, :-1], axis=0)
    starts = np.flatnonzero(new)
    summed = np.add.reduceat(amps, starts)
    keep = np.abs(summed) > ZERO
    return np.ascontiguousarray(bits[:, starts[keep]]), summed[keep]


# A flat operation as the simulator runs it: a gate with the program qubits it acts on (the
# gate's own `qubits` are its block's), or a measurement or `if` already on program qubits.
Step = tuple[Gate, tuple[int, ...]] | Measure | IfBit


class SparseSimulator:
    """Runs a circuit IR's operations on a `SparseState`, refusing to grow past
    `max_amplitudes`.

    Each block is flattened once per direction onto its own qubits (remembered), and a call
    maps those onto the caller's, so repeated blocks (a row's forward pass) cost one
    flattening and a tuple lookup per gate.
    """

    def __init__(self, circuit: Circuit, max_amplitudes: int) -> None:
        self.blocks: dict[str, Block] = circuit.block_map
        self.state = SparseState.zero(circuit.num_qubits)
        self.max_amplitudes = max_amplitudes
        self.bits: dict[tuple[str, int], int] = {}
        self._flat: dict[tuple[str, bool], list[Step]] = {}

    def steps(self, ops: tuple[Op, ...], inverse: bool = False) -> list[Step]:
        """`ops` flattened (inverted if asked) onto the qubits they name."""
        out: list[Step] = []
        for op in reversed(ops) if inverse else ops:
            if isinstance(op, Gate):
                g = op.inverse() if inverse else op
                out.append((g, g.qubits))
            elif isinstance(op, Call):
                inner = self._block(op.block, inverse != op.inverse)
                m = op.qubits
                mapped: list[Step] = [
                    (s[0], tuple(m[q] for q in s[1])) if isinstance(s, tuple) else s.remap(m)
                    for s in inner
                ]
                out += mapped * op.repeat
            elif inverse:
                raise ValueError("a block with measurements cannot be inverted")
            else:
                out.append(op)
        return out

    def _block(self, name: str, inverse: bool) -> list[Step]:
        key = (name, inverse)
        if key not in self._flat:
            self._flat[key] = self.steps(self.blocks[name].body, inverse)
        return self._flat[key]

    def run(self, ops: tuple[Op, ...]) -> None:
        self.run_steps(self.steps(ops))

    def run_steps(self, steps: list[Step]) -> None:
        for step in steps:
            if isinstance(step, tuple):
                self.gate(step[0], step[1])
            elif isinstance(step, Measure):
                self.bits[step.register, step.index] = self.state.measure(step.qubit)
            elif self.bits.get((step.register, step.index), 0):
                for g in step.body:
                    self.gate(g, g.qubits)

    def gate(self, g: Gate, qubits: tuple[int, ...]) -> None:
        s = self.state
        controls, target = qubits[: g.controls], qubits[-1]
        if g.name == "x":
            s.flip(target, s.all_set(controls))
        elif g.name in _PHASES or g.name == "p":
            angle = _PHASES[g.name] if g.name in _PHASES else _radians(g)
            s.phase(angle, s.all_set(qubits))
        elif g.name == "rz":
            half = _radians(g) / 2
            cond = s.all_set(controls)
            one = s.bit(target)
            s.phase(half, one if cond is None else one & cond)
            s.phase(-half, ~one if cond is None else ~one & cond)
        elif g.name == "y":  # Y = i X Z
            cond = s.all_set(controls)
            s.phase(math.pi, s.all_set(qubits))
            s.flip(target, cond)
            s.phase(math.pi / 2, cond)
        elif g.name == "h" and not controls:
            s.hadamard(target)
            if s.size > self.max_amplitudes:
                raise TooManyAmplitudes(s.size)
        else:
            raise Unsupported(f"ctrl({g.controls}) @ {g.name}")


def _radians(g: Gate) -> float:
    assert g.angle is not None
    return g.angle.value


# --- training programs ---------------------------------------------------------------------------


def amplitudes_log2(program: Program) -> int:
    """The base-2 logarithm of the amplitudes the sparse simulator expects to hold: the
    weights, and the other qubits an H leaves in superposition (a phase register)."""
    n = program.model.num_weights
    return n + branching_qubits(program.circuit, n)


class SparseGroverSimulator:
    """The weights' distribution after k Grover iterations, for any k (as `GroverSimulator`),
    on the sparse state: the preparation once, then one iteration at a time."""

    def __init__(self, program: Program) -> None:
        training = program.training
        self.num_weights = program.model.num_weights
        limit = SLACK << amplitudes_log2(program)
        self._sim = SparseSimulator(program.circuit, limit)
        self._step = self._sim.steps(training.iteration_ops)
        self._guarded(self._sim.steps(training.preparation))
        self._probabilities = [self._sim.state.probabilities(self.num_weights)]

    @property
    def simulated(self) -> int:
        return len(self._probabilities) - 1

    def probabilities(self, k: int) -> np.ndarray:
        while len(self._probabilities) <= k:
            self._guarded(self._step)
            self._probabilities.append(self._sim.state.probabilities(self.num_weights))
        return self._probabilities[k]

    def _guarded(self, steps: list[Step]) -> None:
        try:
            self._sim.run_steps(steps)
        except TooManyAmplitudes as e:
            raise MemoryError(
                f"the sparse state grew to {e.args[0]:,} amplitudes, past the "
                f"{self._sim.max_amplitudes:,} its weights allow"
            ) from None


# A state may transiently hold twice its amplitudes (an H before the merge) and a little
# more where work qubits branch before they are measured or uncomputed.
SLACK = 4


def sparse_distribution(program: Program) -> np.ndarray:
    """P(weights = w) for every weight string, after the program's iterations."""
    return SparseGroverSimulator(program).probabilities(program.iterations)
