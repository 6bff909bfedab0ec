"""`uncompute measure`: every temporary AND is undone by measurement instead of its mirror.

Gidney (arXiv:1709.06648): H on the AND's target, measure it, and on outcome 1 a CZ on the
two controls (the phase the measurement kicked back) and an X that resets the target. No T
gate, no Toffoli. The result is a dynamic circuit: mid-circuit bits go to their own
register (`and_bit`), never to `weights`.

Preserves: the program's action on the weights (the state after each fix is the state the
unitary uncompute leaves); block structure, with a separate block for each direction a
block is called in (a block that measures cannot be inverted).
"""

from __future__ import annotations

from dataclasses import replace

from qbnnc.synthesis.circuit import Block, Call, Circuit, Gate, Op, invert
from qbnnc.synthesis.decompose import measured_uncompute

REGISTER = "and_bit"


def measure_uncompute(circuit: Circuit, register: str = REGISTER) -> Circuit:
    """The circuit with every `temp == "uncompute"` gate replaced by a measured one."""
    blocks = circuit.block_map
    names = set(blocks)
    made: dict[tuple[str, bool], str] = {}
    out: list[Block] = []
    measured = False

    def rewrite(ops: tuple[Op, ...], inverse: bool) -> tuple[Op, ...]:
        nonlocal measured
        result: list[Op] = []
        for op in invert(ops) if inverse else ops:
            if isinstance(op, Gate) and op.temp == "uncompute":
                result += measured_uncompute(op, register, 0)
                measured = True
            elif isinstance(op, Call):
                result.append(Call(variant(op.block, op.inverse), op.qubits, False, op.repeat))
            else:
                result.append(op)
        return tuple(result)

    def variant(name: str, inverse: bool) -> str:
        key = (name, inverse)
        if key not in made:
            new = name
            if inverse:
                new = f"{name}_inv"
                while new in names:
                    new += "_"
                names.add(new)
            body = rewrite(blocks[name].body, inverse)
            made[key] = new
            out.append(replace(blocks[name], name=new, body=body))
        return made[key]

    body = rewrite(circuit.body, False)
    clbits = circuit.clbits + (((register, 1),) if measured else ())
    return replace(circuit, blocks=tuple(out), body=body, clbits=clbits)
