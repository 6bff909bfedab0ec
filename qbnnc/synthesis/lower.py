"""Lower a forward pass from the dataflow graph to reversible gates, once per structure.

Neuron outputs get fresh work qubits; XOR/XNOR lines get none: just around the neuron that
reads them, a CNOT folds the weight into the line's qubit and a second CNOT restores it.
Negations cost nothing (they flip a literal's polarity). Each neuron is the fused popcount
tree of `arith.threshold_fresh`: for AND, OR and MAJ its one temporary AND is the output.

Work qubits come from a `Pool` that hands out the lowest free qubit, so a qubit freed by an
uncomputed value is the next one reused and the program's width is the peak of live values.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from qbnnc.ir.dataflow import CONSTANT_LEAVES, AtLeast, Correct, Dataflow, Not, WeightBit, Xor
from qbnnc.synthesis.arith import Lit, cx, inverse, threshold_fresh, x
from qbnnc.synthesis.circuit import Block, Call, Gate, IfBit, Op, invert
from qbnnc.synthesis.specialise import Variant


@dataclass
class Pool:
    """Work qubits from `start` up: the lowest free one is taken first, so reuse is maximal."""

    start: int
    free: list[int] = field(default_factory=list)  # sorted, the lowest free qubit first
    high: int = 0

    def __post_init__(self) -> None:
        self.high = self.start

    def take(self, n: int = 1) -> list[int]:
        # Bulk list operations: a forward pass takes thousands of qubits at once.
        out = self.free[:n]
        del self.free[:n]
        missing = n - len(out)
        if missing > 0:
            out += range(self.high, self.high + missing)
            self.high += missing
        return out

    def give(self, qubits: list[int]) -> None:
        self.free += qubits
        self.free.sort()

    def copy(self) -> Pool:
        """An independent pool in the same state, for building an alternative to compare."""
        twin = Pool(self.start)
        twin.free, twin.high = list(self.free), self.high
        return twin


# Bodies longer than this are not looked up for a duplicate: hashing millions of ops costs
# more than the rare saving.
UNIQUE_BODY = 4096


@dataclass
class Blocks:
    """Blocks made so far, deduplicated by body so a repeated neuron is defined once."""

    blocks: list[Block] = field(default_factory=list)
    by_body: dict[tuple[int, tuple[Op, ...]], str] = field(default_factory=dict)
    names: Counter[str] = field(default_factory=Counter)
    # (name, threshold, literal polarities, lean) -> a neuron synthesised once on local qubits
    neurons: dict[tuple[str, int, tuple[bool, ...], bool], _Neuron] = field(default_factory=dict)

    def neuron(
        self, name: str, lits: list[Lit], threshold: int, pool: Pool, lean: bool = False
    ) -> tuple[Call, Lit, list[int]]:
        """A neuron on `lits` (distinct qubits): its call, output literal and held qubits.

        Each distinct (threshold, polarities) is synthesised once, on local qubits (the
        literals 0..n-1, then its work qubits); a neuron read by every row, or repeated
        across a layer, costs a dictionary lookup and one call.
        """
        key = (name, threshold, tuple(lit.negated for lit in lits), lean)
        if key not in self.neurons:
            n = len(lits)
            local = Pool(start=n)
            on_local = [Lit(i, lit.negated) for i, lit in enumerate(lits)]
            fresh = threshold_fresh(on_local, threshold, local.take, local.give, lean)
            arity = local.high
            body = tuple(fresh.ops)
            block = self._define(name, arity, body)
            self.neurons[key] = _Neuron(block, arity - n, fresh.lit, tuple(fresh.held))
        made = self.neurons[key]
        program = [lit.qubit for lit in lits] + pool.take(made.width)
        held = [program[q] for q in made.held]
        kept = set(held)
        pool.give([q for q in program[len(lits) :] if q not in kept])
        lit = Lit(program[made.lit.qubit], made.lit.negated)
        return Call(made.block, tuple(program)), lit, held

    def _define(self, name: str, arity: int, body: tuple[Op, ...]) -> str:
        """The block's name, defining it unless the same body exists already (bodies longer
        than UNIQUE_BODY, a sweep over a data set, are taken as new without hashing them)."""
        key = (arity, body) if len(body) <= UNIQUE_BODY else (arity, id(body))
        if key not in self.by_body:
            self.names[name] += 1
            unique = name if self.names[name] == 1 else f"{name}_{self.names[name]}"
            self.by_body[key] = unique
            self.blocks.append(Block(unique, arity, body))
        return self.by_body[key]

    def call(self, name: str, ops: list[Op]) -> Call:
        """Package program-qubit `ops` as a block on the qubits they touch; return its call.

        A sweep over a data set repeats the same few op objects (a `mask` call per input
        bit) millions of times: each distinct object is renumbered once. Wide calls (a
        forward pass on thousands of qubits) go through numpy, gates through a dict.
        """
        distinct = list({id(op): op for op in ops}.values())
        parts = {id(op): _qubits(op) for op in distinct}
        wide = {k: np.asarray(p, dtype=np.int64) for k, p in parts.items() if len(p) > 64}
        narrow = {q for k, p in parts.items() if k not in wide for q in p}
        touched_array = np.unique(
            np.concatenate([np.fromiter(narrow, dtype=np.int64, count=len(narrow)), *wide.values()])
        )
        arity = len(touched_array)
        if arity and touched_array[-1] == arity - 1:  # already on 0..arity-1: nothing to do
            return Call(self._define(name, arity, tuple(ops)), tuple(range(arity)))
        local = {q: i for i, q in enumerate(touched_array.tolist())}.__getitem__
        renamed = {
            k: _localise(
                op,
                tuple(np.searchsorted(touched_array, wide[k]).tolist())
                if k in wide
                else tuple(map(local, parts[k])),
            )
            for op in distinct
            for k in (id(op),)
        }
        body = tuple(renamed[id(op)] for op in ops)
        return Call(self._define(name, arity, body), tuple(touched_array.tolist()))


@dataclass(frozen=True)
class _Neuron:
    block: str
    width: int  # work qubits after the literals
    lit: Lit  # the output, on local qubits
    held: tuple[int, ...]  # local qubits in use until the neuron is undone


def _qubits(op: Op) -> tuple[int, ...]:
    return op.qubits if isinstance(op, Gate | Call | IfBit) else (op.qubit,)


def _localise(op: Op, qubits: tuple[int, ...]) -> Op:
    """`op` on `qubits` (its own, renumbered). The constructors, not dataclasses.replace:
    this runs for every gate of every block, and replace costs three times as much."""
    if isinstance(op, Gate):
        return Gate(op.name, qubits, op.controls, op.angle, op.temp)
    if isinstance(op, Call):
        return Call(op.block, qubits, op.inverse, op.repeat)
    raise ValueError("measurements are not packaged into blocks")


@dataclass(frozen=True)
class Forward:
    """An example's forward pass: `compute` leaves the sink's literals readable; its inverse
    returns every work qubit to |0>.

    `last_held` is set when the sink reads one neuron's output and that neuron's call ends
    `compute`: the qubits that call holds. Running `compute` and then the inverse of all but
    its last op keeps only that neuron's output (Bennett's trick), freeing the rest.
    """

    compute: list[Op]
    literals: list[Lit]
    held: list[int]  # work qubits in use until the inverse of `compute` has run
    never: bool = False  # the example can never be classified correctly
    last_held: list[int] | None = None


def lower_forward(
    df: Dataflow,
    sink: int,
    weight_qubit: Callable[[int], int],
    pool: Pool,
    blocks: Blocks,
    lean: bool = False,
    given: dict[int, Lit] | None = None,
) -> Forward:
    """Gates computing the match literals of `sink`; work qubits come from `pool`.

    Nodes in `given` are read from the literal given (a neuron table, `tables`), not computed.
    The caller frees the pool's qubits after running the inverse of `compute`. `lean`:
    each neuron keeps only its output qubit, its popcount tree undone at once
    (`threshold_fresh`), so the pass holds one qubit per neuron, not its trees.
    """
    values: dict[int, Lit] = dict(given or {})
    ops: list[Op] = []
    held: list[int] = []
    held_by: dict[int, list[int]] = {}  # neuron node -> the qubits its call keeps
    last_neuron: int | None = None  # the neuron whose call is the last op so far
    # The pool's size before the last neuron: the qubits below it may be the earlier ops'
    # scratch (returned to |0>, reused), which undoing those ops needs clean again.
    before_last = pool.high
    for node in df.cone(sink):
        op = df.op(node)
        if node in values:
            continue
        if isinstance(op, WeightBit):
            values[node] = Lit(weight_qubit(op.index))
        elif isinstance(op, CONSTANT_LEAVES):
            (q,) = pool.take()
            held.append(q)
            values[node] = Lit(q)
            if op.value:
                ops.append(x(q))
        elif isinstance(op, AtLeast):
            before_last = pool.high
            pre, lits, scratch = _window(df, df.args(node), values, pool)
            name = _block_name(df.label(node))
            if _cacheable(pre, lits, op.threshold):
                call, values[node], kept = blocks.neuron(name, lits, op.threshold, pool, lean)
            else:
                fresh = threshold_fresh(lits, op.threshold, pool.take, pool.give, lean)
                pool.give(scratch)
                call, values[node], kept = (
                    blocks.call(name, [*pre, *fresh.ops, *inverse(pre)]),
                    fresh.lit,
                    fresh.held,
                )
            held += kept
            held_by[node] = kept
            ops.append(call)
            last_neuron = node
        elif isinstance(op, Correct):
            if any(
                isinstance(df.op(a), CONSTANT_LEAVES) and not df.op(a).value for a in df.args(sink)
            ):
                pool.give(held)
                return Forward([], [], [], never=True)
            pre, lits, scratch = _window(df, df.args(node), values, pool)
            ops.extend(pre)
            args = df.args(node)
            last_held = None
            if (
                len(args) == 1
                and not pre
                and last_neuron is not None
                and _negates(df, args[0], last_neuron)
                and lits[0].qubit in held_by[last_neuron]
                # Bennett undoes the ops before the last one while it holds its qubits:
                # only sound when those ops never touched them.
                and min(held_by[last_neuron]) >= before_last
            ):
                last_held = held_by[last_neuron]
            return Forward(ops, lits, held + scratch, last_held=last_held)
    raise AssertionError("a cone ends at its sink")


@dataclass(frozen=True)
class Template:
    """A variant's forward pass lowered once, on template qubits: qubit i < `fixed` is
    program qubit i (the weights, then the neuron tables), work qubit k is `fixed + k`
    (k < `width`, in the order the lowering took them).

    `compute` computes the sink's literals (their polarity before the row's label flips);
    `prefix` + `last` split it for Bennett's trick when `last_held` is set (see Forward).
    """

    compute: Call | None
    prefix: Call | None
    last: Op | None
    literals: tuple[Lit, ...]
    held: tuple[int, ...]
    free: tuple[int, ...]  # the work qubits the pass has returned to |0> when it ends
    last_held: tuple[int, ...] | None
    width: int
    never: bool
    fixed: int


def lower_template(
    variant: Variant,
    fixed: int,
    blocks: Blocks,
    given: dict[int, Lit] | None = None,
    lean: bool = False,
) -> Template:
    """Lower `variant`'s forward pass once; every row of the variant calls the result.

    Qubits below `fixed` are the weights and the tables whose values `given` names. `lean`:
    one qubit held per neuron (see `lower_forward`)."""
    pool = Pool(start=fixed)
    fwd = lower_forward(variant.df, variant.df.sink, lambda i: i, pool, blocks, lean, given)
    width = pool.high - fixed
    if fwd.never:
        return Template(None, None, None, (), (), (), None, width, True, fixed)
    compute = blocks.call("forward", fwd.compute) if fwd.compute else None
    prefix = last = None
    if fwd.last_held is not None:
        prefix = blocks.call("forward_prefix", fwd.compute[:-1]) if fwd.compute[:-1] else None
        last = fwd.compute[-1]
    return Template(
        compute,
        prefix,
        last,
        tuple(fwd.literals),
        tuple(fwd.held),
        tuple(sorted(set(range(fixed, fixed + width)) - set(fwd.held))),
        tuple(fwd.last_held) if fwd.last_held is not None else None,
        width,
        False,
        fixed,
    )


@dataclass(frozen=True)
class Instance:
    """A template placed on program qubits: `qubit[q]` is template qubit q's program qubit."""

    template: Template
    qubit: tuple[int, ...]

    def op(self, op: Op | None, inverse: bool = False) -> list[Op]:
        if op is None:
            return []
        placed = op.remap(self.qubit)
        return invert([placed]) if inverse else [placed]

    def literals(self, negations: tuple[bool, ...]) -> list[Lit]:
        return [
            Lit(self.qubit[lit.qubit], lit.negated != neg)
            for lit, neg in zip(self.template.literals, negations, strict=True)
        ]

    def work(self, qubits: tuple[int, ...] | None) -> list[int]:
        return [self.qubit[q] for q in qubits or ()]


def place(template: Template, pool: Pool) -> Instance:
    """Take the template's work qubits from `pool` (the caller gives them back)."""
    return Instance(template, tuple(range(template.fixed)) + tuple(pool.take(template.width)))


# Neurons below this fan-in are synthesised in place (cheap, and their blocks then touch
# exactly the qubits they use); wider ones once per (threshold, polarities).
CACHED_FAN_IN = 8


def _cacheable(pre: list[Gate], lits: list[Lit], threshold: int) -> bool:
    """Whether a neuron reads its literals directly (no XOR window), each qubit once, and
    computes something (a threshold within its fan-in)."""
    return (
        not pre
        and len(lits) >= CACHED_FAN_IN
        and 1 <= threshold <= len(lits)
        and len({lit.qubit for lit in lits}) == len(lits)
    )


def _negates(df: Dataflow, node: int, neuron: int) -> bool:
    """Whether `node` is `neuron` under some Not nodes (the sink reads its output)."""
    while isinstance(df.op(node), Not):
        node = df.args(node)[0]
    return node == neuron


def _block_name(label: str) -> str:
    """'e3.h[1]' -> 'h_neuron': the layer names the block, the dedup numbers its variants."""
    layer = label.split(".", 1)[-1].split("[", 1)[0]
    return f"{layer}_neuron"


def _window(
    df: Dataflow, args: tuple[int, ...], values: dict[int, Lit], pool: Pool
) -> tuple[list[Gate], list[Lit], list[int]]:
    """Make each arg readable as a literal for one gate's duration.

    Returns the gates that open the window (their inverse closes it), the literals, and the
    scratch qubits it took (free them after closing). An XOR of two literals is computed in
    place onto one of them when no other arg reads that qubit, else into a scratch qubit.
    """
    reads = Counter(q for a in args for q in _base_qubits(df, a, values))
    pre: list[Gate] = []
    scratch: list[int] = []
    lits: list[Lit] = []

    def resolve(node: int) -> Lit:
        if node in values:
            return values[node]
        op = df.op(node)
        if isinstance(op, Not):
            return resolve(df.args(node)[0]).flip()
        if isinstance(op, Xor):
            a, b = (resolve(n) for n in df.args(node))
            polarity = a.negated ^ b.negated ^ op.negated
            for target, source in ((a, b), (b, a)):
                if (
                    target.qubit != source.qubit
                    and reads[target.qubit] == 1
                    and target.qubit not in scratch
                ):
                    pre.append(cx(source.qubit, target.qubit))
                    reads[target.qubit] += 1  # now holds a derived value: never reuse it
                    return Lit(target.qubit, polarity)
            (q,) = pool.take()
            scratch.append(q)
            pre.extend([cx(a.qubit, q), cx(b.qubit, q)])
            return Lit(q, polarity)
        raise AssertionError(f"node {node} ({op}) should have been computed before its use")

    for a in args:
        lits.append(resolve(a))
    return pre, lits, scratch


def _base_qubits(df: Dataflow, node: int, values: dict[int, Lit]) -> list[int]:
    """The computed qubits a Not/Xor tree reads (with repeats)."""
    if node in values:
        return [values[node].qubit]
    return [q for a in df.args(node) for q in _base_qubits(df, a, values)]
