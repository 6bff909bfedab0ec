"""Amazon Braket: the programs qbnnc writes, made runnable on Braket's local simulator.

Braket's simulator (amazon-braket-default-simulator) resolves `include "stdgates.inc"` by
opening that file in the process's working directory, and ships none. With the reference
stdgates.inc (cx defined as `ctrl @ x`, as Qiskit's copy has it) version 1.41 simulates
some programs wrongly, so qbnnc ships its own, `braket_stdgates.inc`, which maps the gate
names qbnnc writes onto Braket's built-in gates. `source` splices it in place of the
include, so the program runs from any directory. Version 1.41 also fails (a numba typing
error) on a controlled gate written with `ctrl @` on states of a dozen qubits, so `source`
writes each `ctrl(2) @ z` as a Toffoli (Braket's built-in `ccnot`) between Hadamards; the
text is otherwise unchanged.
"""

from __future__ import annotations

import re
from importlib.resources import files

INCLUDE = 'include "stdgates.inc";\n'


def stdgates() -> str:
    """Braket's definitions of the stdgates.inc names qbnnc writes."""
    return files("qbnnc.targets").joinpath("braket_stdgates.inc").read_text(encoding="utf-8")


def source(qasm: str) -> str:
    """`qasm` (a qbnnc OpenQASM 3 program) with its stdgates include replaced for Braket."""
    if INCLUDE not in qasm:
        raise ValueError("not an OpenQASM 3 program that includes stdgates.inc")
    return _CONTROLLED_Z.sub(_via_x, qasm.replace(INCLUDE, stdgates(), 1))


# A statement `ctrl(2) @ z c1, c2, t;` as qbnnc prints it (one per line).
_CONTROLLED_Z = re.compile(r"^(\s*)ctrl\(2\) @ z ([^;]+);$", re.M)


def _via_x(m: re.Match[str]) -> str:
    indent, operands = m.group(1), m.group(2)
    target = operands.rsplit(",", 1)[-1].strip()
    return f"{indent}h {target}; ccx {operands}; h {target};"
