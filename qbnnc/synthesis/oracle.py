"""The oracles: mark the weight strings that classify at least `min_correct` examples.

`oracle counter` (default, exact) is built one of two ways, whichever the cost model
prefers for `optimize_for`:
- tally: each example's forward pass leaves its correct bit in a qubit of its own (the
  rest of the pass is undone at once, Bennett style); one fused popcount-and-compare tree
  over those bits flips the phase (for `accept all` just an AND tree and a CZ); the bits
  are undone by replaying the passes. Fewest ANDs; a qubit per distinct example.
- streaming counter: each pass adds its example's multiplicity into a binary counter whose
  width grows with the examples seen (carry chains of temporary ANDs) and is undone at
  once; a tree over the counter's bits flips the phase; the counting is undone. Fewest
  qubits.
Both run four forward passes per example.

Phase oracle (the paper's): each correct example adds the phase `step` (times 2^j on phase
qubit j) to its weight string; phase estimation reads the count into the phase register;
the values that meet `accept` get phase -1; the phase estimation is undone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

import numpy as np

from qbnnc.diagnostics import CompileError, Diagnostic
from qbnnc.frontend.model import Model
from qbnnc.ir.dataflow import TrainingSet
from qbnnc.reference.census import Census
from qbnnc.synthesis.arith import (
    Lit,
    add_controlled,
    and_lits,
    and_tree,
    bit_reverse,
    cx,
    inverse,
    mcp_tree,
    phase_all,
    phase_at_least_terms,
    qft_dagger,
    x,
)
from qbnnc.synthesis.circuit import Block, Call, Gate, Op, Register, count_ops, invert
from qbnnc.synthesis.decompose import toffoli_count
from qbnnc.synthesis.lower import Blocks, Instance, Pool, Template, place
from qbnnc.synthesis.specialise import Variant
from qbnnc.synthesis.tables import Tables

OptimizeFor = Literal["gates", "qubits"]


@dataclass(frozen=True)
class OracleCircuit:
    call: Call
    register: Register | None  # a named register (counter, phase register) if the oracle has one
    forward_passes: int  # forward passes one oracle call runs (each row's, computed and undone)


@dataclass(frozen=True)
class Sweep:
    """The rows of the training set as the oracle visits them, with their forward passes."""

    data: TrainingSet
    variants: tuple[Variant, ...]
    templates: tuple[Template, ...]
    num_weights: int
    tables: Tables

    def around(self, ops: list[Op]) -> list[Op]:
        """`ops` between the tables' computation and its undoing (masks all off at both
        ends): every plan computes the tables once per oracle call."""
        compute = self.tables.compute
        return [*compute, *ops, *inverse(compute)]


def counter_width(num_examples: int) -> int:
    """Bits that hold every count 0..examples."""
    return max(1, num_examples.bit_length())


_Option = tuple[tuple[int, int], "OracleCircuit", Blocks, Pool]  # (cost key, oracle, state)


def build_oracle(
    model: Model,
    sweep: Sweep,
    census: Census | None,
    blocks: Blocks,
    pool: Pool,
    optimize_for: OptimizeFor = "qubits",
) -> tuple[OracleCircuit, Blocks, Pool]:
    """The oracle's call; the blocks and pool it was built in (the caller continues with them).

    For `oracle counter` both plans are built and the cost model picks: fewest
    Toffoli-equivalents for "gates" (ties: fewer qubits, then the tally), fewest qubits for
    "qubits" (ties: fewer Toffolis, then the tally). For "qubits" the tally, which holds a
    qubit per example, is abandoned as soon as it is wider than the streaming counter: on
    large data this halves the compile time and changes no choice.
    """
    if model.oracle.kind == "phase":
        return _phase_oracle(model, sweep, census, blocks, pool), blocks, pool

    def build(plan: Callable[[Blocks, Pool], OracleCircuit | None]) -> _Option | None:
        b, p = Blocks(list(blocks.blocks), dict(blocks.by_body), blocks.names.copy()), pool.copy()
        oracle = plan(b, p)
        if oracle is None:
            return None
        cost = _toffolis(oracle.call, {blk.name: blk for blk in b.blocks})
        return ((cost, p.high) if optimize_for == "gates" else (p.high, cost)), oracle, b, p

    streaming = build(lambda b, p: _streaming_counter(model, sweep, b, p))
    assert streaming is not None
    limit = streaming[3].high if optimize_for == "qubits" else None
    tally = build(lambda b, p: _tally_oracle(model, sweep, b, p, limit))
    options = [streaming] if tally is None else [tally, streaming]  # the tally wins ties
    _, oracle, b, p = min(options, key=lambda o: o[0])
    return oracle, b, p


def _ccz(model: Model) -> bool:
    """Whether a phase flip ends in a CCZ (fewer Toffolis unitarily) or an AND and a CZ
    (fewer T when ANDs are undone by measurement)."""
    return model.uncompute != "measure"


def _toffolis(call: Call, blocks: dict[str, Block]) -> int:
    from qbnnc.synthesis.circuit import Circuit

    c = Circuit(0, tuple(blocks.values()), (call,), (), ())
    return sum(k * v for k, v in count_ops(c, toffoli_count).items())


def _visit(
    sweep: Sweep,
    blocks: Blocks,
    pool: Pool,
    step: Callable[[Template, tuple[bool, ...], int, int], list[Op] | None],
) -> tuple[list[Op], int]:
    """The oracle's sweep over the rows: each row's X mask, then `step` for it.

    `step(template, negations, multiplicity, first example)` returns the row's ops (None
    stops the sweep: the plan is abandoned); it places the template on qubits itself.
    Between rows only the mask's changed columns flip their weights (one `mask` call per
    column); the last mask is undone at the end.
    Returns the ops and the number of rows visited.
    """
    ops: list[Op] = []
    visited = 0
    multiplicity = sweep.data.multiplicity
    first = sweep.data.first
    for v, (variant, template) in enumerate(zip(sweep.variants, sweep.templates, strict=True)):
        if template.never or not len(variant.rows):
            continue
        updates = sweep.tables.updates(v)
        flips = _mask_ops(variant, blocks, updates)
        state = _mask_state(variant, 0)
        ops += [g for w in state for g in _flip(w, updates)]
        pol = variant.polarity
        mask_columns = np.fromiter(sorted(flips), dtype=np.int64)
        for i, row in enumerate(variant.rows.tolist()):
            if i and len(mask_columns):
                changed = mask_columns[pol[i, mask_columns] != pol[i - 1, mask_columns]]
                ops += [flips[c] for c in changed.tolist()]
            row_ops = step(
                template, variant.sink_negations(i), int(multiplicity[row]), int(first[row])
            )
            if row_ops is None:
                return [], -1
            ops += row_ops
            visited += 1
        ops += [g for w in _mask_state(variant, len(variant.rows) - 1) for g in _flip(w, updates)]
    return ops, visited


def _flip(weight: int, updates: dict[int, list[Gate]]) -> list[Gate]:
    """An X on a weight, and the CNOTs that keep the tables reading it true."""
    return [x(weight), *updates.get(weight, ())]


def _mask_state(variant: Variant, i: int) -> list[int]:
    """Weights that carry an X while row i of the variant runs."""
    return sorted(m.weight for m in variant.masks if variant.polarity[i, m.column] ^ m.negated)


def _mask_ops(variant: Variant, blocks: Blocks, updates: dict[int, list[Gate]]) -> dict[int, Op]:
    """Per polarity column that masks weights: the op flipping all of them (an X, or a call
    of a `mask` block: one gate call per changed input bit, however many neurons read it),
    with the tables' updates."""
    by_column: dict[int, list[int]] = {}
    for m in variant.masks:
        by_column.setdefault(m.column, []).append(m.weight)
    out: dict[int, Op] = {}
    for c, weights in sorted(by_column.items()):
        weights.sort()
        gates = [g for w in weights for g in _flip(w, updates)]
        out[c] = gates[0] if len(gates) == 1 else blocks.call("mask", gates)
    return out


def _run_then_free(instance: Instance) -> tuple[list[int], list[int]]:
    """After the forward pass: (its held qubits, the others, now free for the caller)."""
    return instance.work(instance.template.held), instance.work(instance.template.free)


def _tally_oracle(
    model: Model, sweep: Sweep, blocks: Blocks, pool: Pool, limit: int | None = None
) -> OracleCircuit | None:
    """Keep every example's correct bit, then flip where enough are set; None as soon as
    the circuit is wider than `limit` qubits."""
    terms: list[tuple[Lit, int]] = []
    held_bits: list[int] = []

    def step(t: Template, neg: tuple[bool, ...], multiplicity: int, first: int) -> list[Op] | None:
        if limit is not None and pool.high > limit:
            return None
        inst = place(t, pool)
        held, free = _run_then_free(inst)
        lits = inst.literals(neg)
        if t.last_held is not None and lits and lits[0].qubit in inst.work(t.last_held):
            # Bennett: the output neuron stays, everything before it is undone now.
            kept = inst.work(t.last_held)
            pool.give(free + [q for q in held if q not in kept])
            ops = [*inst.op(t.prefix), *inst.op(t.last), *inst.op(t.prefix, inverse=True)]
            lit, bits = lits[0], kept
        else:
            # The bit outlives the pass's undo, which needs the pass's scratch (`free`)
            # clean: take it before that scratch is back in the pool.
            (b,) = pool.take()
            pool.give(free)
            if len(lits) == 1:
                copy = [cx(lits[0].qubit, b)] + ([x(b)] if lits[0].negated else [])
            elif not lits:
                copy = [x(b)]
            else:
                tree, last, work = and_tree(lits, pool.take)
                copy = [*tree, *and_lits(last[0], last[1], b), *inverse(tree)]
                pool.give(work)
            pool.give(held)
            ops = [*inst.op(t.compute), *copy, *inst.op(t.compute, inverse=True)]
            lit, bits = Lit(b), [b]
        terms.append((lit, multiplicity))
        held_bits.extend(bits)
        return [blocks.call("correct_step", ops)]

    keep, visited = _visit(sweep, blocks, pool, step)
    if visited < 0:
        return None
    flip = phase_at_least_terms(
        terms, model.accept.min_correct, pool.take, pool.give, ccz=_ccz(model)
    )
    pool.give(held_bits)
    body = sweep.around([*keep, *([blocks.call("at_least", flip)] if flip else []), *invert(keep)])
    return OracleCircuit(blocks.call("oracle", body), None, 2 * visited)


def _streaming_counter(model: Model, sweep: Sweep, blocks: Blocks, pool: Pool) -> OracleCircuit:
    total = model.num_examples
    register = pool.take(counter_width(total))
    seen = 0
    memo: dict[tuple[object, ...], Op] = {}

    def step(t: Template, neg: tuple[bool, ...], multiplicity: int, first: int) -> list[Op]:
        nonlocal seen
        seen += multiplicity
        # The count so far fits in bit_length(seen) bits: carries never reach the rest.
        live = register[: max(1, seen.bit_length())]
        # Every row returns all it takes, so the pool is in the same state before each row
        # (its size and free count tell it): equal keys place the step on the same qubits.
        key = (id(t), pool.high, len(pool.free), len(live), multiplicity, neg)
        if key not in memo:
            inst = place(t, pool)
            held, free = _run_then_free(inst)
            pool.give(free)
            lits = inst.literals(neg)
            add = add_controlled(live, lits, multiplicity, pool.take, pool.give)
            ops = [*inst.op(t.compute), *add, *inst.op(t.compute, inverse=True)]
            pool.give(held)
            memo[key] = blocks.call("count_step", ops)
        return [memo[key]]

    ops, visited = _visit(sweep, blocks, pool, step)
    count = blocks.call("count_correct", ops)
    terms = [(Lit(q), 1 << i) for i, q in enumerate(register)]
    flip = phase_at_least_terms(
        terms, model.accept.min_correct, pool.take, pool.give, seen, _ccz(model)
    )
    pool.give(register)
    oracle = sweep.around([count, *flip, *invert([count])])
    role = "counter of correctly classified examples"
    return OracleCircuit(
        blocks.call("oracle", oracle),
        Register("counter", register[0], len(register), role),
        2 * visited,
    )


def _phase_oracle(
    model: Model, sweep: Sweep, census: Census | None, blocks: Blocks, pool: Pool
) -> OracleCircuit:
    width = model.oracle.precision or counter_width(model.num_examples)
    register = pool.take(width)
    start = register[0]
    step_angle = model.oracle.step
    assert step_angle is not None

    def step(t: Template, neg: tuple[bool, ...], multiplicity: int, first: int) -> list[Op]:
        inst = place(t, pool)
        held, free = _run_then_free(inst)
        pool.give(free)
        lits = inst.literals(neg)
        kick: list[Gate] = []
        for j, q in enumerate(register):
            angle = step_angle.times(multiplicity * 2**j)
            kick += mcp_tree([*lits, Lit(q)], angle, pool.take, pool.give)
        pool.give(held)
        if not kick:  # the row adds a whole turn; with a table its pass may be empty too
            return []
        return [
            blocks.call(
                "phase_step", [*inst.op(t.compute), *kick, *inst.op(t.compute, inverse=True)]
            )
        ]

    sweep_ops, visited = _visit(sweep, blocks, pool, step)
    hadamards: list[Op] = [Gate("h", (q,)) for q in register]
    estimate = blocks.call("phase_estimation", [*hadamards, *sweep_ops, *qft_dagger(register)])
    values = phase_readout(model, census)
    flip: list[Gate] = []
    for v in sorted({bit_reverse(v, width) for v in values}):
        lits = [Lit(q, not (v >> i) & 1) for i, q in enumerate(register)]
        flip += phase_all(lits, pool.take, pool.give, _ccz(model))
    pool.give(register)
    oracle = sweep.around([estimate, *flip, *invert([estimate])])
    role = "phase-estimation register (reads the correct count)"
    return OracleCircuit(
        blocks.call("oracle", oracle),
        Register("phase_register", start, width, role),
        2 * visited,
    )


def phase_readout(model: Model, census: Census | None) -> list[int]:
    """The phase-register values to mark, after checking the read-out is exact.

    Count c reads as v = c * step * 2^P / (2 pi). Exact when every reachable count gives an
    integer v and no marked count shares its v (mod 2^P) with an unmarked one.
    """
    step, p = model.oracle.step, model.oracle.precision
    assert step is not None and p is not None
    k = model.accept.min_correct
    counts = census.reachable if census else tuple(range(model.num_examples + 1))
    where = model.spans.oracle

    def fail(message: str) -> CompileError:
        return CompileError([Diagnostic.at(where, message, model.source)])

    assert step.pi_multiple is not None  # the checker refuses a step in radians
    ratio = step.pi_multiple * 2**p / 2
    marked: dict[int, int] = {}
    unmarked: dict[int, int] = {}
    for c in counts:
        v = Fraction(c) * ratio
        if v.denominator != 1:
            raise fail(
                f"precision {p} with step {step} cannot read the count {c} exactly "
                f"(it falls between two register values); use step 2*pi/{2**p} or a larger "
                f"precision"
            )
        (marked if c >= k else unmarked)[int(v) % 2**p] = c
    clash = sorted(set(marked) & set(unmarked))
    if clash:
        v = clash[0]
        raise fail(
            f"precision {p} with step {step} reads the counts {unmarked[v]} and {marked[v]} "
            f"as the same value {v}; use a larger precision or a smaller step"
        )
    return sorted(marked)
