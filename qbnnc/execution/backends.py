"""Backends by name: what `--backend` (run, train, submit) and `backend=` accept.

- `aer` (the default): qbnnc's own exact simulation (Aer statevector via OpenQASM 3); not a
  pytket backend: `run`, `train` and `submit` simulate it themselves (`is_built_in`).
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
extension's own (qnexus's login, qiskit-ibm-runtime's saved account). An unknown name is a
one-line error listing the backends (with the nearest name, for a slip); a missing extension
or missing credentials one naming every missing package's `pip install` line, or the setup
step.
"""

from __future__ import annotations

import difflib
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from qbnnc.diagnostics import CompileError
from qbnnc.targets import (
    IBM_PACKAGES,
    PECOS_PACKAGES,
    QUANTINUUM_PACKAGES,
    TARGETS,
    Requirement,
    needs_packages,
)

if TYPE_CHECKING:
    from pytket.backends import Backend

BUILT_IN = ("aer", "generic")

# The sampling backend classes of the pytket extensions users name most, and the package of
# each: a missing extension is said as such, where any other unfound name is unknown.
KNOWN_CLASSES = {
    "AerBackend": "pytket-qiskit",
    "IBMQBackend": "pytket-qiskit",
    "IBMQEmulatorBackend": "pytket-qiskit",
    "QuantinuumBackend": "pytket-quantinuum",
    "BraketBackend": "pytket-braket",
    "QulacsBackend": "pytket-qulacs",
}


def _error(message: str) -> CompileError:
    return CompileError.single(None, message)


@dataclass(frozen=True)
class Vendor:
    """A `NAME[:DEVICE]` family: its packages and how a backend for a device is made (which
    checks the credentials the extension needs)."""

    name: str
    example: str
    requires: tuple[Requirement, ...]
    make: Callable[[str], Backend]
    default_device: str | None = None
    extra: str | None = None  # the optional-dependency group of qbnnc that installs them all

    @property
    def syntax(self) -> str:
        """How the family is written: `pecos[:DEVICE]`, `ibm:DEVICE`."""
        return f"{self.name}[:DEVICE]" if self.default_device else f"{self.name}:DEVICE"

    def require(self) -> None:
        """Refuse, naming every missing package at once, a backend whose packages are not
        all installed."""
        missing = [r.pip for r in self.requires if not r.installed()]
        if missing:
            raise _error(needs_packages(f"backend '{self.name}'", missing, self.extra))


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


def _fake(name: str) -> Any:  # a qiskit-ibm-runtime fake backend
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

    def __init__(self, fake: Any) -> None:
        self.fake = fake

    def backend(self, name: str, **kwargs: Any) -> Any:
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
    except Exception as e:  # no account, no network, no such device
        raise _ibm_account_error(e) from None


VENDORS: dict[str, Vendor] = {
    v.name: v
    for v in (
        # qnexus is in no extra of qbnnc (it pins rich<14, which the test tools conflict
        # with), so the pip line names the packages themselves.
        Vendor(
            "quantinuum",
            "quantinuum:H2-1E",
            (*QUANTINUUM_PACKAGES, Requirement("qnexus", "qnexus")),
            _quantinuum,
        ),
        Vendor(
            "pecos",
            "pecos:H2-1",
            (*QUANTINUUM_PACKAGES, *PECOS_PACKAGES),
            _pecos,
            default_device="H2-1",
            extra="quantinuum",
        ),
        Vendor("ibm", "ibm:ibm_torino", IBM_PACKAGES, _ibm, extra="ibm"),
        Vendor(
            "ibm-emulator",
            "ibm-emulator:ibm_torino",
            IBM_PACKAGES,
            lambda device: _ibm(device, emulate=True),
            extra="ibm",
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
    return _plan(backend)()


def check(backend: str) -> None:
    """Before any work, the errors `resolve` would raise without making the backend: an
    unknown name, a missing device, a missing package (the credentials are checked when
    the backend is made)."""
    if not is_built_in(backend):
        _plan(backend)


def _plan(backend: str) -> Callable[[], Backend]:
    """How to make the backend `backend` names, once the name is known to be one and what
    it needs is installed (else CompileError)."""
    from qbnnc.targets import emulator, require

    if is_built_in(backend):
        raise _error(
            f"backend '{backend}' is qbnnc's own simulation: it runs a circuit in this process "
            "and holds no jobs; fetch a job through the backend it was submitted to"
        )
    if backend in TARGETS:
        target = require(backend)
        if target.device is None:
            raise _error(
                f"target '{backend}' has no local emulator ({target.emulated}); "
                "use --backend aer or a pytket backend such as AerBackend"
            )
        missing = [r.pip for r in target.emulator_requires if not r.installed()]
        if missing:
            raise _error(needs_packages(f"backend '{backend}'", missing, target.extra))

        def make_emulator() -> Backend:
            found = emulator(backend)
            assert found is not None  # every device target has an emulator
            return found

        return make_emulator
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
        return lambda: vendor.make(device)
    if sep:
        raise _unknown(backend, name, None, f":{device}")
    return _backend_class(backend)


def describe(backend: Backend) -> str:
    """A short name for a backend object: its class and, where it has one, its device."""
    info = getattr(backend, "backend_info", None)
    device = getattr(info, "device_name", None) if info is not None else None
    device = getattr(backend, "device_name", device)
    return type(backend).__name__ + (f" ({device})" if device else "")


def _unknown(backend: str, name: str, classes: list[str] | None, device: str = "") -> CompileError:
    """`unknown backend 'NAME'`, the nearest known name (for a slip of the keyboard) and
    every backend there is; `classes`: the installed pytket backend classes (None: not
    looked for, as `NAME:DEVICE` is never a class)."""
    devices = sorted(t.name for t in TARGETS.values() if t.device is not None)
    names = ["aer", *devices, *VENDORS, *(classes or ()), *KNOWN_CLASSES]
    by_lower = {n.lower(): n for n in reversed(names)}  # the first spelling of each wins
    near = difflib.get_close_matches(name.lower(), list(by_lower), n=1)
    guess = ""
    if near:
        found = by_lower[near[0]]
        guess = f" did you mean '{found + device if found in VENDORS else found}'?"
    families = ", ".join(v.syntax for v in VENDORS.values())
    installed = "" if classes is None else f" ({', '.join(classes) or 'none installed'})"
    where = f" in '{backend}'" if device else ""
    return _error(
        f"unknown backend '{name}'{where};{guess} the backends are: aer (the default), a "
        f"target's emulator ({', '.join(devices)}), {families}, or a pytket backend class "
        f"that samples counts{installed}"
    )


def _backend_class(name: str) -> Callable[[], Backend]:
    """A backend class of an installed pytket extension that samples counts (`AerBackend`,
    ...; any case, the `Backend` suffix optional), to be made with no arguments."""
    import pkgutil

    try:
        import pytket.extensions
        from pytket.backends import Backend
    except ImportError:  # no pytket extension at all
        modules = []
    else:
        modules = sorted(pkgutil.iter_modules(pytket.extensions.__path__), key=lambda m: m.name)
    wanted = {name.lower(), name.lower() + "backend"}
    found: list[str] = []
    for info in modules:
        try:
            module = importlib.import_module(f"pytket.extensions.{info.name}")
        except Exception:  # a broken extension is skipped, not fatal
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
                return lambda cls=cls, attr=attr: _make(cls, attr)
    for known, pip in KNOWN_CLASSES.items():
        if known.lower() in wanted:
            raise _error(needs_packages(f"backend '{known}'", [pip]))
    raise _unknown(name, name, sorted(set(found)))


def _make(cls: type[Backend], attr: str) -> Backend:
    try:
        return cls()
    except Exception as e:  # e.g. a backend that needs arguments
        raise _error(
            f"backend {attr} cannot be made without arguments ({e}); name a device "
            f"(e.g. {', '.join(v.example for v in VENDORS.values())}) or pass a "
            "Backend object from Python"
        ) from None
