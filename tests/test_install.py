"""What a bare `pip install qbnnc` runs, and what a missing optional package does.

Packages are hidden from a subprocess by a meta-path finder that makes their import fail
as if they were not installed; every command then either works on the base dependencies
(compile, check, stats, run, train) or is one line, exit 1, naming the `pip install` line.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TASK = "examples/paper/qbn31_task1.bnn"

# Runs `qbnnc.cli.main` on each argv of a JSON list with the modules of argv[1] hidden;
# prints [exit status, stderr, stdout] per command.
DRIVER = """
import contextlib, io, json, sys
from importlib.abc import MetaPathFinder

HIDDEN = sys.argv[1].split(",")


class Hide(MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if any(name == m or name.startswith(m + ".") for m in HIDDEN):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


sys.meta_path.insert(0, Hide())
from qbnnc.cli import main

results = []
for argv in json.loads(sys.argv[2]):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    results.append([code, err.getvalue(), out.getvalue()])
sys.__stdout__.write(json.dumps(results))
"""

# Every package outside the base dependencies that qbnnc can use.
OPTIONAL = "matplotlib,pytket.extensions,pytket_pecos,qiskit_ibm_runtime,braket"


def _hidden(tmp_path: Path, hidden: str, commands: list[list[str]]) -> list[tuple[int, str, str]]:
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER)
    run = subprocess.run(
        [sys.executable, "-P", str(driver), hidden, json.dumps(commands)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    return [(code, err, out) for code, err, out in json.loads(run.stdout)]


def test_the_base_install_runs_every_command_and_names_each_missing_extra(
    tmp_path: Path,
) -> None:
    works = [
        [TASK, "-o", "out.qasm"],
        ["check", TASK],
        ["stats", TASK, "--json"],
        ["run", TASK, "--shots", "10"],
        ["train", TASK],
        ["targets"],
        # `aer` is qbnnc's own simulation, as for `run`: no pytket extension needed.
        ["submit", TASK, "--backend", "aer", "--shots", "10", "-o", "job.json"],
        ["result", "job.json"],
    ]
    refused = {
        "pip install matplotlib, or: pip install 'qbnnc[plot]'": ["run", TASK, "--plot", "a.png"],
        "pip install pytket-quantinuum, or: pip install 'qbnnc[quantinuum]'": [
            "stats",
            TASK,
            "--target",
            "quantinuum-h1",
        ],
        "pip install pytket-qiskit qiskit-ibm-runtime, or: pip install 'qbnnc[ibm]'": [
            "run",
            TASK,
            "--target",
            "ibm-torino",
        ],
        "backend 'AerBackend' needs the package pytket-qiskit: pip install pytket-qiskit\n": [
            "train",
            TASK,
            "--backend",
            "AerBackend",
        ],
        # A slip of the keyboard is an unknown name, whatever is installed.
        "error: unknown backend 'ae'; did you mean 'aer'? the backends are: aer": [
            "submit",
            TASK,
            "--backend",
            "ae",
        ],
        # Every missing package of a vendor's backend, in one line.
        "backend 'pecos' needs the packages pytket-quantinuum, pytket-pecos: pip install "
        "pytket-quantinuum pytket-pecos, or: pip install 'qbnnc[quantinuum]'\n": [
            "run",
            TASK,
            "--backend",
            "pecos",
        ],
        "backend 'ibm' needs the packages pytket-qiskit, qiskit-ibm-runtime: pip install "
        "pytket-qiskit qiskit-ibm-runtime, or: pip install 'qbnnc[ibm]'\n": [
            "train",
            TASK,
            "--backend",
            "ibm:fake_torino",
        ],
    }
    results = _hidden(tmp_path, OPTIONAL, works + list(refused.values()))
    for argv, (code, err, _) in zip(works, results, strict=False):
        assert (code, err) == (0, ""), argv
    # qiskit-aer (a base dependency) is installed: only the extras' packages are missing.
    row = next(r for r in results[5][2].splitlines() if r.startswith("ibm-torino "))
    assert "pytket-qiskit (missing), qiskit-ibm-runtime (missing), qiskit-aer  " in row, row
    assert results[7][2].startswith("qbn31: 10 shots on aer, target generic"), results[7]
    for (line, argv), (code, err, _) in zip(refused.items(), results[len(works) :], strict=True):
        assert code == 1, (argv, err)
        assert err.startswith("qbnnc: error: ") and err.count("\n") == 1, err
        assert line in err, (argv, err)
    assert not (tmp_path / "a.png").exists()


def test_without_aer_run_names_its_package_and_train_needs_none(tmp_path: Path) -> None:
    """qiskit-aer is a base dependency; an installation that lost it still gets one line from
    `run`, and `train` (its built-in backend draws from the census) runs."""
    (code, err, _), (trained, _, out) = _hidden(
        tmp_path, "qiskit_aer", [["run", TASK], ["train", TASK]]
    )
    assert code == 1 and err.count("\n") == 1, err
    assert "pip install qiskit-aer" in err, err
    assert trained == 0 and "correct:" in out


def test_simulation_is_a_base_dependency_and_vendors_stay_extras() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    base = {d.split(">")[0].split("[")[0] for d in project["dependencies"]}
    assert {"qiskit", "qiskit-aer", "pytket"} <= base
    assert not {"pytket-quantinuum", "pytket-qiskit", "amazon-braket-sdk", "matplotlib"} & base
