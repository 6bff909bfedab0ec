"""IBM targets, compiled offline by pytket-qiskit from qiskit-ibm-runtime's fake backends.

A fake backend (e.g. `FakeTorino`) carries the device's configuration and calibration:
its ISA (CZ or ECR, Rz, SX, X), its coupling map and its error rates. pytket-qiskit's
`IBMQBackend` needs an IBM account to be constructed, but everything it checks and
compiles with comes from `IBMQBackend._get_backend_info(configuration, properties)`, which
is offline; `OfflineIBMQBackend` builds the vendor's backend from that alone, so
`valid_circuit` is the vendor's own check (gate set, directed connectivity, no symbols, no
fast feed-forward, qubit count).

Where the flat circuit fits (`device.FLAT_LIMIT`), several compilations are made and the
best is kept (`device.best`: fewer two-qubit gates, then lower depth), so that layout,
routing and optimisation all work across the seams between repeated blocks:

- Qiskit's preset pass managers at optimization levels 2 and 3 with the fake device's
  `Target` (LightSABRE layout and routing, IBM's own default), three fixed seeds each, on
  the flat circuit;
- pytket's re-synthesis (GreedyPauliSimp, as pytket-qiskit's own level 3 runs it) of the
  flat circuit, then Qiskit's level 3 for layout and routing, three seeds.

Past the limit: pytket's route segment by segment. FullPeepholeOptimise once per distinct
segment (see `device.py`), then pytket's noise-aware placement and routing
(`CXMappingPass`, respecting gate direction), the vendor's rebase to the ISA, its
single-qubit squash and RemoveRedundancies. (pytket-qiskit's default, level 2, on the flat
circuit is FullPeepholeOptimise whole: minutes for the paper's tasks, and more two-qubit
gates than either candidate above; docs/targets.md has the table.)
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache, partial
from typing import TYPE_CHECKING

from pytket.backends import Backend
from pytket.circuit import Circuit, OpType
from pytket.extensions.qiskit import IBMQBackend
from pytket.passes import (
    AutoRebase,
    CXMappingPass,
    DecomposeBoxes,
    FullPeepholeOptimise,
    GreedyPauliSimp,
    RemoveBarriers,
    RemoveRedundancies,
    SequencePass,
)
from pytket.placement import NoiseAwarePlacement

from qbnnc.synthesis.training import TrainingCircuit
from qbnnc.targets.device import (
    RESYNTHESIS_TIMEOUT,
    best,
    compile_segmented,
    flat_body,
    measured,
    validated,
)

if TYPE_CHECKING:
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
            CXMappingPass(info.architecture, placement, directed_cx=True, delay_measures=True),
            AutoRebase(primitive),
            IBMQBackend.squash_pass_offline(one),
            RemoveRedundancies(),
        ]
    )
    return optimise, finish


# Qiskit's preset pass managers tried on the flat circuit: (optimization level, seed). The
# seeds are fixed so the output is the same bytes every run; SabreLayout's trial count is
# fixed too unless QISKIT_SABRE_ALL_THREADS is set.
QISKIT_RUNS = tuple((level, seed) for level in (2, 3) for seed in (1, 2, 3))
# ... and on pytket's re-synthesis of it.
RESYNTHESISED_RUNS = tuple((3, seed) for seed in (1, 2, 3))
# The gates GreedyPauliSimp reads (what pytket-qiskit's level 3 rebases to first).
_PAULI_INPUT = frozenset(
    {OpType.CX, OpType.H, OpType.X, OpType.Z, OpType.S, OpType.Sdg, OpType.T, OpType.Tdg}
    | {OpType.V, OpType.Vdg, OpType.Rx, OpType.Ry, OpType.Rz}
)


def qiskit_compiled(circuit: Circuit, b: OfflineIBMQBackend, level: int, seed: int) -> Circuit:
    """`circuit` compiled by Qiskit's preset pass manager for the fake device's `Target`
    (LightSABRE layout and routing, the vendor's own toolchain), back in pytket with each
    physical qubit i named `node[i]` as the backend's architecture names it."""
    from pytket.extensions.qiskit import qiskit_to_tk, tk_to_qiskit
    from pytket.unit_id import Node
    from qiskit.transpiler import generate_preset_pass_manager

    manager = generate_preset_pass_manager(
        optimization_level=level,
        target=b.fake.target,  # type: ignore[attr-defined]
        seed_transpiler=seed,
    )
    out = qiskit_to_tk(manager.run(tk_to_qiskit(circuit)))
    out.remove_blank_wires(keep_blank_classical_wires=True)
    out.rename_units({q: Node(q.index[0]) for q in out.qubits})  # type: ignore[arg-type]
    return out


def resynthesised(body: Circuit) -> Circuit:
    """pytket's GreedyPauliSimp re-synthesis of a measurement-free circuit (as pytket-qiskit's
    level 3 runs it; `only_reduce`: kept only if it has fewer two-qubit gates), with its
    implicit wire permutation made explicit for Qiskit, which has none."""
    c = body.copy()
    SequencePass(
        [
            DecomposeBoxes(),
            RemoveBarriers(),
            AutoRebase(set(_PAULI_INPUT)),
            GreedyPauliSimp(only_reduce=True, trials=10, thread_timeout=RESYNTHESIS_TIMEOUT),
        ]
    ).apply(c)
    c.replace_implicit_wire_swaps()
    return c


def device_circuit(training: TrainingCircuit, target: Target) -> Circuit:
    """The training circuit on the device's coupling map and in its ISA, the best of the
    candidates in this module's docstring."""
    assert target.device is not None
    b = backend(target.device)
    if training.measures_early and not b.backend_info.supports_fast_feedforward:
        raise training.origin.error(
            training.origin.uncompute,
            f"target '{target.name}' cannot run gates conditioned on a mid-circuit "
            "measurement (its configuration has no fast feed-forward); use "
            "`uncompute unitary` for this target",
        )
    body = flat_body(training)
    if body is None:
        optimise, finish = compilation(b)
        device = compile_segmented(training, _apply(optimise), _apply(finish))
        return validated(device, b, target)
    flat = measured(body.copy(), training)
    pauli = measured(resynthesised(body), training)
    candidates = [
        *(partial(qiskit_compiled, flat, b, level, seed) for level, seed in QISKIT_RUNS),
        *(partial(qiskit_compiled, pauli, b, level, seed) for level, seed in RESYNTHESISED_RUNS),
    ]
    return validated(best(candidates), b, target)


def _apply(p: SequencePass) -> Callable[[Circuit], Circuit]:
    def apply(c: Circuit) -> Circuit:
        p.apply(c)
        return c

    return apply


@cache
def emulator(target: Target) -> Backend:
    """Aer with the fake device's noise model (pytket-qiskit's AerBackend): noisy shots.
    Built once per target and process (the noise model of a 133-qubit device takes seconds).

    The device circuit is already in the device's gates and on its coupling map; compile
    it for this backend with optimisation level 0 so the emulation runs what the device
    would.
    """
    from pytket.extensions.qiskit import AerBackend
    from qiskit_aer.noise import NoiseModel

    assert target.device is not None
    return AerBackend(noise_model=NoiseModel.from_backend(backend(target.device).fake))
