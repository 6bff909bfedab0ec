"""Amazon Braket: the programs qbnnc writes, made runnable on Braket's local simulator.

Braket's simulator (amazon-braket-default-simulator) resolves `include "stdgates.inc"` by
opening that file in the process's working directory, and ships none. With the reference
stdgates.inc (cx defined as `ctrl @ x`, as Qiskit's copy has it) version 1.41 simulates
some programs wrongly, so qbnnc ships its own, `braket_stdgates.inc`, which maps the gate
names qbnnc writes onto Braket's built-in gates. `source` splices it in place of the
include, so the program runs from any directory; the text is otherwise unchanged.
"""

from __future__ import annotations

from importlib.resources import files

INCLUDE = 'include "stdgates.inc";\n'


def stdgates() -> str:
    """Braket's definitions of the stdgates.inc names qbnnc writes."""
    return files("qbnnc.targets").joinpath("braket_stdgates.inc").read_text(encoding="utf-8")


def source(qasm: str) -> str:
    """`qasm` (a qbnnc OpenQASM 3 program) with its stdgates include replaced for Braket."""
    if INCLUDE not in qasm:
        raise ValueError("not an OpenQASM 3 program that includes stdgates.inc")
    return qasm.replace(INCLUDE, stdgates(), 1)
