"""Targets: the gate sets and devices a program can be compiled for, loaded lazily.

The registry below is plain data: listing the targets (`qbnnc targets`) imports no vendor
library, and a target's module (with its vendor imports) loads only when that target is
chosen. A target takes the compiler's `TrainingCircuit` and returns its circuit for the
target (`compile_for`): a gate-set target's module has `expand(training, target) ->
TrainingCircuit`, a device target's `device_circuit(training, target) -> pytket.Circuit`;
a device target's local emulator comes from its `emulator_module`'s `emulator(target)`.

| target | module | result |
| --- | --- | --- |
| `generic` | (none) | the compiler's own circuit: stdgates.inc plus `ctrl @` gates |
| `clifford+t` | `clifford_t` | every gate expanded by `qbnnc.decompose`, ancillas added |
| `quantinuum-*` | `quantinuum` | a pytket circuit valid for the H-series device (PECOS: `pecos`) |
| `ibm-*` | `ibm` | a pytket circuit in the device's ISA, on its coupling map |
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from qbnnc.diagnostics import CompileError, Diagnostic, plural
from qbnnc.synthesis.training import TrainingCircuit

if TYPE_CHECKING:
    import pytket
    from pytket.backends import Backend


@dataclass(frozen=True)
class Requirement:
    """A pip package a target needs, and a module whose presence shows it is installed."""

    pip: str
    module: str

    def installed(self) -> bool:
        try:
            return importlib.util.find_spec(self.module) is not None
        except (ImportError, ValueError):  # a missing parent package, or a module set to None
            return False


@dataclass(frozen=True)
class Target:
    """One entry of the registry: what `qbnnc targets` shows and where the code lives."""

    name: str
    description: str
    gate_set: str
    max_qubits: int | None  # None: no limit of its own
    requires: tuple[Requirement, ...] = ()
    extra: str | None = None  # the optional-dependency group of qbnnc that installs them
    module: str | None = None  # qbnnc.targets.<module>; None: the compiler's own circuit
    device: str | None = None  # the vendor's device (or fake backend) name
    emulated: str = "Aer statevector, exact (via OpenQASM 3)"
    emulator_requires: tuple[Requirement, ...] = ()  # what its local emulator needs besides
    emulator_module: str | None = None  # qbnnc.targets.<module> with `emulator`; None: `module`

    def missing(self) -> list[str]:
        """The pip packages this target needs that are not installed."""
        return [r.pip for r in self.requires if not r.installed()]

    @property
    def package(self) -> str:
        return ", ".join(r.pip for r in self.requires) if self.requires else "(built in)"


# What each vendor's targets need; `--backend` names (qbnnc.execution.backends) need the same.
QUANTINUUM_PACKAGES = (Requirement("pytket-quantinuum", "pytket.extensions.quantinuum"),)
PECOS_PACKAGES = (Requirement("pytket-pecos", "pytket_pecos"),)
IBM_PACKAGES = (
    Requirement("pytket-qiskit", "pytket.extensions.qiskit"),
    Requirement("qiskit-ibm-runtime", "qiskit_ibm_runtime"),
    Requirement("qiskit-aer", "qiskit_aer"),
)
_QUANTINUUM_GATES = "PhasedX Rz ZZPhase (all-to-all), measure, reset, conditionals"
_IBM_HERON = "CZ Rz SX X on the heavy-hex coupling map, measure"
_IBM_EAGLE = "ECR Rz SX X on the heavy-hex coupling map (ECR directed), measure"

TARGETS: dict[str, Target] = {
    t.name: t
    for t in (
        Target(
            "generic",
            "the compiler's own gates: stdgates.inc and multi-controlled gates (`ctrl @`)",
            "stdgates.inc + ctrl(k) @ x, z, p",
            None,
        ),
        Target(
            "clifford+t",
            "every gate expanded into Clifford+T by the cost model (ancilla register added); "
            "phase oracles need a step that is a multiple of pi/4 and precision <= 3",
            "h s sdg t tdg x z cx, measure",
            None,
            module="clifford_t",
        ),
        Target(
            "quantinuum-h1",
            "Quantinuum H1-1, compiled offline by pytket-quantinuum (its highest optimisation "
            "level)",
            _QUANTINUUM_GATES,
            20,
            QUANTINUUM_PACKAGES,
            "quantinuum",
            "quantinuum",
            "H1-1",
            "Quantinuum's emulator PECOS (pytket-pecos) with H1-1's published gate and "
            "measurement errors, sampled",
            PECOS_PACKAGES,
            "pecos",
        ),
        Target(
            "quantinuum-h2",
            "Quantinuum H2-1, compiled offline by pytket-quantinuum (its highest optimisation "
            "level)",
            _QUANTINUUM_GATES,
            56,
            QUANTINUUM_PACKAGES,
            "quantinuum",
            "quantinuum",
            "H2-1",
            "Quantinuum's emulator PECOS (pytket-pecos) with H2-1's published gate and "
            "measurement errors, sampled",
            PECOS_PACKAGES,
            "pecos",
        ),
        Target(
            "ibm-torino",
            "IBM Torino (Heron r1), compiled offline for qiskit-ibm-runtime's FakeTorino by the "
            "better of Qiskit's preset pass managers and pytket-qiskit: on its coupling map, in "
            "its ISA",
            _IBM_HERON,
            133,
            IBM_PACKAGES,
            "ibm",
            "ibm",
            "FakeTorino",
            "Aer with FakeTorino's noise model (pytket-qiskit AerBackend), sampled",
        ),
        Target(
            "ibm-brisbane",
            "IBM Brisbane (Eagle r3), compiled offline for qiskit-ibm-runtime's FakeBrisbane by "
            "the better of Qiskit's preset pass managers and pytket-qiskit: on its coupling "
            "map, in its ISA",
            _IBM_EAGLE,
            127,
            IBM_PACKAGES,
            "ibm",
            "ibm",
            "FakeBrisbane",
            "Aer with FakeBrisbane's noise model (pytket-qiskit AerBackend), sampled",
        ),
    )
}


def get_target(name: str) -> Target:
    """The registry entry for `name`; CompileError listing the valid names otherwise."""
    if name not in TARGETS:
        raise CompileError(
            [
                Diagnostic(
                    None,
                    0,
                    0,
                    f"unknown target '{name}'; the targets are: {', '.join(TARGETS)} "
                    "(`qbnnc targets` describes them)",
                )
            ]
        )
    return TARGETS[name]


def require(name: str) -> Target:
    """The registry entry for `name`, after checking that it exists and that its vendor
    packages are installed (the errors `prepare` would raise, before any work)."""
    spec = get_target(name)
    _check_installed(spec)
    return spec


def needs_packages(who: str, missing: Sequence[str], extra: str | None = None) -> str:
    """The one line naming every missing package of `who` and the `pip install` line that
    adds them all (or the optional-dependency group of qbnnc that does)."""
    alternative = f", or: pip install 'qbnnc[{extra}]'" if extra else ""
    return (
        f"{who} needs the package{'s' if len(missing) > 1 else ''} {', '.join(missing)}: "
        f"pip install {' '.join(missing)}{alternative}"
    )


def _check_installed(target: Target) -> None:
    missing = target.missing()
    if missing:
        message = needs_packages(f"target '{target.name}'", missing, target.extra)
        raise CompileError([Diagnostic(None, 0, 0, message)])


def _load(target: Target, module: str | None = None) -> Any:  # a target module
    """Import the target's module (or `module`), after checking that the target's vendor
    packages are installed."""
    _check_installed(target)
    name = module or target.module
    assert name is not None
    return importlib.import_module(f"{__name__}.{name}")


def check_width(training: TrainingCircuit, target: Target) -> None:
    """A circuit wider than the device is an error naming both numbers and each register,
    at the line its widest register comes from (the network for the weights)."""
    width = training.num_qubits
    if target.max_qubits is not None and width > target.max_qubits:
        registers = training.circuit.registers
        widest = max(registers, key=lambda r: r.size, default=None)
        sizes = ", ".join(f"{r.name} {r.size}" for r in registers)
        raise training.origin.error(
            (widest and widest.span) or training.origin.network,
            f"the circuit needs {plural(width, 'qubit')} ({sizes}) but target "
            f"'{target.name}' ({target.device}) has {target.max_qubits}; pick a larger device "
            "(`qbnnc targets`) or shrink the model",
        )


@dataclass(frozen=True)
class Compiled:
    """A training circuit compiled for a target (`compile_for`)."""

    target: Target
    training: TrainingCircuit  # in the target's gates; its header names a non-generic target
    device: pytket.Circuit | None = None  # a device target's circuit, valid for the device


def compile_for(training: TrainingCircuit, name: str) -> Compiled:
    """`training` compiled for target `name`: the generic target is the compiler's own
    circuit, a gate-set target expands it, a device target compiles it with the vendor's
    toolchain. CompileError for an unknown target, a missing package, a circuit the target
    cannot hold or express."""
    spec = get_target(name)
    if spec.module is None:
        return Compiled(spec, training)
    named = spec.name + (f" ({spec.device})" if spec.device else "")
    training = replace(training, header=replace(training.header, target=named))
    check_width(training, spec)
    module = _load(spec)
    if spec.device is None:
        return Compiled(spec, module.expand(training, spec))
    return Compiled(spec, training, module.device_circuit(training, spec))


def emulator(name: str) -> Backend | None:
    """A pytket backend that emulates target `name` locally, or None where none exists.

    For a device target, run the program's device circuit (`program.device`, already valid
    for the device) on it, e.g.
    `backend.run_circuit(backend.get_compiled_circuit(program.device, 0), n_shots=1000)`.
    IBM targets get Aer with the fake device's noise model; Quantinuum targets PECOS with
    the device's published error rates (pytket-pecos, an error naming the pip line when it
    is missing); generic and clifford+t None (they are simulated exactly from their
    OpenQASM 3, `qbnnc.simulate`).
    """
    spec = get_target(name)
    if spec.device is None:
        return None
    return _load(spec, spec.emulator_module).emulator(spec)


def _packages(target: Target) -> str:
    """The packages column of `qbnnc targets`: each missing package marked as such, or all
    of them `(installed)`."""
    if not target.requires:
        return target.package
    missing = target.missing()
    if not missing:
        return f"{target.package} (installed)"
    return ", ".join(r.pip + (" (missing)" if r.pip in missing else "") for r in target.requires)


def describe_targets() -> str:
    """What `qbnnc targets` prints: every target, its gate set, qubit limit and package."""
    rows = [("target", "qubits", "package", "gate set")]
    for t in TARGETS.values():
        limit = str(t.max_qubits) if t.max_qubits is not None else "any"
        rows.append((t.name, limit, _packages(t), t.gate_set))
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(r[:3], widths, strict=True)) + "  " + r[3]
        for r in rows
    ]
    lines.append("")
    for t in TARGETS.values():
        lines.append(f"{t.name}: {t.description}.")
        lines.append(f"  local emulation: {t.emulated}")
        if t.extra:
            lines.append(f"  install: pip install 'qbnnc[{t.extra}]'")
    return "\n".join(lines)
