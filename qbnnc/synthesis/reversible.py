"""Classical simulation of reversible (X-family) gates on basis states, for checking blocks.

A basis state is an int whose bit q is qubit q. Phase gates (z, p) leave basis states where
they are, so they are skipped: this checks a block's classical action, not its phases.
"""

from __future__ import annotations

from collections.abc import Iterable

from qbnnc.synthesis.circuit import Gate

_PHASE_ONLY = frozenset({"z", "p", "s", "sdg", "t", "tdg", "rz"})


def run_classical(gates: Iterable[Gate], state: int) -> int:
    for g in gates:
        if g.name in _PHASE_ONLY:
            continue
        if g.name == "swap" and not g.controls:
            a, b = g.qubits
            if ((state >> a) ^ (state >> b)) & 1:
                state ^= (1 << a) | (1 << b)
            continue
        if g.name != "x":
            raise ValueError(f"{g.name} does not map basis states to basis states")
        *controls, target = g.qubits
        fires = all((state >> c) & 1 for c in controls)
        if g.temp is not None and ((state >> target) & 1) != (fires and g.temp == "uncompute"):
            raise ValueError(f"temporary AND {g} finds its target in the wrong state")
        if fires:
            state ^= 1 << target
    return state


def run_signed(gates: Iterable[Gate], state: int) -> tuple[int, int]:
    """The basis state and the sign (+1 or -1) that X-family gates and (controlled) Z give it.

    Checks phase oracles built from CZs and ANDs; other phase gates raise.
    """
    sign = 1
    for g in gates:
        if g.name == "z":
            if all((state >> q) & 1 for q in g.qubits):
                sign = -sign
            continue
        if g.name in _PHASE_ONLY:
            raise ValueError(f"{g.name} gives a phase other than -1")
        state = run_classical([g], state)
    return state, sign
