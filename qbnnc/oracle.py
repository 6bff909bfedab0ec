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

from qbnnc.arith import (
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
from qbnnc.circuit import Block, Call, Gate, Op, Register, count_ops, invert
from qbnnc.dataflow import Correct, Dataflow
from qbnnc.decompose import toffoli_count
from qbnnc.diagnostics import CompileError, Diagnostic
from qbnnc.lower import Blocks, Forward, Pool, lower_forward
from qbnnc.model import Model
from qbnnc.semantics import Census

OptimizeFor = Literal["gates", "qubits"]


@dataclass(frozen=True)
class OracleCircuit:
    call: Call
    register: Register | None  # a named register (counter, phase register) if the oracle has one
    plan: str = ""


def counter_width(num_examples: int) -> int:
    """Bits that hold every count 0..examples."""
    return max(1, num_examples.bit_length())


_Option = tuple[tuple[int, int], "OracleCircuit", Blocks, Pool]  # (cost key, oracle, state)


def build_oracle(
    model: Model,
    df: Dataflow,
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
        return _phase_oracle(model, df, census, blocks, pool), blocks, pool

    def build(plan: Callable[[Blocks, Pool], OracleCircuit | None]) -> _Option | None:
        b, p = Blocks(list(blocks.blocks), dict(blocks.by_body), blocks.names.copy()), pool.copy()
        oracle = plan(b, p)
        if oracle is None:
            return None
        cost = _toffolis(oracle.call, {blk.name: blk for blk in b.blocks})
        return ((cost, p.high) if optimize_for == "gates" else (p.high, cost)), oracle, b, p

    streaming = build(lambda b, p: _streaming_counter(model, df, b, p))
    assert streaming is not None
    limit = streaming[3].high if optimize_for == "qubits" else None
    tally = build(lambda b, p: _tally_oracle(model, df, b, p, limit))
    options = [streaming] if tally is None else [tally, streaming]  # the tally wins ties
    _, oracle, b, p = min(options, key=lambda o: o[0])
    return oracle, b, p


def _toffolis(call: Call, blocks: dict[str, Block]) -> int:
    from qbnnc.circuit import Circuit

    c = Circuit(0, tuple(blocks.values()), (call,), (), ())
    return sum(k * v for k, v in count_ops(c, toffoli_count).items())


def _sinks(df: Dataflow) -> list[tuple[int, int, int]]:
    """(sink, multiplicity, first original example) of every sink."""
    out = []
    for sink in df.sinks:
        op = df.op(sink)
        assert isinstance(op, Correct)
        out.append((sink, op.multiplicity, op.examples[0]))
    return out


def _weight_qubit(i: int) -> int:
    return i


def _keep_correct_bit(fwd: Forward, pool: Pool) -> tuple[list[Op], Lit, list[int]]:
    """Ops leaving only the example's correct bit computed: its literal and held qubits."""
    if fwd.last_held is not None:
        # Bennett: the output neuron stays, everything before it is undone now.
        keep = set(fwd.last_held)
        pool.give([q for q in fwd.held if q not in keep])
        return [*fwd.compute, *invert(fwd.compute[:-1])], fwd.literals[0], fwd.last_held
    (b,) = pool.take()
    lits = fwd.literals
    if len(lits) == 1:
        copy = [cx(lits[0].qubit, b)] + ([x(b)] if lits[0].negated else [])
    else:
        tree, last, work = and_tree(lits, pool.take)
        copy = [*tree, *and_lits(last[0], last[1], b), *inverse(tree)]
        pool.give(work)
    pool.give(fwd.held)
    return [*fwd.compute, *copy, *invert(fwd.compute)], Lit(b), [b]


def _tally_oracle(
    model: Model, df: Dataflow, blocks: Blocks, pool: Pool, limit: int | None = None
) -> OracleCircuit | None:
    """Keep every example's correct bit, then flip where enough are set; None as soon as
    the circuit is wider than `limit` qubits."""
    keep: list[Op] = []
    terms: list[tuple[Lit, int]] = []
    held: list[int] = []
    for sink, multiplicity, first in _sinks(df):
        if limit is not None and pool.high > limit:
            return None
        fwd = lower_forward(df, sink, _weight_qubit, pool, blocks)
        if fwd.never:
            continue
        ops, lit, qubits = _keep_correct_bit(fwd, pool)
        keep.append(blocks.call(f"correct_e{first}", ops))
        terms.append((lit, multiplicity))
        held += qubits
    flip = phase_at_least_terms(terms, model.accept.min_correct, pool.take, pool.give)
    pool.give(held)
    body = [*keep, *([blocks.call("at_least", flip)] if flip else []), *invert(keep)]
    return OracleCircuit(blocks.call("oracle", body), None, "tally")


def _streaming_counter(model: Model, df: Dataflow, blocks: Blocks, pool: Pool) -> OracleCircuit:
    total = model.num_examples
    register = pool.take(counter_width(total))
    ops: list[Op] = []
    seen = 0
    for sink, multiplicity, first in _sinks(df):
        fwd = lower_forward(df, sink, _weight_qubit, pool, blocks)
        if fwd.never:
            continue
        seen += multiplicity
        # The count so far fits in bit_length(seen) bits: carries never reach the rest.
        live = register[: max(1, seen.bit_length())]
        add = add_controlled(live, fwd.literals, multiplicity, pool.take, pool.give)
        ops.append(blocks.call(f"count_e{first}", [*fwd.compute, *add, *invert(fwd.compute)]))
        pool.give(fwd.held)
    count = blocks.call("count_correct", ops)
    terms = [(Lit(q), 1 << i) for i, q in enumerate(register)]
    flip = phase_at_least_terms(terms, model.accept.min_correct, pool.take, pool.give, seen)
    pool.give(register)
    oracle = [count, *flip, *invert([count])]
    start = register[0]
    role = "counter of correctly classified examples"
    return OracleCircuit(
        blocks.call("oracle", oracle), Register("counter", start, len(register), role), "counter"
    )


def _phase_oracle(
    model: Model, df: Dataflow, census: Census | None, blocks: Blocks, pool: Pool
) -> OracleCircuit:
    width = model.oracle.precision or counter_width(model.num_examples)
    register = pool.take(width)
    start = register[0]
    step = model.oracle.step
    assert step is not None
    sweep: list[Op] = []
    for sink, multiplicity, first in _sinks(df):
        fwd = lower_forward(df, sink, _weight_qubit, pool, blocks)
        if fwd.never:
            continue
        kick: list[Gate] = []
        for j, q in enumerate(register):
            angle = step.times(multiplicity * 2**j)
            kick += mcp_tree([*fwd.literals, Lit(q)], angle, pool.take, pool.give)
        body = [*fwd.compute, *kick, *invert(fwd.compute)]
        sweep.append(blocks.call(f"phase_e{first}", body))
        pool.give(fwd.held)
    hadamards: list[Op] = [Gate("h", (q,)) for q in register]
    estimate = blocks.call("phase_estimation", [*hadamards, *sweep, *qft_dagger(register)])
    values = phase_readout(model, census)
    flip: list[Gate] = []
    for v in sorted({bit_reverse(v, width) for v in values}):
        lits = [Lit(q, not (v >> i) & 1) for i, q in enumerate(register)]
        flip += phase_all(lits, pool.take, pool.give)
    pool.give(register)
    oracle = [estimate, *flip, *invert([estimate])]
    role = "phase-estimation register (reads the correct count)"
    return OracleCircuit(
        blocks.call("oracle", oracle), Register("phase_register", start, width, role), "phase"
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
    where = model.spans.get("oracle")

    def fail(message: str) -> CompileError:
        return CompileError([Diagnostic.at(where, message, model.source)])

    if step.pi_multiple is None:
        raise fail(
            f"step {step} is not a rational multiple of pi, so phase estimation cannot read "
            f"the count exactly; write a step such as 2*pi/{2**p}"
        )
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
