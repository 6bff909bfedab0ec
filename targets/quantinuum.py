"""Quantinuum H-series targets, compiled offline by pytket-quantinuum.

`QuantinuumBackend(device_name, api_handler=QuantinuumAPIOffline())` knows the devices'
gate sets without credentials. Its highest optimisation level (3: GreedyPauliSimp
re-synthesis, then ZZPhase, PhasedX and Rz) compiles the flat circuit where it fits
(`device.FLAT_LIMIT`); past it, its level 2 (FullPeepholeOptimise) compiles each segment
(see `device.py`). On the paper's tasks level 3 on the flat circuit has 3 to 5 times fewer
two-qubit gates than level 2 (docs/targets.md has the table), so level 2 is not tried
where the flat circuit fits (FullPeepholeOptimise on it takes minutes). Qubit names are kept, so
the segments line up and the device circuit reads `w[i]`, `work[j]` as the program does.
The measurements are added after compilation (GreedyPauliSimp leaves an implicit wire
permutation, which appending by name respects). The result passes the backend's own
`valid_circuit`. The devices are all-to-all, so no routing is needed; `uncompute measure`
circuits (mid-circuit measurement, conditionals) are supported by the devices and compiled
whole at level 2.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from pytket.backends import Backend
from pytket.backends.backendinfo import BackendInfo
from pytket.backends.resulthandle import _ResultIdTuple
from pytket.circuit import Circuit, OpType
from pytket.extensions.quantinuum import (
    QuantinuumAPIOffline,
    QuantinuumBackend,
    QuantinuumBackendCompilationConfig,
)
from pytket.passes import AutoSquash, BasePass, RemoveRedundancies, SequencePass
from pytket.predicates import Predicate

from qbnnc.synthesis.training import TrainingCircuit
from qbnnc.targets.device import (
    RESYNTHESIS_TIMEOUT,
    compile_segmented,
    flat_body,
    measured,
    validated,
)

if TYPE_CHECKING:
    from qbnnc.targets import Target

HIGHEST_LEVEL = 3  # the flat circuit
SEGMENT_LEVEL = 2  # each segment, and circuits with mid-circuit measurements


@cache
def backend(device: str) -> QuantinuumBackend:
    """The offline backend of `device` (e.g. "H2-1"): compiles and validates, never submits."""
    config = QuantinuumBackendCompilationConfig(preserve_qubit_names=True)
    return QuantinuumBackend(
        device_name=device, api_handler=QuantinuumAPIOffline(), compilation_config=config
    )


def device_circuit(training: TrainingCircuit, target: Target) -> Circuit:
    """The training circuit compiled for the H-series device."""
    assert target.device is not None
    b = backend(target.device)

    def optimise(segment: Circuit) -> Circuit:
        return b.get_compiled_circuit(segment, optimisation_level=SEGMENT_LEVEL)

    def finish(whole: Circuit) -> Circuit:
        # The vendor pass's own tail, across the segments' seams.
        squash = AutoSquash({OpType.PhasedX, OpType.Rz})
        SequencePass([RemoveRedundancies(), squash, RemoveRedundancies()]).apply(whole)
        return whole

    body = flat_body(training)
    if body is None:
        device = compile_segmented(training, optimise, finish)
    else:
        compiled = b.get_compiled_circuit(body, HIGHEST_LEVEL, timeout=RESYNTHESIS_TIMEOUT)
        device = measured(compiled, training)
    return validated(device, b, target)


class CompiledAsDevice(Backend):
    """A backend that runs circuits elsewhere (PECOS locally, Quantinuum Nexus remotely) but
    compiles and validates them as the device `self.device` does (pytket-quantinuum's
    backend with the offline API handler): the same passes, predicates and gate set."""

    device: QuantinuumBackend

    @property
    def backend_info(self) -> BackendInfo | None:
        return self.device.backend_info

    @property
    def required_predicates(self) -> list[Predicate]:
        return self.device.required_predicates

    def default_compilation_pass(self, optimisation_level: int = 2) -> BasePass:
        return self.device.default_compilation_pass(optimisation_level)

    def rebase_pass(self) -> BasePass:
        return self.device.rebase_pass()

    @property
    def _result_id_type(self) -> _ResultIdTuple:
        return (str,)
