"""Quantinuum H-series targets, compiled offline by pytket-quantinuum.

`QuantinuumBackend(device_name, api_handler=QuantinuumAPIOffline())` knows the devices'
gate sets without credentials; its own level-2 pass (FullPeepholeOptimise to TK2, then
ZZPhase, PhasedX and Rz) compiles each segment (see `device.py`), with qubit names kept so
the segments line up and the device circuit reads `w[i]`, `work[j]` as the program does.
The result passes the backend's own `valid_circuit`. The devices are all-to-all, so no
routing is needed; `uncompute measure` circuits (mid-circuit measurement, conditionals)
are supported by the devices and compiled whole.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from pytket.circuit import Circuit, OpType
from pytket.extensions.quantinuum import (
    QuantinuumAPIOffline,
    QuantinuumBackend,
    QuantinuumBackendCompilationConfig,
)
from pytket.passes import AutoSquash, RemoveRedundancies, SequencePass

from qbnnc.diagnostics import CompileError, Diagnostic
from qbnnc.targets.device import compile_segmented, with_device

if TYPE_CHECKING:
    from pytket.backends import Backend

    from qbnnc.program import Program
    from qbnnc.targets import Target

OPTIMISATION_LEVEL = 2


@cache
def backend(device: str) -> QuantinuumBackend:
    """The offline backend of `device` (e.g. "H2-1"): compiles and validates, never submits."""
    config = QuantinuumBackendCompilationConfig(preserve_qubit_names=True)
    return QuantinuumBackend(
        device_name=device, api_handler=QuantinuumAPIOffline(), compilation_config=config
    )


def prepare(program: Program, target: Target) -> Program:
    """The program with `device`: its circuit compiled for the H-series device."""
    assert target.device is not None
    b = backend(target.device)

    def optimise(segment: Circuit) -> Circuit:
        return b.get_compiled_circuit(segment, optimisation_level=OPTIMISATION_LEVEL)

    def finish(whole: Circuit) -> Circuit:
        # The vendor pass's own tail, across the segments' seams.
        squash = AutoSquash({OpType.PhasedX, OpType.Rz})
        SequencePass([RemoveRedundancies(), squash, RemoveRedundancies()]).apply(whole)
        return whole

    device = compile_segmented(program.training, optimise, finish)
    return with_device(program, target, b, device)


def emulator(target: Target) -> Backend:
    """Quantinuum's emulator PECOS with the device's published error rates (`pecos.py`).

    pytket-pecos is optional (the `quantinuum` extra installs it): without it, emulating is
    an error naming the pip line, not a silent noiseless stand-in.
    """
    assert target.device is not None
    if any(not r.installed() for r in target.emulator_requires):
        raise CompileError(
            [
                Diagnostic(
                    None,
                    0,
                    0,
                    f"emulating target '{target.name}' needs Quantinuum's emulator PECOS, which "
                    "is not installed: pip install pytket-pecos (or: pip install "
                    "'qbnnc[quantinuum]')",
                )
            ]
        )
    from qbnnc.targets.pecos import PecosBackend

    return PecosBackend(target.device)
