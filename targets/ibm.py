"""IBM targets, compiled offline by pytket-qiskit from qiskit-ibm-runtime's fake backends.

A fake backend (e.g. `FakeTorino`) carries the device's configuration and calibration:
its ISA (CZ or ECR, Rz, SX, X), its coupling map and its error rates. pytket-qiskit's
`IBMQBackend` needs an IBM account to be constructed, but everything it checks and
compiles with comes from `IBMQBackend._get_backend_info(configuration, properties)`, which
is offline; `OfflineIBMQBackend` builds the vendor's backend from that alone, so
`valid_circuit` is the vendor's own check (gate set, directed connectivity, no symbols, no
fast feed-forward, qubit count).

The compilation is the vendor's level 2 (`IBMQBackend.pass_from_info`) with two changes
that keep it fast enough to run in tests and at the command line: FullPeepholeOptimise runs
once per distinct segment (see `device.py`), and routing is pytket's own noise-aware
placement and routing (`CXMappingPass`, respecting gate direction) instead of the vendor's
LightSABRE, which tries 50 layouts through Qiskit (14 s vs 2.5 s for the 3-2-1 task; pytket's
result here needs fewer two-qubit gates). After routing: the vendor's rebase to the ISA,
its single-qubit squash and RemoveRedundancies.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from pytket.backends import Backend
from pytket.circuit import Circuit, OpType
from pytket.extensions.qiskit import IBMQBackend
from pytket.passes import (
    AutoRebase,
    CXMappingPass,
    DecomposeBoxes,
    FullPeepholeOptimise,
    RemoveRedundancies,
    SequencePass,
)
from pytket.placement import NoiseAwarePlacement

from qbnnc.diagnostics import CompileError, Diagnostic
from qbnnc.targets.device import compile_segmented, with_device

if TYPE_CHECKING:
    from qbnnc.program import Program
    from qbnnc.targets import Target

# Single- and two-qubit gates an IBM ISA may have; the device's own set is the intersection.
_ONE_QUBIT = frozenset({OpType.Rz, OpType.SX, OpType.X, OpType.Rx, OpType.U3, OpType.U1})
_TWO_QUBIT = frozenset({OpType.CZ, OpType.ECR, OpType.CX})


class OfflineIBMQBackend(IBMQBackend):
    """pytket-qiskit's IBMQBackend for a fake device: no account, no submission.

    Only `backend_info` is set (from the fake backend's configuration and properties, by
    the vendor's own `_get_backend_info`), which is all that `required_predicates`,
    `valid_circuit` and `default_compilation_pass` read.
    """

    def __init__(self, fake: object) -> None:
        Backend.__init__(self)
        self.fake = fake
        self._backend_info = IBMQBackend._get_backend_info(
            fake.configuration(),  # type: ignore[attr-defined]
            fake.properties(),  # type: ignore[attr-defined]
        )

    def process_circuits(self, *args: object, **kwargs: object) -> list:  # type: ignore[override]
        raise NotImplementedError("an offline IBM backend compiles and validates only")


def fake_backend(name: str) -> object:
    """qiskit-ibm-runtime's fake backend class `name` (e.g. "FakeTorino"), instantiated."""
    from qiskit_ibm_runtime import fake_provider

    return getattr(fake_provider, name)()


@cache
def backend(name: str) -> OfflineIBMQBackend:
    return OfflineIBMQBackend(fake_backend(name))


def compilation(b: OfflineIBMQBackend) -> tuple[SequencePass, SequencePass]:
    """(per-segment optimisation, whole-circuit mapping and rebase) for the device."""
    info = b.backend_info
    one = set(info.gate_set & _ONE_QUBIT)
    primitive = one | set(info.gate_set & _TWO_QUBIT)
    optimise = SequencePass([DecomposeBoxes(), FullPeepholeOptimise()])
    placement = NoiseAwarePlacement(
        info.architecture,
        info.averaged_node_gate_errors,
        info.averaged_edge_gate_errors,
        info.averaged_readout_errors,
    )
    finish = SequencePass(
        [
            CXMappingPass(info.architecture, placement, directed_cx=True, delay_measures=False),
            AutoRebase(primitive),
            IBMQBackend.squash_pass_offline(one),
            RemoveRedundancies(),
        ]
    )
    return optimise, finish


def prepare(program: Program, target: Target) -> Program:
    """The program with `device`: its circuit routed to the device and in its ISA."""
    assert target.device is not None
    model = program.model
    b = backend(target.device)
    if model.uncompute == "measure" and not b.backend_info.supports_fast_feedforward:
        raise CompileError(
            [
                Diagnostic.at(
                    model.spans.get("uncompute"),
                    f"target '{target.name}' cannot run gates conditioned on a mid-circuit "
                    "measurement (its configuration has no fast feed-forward); use "
                    "`uncompute unitary` for this target",
                    model.source,
                )
            ]
        )
    optimise, finish = compilation(b)

    def run(p: SequencePass):  # noqa: ANN202
        def apply(c: Circuit) -> Circuit:
            p.apply(c)
            return c

        return apply

    device = compile_segmented(program.training, run(optimise), run(finish))
    return with_device(program, target, b, device)


def emulator(target: Target) -> Backend:
    """Aer with the fake device's noise model (pytket-qiskit's AerBackend): noisy shots.

    The device circuit is already in the device's gates and on its coupling map; compile
    it for this backend with optimisation level 0 so the emulation runs what the device
    would.
    """
    from pytket.extensions.qiskit import AerBackend
    from qiskit_aer.noise import NoiseModel

    assert target.device is not None
    return AerBackend(noise_model=NoiseModel.from_backend(backend(target.device).fake))
