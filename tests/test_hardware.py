"""From circuit to machine: QIR output, Quantinuum's emulator PECOS, backends by name,
and submitting a job then decoding its result later."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from functools import cache
from pathlib import Path

import pyqir
import pytest

import qbnnc
from qbnnc.pipeline.program import Program
from qbnnc.reference.census import correct_counts

ROOT = Path(__file__).resolve().parent.parent
PAPER = sorted((ROOT / "examples" / "paper").glob("*.bnn"))
QBN31_TASK2 = ROOT / "examples" / "paper" / "qbn31_task2.bnn"


def qbnnc_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-P", "-m", "qbnnc", *args], capture_output=True, text=True, cwd=cwd
    )


# --- QIR ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", PAPER, ids=lambda p: p.stem)
def test_qir_of_every_paper_task_parses_with_pyqir(path: Path) -> None:
    program = qbnnc.compile_file(path)
    text = program.qir()
    module = pyqir.Module.from_ir(pyqir.Context(), text)
    main = next(f for f in module.functions if pyqir.is_entry_point(f))
    assert pyqir.required_num_qubits(main) == program.circuit.num_qubits
    assert pyqir.required_num_results(main) >= program.model.num_weights
    bitcode = program.qir(binary=True)
    assert pyqir.Module.from_bitcode(pyqir.Context(), bitcode).functions


def test_qir_of_a_dynamic_circuit_uses_the_adaptive_profile() -> None:
    program = qbnnc.compile_file(ROOT / "examples" / "two_outputs.bnn")  # uncompute measure
    module = pyqir.Module.from_ir(pyqir.Context(), program.qir())
    main = next(f for f in module.functions if pyqir.is_entry_point(f))
    calls = {f.name for f in module.functions}
    assert "__quantum__qis__read_result__body" in calls  # a mid-circuit result is read
    assert pyqir.required_num_qubits(main) == program.circuit.num_qubits


def test_qir_on_the_command_line_is_deterministic_and_atomic(tmp_path: Path) -> None:
    out = tmp_path / "train.bc"
    run = qbnnc_cli(str(PAPER[0]), "-o", str(out))
    assert run.returncode == 0, run.stderr
    assert out.read_bytes() == qbnnc.compile_file(PAPER[0]).qir(binary=True)
    assert pyqir.Module.from_bitcode(pyqir.Context(), out.read_bytes()).functions
    assert sorted(p.name for p in tmp_path.iterdir()) == ["train.bc"]


# --- PECOS --------------------------------------------------------------------------------------


@cache
def _h2_program() -> Program:
    return qbnnc.compile_file(QBN31_TASK2, target="quantinuum-h2")


def test_run_on_quantinuum_h2_emulates_with_pecos_and_its_noise() -> None:
    # QBN 3-1 task 2: M = 2 of 8 strings, one iteration, so exact Grover measures a marked
    # string with probability 1; the device's gate and measurement errors lose some.
    program = _h2_program()
    result = qbnnc.run(program, shots=100, seed=1)
    assert result.backend.startswith("PecosBackend")
    assert program.success_probability == pytest.approx(1.0)
    table = correct_counts(program.model)
    for o in result.outcomes:
        assert o.correct == table[int(o.weights[::-1], 2)]
        assert o.marked == (o.correct >= program.model.accept.min_correct)
    assert 0.5 < result.marked_frequency < 1.0


def test_pecos_without_noise_is_exact() -> None:
    from qbnnc.execution.simulate import run_pytket
    from qbnnc.targets.pecos import PecosBackend

    program = _h2_program()
    counts = run_pytket(PecosBackend("H2-1", noisy=False), program.device, 3, 50, 7, 0)
    table = correct_counts(program.model)
    assert sum(counts.values()) == 50
    assert all(table[w] == 6 for w in counts)  # only the two optimal strings


# --- backends by name -----------------------------------------------------------------------

QBN31_TASK1 = ROOT / "examples" / "paper" / "qbn31_task1.bnn"


def test_a_pytket_backend_object_trains() -> None:
    from pytket.extensions.qiskit import AerBackend

    model = qbnnc.load_model(QBN31_TASK1.read_text(), str(QBN31_TASK1))
    result = qbnnc.train(model, seed=2, backend=AerBackend())
    assert result.backend == "AerBackend (aer_simulator)"
    assert result.correct == 8  # QBN 3-1 task 1 has one perfect string
    assert correct_counts(model)[int(result.weights[::-1], 2)] == 8


def test_names_resolve_to_the_vendors_backends(monkeypatch: pytest.MonkeyPatch) -> None:
    from pytket.extensions.qiskit import IBMQEmulatorBackend

    from qbnnc.execution.backends import resolve
    from qbnnc.targets import nexus
    from qbnnc.targets.pecos import PecosBackend

    pecos = resolve("pecos:H1-1")
    assert isinstance(pecos, PecosBackend) and pecos.backend_info.device_name == "H1-1"
    fake = resolve("ibm:fake_torino")  # qiskit-ibm-runtime's fake device, offline
    assert isinstance(fake, IBMQEmulatorBackend)
    assert fake.backend_info.device_name == "fake_torino"
    assert fake.backend_info.architecture.nodes.__len__() == 133
    # Nexus: offline, only the login is missing; with tokens present the name resolves to a
    # backend that compiles for the device from pytket-quantinuum's own machine data.
    if importlib.util.find_spec("qnexus") is not None:
        monkeypatch.setattr(nexus, "logged_in", lambda: True)
        h2e = resolve("quantinuum:H2-1E")
        assert isinstance(h2e, nexus.NexusBackend) and h2e.persistent_handles
        assert h2e.device_name == "H2-1E" and h2e.backend_info.n_nodes == 56


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("nosuch:X", "unknown backend 'nosuch' in 'nosuch:X'; the backends are: aer"),
        ("nosuch", "unknown backend 'nosuch'; the backends are: aer (the default), a target's"),
        ("ae", "unknown backend 'ae'; did you mean 'aer'? the backends are: aer"),
        ("aerr", "unknown backend 'aerr'; did you mean 'aer'? the backends are: aer"),
        ("ibmm:fake_torino", "did you mean 'ibm:fake_torino'? the backends are: aer"),
        ("ibm-torin", "did you mean 'ibm-torino'?"),
        ("ibm", "backend 'ibm' needs a device: --backend ibm:ibm_torino"),
        ("ibm:fake_nowhere", "unknown fake device 'fake_nowhere'"),
        ("pecos:H9-9", "unknown Quantinuum device 'H9-9'"),
    ],
)
def test_unknown_names_are_one_line(
    name: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from qbnnc.cli import main

    for command in ("train", "run", "submit"):
        assert main([command, str(QBN31_TASK1), "--backend", name]) == 1
        err = capsys.readouterr().err
        assert message in err and len(err.strip().splitlines()) == 1, err
        assert "pip install" not in err, err


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("quantinuum:H2-1E", "backend 'quantinuum' needs"),
        ("ibm:ibm_torino", "backend 'ibm' needs IBM Quantum credentials, and none are saved"),
    ],
)
def test_missing_extensions_and_credentials_are_one_line(
    name: str, message: str, tmp_path: Path
) -> None:
    # A fresh HOME: no IBM account saved, no Nexus tokens; no network is needed to say so.
    env = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    run = subprocess.run(
        [sys.executable, "-P", "-m", "qbnnc", "run", str(QBN31_TASK1), "--backend", name],
        capture_output=True,
        text=True,
        env=env,
    )
    assert run.returncode == 1, run.stderr
    assert message in run.stderr and "Traceback" not in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1, run.stderr
    if name == "quantinuum:H2-1E":  # either the package or the login is missing
        assert "pip install qnexus" in run.stderr or "qnexus.login()" in run.stderr


# --- submit and result ------------------------------------------------------------------------


def test_submit_then_result_round_trips_a_job_in_one_process() -> None:
    from pytket.extensions.qiskit import AerBackend

    from qbnnc.execution.jobs import Job

    program = qbnnc.compile_file(QBN31_TASK1)
    backend = AerBackend()
    job = qbnnc.submit(program, backend, shots=200, seed=5)
    assert job.counts is not None and sum(job.counts.values()) == 200  # Aer: fetched at once
    again = Job.from_json(json.dumps(job.to_json()))
    assert again == job
    out = qbnnc.result(again)
    table = correct_counts(program.model)
    assert out.shots == 200 and out.backend == "AerBackend (aer_simulator)"
    for o in out.outcomes:
        assert o.correct == table[int(o.weights[::-1], 2)] and o.marked == (o.correct == 8)
    assert out.marked_frequency > 0.85  # Grover: 0.945


def test_submit_to_aer_is_the_exact_simulation_run_at_once(tmp_path: Path) -> None:
    """`aer` is qbnnc's own simulation, as for `run`: no pytket backend, no handle; the job
    carries the counts, which `result` scores."""
    from qbnnc.execution.jobs import Job

    program = qbnnc.compile_file(QBN31_TASK1)
    job = qbnnc.submit(program, "aer", shots=300, seed=3)
    assert job.handle is None and job.backend == "aer" and job.counts is not None
    ran = qbnnc.run(program, shots=300, seed=3)
    assert job.counts == {o.weights: o.count for o in ran.outcomes}  # the same sampling
    out = qbnnc.result(Job.from_json(json.dumps(job.to_json())))
    assert out.backend == "aer" and out.shots == 300
    assert out.marked_frequency == ran.marked_frequency


def test_result_reads_the_job_from_another_folder_and_names_a_moved_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from qbnnc.cli import main

    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    model = tmp_path / "a" / "m.bnn"
    model.write_text(QBN31_TASK1.read_text())
    monkeypatch.chdir(tmp_path / "a")
    assert main(["submit", "m.bnn", "--backend", "aer", "--shots", "40", "-o", "../job.json"]) == 0
    monkeypatch.chdir(tmp_path / "b")
    assert main(["result", "../job.json", "--json"]) == 0
    assert sum(o["count"] for o in json.loads(capsys.readouterr().out)["outcomes"]) == 40
    model.rename(tmp_path / "a" / "moved.bnn")
    assert main(["result", "../job.json"]) == 1
    assert "pass the model it was submitted with (--model MODEL.bnn" in capsys.readouterr().err
    assert main(["result", "../job.json", "--model", "../a/moved.bnn", "--json"]) == 0


class _RemoteAer:
    """A remote backend's handle life: the job is queued at first, then completed; the
    counts come from a real Aer run (only the remote service is stood in for)."""

    persistent_handles = True

    def __init__(self) -> None:
        from pytket.extensions.qiskit import AerBackend

        self.aer = AerBackend()
        self.polls = 0

    def get_compiled_circuit(self, circuit, optimisation_level):
        return self.aer.get_compiled_circuit(circuit, optimisation_level)

    def process_circuit(self, circuit, **kwargs):
        return self.aer.process_circuit(circuit, **kwargs)

    def circuit_status(self, handle):
        from pytket.backends import CircuitStatus, StatusEnum

        self.polls += 1
        done = self.polls > 1
        return CircuitStatus(StatusEnum.COMPLETED if done else StatusEnum.QUEUED, "in queue")

    def get_result(self, handle):
        return self.aer.get_result(handle)


def test_result_of_a_remote_job_waits_then_decodes(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from qbnnc.cli import main
    from qbnnc.execution import backends, jobs

    remote = _RemoteAer()
    monkeypatch.setattr(backends, "resolve", lambda b: remote)
    monkeypatch.setattr(jobs, "resolve", lambda b: remote)
    program = qbnnc.compile_file(QBN31_TASK1)
    job = jobs.submit(program, "quantinuum:H2-1E", shots=50, seed=1)
    assert job.counts is None and job.backend == "quantinuum:H2-1E"
    handle = tmp_path / "job.json"
    handle.write_text(json.dumps(job.to_json()))
    assert main(["result", str(handle)]) == 75
    err = capsys.readouterr().err
    assert "is QUEUED: in queue; ask again later" in err
    assert main(["result", str(handle), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert sum(o["count"] for o in out["outcomes"]) == 50 and out["backend"] == "quantinuum:H2-1E"


def test_submit_and_result_on_the_command_line(tmp_path: Path) -> None:
    model = tmp_path / "m.bnn"
    model.write_text(QBN31_TASK1.read_text())
    handle = tmp_path / "job.json"
    run = qbnnc_cli("submit", str(model), "--backend", "AerBackend", "--shots", "64", "-o",
                    str(handle))  # fmt: skip
    assert run.returncode == 0, run.stderr
    got = qbnnc_cli("result", str(handle), "--json")
    assert got.returncode == 0, got.stderr
    data = json.loads(got.stdout)
    assert sum(o["count"] for o in data["outcomes"]) == 64
    model.write_text(QBN31_TASK1.read_text().replace("001 -> 0", "001 -> 1"))
    changed = qbnnc_cli("result", str(handle))
    assert changed.returncode == 1 and "not the model the job was submitted with" in changed.stderr
