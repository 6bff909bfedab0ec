"""Quantinuum's emulator PECOS (pytket-pecos) as a pytket backend for an H-series device.

`PecosBackend("H2-1")` compiles and validates exactly as the device does (it delegates to
pytket-quantinuum's offline `QuantinuumBackend` for that device) and runs circuits on
PECOS's state-vector simulator, with the device's published error rates from the
extension's machine list (`noise_specs`): single-qubit gate error `p1`, two-qubit gate
error `p2` and the measurement error (the mean of `p_meas_0` and `p_meas_1`), through PECOS's
`GenericErrorModel` (which turns these average infidelities into depolarising rates).
Memory (idling) and measurement crosstalk errors are listed for the devices too but are not
modelled, nor is state preparation error (not published). `noisy=False` emulates exactly.

Results stay in this process (as with Aer): `persistent_handles` is False.

pytket-pecos's own `Emulator.run` assumes PECOS prints each register exactly as wide as
it is declared; PECOS 0.10 prints one more bit, which shifts the bits of every later
register. So the registers' values are read as integers here, bit i of register r being
`value >> i & 1`, whatever the printed width.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any
from uuid import uuid4

from pytket.backends import CircuitStatus, ResultHandle, StatusEnum
from pytket.backends.backend_exceptions import CircuitNotRunError
from pytket.backends.backendresult import BackendResult
from pytket.circuit import Circuit
from pytket.extensions.quantinuum import QuantinuumAPIOffline, QuantinuumBackend
from pytket.utils.outcomearray import OutcomeArray

from qbnnc.diagnostics import CompileError, Diagnostic
from qbnnc.targets import needs_packages
from qbnnc.targets.quantinuum import CompiledAsDevice

if TYPE_CHECKING:
    from pytket.backends import Backend

    from qbnnc.targets import Target


def noise_parameters(device: QuantinuumBackend) -> dict[str, Any]:
    """PECOS `GenericErrorModel` parameters from the device's published noise specs."""
    specs = device.backend_info.misc.get("noise_specs") if device.backend_info else None
    if not specs:
        raise ValueError(f"no published noise specs for {device.backend_info}")
    spam = specs["spam_error"]
    return {
        "p1": specs["1q_gate_error"]["p1"],
        "p2": specs["2q_gate_error"]["p2"],
        "p_meas": (spam["p_meas_0"] + spam["p_meas_1"]) / 2,
        "p_prep": 0.0,
    }


def _error_model(params: dict[str, Any]) -> Any:  # a PECOS error model
    try:  # PECOS >= 0.10 moved error models to pecos.noise
        from pecos.noise.generic_error_model import GenericErrorModel
    except ImportError:
        from pecos.error_models.generic_error_model import GenericErrorModel
    return GenericErrorModel(params)


class PecosBackend(CompiledAsDevice):
    """An H-series device emulated by PECOS (see the module docstring)."""

    _supports_shots = True
    _supports_counts = True
    _supports_contextual_optimisation = False
    _persistent_handles = False

    def __init__(self, device: str, noisy: bool = True) -> None:
        super().__init__()
        self.device = QuantinuumBackend(device, api_handler=QuantinuumAPIOffline())
        self.noise = noise_parameters(self.device) if noisy else None

    def process_circuits(
        self,
        circuits: Sequence[Circuit],
        n_shots: int | Sequence[int | None] | None = None,
        valid_check: bool = True,
        **kwargs: Any,  # pytket's kwargs; `seed` is read
    ) -> list[ResultHandle]:
        from pytket_pecos import Emulator

        circuits = list(circuits)
        shots = self._check_shots(circuits, n_shots)
        if valid_check:
            self._check_all_circuits(circuits)
        seed = kwargs.get("seed")
        handles = []
        for circuit, n in zip(circuits, shots, strict=True):
            error_model = _error_model(self.noise) if self.noise is not None else None
            emulator = Emulator(circuit, error_model=error_model, qsim="state-vector", seed=seed)
            raw = emulator.engine.run(emulator.phir, foreign_object=None, shots=n)
            handle = ResultHandle(str(uuid4()))
            self._cache[handle] = {"result": _result(circuit, raw, n)}
            handles.append(handle)
            if seed is not None:
                seed += 1
        return handles

    def _check_shots(
        self, circuits: list[Circuit], n_shots: int | Sequence[int | None] | None
    ) -> list[int]:
        wanted = [n_shots] * len(circuits) if not isinstance(n_shots, Sequence) else n_shots
        if any(n is None or n < 1 for n in wanted):
            raise ValueError("PecosBackend needs a number of shots (at least 1) per circuit")
        return [int(n) for n in wanted]  # type: ignore[arg-type]

    def circuit_status(self, handle: ResultHandle) -> CircuitStatus:
        if handle not in self._cache:
            raise CircuitNotRunError(handle)
        return CircuitStatus(StatusEnum.COMPLETED)


def _result(circuit: Circuit, raw: dict[str, list[str]], shots: int) -> BackendResult:
    """PECOS's printed registers as a BackendResult over the circuit's bits."""
    values = {
        name: [int(s, 2) % (1 << 64) for s in strings]  # a negative i64 printed with "-"
        for name, strings in raw.items()
    }
    bits = circuit.bits
    readouts = [
        [(values[b.reg_name][shot] >> b.index[0]) & 1 if b.reg_name in values else 0 for b in bits]
        for shot in range(shots)
    ]
    return BackendResult(c_bits=bits, shots=OutcomeArray.from_readouts(readouts))


def emulator(target: Target) -> Backend:
    """Quantinuum's emulator PECOS with the device's published error rates (`PecosBackend`).

    pytket-pecos is optional (the `quantinuum` extra installs it): without it, emulating is
    an error naming the pip line, not a silent noiseless stand-in.
    """
    assert target.device is not None
    missing = [r.pip for r in target.emulator_requires if not r.installed()]
    if missing:
        who = f"emulating target '{target.name}' (Quantinuum's emulator PECOS)"
        raise CompileError([Diagnostic(None, 0, 0, needs_packages(who, missing, target.extra))])
    return PecosBackend(target.device)
