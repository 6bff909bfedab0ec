"""Resource counts of a training circuit, taken from the structured circuit without flattening it.

Every count walks the blocks once (per direction) and multiplies through calls and repeats, so a
circuit with billions of flat gates is counted in time proportional to its structured size.
Gate names are the names Qiskit gives the gates when it loads the written program
(`qiskit.qasm3.loads`), so the counts can be checked against the program itself.

The depth is exact, equal to `QuantumCircuit.depth()` of the flat program: each block is
summarised by its longest-path matrix in the (max, +) algebra (`L[i][j]`: the most gates on
a path from where wire i enters the block to where wire j leaves it), and matrices compose
through calls, inverses (the transpose) and repeats (matrix powers). Blocks too wide for a
matrix are walked with a time vector instead; a repeated wide block is walked until each
repetition adds the same time to every wire it touches, after which the rest is arithmetic.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from qbnnc.reference.census import Census
from qbnnc.reference.grover_formula import success_probability
from qbnnc.synthesis.circuit import (
    Call,
    Circuit,
    Flat,
    Gate,
    IfBit,
    Measure,
    Op,
    count_ops,
    distinct_ops,
    measuring_blocks,
)
from qbnnc.synthesis.decompose import (
    expansion_ancillas,
    logical_costs,
    rotation_count,
    t_count,
    toffoli_count,
)
from qbnnc.synthesis.training import TrainingCircuit

if TYPE_CHECKING:
    import pytket

# Keys `qbnnc stats --json` always has (its documented contract, docs/stats.md), in the
# order the table prints them.
REQUIRED_KEYS = (
    "qubits",
    "weight_qubits",
    "examples",
    "iterations",
    "marked",
    "success_probability",
    "gates",
    "two_qubit_gates",
    "toffoli_count",
    "t_count",
    "rotations",
    "depth",
)


# --- gate names ------------------------------------------------------------------------------


def qiskit_name(op: Flat) -> str:
    """The name Qiskit's importer gives `ctrl(k) @ name` (checked by loading each form).

    x: cx, ccx, then mcx; p: cp, then mcphase; any other gate g: cg, ccg, then c3g, c4g...
    """
    if isinstance(op, Measure):
        return "measure"
    if isinstance(op, IfBit):
        return "if_else"
    k = op.controls
    if k == 0:
        return op.name
    if op.name == "x" and k >= 3:
        return "mcx"
    if op.name == "p" and k >= 2:
        return "mcphase"
    return "c" * k + op.name if k <= 2 else f"c{k}{op.name}"


# --- counts --------------------------------------------------------------------------------

MEASURE = "measure"
IF = "if_else"  # Qiskit's name for an `if (bit) { ... }` block, one instruction


def _shape(op: Flat) -> Hashable:
    """What a flat operation's name and costs depend on: everything but which qubits."""
    if isinstance(op, Measure):
        return MEASURE
    if isinstance(op, IfBit):
        return (IF, len(op.qubits), tuple(_shape(g) for g in op.body))
    return replace(op, qubits=tuple(range(len(op.qubits))))


@dataclass(frozen=True)
class GateCounts:
    gates: dict[str, int]
    two_qubit_gates: int
    toffoli_count: int
    t_count: int | None
    rotations: int


def gate_counts(circuit: Circuit) -> GateCounts:
    """Every count but the depth, from one structured pass (the count of each gate shape).

    An `if` block is one `if_else` in `gates`, as Qiskit counts it; the gates inside it
    count towards the two-qubit, Toffoli, T and rotation totals.
    """
    shapes = count_ops(circuit, _shape)
    names: Counter[str] = Counter()
    two = toffolis = rotations = 0
    t: int | None = 0
    for shape, n in shapes.items():
        if shape == MEASURE:
            names[MEASURE] += n
            continue
        if isinstance(shape, tuple):
            names[IF] += n
            inner = list(shape[2])
        else:
            names[qiskit_name(shape)] += n
            inner = [shape]
        for g in inner:
            two += n * (len(g.qubits) == 2)
            toffolis += n * toffoli_count(g)
            rotations += n * rotation_count(g)
            gate_t = t_count(g)
            t = None if t is None or gate_t is None else t + n * gate_t
    return GateCounts(dict(sorted(names.items())), two, toffolis, t, rotations)


@dataclass(frozen=True)
class LogicalCounts:
    """The program as a fault-tolerant resource estimator reads it (Microsoft's
    `LogicalCounts`), counted through the structure like every other count.

    Each gate is expanded to Toffolis (docs/cost-model.md) and counted once: a full Toffoli
    (ccx, ccz, V-chain steps, the ANDs of a multi-controlled phase) as a CCZ, a temporary
    logical AND (computed, or uncomputed unitarily) as a CCiX, the T gates of the remaining
    small gates as T, an arbitrary-angle phase as a rotation. So 7 x CCZ + 4 x CCiX + T is
    `t_count` and CCZ + CCiX is `toffoli_count`. The qubits include the clean ancillas the
    expansion borrows (the `clifford+t` target's register). The rotations' depth is not
    tracked: each rotation is taken to be its own layer (an upper bound).
    """

    num_qubits: int
    t_count: int
    rotation_count: int
    rotation_depth: int
    ccz_count: int
    ccix_count: int
    measurement_count: int

    def to_estimator(self) -> dict[str, int]:
        """The estimator's own keys (`qdk.estimator.LogicalCounts(...)`)."""
        return {
            "numQubits": self.num_qubits,
            "tCount": self.t_count,
            "rotationCount": self.rotation_count,
            "rotationDepth": self.rotation_depth,
            "cczCount": self.ccz_count,
            "ccixCount": self.ccix_count,
            "measurementCount": self.measurement_count,
        }


def logical_counts(circuit: Circuit) -> LogicalCounts:
    """`LogicalCounts` of a (generic-target) circuit, from one structured pass."""
    shapes = count_ops(circuit, _shape)
    ccz = ccix = t = rotations = measurements = 0
    for shape, n in shapes.items():
        if shape == MEASURE:
            measurements += n
            continue
        for g in list(shape[2]) if isinstance(shape, tuple) else [shape]:
            c, i, tt, r = logical_costs(g)
            ccz, ccix, t, rotations = ccz + n * c, ccix + n * i, t + n * tt, rotations + n * r
    return LogicalCounts(
        num_qubits=circuit.num_qubits + expansion_ancillas(circuit),
        t_count=t,
        rotation_count=rotations,
        rotation_depth=rotations,
        ccz_count=ccz,
        ccix_count=ccix,
        measurement_count=measurements,
    )


# --- depth -----------------------------------------------------------------------------------

NEG = -math.inf
# Blocks up to this many qubits get a longest-path matrix (arity^2 floats, built in
# arity x body work); wider ones are walked with a time vector at each use.
MATRIX_ARITY = 160
# The exact depth walks the structured circuit (remembered walks and block matrices make
# repeats cheap); where even that would visit more operations than this (a data set of
# thousands of rows with hundreds of changing input bits each), `depth` is reported as
# None rather than spend minutes. Counted in operations, so the outcome is deterministic.
DEPTH_BUDGET = 1_000_000


class DepthBudgetExceeded(Exception):
    """The exact depth would need walking more operations than the budget allows."""


# Remembered walks of wide blocks (each an int32 vector as wide as the block): enough for
# every row of a large training set in both directions, a few hundred MB at most.
MEMO_ENTRIES = 8192


def _maxplus(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(max, +) product: out[i][j] = max_k a[i][k] + b[k][j]."""
    out = np.full((a.shape[0], b.shape[1]), NEG)
    for k in range(a.shape[1]):
        np.maximum(out, a[:, k, None] + b[None, k, :], out=out)
    return out


def _identity(n: int) -> np.ndarray:
    m = np.full((n, n), NEG)
    np.fill_diagonal(m, 0.0)
    return m


class DepthModel:
    """Exact ASAP depth of a structured circuit (see the module docstring).

    Wires are the program's qubits, then its classical bits (a measurement and an `if`
    occupy their bit, as in Qiskit's depth). Blocks that measure use global bits, so they
    are always walked, never summarised by a matrix.
    """

    def __init__(
        self, circuit: Circuit, matrix_arity: int = MATRIX_ARITY, budget: int = DEPTH_BUDGET
    ) -> None:
        self.blocks = circuit.block_map
        self.budget = budget
        self.spent = 0  # operations walked so far
        self.matrix_arity = matrix_arity
        self.measuring = measuring_blocks(circuit)
        self.clbit: dict[tuple[str, int], int] = {}
        for name, size in circuit.clbits:
            for i in range(size):
                self.clbit[name, i] = circuit.num_qubits + len(self.clbit)
        self.num_wires = circuit.num_qubits + len(self.clbit)
        self._matrices: dict[str, np.ndarray] = {}
        self._powers: dict[tuple[str, bool, int], np.ndarray] = {}
        self._touched: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        # id(call) -> (call, qubits): the call is kept so that its id is not reused.
        self._arrays: dict[int, tuple[Call, np.ndarray]] = {}
        # (block, inverted, relative entry times) -> relative exit times
        self._walked: dict[tuple[str, bool, bytes], np.ndarray] = {}
        self._applied: dict[tuple[str, bool, int, bytes], np.ndarray] = {}

    # Matrices of narrow blocks.

    def has_matrix(self, name: str) -> bool:
        return self.blocks[name].arity <= self.matrix_arity and name not in self.measuring

    def matrix(self, name: str) -> np.ndarray:
        if name not in self._matrices:
            block = self.blocks[name]
            m = _identity(block.arity)
            for op in block.body:
                qs = list(op.qubits)
                if isinstance(op, Gate):
                    m[:, qs] = (m[:, qs].max(axis=1) + 1)[:, None]
                elif isinstance(op, Call):
                    m[:, qs] = _maxplus(m[:, qs], self.call_matrix(op))
                else:
                    raise AssertionError("a measuring block has no matrix")
            self._matrices[name] = m
        return self._matrices[name]

    def call_matrix(self, call: Call) -> np.ndarray:
        """The matrix of `call` on its own qubits: inverse is the transpose, repeat a power."""
        key = (call.block, call.inverse, call.repeat)  # the qubits do not matter
        if key not in self._powers:
            base = self.matrix(call.block)
            if call.inverse:
                base = base.T.copy()
            result, square, r = None, base, call.repeat
            while r:
                if r & 1:
                    result = square if result is None else _maxplus(result, square)
                r >>= 1
                if r:
                    square = _maxplus(square, square)
            self._powers[key] = result if result is not None else _identity(base.shape[0])
        return self._powers[key]

    def touched(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """Which formal qubits of the block anything inside acts on, and which bits."""
        if name not in self._touched:
            block = self.blocks[name]
            mask = np.zeros(block.arity, dtype=bool)
            bits: set[int] = set()
            for op in distinct_ops(block.body):  # a sweep repeats the same op objects
                if isinstance(op, Call):
                    inner, inner_bits = self.touched(op.block)
                    mask[self._qubits(op)] |= inner
                    bits.update(inner_bits.tolist())
                else:
                    mask[list(op.qubits) if not isinstance(op, Measure) else [op.qubit]] = True
                    if isinstance(op, Measure | IfBit):
                        bits.add(self.clbit[op.register, op.index])
            self._touched[name] = (mask, np.asarray(sorted(bits), dtype=np.intp))
        return self._touched[name]

    # Time vectors through wide blocks.

    def advance(self, t: np.ndarray, ops: tuple[Op, ...], wires: np.ndarray, inverse: bool) -> None:
        """Move the time vector `t` (one entry per wire) through `ops` on `wires`, in place."""
        self._charge(len(ops))
        for op in reversed(ops) if inverse else ops:
            if isinstance(op, Gate):
                if len(op.qubits) == 1:
                    t[wires[op.qubits[0]]] += 1
                else:
                    qs = wires[list(op.qubits)]
                    t[qs] = t[qs].max() + 1
            elif isinstance(op, Call):
                self.call(t, op, wires, inverse)
            else:
                qubits = [op.qubit] if isinstance(op, Measure) else list(op.qubits)
                ws = [*wires[qubits], self.clbit[op.register, op.index]]
                t[ws] = t[ws].max() + 1

    def call(self, t: np.ndarray, call: Call, wires: np.ndarray, inverse: bool = False) -> None:
        """`call` (inverted once more when `inverse`) on the time vector."""
        qs = wires[self._qubits(call)]
        flipped = call.inverse != inverse
        if self.has_matrix(call.block):
            before = t[qs]
            top = before.max() if before.size else 0
            key = (call.block, flipped, call.repeat, (before - top).tobytes())
            after = self._applied.get(key)
            if after is None:
                m = self.call_matrix(Call(call.block, (), flipped, call.repeat))
                after = (before[:, None] + m).max(axis=0) - top
                if len(self._applied) < MEMO_ENTRIES * 16:
                    self._applied[key] = after
            t[qs] = after + top
            return
        body = self.blocks[call.block].body
        self._charge(0, len(body))  # give up before preparing a walk that cannot finish
        mask, bits = self.touched(call.block)
        moved = np.concatenate([qs[mask], bits])
        for done in range(call.repeat):
            before = t[moved]
            if not self._recall(t, moved, before, call.block, flipped):
                self.advance(t, body, qs, flipped)
                self._remember(t, moved, before, call.block, flipped)
            shift = t[moved] - before
            if done + 1 < call.repeat and shift.size and np.all(shift == shift[0]):
                # Every wire the block touches moved by the same c: the (max, +) map is
                # homogeneous, so each remaining repetition adds c again.
                t[moved] += shift[0] * (call.repeat - done - 1)
                return

    def _charge(self, ops: int, ahead: int = 0) -> None:
        """Count `ops` walked; raise once the walk (with `ahead` more to come) is over budget."""
        self.spent += ops
        if self.spent + ahead > self.budget:
            raise DepthBudgetExceeded(self.spent)

    # A wide block is a (max, +)-linear map M of the times on the wires it touches, so
    # M(p + c) = M(p) + c: a block entered with the same times up to a constant leaves
    # with the same times up to that constant. Remembering the answer per relative entry
    # pattern makes every repeat of a pattern (the same row's step in the next Grover
    # iteration, rows whose masks leave the same pattern) cost a lookup, not a walk.

    def _key(self, before: np.ndarray, block: str, flipped: bool) -> tuple[str, bool, bytes]:
        # The whole pattern is the key (not a digest of it): equal keys are equal patterns.
        return block, flipped, (before - before.max()).astype(np.int32).tobytes()

    def _recall(
        self, t: np.ndarray, moved: np.ndarray, before: np.ndarray, block: str, flipped: bool
    ) -> bool:
        if not before.size:
            return False
        after = self._walked.get(self._key(before, block, flipped))
        if after is None:
            return False
        t[moved] = after + before.max()
        return True

    def _remember(
        self, t: np.ndarray, moved: np.ndarray, before: np.ndarray, block: str, flipped: bool
    ) -> None:
        if before.size and len(self._walked) < MEMO_ENTRIES:
            after = (t[moved] - before.max()).astype(np.int32)
            self._walked[self._key(before, block, flipped)] = after

    def _qubits(self, call: Call) -> np.ndarray:
        """The call's qubits as an index array, made once per call site."""
        key = id(call)
        if key not in self._arrays:
            self._arrays[key] = (call, np.asarray(call.qubits, dtype=np.intp))
        return self._arrays[key][1]


def depth(
    circuit: Circuit, matrix_arity: int = MATRIX_ARITY, budget: int = DEPTH_BUDGET
) -> int | None:
    """The flat program's depth (Qiskit's `QuantumCircuit.depth()`), measurements included;
    None when finding it exactly would walk more than `budget` operations."""
    try:
        return _depth(circuit, matrix_arity, budget)
    except DepthBudgetExceeded:
        return None


def _depth(circuit: Circuit, matrix_arity: int, budget: int) -> int:
    model = DepthModel(circuit, matrix_arity, budget)
    t = np.zeros(model.num_wires)
    model.advance(t, circuit.body, np.arange(circuit.num_qubits), inverse=False)
    return int(t.max()) if t.size else 0


# --- the classical baseline ------------------------------------------------------------------

# --- the whole table -------------------------------------------------------------------------


# Names the format of `qbnnc stats --json`; the number grows when a key changes meaning.
SCHEMA_STATS = "qbnnc.stats/1"


def stats(
    training: TrainingCircuit,
    census: Census | None,
    target: str = "generic",
    device: pytket.Circuit | None = None,
) -> dict[str, Any]:
    """Every key of `qbnnc stats --json` (docs/stats.md), plus the classical baseline, for
    `training` compiled for `target` (`device`: a device target's circuit, which is then
    what is counted), with `census` the exact count (None: not counted)."""
    counts = _circuit_counts(training.circuit) if device is None else device_counts(device)
    header = training.header
    n, e, k = header.weights, header.examples, training.iterations
    per_iteration = training.forward_passes_per_iteration
    out: dict[str, Any] = {
        "schema": SCHEMA_STATS,
        "weight_names": list(header.weight_names),
        "qubits": counts.pop("qubits"),
        "weight_qubits": n,
        "examples": e,
        "iterations": k,
        "marked": None if census is None else census.marked,
        "success_probability": None if census is None else success_probability(census.marked, n, k),
        **counts,
        "target": target,
        "oracle": header.oracle.kind,
        "oracle_calls": k,
        "forward_passes_per_iteration": per_iteration,
        "circuit_forward_passes": k * per_iteration,
        # Exact while it prints as a JSON number (2^n x examples); past 2^1000 null, with
        # its base-2 logarithm beside it either way.
        "classical_evaluations": (1 << n) * e if n + e.bit_length() <= 1000 else None,
        "classical_evaluations_log2": n + math.log2(e) if e else None,
    }
    return dict(sorted(out.items()))


def _circuit_counts(circuit: Circuit) -> dict[str, Any]:
    g = gate_counts(circuit)
    return {
        "qubits": circuit.num_qubits,
        "gates": g.gates,
        "two_qubit_gates": g.two_qubit_gates,
        "toffoli_count": g.toffoli_count,
        "t_count": g.t_count,
        "rotations": g.rotations,
        "depth": depth(circuit),
    }


def device_counts(device: pytket.Circuit) -> dict[str, Any]:
    """Counts of a device-compiled (flat) pytket circuit, under the names its written program
    has: the program `-o` writes for a device target is this circuit converted by
    `tk_to_qiskit`, so the counts are taken from that conversion (PhasedX is `r`, ZZPhase
    `rzz`, ...); `qubits` counts the qubits used (a routed program names physical qubits,
    `$53`, among the device's idle ones)."""
    from qbnnc.targets.device import to_qiskit, used_qubits

    qc = to_qiskit(device)
    names: Counter[str] = Counter()
    two = toffolis = rotations = 0
    t: int | None = 0
    for inst in qc.data:
        op = inst.operation
        if op.name == "barrier":
            continue
        names[op.name] += 1
        two += len(inst.qubits) == 2
        toffolis += len(inst.qubits) >= 3
        if op.name in ("t", "tdg"):
            t = None if t is None else t + 1
        elif any(not _eighth_turns(p) for p in op.params):
            rotations += 1
            t = None
    return {
        "qubits": used_qubits(qc),
        "gates": dict(sorted(names.items())),
        "two_qubit_gates": two,
        "toffoli_count": toffolis,
        "t_count": t,
        "rotations": rotations,
        "depth": qc.depth(),
    }


def _eighth_turns(angle: Any) -> bool:  # a Qiskit parameter (float or symbol)
    """Whether an angle in radians is a multiple of pi/4 (a Clifford+T phase)."""
    try:
        value = float(angle) / (math.pi / 4)
    except TypeError:
        return False
    return abs(value - round(value)) < 1e-9


# --- the human table -------------------------------------------------------------------------


def render(table: dict[str, Any], model_name: str | None = None) -> str:
    """`qbnnc stats MODEL` without --json: a readable two-column table."""

    def big(n: int) -> str:
        return f"{n:,}" if n < 10**15 else f"about 2^{math.log2(n):.1f}"

    def rows() -> list[tuple[str, str]]:
        p = table["success_probability"]
        out = [
            ("target", table["target"]),
            ("qubits", big(table["qubits"])),
            ("weight qubits", big(table["weight_qubits"])),
            ("examples", big(table["examples"])),
            ("oracle", table["oracle"]),
            ("iterations", big(table["iterations"])),
            ("marked", "not counted" if table["marked"] is None else big(table["marked"])),
            ("success probability", "unknown" if p is None else f"{p:.6f}"),
            ("gates", big(sum(table["gates"].values()))),
        ]
        out += [(f"  {name}", big(n)) for name, n in table["gates"].items()]
        t = table["t_count"]
        out += [
            ("two-qubit gates", big(table["two_qubit_gates"])),
            ("Toffolis (expanded)", big(table["toffoli_count"])),
            ("T count", "n/a (arbitrary rotations remain)" if t is None else big(t)),
            ("rotations", big(table["rotations"])),
            (
                "depth",
                "not computed (too large to walk exactly)"
                if table["depth"] is None
                else big(table["depth"]),
            ),
            ("classical baseline", ""),
            (
                "  exhaustive evaluations",
                big(table["classical_evaluations"])
                if table["classical_evaluations"] is not None
                else f"about 2^{table['classical_evaluations_log2']:.1f}",
            ),
            ("  circuit forward passes", big(table["circuit_forward_passes"])),
        ]
        return out

    lines = [f"stats for {model_name}" if model_name else "stats"]
    body = rows()
    width = max(len(k) for k, _ in body)
    lines += [f"  {k.ljust(width)}  {v}".rstrip() for k, v in body]
    return "\n".join(lines)
