"""Check `qbnnc.analysis.baseline` against the authors' own scripts, run under ProjectQ.

The paper's examples are five ProjectQ scripts (github.com/phylyd/QBNN: "QBN 3-1 Task 1.py",
"QBN 3-1 Task 2.py", "QBNN 2-2-1.py", "QBNN 3-2-1 Task 1.py", "QBNN 3-2-1 Task 2.py"). Each
is run as written, except: HiQ's MPI simulator and engine list are replaced by ProjectQ's
`MainEngine` with no compiler engines and a recording backend (`DummyEngine`), one Grover
iteration is run instead of their loop count, and nothing is measured. ProjectQ's own
`Compute`/`Uncompute`/`Control`/`Loop` then decide what is controlled. The recorded
commands, less the preparation (X and H on the phase-kickback qubit, H on the weights) and
its undoing, are one iteration; they are counted by (gate, controls) and compared with
`gate_kinds(authors_circuit(...))`. ProjectQ's QFT stays one command; qbnnc writes its
decomposition (`qft2crandhadamard`: 3 H and 3 controlled R for 3 qubits), so those are
compared separately.

With `--simulate`, the QBN 3-1 scripts (13 qubits) are also run as written (their own
iteration counts, 2 and 1) on ProjectQ's simulator behind its default engines, and the
probability of each weight string is compared with Grover's formula, which
`authors_circuit` meets exactly (tests/test_baseline.py). Minutes per script.

Run: python bench/authors_scripts.py PATH_TO_THE_SCRIPTS [--simulate]
Needs ProjectQ (`pip install projectq`; it builds a C++ simulator unless told not to:
`DISABLE_PROJECTQ_CEXT=1 pip install --no-build-isolation "setuptools<65" projectq`).
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

import numpy as np

from qbnnc.analysis.baseline import authors_circuit
from qbnnc.analysis.cost import gate_kinds
from qbnnc.pipeline.compiler import count_marked, load_model
from qbnnc.testing import expected_distribution

ROOT = Path(__file__).resolve().parent.parent
TASKS = {
    "QBN 3-1 Task 1.py": "qbn31_task1",
    "QBN 3-1 Task 2.py": "qbn31_task2",
    "QBNN 2-2-1.py": "qbnn221_and",
    "QBNN 3-2-1 Task 1.py": "qbnn321_task1",
    "QBNN 3-2-1 Task 2.py": "qbnn321_task2",
}
# ProjectQ's gate names -> the IR's base gate names.
# `ControlledGate(Ph(a), k)` is a phase on its k controls: the IR's p with k - 1 controls.
NAMES = {"X": "x", "Z": "z", "H": "h", "Swap": "swap", "Ph": "p", "R": "p"}


def _prepared(path: Path, engine: str) -> str:
    """The script with HiQ's MPI engine replaced by `engine` and nothing measured."""
    src = path.read_text()
    src = re.sub(r"from (hiq|mpi4py)[^\n]*\n", "", src)
    src = re.sub(r"\n\s*backend = SimulatorMPI[^\n]*", "", src)
    src = re.sub(r"engines = \[TagRemover\(\).*?\]", "engines = []", src, flags=re.S)
    src = src.replace("HiQMainEngine(backend, engines)", engine)
    src = src.replace("MPI.COMM_WORLD.Get_rank() == 0", "True")
    src = src.split("eng.flush()")[0]
    return re.sub(r"\n\s*All\(Measure\)[^\n]*", "", src)


def _run(src: str, path: Path, namespace: dict) -> dict:
    namespace["__name__"] = "__main__"
    exec(compile(src, str(path), "exec"), namespace)  # the authors' script
    namespace["eng"].flush()
    return namespace


def run_script(path: Path) -> Counter[tuple[str, int]]:
    """One iteration of the script's commands, by (gate, controls)."""
    from projectq.cengines import DummyEngine
    from projectq.ops import AllocateQubitGate, DeallocateQubitGate, FlushGate

    src = _prepared(path, "MainEngine(RECORDER, [])")
    src = re.sub(r"with Loop\(eng, ?\d+\):(\s*)run_qbnn", r"with Loop(eng, 1):\1run_qbnn", src)
    recorder = DummyEngine(save_commands=True)
    namespace = _run(src, path, {"RECORDER": recorder})
    counts: Counter[tuple[str, int]] = Counter()
    skip = (AllocateQubitGate, DeallocateQubitGate, FlushGate)
    for cmd in recorder.received_commands:
        if isinstance(cmd.gate, skip):
            continue
        name = re.sub(r"\(.*\)", "", str(cmd.gate))
        controls = len(cmd.control_qubits)
        if name == "Ph":  # a global phase on an idle qubit: a phase on its controls
            controls -= 1
        counts[NAMES.get(name, name), controls] += 1
    weights = sum(len(r) for r in namespace.values() if _is_weight_register(r, namespace))
    # The preparation and its undoing: X, H, H, X on the |-> qubit; H on every weight.
    counts -= Counter({("x", 0): 2, ("h", 0): 2 + weights})
    qfts = counts.pop(("QFT", 0), 0) + counts.pop(("QFT^\\dagger", 0), 0)
    return counts + Counter({("h", 0): 3 * qfts, ("p", 1): 3 * qfts})


def _is_weight_register(value: object, namespace: dict) -> bool:
    return any(value is namespace.get(n) for n in ("layer1_weight_reg", "layer2_weight_reg"))


def simulate_script(path: Path) -> tuple[int, np.ndarray]:
    """(the script's iterations, P(weight string)) from ProjectQ's simulator; index bit i is
    weight i, as qbnnc orders them."""
    from projectq.backends import Simulator
    from projectq.ops import All, Measure

    src = "from projectq.backends import Simulator\n" + _prepared(path, "MainEngine(Simulator())")
    iterations = int(re.search(r"with Loop\(eng, ?(\d+)\):\s*run_qbnn", src).group(1))
    namespace = _run(src, path, {"Simulator": Simulator})
    eng = namespace["eng"]
    weights = [q for n in ("layer1_weight_reg", "layer2_weight_reg") for q in namespace.get(n, [])]
    n = len(weights)
    # ProjectQ's bit string: character k is qubit k.
    probs = [eng.backend.get_probability(format(i, f"0{n}b")[::-1], weights) for i in range(2**n)]
    # Measured before they are released: ProjectQ refuses to free a qubit in superposition.
    All(Measure) | list(eng.active_qubits)
    eng.flush()
    return iterations, np.asarray(probs)


def main() -> int:
    folder = Path(sys.argv[1])
    simulate = "--simulate" in sys.argv
    failures = 0
    for script, stem in TASKS.items():
        path = ROOT / "examples" / "paper" / f"{stem}.bnn"
        model = load_model(path.read_text(), str(path))
        ours = gate_kinds(authors_circuit(model, count_marked(model), 1))
        theirs = run_script(folder / script)
        same = ours == theirs
        failures += not same
        shown = ", ".join(f"{g}/{c}: {n}" for (g, c), n in sorted(theirs.items()))
        print(f"{script}: {'same gates' if same else 'DIFFERENT'} ({shown})")
        if not same:
            print(f"  qbnnc.analysis.baseline: {sorted(ours.items())}")
        if simulate and model.num_weights == 3:
            iterations, got = simulate_script(folder / script)
            error = float(np.abs(got - expected_distribution(model, iterations)).max())
            failures += error > 1e-9
            print(
                f"  simulated, {iterations} iteration(s): max |P - Grover's formula| = {error:.1e}"
            )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
