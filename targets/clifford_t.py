"""The `clifford+t` target: every gate in `h s sdg t tdg x z cx` (and measurement).

The expansion is the cost model's own (`qbnnc.synthesis.decompose.prepare_clifford_t`), so the T
count `stats` reports is the T count of the program this target writes. Blocks stay
blocks (each gains the shared clean-ancilla register), so the structured OpenQASM 3 stays
small. A phase that is not a multiple of pi/4 has no exact Clifford+T form: that is an
error at the model's oracle line, since only the phase oracle writes such angles.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from qbnnc.synthesis.decompose import RotationError, prepare_clifford_t
from qbnnc.synthesis.training import TrainingCircuit

if TYPE_CHECKING:
    from qbnnc.targets import Target


def expand(training: TrainingCircuit, target: Target) -> TrainingCircuit:
    """The training circuit expanded into Clifford+T."""
    try:
        circuit = prepare_clifford_t(training.circuit)
    except RotationError as e:
        oracle = training.header.oracle
        hint = ""
        if oracle.kind == "phase":
            hint = (
                f" (the phase oracle with step {oracle.step} and precision {oracle.precision} "
                "needs rotations finer than pi/4: use a step that is a multiple of pi/4 with "
                "precision 3 or less, or `oracle counter`)"
            )
        raise training.origin.error(
            training.origin.oracle,
            f"target '{target.name}' cannot express this circuit exactly: {e}{hint}",
        ) from None
    # The header already names the target (targets.compile_for); only the qubits change.
    return training.with_circuit(circuit)
