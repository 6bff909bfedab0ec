"""Optional packages: which pip package (and extra of qbnnc) provides each module imported on
demand, and the refusal, before any work, of a command whose packages are missing."""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence

from qbnnc.files.output import failure

# The pip package of each module qbnnc imports on demand (longest prefix wins).
PIP_NAMES = {
    "qiskit_aer": "qiskit-aer",
    "qiskit": "qiskit",
    "qiskit_qasm3_import": "qiskit-qasm3-import",
    "qiskit_ibm_runtime": "qiskit-ibm-runtime",
    "pytket": "pytket",
    "pytket.extensions.qiskit": "pytket-qiskit",
    "pytket.extensions.quantinuum": "pytket-quantinuum",
    "pytket.qir": "pytket-qir",
    "pyqir": "pyqir",
    "pytket_pecos": "pytket-pecos",
    "qnexus": "qnexus",
    "pecos": "pytket-pecos",
    "matplotlib": "matplotlib",
    "braket": "amazon-braket-sdk",
    "qdk": "qdk",
    "openqasm3": "openqasm3[parser]",
    "antlr4": "openqasm3[parser]",
    "numpy": "numpy",
    "networkx": "networkx",
    "lark": "lark",
}

# The optional-dependency group of qbnnc that installs a package, where there is one.
EXTRAS = {
    "matplotlib": "plot",
    "pytket-quantinuum": "quantinuum",
    "pytket-pecos": "quantinuum",
    "pytket-qir": "qir",
    "pyqir": "qir",
    "qdk": "estimate",
}


def pip_name(module: str | None) -> str | None:
    """The pip package that provides `module` (or one of its parents), if qbnnc knows it."""
    parts = (module or "").split(".")
    for i in range(len(parts), 0, -1):
        if (name := ".".join(parts[:i])) in PIP_NAMES:
            return PIP_NAMES[name]
    return None


def missing_package(pip: str, why: str = "this") -> str:
    return missing_packages([pip], why)


def missing_packages(pips: Sequence[str], why: str = "this") -> str:
    """`WHY needs the packages X, Y: pip install X Y`, and the extra of qbnnc that installs
    them all, where one does."""
    from qbnnc.targets import needs_packages

    extras = {EXTRAS.get(pip) for pip in pips}
    return needs_packages(why, pips, extras.pop() if len(extras) == 1 else None)


def _installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):  # a missing parent package, or a module set to None
        return False


def require_modules(why: str, *modules: str) -> None:
    """Refuse up front, naming the `pip install` line of every missing package, work that
    needs them."""
    missing = [pip_name(m) or m for m in modules if not _installed(m)]
    if missing:
        raise failure(missing_packages(list(dict.fromkeys(missing)), why))


def require_target(name: str, pytket: bool = False) -> None:
    """Before any work: the target exists, its packages are installed, and so is what
    writing or counting its device circuit needs (pytket-qiskit's converter)."""
    from qbnnc.targets import require

    spec = require(name)
    if spec.device is not None:
        require_modules(f"target '{name}'", "pytket.extensions.qiskit")
    if pytket:
        require_modules("a pytket circuit (.json)", "pytket")


def require_backend(why: str, backend: str | None, target: str | None = None) -> None:
    """Before any work: `backend` names a backend, and what running there needs is
    installed. qbnnc's own simulation needs Aer (a device target's circuit, the target's
    local emulator); any other backend pytket and its extension."""
    from qbnnc.execution.backends import check, is_built_in

    if not is_built_in(backend):
        assert backend is not None
        require_modules(why, "pytket")
        check(backend)
        return
    require_modules(why, "qiskit_aer")
    if target is not None:
        from qbnnc.targets import get_target

        for r in get_target(target).emulator_requires:
            require_modules(f"emulating target '{target}'", r.module)
