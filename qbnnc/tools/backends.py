"""Backends by name: what `--backend` (run, train, submit) and `backend=` accept.

- `aer` (the default): qbnnc's own exact simulation (Aer statevector via OpenQASM 3).
- a target's name (`ibm-torino`, `quantinuum-h2`): the target's local emulator.
- `quantinuum:DEVICE`: a Quantinuum device (`H2-1`), its cloud emulator (`H2-1E`) or
  syntax checker (`H2-1SC`), through Nexus (`targets/nexus.py`; qnexus, logged in).
- `pecos[:DEVICE]`: Quantinuum's emulator PECOS, locally, with the device's (default
  H2-1) published error rates (`targets/pecos.py`; pytket-pecos).
- `ibm:DEVICE`: an IBM Quantum device (`ibm_torino`) through pytket-qiskit's IBMQBackend
  (a saved IBM Quantum account).
- `ibm:fake_DEVICE`: a qiskit-ibm-runtime fake device (`fake_torino`) through
  pytket-qiskit's IBMQEmulatorBackend: IBM's compilation and checks, run on Aer with the
  device's noise model; offline.
- `ibm-emulator:DEVICE`: IBMQEmulatorBackend for a real device (a saved account).
- `AerBackend`, ...: an installed pytket backend class that samples counts, made with no
  arguments.

From Python, any pytket `Backend` object is accepted as it is. Credentials are each
extension's own (qnexus's login, qiskit-ibm-runtime's saved account); a missing extension
or missing credentials is a one-line error naming the `pip install` line or the setup step.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from qbnnc.diagnostics import CompileError

if TYPE_CHECKING:
    from pytket.backends import Backend

BUILT_IN = ("aer", "generic")


def _error(message: str) -> CompileError:
    return CompileError.single(None, message)


def _installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


@dataclass(frozen=True)
class Vendor:
    """A `NAME[:DEVICE]` family: its packages and how a backend for a device is made (which
    checks the credentials the extension needs)."""

    name: str
    example: str
    packages: tuple[tuple[str, str], ...]  # (module, pip name)
    make: Callable[[str], Backend]
    default_device: str | None = None

    def require(self) -> None:
        for module, pip in self.packages:
            if not _installed(module):
                raise _error(
                    f"backend '{self.name}' needs the package {pip}, which is not installed: "
                    f"pip install {pip}"
                )


# --- Quantinuum -------------------------------------------------------------------------------


def _quantinuum(device: str) -> Backend:
    from qbnnc.targets import nexus

    if nexus.machine(device) is None:
        raise _error(
            f"unknown Quantinuum device '{device}'; the devices are: {', '.join(nexus.devices())}"
        )
    if not nexus.logged_in():
        raise _error(
            "backend 'quantinuum' needs Quantinuum Nexus credentials, and qnexus has none: "
            "log in once with: python -c 'import qnexus; qnexus.login()'"
        )
    return nexus.NexusBackend(device)


def _pecos(device: str) -> Backend:
    from qbnnc.targets import nexus
    from qbnnc.targets.pecos import PecosBackend

    hardware = nexus.machine(device)
    if hardware is None:
        raise _error(f"unknown Quantinuum device '{device}'; the devices are: H1-1, H2-1, H2-2")
    return PecosBackend(hardware)


# --- IBM --------------------------------------------------------------------------------------


def _fake(name: str) -> Any:  # noqa: ANN401 - a qiskit-ibm-runtime fake backend
    """qiskit-ibm-runtime's fake device `fake_torino` (or `FakeTorino`), or None."""
    from qiskit_ibm_runtime import fake_provider

    wanted = name.replace("_", "").lower()
    for attr in sorted(dir(fake_provider)):
        if attr.lower() == wanted and attr.startswith("Fake"):
            return getattr(fake_provider, attr)()
    return None


class _FakeService:
    """The one call of a runtime service that pytket-qiskit's IBMQBackend makes on
    construction (`service.backend(name, use_fractional_gates=...)`), answered by a
    qiskit-ibm-runtime fake device; qiskit-ibm-runtime's own QiskitRuntimeLocalService
    takes no `use_fractional_gates` and instantiates every fake device to find one."""

    def __init__(self, fake: Any) -> None:  # noqa: ANN401
        self.fake = fake

    def backend(self, name: str, **kwargs: Any) -> Any:  # noqa: ANN401
        return self.fake


def _ibm_account_error(e: Exception) -> CompileError:
    if type(e).__name__ == "AccountNotFoundError":
        return _error(
            "backend 'ibm' needs IBM Quantum credentials, and none are saved: save them once "
            "with: python -c 'from qiskit_ibm_runtime import QiskitRuntimeService; "
            'QiskitRuntimeService.save_account(token="...", channel="ibm_quantum_platform")\''
        )
    return _error(f"backend 'ibm' cannot reach IBM Quantum: {type(e).__name__}: {e}")


def _ibm(device: str, emulate: bool = False) -> Backend:
    from pytket.extensions.qiskit import IBMQBackend, IBMQEmulatorBackend

    if device.lower().startswith("fake"):
        fake = _fake(device)
        if fake is None:
            raise _error(
                f"unknown fake device '{device}' (qiskit-ibm-runtime's fake_provider has e.g. "
                "fake_torino, fake_brisbane)"
            )
        return IBMQEmulatorBackend(fake.name, service=_FakeService(fake))  # type: ignore[arg-type]
    try:
        return (IBMQEmulatorBackend if emulate else IBMQBackend)(device)
    except Exception as e:  # noqa: BLE001 - no account, no network, no such device
        raise _ibm_account_error(e) from None


_IBM_PACKAGES = (
    ("pytket.extensions.qiskit", "pytket-qiskit"),
    ("qiskit_ibm_runtime", "qiskit-ibm-runtime"),
    ("qiskit_aer", "qiskit-aer"),
)

VENDORS: dict[str, Vendor] = {
    v.name: v
    for v in (
        Vendor(
            "quantinuum",
            "quantinuum:H2-1E",
            (("pytket.extensions.quantinuum", "pytket-quantinuum"), ("qnexus", "qnexus")),
            _quantinuum,
        ),
        Vendor(
            "pecos",
            "pecos:H2-1",
            (
                ("pytket.extensions.quantinuum", "pytket-quantinuum"),
                ("pytket_pecos", "pytket-pecos"),
            ),
            _pecos,
            default_device="H2-1",
        ),
        Vendor(
            "ibm",
            "ibm:ibm_torino",
            _IBM_PACKAGES,
            _ibm,
        ),
        Vendor(
            "ibm-emulator",
            "ibm-emulator:ibm_torino",
            _IBM_PACKAGES,
            lambda device: _ibm(device, emulate=True),
        ),
    )
}


# --- resolution -------------------------------------------------------------------------------


def is_built_in(backend: object) -> bool:
    """Whether `backend` names qbnnc's own exact simulation (None, `aer`, `generic`)."""
    return backend is None or (isinstance(backend, str) and backend.lower() in BUILT_IN)


def resolve(backend: str | Backend) -> Backend:
    """The pytket backend `backend` names (see the module docstring); a Backend as it is.

    CompileError (one line) for an unknown name, a missing extension or missing credentials.
    """
    from pytket.backends import Backend

    if isinstance(backend, Backend):
        return backend
    if not isinstance(backend, str):
        raise TypeError(f"backend must be a name or a pytket Backend, not {type(backend).__name__}")
    from qbnnc.targets import TARGETS, emulator

    if backend in TARGETS:
        found = emulator(backend)
        if found is None:
            raise _error(
                f"target '{backend}' has no local emulator ({TARGETS[backend].emulated}); "
                "use --backend aer or a pytket backend such as AerBackend"
            )
        return found
    name, sep, device = backend.partition(":")
    if name in VENDORS:
        vendor = VENDORS[name]
        if not device:
            if vendor.default_device is None:
                raise _error(
                    f"backend '{name}' needs a device: --backend {vendor.example}, for example"
                )
            device = vendor.default_device
        vendor.require()
        return vendor.make(device)
    if sep:
        raise _error(f"unknown backend '{name}' in '{backend}'; {_choices()}")
    return _backend_class(backend)


def describe(backend: Backend) -> str:
    """A short name for a backend object: its class and, where it has one, its device."""
    info = getattr(backend, "backend_info", None)
    device = getattr(info, "device_name", None) if info is not None else None
    device = getattr(backend, "device_name", device)
    return type(backend).__name__ + (f" ({device})" if device else "")


def _choices() -> str:
    vendors = ", ".join(v.example for v in VENDORS.values())
    return (
        f"the choices are aer (the default), a target's emulator (`qbnnc targets`), {vendors}, "
        "or an installed pytket backend class that samples counts"
    )


def _backend_class(name: str) -> Backend:
    """A backend class of an installed pytket extension that samples counts (`AerBackend`,
    ...; any case, the `Backend` suffix optional), made with no arguments."""
    import pkgutil

    try:
        import pytket.extensions
        from pytket.backends import Backend
    except ImportError:
        raise _error(
            f"backend '{name}' needs a pytket extension, and none is installed: "
            "pip install pytket-qiskit (for AerBackend), or use --backend aer"
        ) from None
    wanted = {name.lower(), name.lower() + "backend"}
    found: list[str] = []
    for info in sorted(pkgutil.iter_modules(pytket.extensions.__path__), key=lambda m: m.name):
        try:
            module = importlib.import_module(f"pytket.extensions.{info.name}")
        except Exception:  # noqa: BLE001, S112 - a broken extension is skipped, not fatal
            continue
        for attr in sorted(dir(module)):
            cls = getattr(module, attr)
            if not (isinstance(cls, type) and issubclass(cls, Backend) and cls is not Backend):
                continue
            # Training samples shots: a statevector, unitary or density-matrix backend
            # returns no counts, so it is neither offered nor accepted.
            samples = bool(getattr(cls, "_supports_counts", False))
            if samples:
                found.append(attr)
            if attr.lower() in wanted:
                if not samples:
                    raise _error(
                        f"backend {attr} cannot be used here: it returns no measured counts (a "
                        "state, unitary or density matrix); use a sampling backend such as "
                        "AerBackend, or --backend aer"
                    )
                try:
                    return cls()
                except Exception as e:  # noqa: BLE001 - e.g. a backend that needs arguments
                    raise _error(
                        f"backend {attr} cannot be made without arguments ({e}); name a device "
                        f"(e.g. {', '.join(v.example for v in VENDORS.values())}) or pass a "
                        "Backend object from Python"
                    ) from None
    known = ", ".join(sorted(set(found))) or "none"
    raise _error(f"unknown backend '{name}'; {_choices()}: {known}")
