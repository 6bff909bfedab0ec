"""The oracles: mark the weight strings that classify at least `min_correct` examples.

Counter oracle (default, exact): each example's forward pass adds its multiplicity to a
binary counter when the example is classified correctly and is uncomputed at once; the
phase of counter >= K is flipped; the counting is undone.

Phase oracle (the paper's): each correct example adds the phase `step` (times 2^j on phase
qubit j) to its weight string; phase estimation reads the count into the phase register;
the values that meet `accept` get phase -1; the phase estimation is undone.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from qbnnc.arith import (
    Lit,
    add_constant,
    bit_reverse,
    mcp,
    phase_at_least,
    phase_on_values,
    qft_dagger,
)
from qbnnc.circuit import Call, Gate, Op, Register, invert
from qbnnc.dataflow import Correct, Dataflow
from qbnnc.diagnostics import CompileError, Diagnostic
from qbnnc.lower import Blocks, Pool, lower_forward
from qbnnc.model import Model
from qbnnc.semantics import Census


@dataclass(frozen=True)
class OracleCircuit:
    call: Call
    register: Register


def counter_width(num_examples: int) -> int:
    """Bits that hold every count 0..examples."""
    return max(1, num_examples.bit_length())


def build_oracle(
    model: Model, df: Dataflow, census: Census | None, blocks: Blocks, pool: Pool
) -> OracleCircuit:
    start = pool.high
    if model.oracle.kind == "counter":
        width = counter_width(model.num_examples)
        role = "counter of correctly classified examples"
    else:
        width = model.oracle.precision or counter_width(model.num_examples)
        role = "phase-estimation register (reads the correct count)"
    register = pool.take(width)
    assert register == list(range(start, start + width)), "the oracle register comes first"

    def weight_qubit(i: int) -> int:
        return i

    def sweep(name: str, action: callable) -> list[Op]:  # type: ignore[valid-type]
        ops: list[Op] = []
        for sink in df.sinks:
            fwd = lower_forward(df, sink, weight_qubit, pool, blocks)
            if fwd.never:
                continue
            multiplicity = df.op(sink).multiplicity
            assert isinstance(df.op(sink), Correct)
            first = df.op(sink).examples[0]
            body = [*fwd.compute, *action(fwd.literals, multiplicity), *invert(fwd.compute)]
            ops.append(blocks.call(f"{name}_e{first}", body))
            pool.give(fwd.held)
        return ops

    if model.oracle.kind == "counter":
        ops = sweep("count", lambda lits, m: add_constant(register, lits, m))
        count = blocks.call("count_correct", ops)
        flip = phase_at_least(register, model.accept.min_correct)
        oracle = [count, *flip, *invert([count])]
        name = "counter"
    else:
        step = model.oracle.step
        assert step is not None

        def kick(lits: list[Lit], m: int) -> list[Gate]:
            gates: list[Gate] = []
            for j, q in enumerate(register):
                gates += mcp([*lits, Lit(q)], step.times(m * 2**j))
            return gates

        hadamards: list[Op] = [Gate("h", (q,)) for q in register]
        estimate = blocks.call(
            "phase_estimation", [*hadamards, *sweep("phase", kick), *qft_dagger(register)]
        )
        values = phase_readout(model, census)
        flip = phase_on_values(register, [bit_reverse(v, width) for v in values])
        oracle = [estimate, *flip, *invert([estimate])]
        name = "phase_register"
    return OracleCircuit(blocks.call("oracle", oracle), Register(name, start, width, role))


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
