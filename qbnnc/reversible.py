"""Classical simulation of reversible (X-family) gates on basis states, for checking blocks.

A basis state is an int whose bit q is qubit q. Phase gates (z, p) leave basis states where
they are, so they are skipped: this checks a block's classical action, not its phases.
"""

from __future__ import annotations

from collections.abc import Iterable

from qbnnc.circuit import Gate

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
        if all((state >> c) & 1 for c in controls):
            state ^= 1 << target
    return state
