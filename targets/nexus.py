"""Quantinuum's devices and cloud emulators through Quantinuum Nexus (the `qnexus` client).

Since pytket-quantinuum 0.56 that extension only compiles and emulates locally; jobs go to
the devices (`H2-1`), their cloud emulators (`H2-1E`) and syntax checkers (`H2-1SC`)
through Nexus. `NexusBackend(device)` is a pytket backend that compiles and validates
as pytket-quantinuum does for the device (offline, from the extension's machine list) and
submits through qnexus: the circuit is uploaded to the Nexus project `qbnnc`, an execute
job started, and its id is the result handle, which stays valid in any later process
(`persistent_handles`). Credentials are qnexus's own: `qnx.login()` once stores tokens
under `~/.qnx`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pytket.backends import CircuitStatus, ResultHandle, StatusEnum
from pytket.backends.backendresult import BackendResult
from pytket.circuit import Circuit
from pytket.extensions.quantinuum import QuantinuumAPIOffline, QuantinuumBackend

from qbnnc.targets.quantinuum import CompiledAsDevice

PROJECT = "qbnnc"
# Nexus job states, as pytket's.
_STATUS = {
    "COMPLETED": StatusEnum.COMPLETED,
    "QUEUED": StatusEnum.QUEUED,
    "SUBMITTED": StatusEnum.SUBMITTED,
    "RUNNING": StatusEnum.RUNNING,
    "RETRYING": StatusEnum.RUNNING,
    "CANCELLING": StatusEnum.CANCELLING,
    "CANCELLED": StatusEnum.CANCELLED,
    "TERMINATED": StatusEnum.CANCELLED,
    "DEPLETED": StatusEnum.ERROR,
    "ERROR": StatusEnum.ERROR,
}


def machine(device: str) -> str | None:
    """The hardware whose data describes `device` (H2-1 for H2-1, H2-1E and H2-1SC), or None."""
    for m in QuantinuumAPIOffline().get_machine_list():
        if device in (m["name"], m.get("emulator"), m.get("syntax_checker")):
            return str(m["name"])
    return None


def devices() -> list[str]:
    """Every device name the extension knows: hardware, emulators, syntax checkers."""
    out = []
    for m in QuantinuumAPIOffline().get_machine_list():
        out += [m["name"], m.get("emulator"), m.get("syntax_checker")]
    return [d for d in out if d]


def logged_in() -> bool:
    """Whether qnexus holds tokens (read from its files: no network request)."""
    from qnexus.client.utils import read_token

    try:
        return bool(read_token("refresh_token"))
    except Exception:  # a missing or unreadable token file: not logged in
        return False


class NexusBackend(CompiledAsDevice):
    """A Quantinuum device (or its cloud emulator) through Nexus (see the module docstring)."""

    _supports_shots = True
    _supports_counts = True
    _supports_contextual_optimisation = False
    _persistent_handles = True

    def __init__(self, device: str) -> None:
        super().__init__()
        hardware = machine(device)
        if hardware is None:
            raise ValueError(f"unknown Quantinuum device '{device}'")
        self.device_name = device
        self.device = QuantinuumBackend(hardware, api_handler=QuantinuumAPIOffline())

    def process_circuits(
        self,
        circuits: Sequence[Circuit],
        n_shots: int | Sequence[int | None] | None = None,
        valid_check: bool = True,
        **kwargs: Any,  # pytket's kwargs; none are used
    ) -> list[ResultHandle]:
        import qnexus as qnx

        circuits = list(circuits)
        if valid_check:
            self._check_all_circuits(circuits)
        shots = [n_shots] * len(circuits) if not isinstance(n_shots, Sequence) else n_shots
        project = qnx.projects.get_or_create(name=PROJECT)
        handles = []
        for circuit, n in zip(circuits, shots, strict=True):
            name = circuit.name or "qbnnc"
            ref = qnx.circuits.upload(circuit=circuit, name=name, project=project)
            job = qnx.start_execute_job(
                programs=[ref],
                n_shots=[n],
                backend_config=qnx.QuantinuumConfig(device_name=self.device_name),
                name=name,
                project=project,
            )
            handles.append(ResultHandle(str(job.id)))
        return handles

    def circuit_status(self, handle: ResultHandle) -> CircuitStatus:
        import qnexus as qnx

        status = qnx.jobs.status(qnx.jobs.get(id=str(handle[0])))
        name = getattr(status.status, "name", str(status.status))
        return CircuitStatus(_STATUS.get(name, StatusEnum.ERROR), str(status.message or ""))

    def get_result(self, handle: ResultHandle, **kwargs: Any) -> BackendResult:
        import qnexus as qnx

        job = qnx.jobs.get(id=str(handle[0]))
        qnx.jobs.wait_for(job)
        result = qnx.jobs.results(job)[0].download_result()
        assert isinstance(result, BackendResult)
        return result
