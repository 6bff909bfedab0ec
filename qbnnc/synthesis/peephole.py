"""Peephole: cancel adjacent inverse pairs in every block of a circuit.

Two ops are adjacent when no op between them touches a qubit of theirs (ops on disjoint
qubits commute, so the pair may be brought together). An adjacent pair cancels when both
act on the same qubits and the second undoes the first: a gate and its inverse (X masks
`x q; x q`, a CNOT twice, a temporary AND and its uncompute: controls in any order; a
diagonal gate's qubits in any order), or a call and its inverse on the same qubits.
Removing a pair can make the ops around it adjacent; those cancel too (a stack per qubit),
so no block keeps a cancelling pair of this kind.

Preserves: every block's unitary (each removal deletes an identity), its arity and name,
so calls, the main body and the `TrainingCircuit` roles stay valid; measurements and
classically controlled ops are never moved or removed (they are barriers on their
qubits). The main body is left as it is: its shape (preparation, loop, measurements) is
part of the contract. A call on more than WIDE qubits (a whole forward pass at scale) is a
barrier for every qubit, so the pass stays linear in the ops; it still cancels with its
inverse when the two are next to each other in the body.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from qbnnc.synthesis.circuit import Call, Circuit, Gate, Measure, Op

WIDE = 64


def peephole(circuit: Circuit) -> Circuit:
    """`circuit` with every block's adjacent inverse pairs cancelled."""
    return replace(
        circuit, blocks=tuple(replace(b, body=cancel_pairs(b.body)) for b in circuit.blocks)
    )


@dataclass
class _Frame:
    """The ops kept since the last wide barrier: per qubit, the indices of those touching it."""

    last: dict[int, list[int]] = field(default_factory=dict)
    live: int = 0


def cancel_pairs(ops: tuple[Op, ...]) -> tuple[Op, ...]:
    """`ops` with adjacent inverse pairs removed, repeatedly (see the module docstring)."""
    kept: list[Op | None] = []
    frames = [_Frame()]
    for op in ops:
        qubits = _qubits(op)
        frame = frames[-1]
        if len(qubits) > WIDE:
            prev = _last_kept(kept)
            if frame.live == 0 and prev is not None and _undoes(kept[prev], op):
                kept[prev] = None
                frames.pop()
                frames[-1].live -= 1
                continue
            frame.live += 1
            kept.append(op)
            frames.append(_Frame())
            continue
        tops = {stack[-1] if (stack := frame.last.get(q)) else -1 for q in qubits}
        if len(tops) == 1 and (i := tops.pop()) >= 0:
            before = kept[i]
            assert before is not None
            if set(_qubits(before)) == set(qubits) and _undoes(before, op):
                kept[i] = None
                for q in qubits:
                    frame.last[q].pop()
                frame.live -= 1
                continue
        for q in qubits:
            frame.last.setdefault(q, []).append(len(kept))
        frame.live += 1
        kept.append(op)
    return tuple(op for op in kept if op is not None)


def _last_kept(kept: list[Op | None]) -> int | None:
    for i in range(len(kept) - 1, -1, -1):
        if kept[i] is not None:
            return i
    return None


def _qubits(op: Op) -> tuple[int, ...]:
    if isinstance(op, Measure):
        return (op.qubit,)
    return op.qubits


def _undoes(a: Op | None, b: Op) -> bool:
    """Whether `b` right after `a` is the identity."""
    if isinstance(a, Call) and isinstance(b, Call):
        return (a.block, a.qubits, a.repeat) == (b.block, b.qubits, b.repeat) and (
            a.inverse != b.inverse
        )
    if isinstance(a, Gate) and isinstance(b, Gate):
        try:
            undo = a.inverse()
        except ValueError:
            return False
        return _canonical(undo) == _canonical(b)
    return False  # measurements and classically controlled ops never cancel


def _canonical(g: Gate) -> tuple[object, ...]:
    """The gate up to what does not change it: the order of controls (and of all qubits for
    a diagonal gate), and whether a ccx is marked a temporary AND."""
    if g.name in ("z", "p"):
        return (g.name, frozenset(g.qubits), g.angle)
    return (g.name, frozenset(g.qubits[: g.controls]), g.qubits[g.controls :], g.controls, g.angle)
