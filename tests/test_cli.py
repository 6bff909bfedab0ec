"""The command line: outputs, exit codes, atomic writes, help, never a traceback."""

from __future__ import annotations

import errno
import importlib.util
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import openqasm3
import pytest
import qiskit.qasm3

from qbnnc.cli import main
from qbnnc.diagnostics import CompileError
from qbnnc.files.output import write_atomically
from qbnnc.version import __version__

ROOT = Path(__file__).resolve().parent.parent
AND221 = ROOT / "examples" / "paper" / "qbnn221_and.bnn"
BAD = "network n {\n    input x[2]\n    layer y[1] from q\n}\ndata {\n    00 -> 1\n}\n"


def qbnnc(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    # -P: the working directory must not shadow the installed package with the source
    # folder (qbnnc.passes exists only as installed, from passes/).
    return subprocess.run(
        [sys.executable, "-P", "-m", "qbnnc", *args], capture_output=True, text=True, cwd=cwd
    )


def test_compile_writes_qasm_that_both_readers_accept(tmp_path: Path) -> None:
    out = tmp_path / "train.qasm"
    run = qbnnc(str(AND221), "-o", str(out))
    assert run.returncode == 0, run.stderr
    text = out.read_text()
    assert text.startswith('OPENQASM 3.0;\ninclude "stdgates.inc";\n')
    assert "bit[6] weights;" in text
    openqasm3.parse(text)
    assert qiskit.qasm3.loads(text).num_clbits == 6


def test_default_output_is_beside_the_model(tmp_path: Path) -> None:
    model = tmp_path / "m.bnn"
    model.write_text(AND221.read_text())
    assert main([str(model)]) == 0
    assert (tmp_path / "m.qasm").exists()


def test_dash_writes_to_stdout() -> None:
    run = qbnnc(str(AND221), "-o", "-", "--flat")
    assert run.returncode == 0
    assert run.stdout.startswith("OPENQASM 3.0;")
    assert "gate " not in run.stdout  # flat: standard gates only


def test_failed_compile_leaves_an_existing_output_untouched(tmp_path: Path) -> None:
    model = tmp_path / "bad.bnn"
    model.write_text(BAD)
    out = tmp_path / "out.qasm"
    out.write_text("precious")
    run = qbnnc(str(model), "-o", str(out))
    assert run.returncode == 1
    assert out.read_text() == "precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.bnn", "out.qasm"]
    assert f"{model}:3:21: error: unknown source 'q'" in run.stderr
    assert "Traceback" not in run.stderr


def test_unwritable_output_is_a_clear_error(tmp_path: Path) -> None:
    run = qbnnc(str(AND221), "-o", str(tmp_path / "missing" / "out.qasm"))
    assert run.returncode == 1
    assert "cannot write" in run.stderr and "Traceback" not in run.stderr


def test_output_directory_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "d.qasm").mkdir()
    run = qbnnc(str(AND221), "-o", str(tmp_path / "d.qasm"))
    assert run.returncode == 1
    assert "is a directory" in run.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "usage"),
        (["m.bnn", "-o", "out.txt"], "cannot tell the format of 'out.txt'"),
        (["m.bnn", "--bogus"], "unrecognized arguments: --bogus"),
        (["check"], "the following arguments are required"),
    ],
)
def test_usage_errors_exit_2(args: list[str], message: str, tmp_path: Path) -> None:
    (tmp_path / "m.bnn").write_text(AND221.read_text())
    run = qbnnc(*args, cwd=tmp_path)
    assert run.returncode == 2
    assert message in run.stderr + run.stdout


def test_missing_model_is_exit_1(tmp_path: Path) -> None:
    run = qbnnc(str(tmp_path / "nope.bnn"))
    assert run.returncode == 1
    assert "nope.bnn: error: cannot read the file" in run.stderr


def test_non_utf8_model_is_located(tmp_path: Path) -> None:
    model = tmp_path / "m.bnn"
    model.write_bytes(b"network n {\n  input x[\xff]\n}\n")
    run = qbnnc(str(model))
    assert run.returncode == 1
    assert f"{model}:2:11: error: the file is not UTF-8" in run.stderr


def test_version_and_help() -> None:
    assert qbnnc("--version").stdout.strip() == f"qbnnc {__version__}"
    assert "usage" in qbnnc("--help").stdout
    for command in ("check", "stats", "run", "train", "targets"):
        run = qbnnc(command, "--help")
        assert run.returncode == 0, command
        assert f"qbnnc {command}" in run.stdout


def test_check_prints_the_summary() -> None:
    run = qbnnc("check", str(AND221))
    assert run.returncode == 0
    assert "weights: 6 trainable (64 weight strings)" in run.stdout
    assert "marked: 7 of 64" in run.stdout
    assert "iterations: 2 (as written)" in run.stdout


def test_unreachable_accept_names_the_best_count(tmp_path: Path) -> None:
    text = (ROOT / "examples" / "paper" / "qbn31_task2.bnn").read_text()
    model = tmp_path / "m.bnn"
    model.write_text(text.replace("accept correct >= 6", "accept all"))
    run = qbnnc(str(model))
    assert run.returncode == 1
    assert "the best any weight string reaches is 6 of 8 examples" in run.stderr
    assert "write `accept correct >= 6`" in run.stderr


def test_check_refuses_the_phase_read_out_that_compiling_refuses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Precision 2 with step pi/4 reads the count c as c/2: the odd counts fall between two
    register values. Both commands say so, at the oracle; nothing is written."""
    model = tmp_path / "m.bnn"
    model.write_text(
        "network n {\n    input x[2]\n    layer y[1] from x\n}\ndata {\n    00 -> 1\n"
        "    11 -> 1\n}\ntrain {\n    oracle phase precision 2 step pi/4\n"
        "    accept correct >= 1\n}\n"
    )
    out = tmp_path / "train.qasm"
    messages = []
    for argv in (["check", str(model)], [str(model), "-o", str(out)]):
        assert main(argv) == 1
        captured = capsys.readouterr()
        assert captured.out == ""
        messages.append(captured.err)
    assert messages[0] == messages[1]
    assert messages[0].startswith(
        f"{model}:10:5: error: precision 2 with step pi/4 cannot read the count 1 exactly"
    )
    assert not out.exists()


def test_json_output_is_a_pytket_circuit(tmp_path: Path) -> None:
    from pytket import Circuit

    out = tmp_path / "c.json"
    run = qbnnc(str(AND221), "-o", str(out))
    assert run.returncode == 0, run.stderr
    circuit = Circuit.from_dict(json.loads(out.read_text()))
    assert circuit.n_qubits == 12


def test_optimize_for_trades_qubits_for_gates() -> None:
    parity = ROOT / "examples" / "csv" / "parity3.bnn"
    counts = {}
    for choice in ("qubits", "gates"):
        run = qbnnc("stats", str(parity), "--json", "--optimize-for", choice)
        assert run.returncode == 0, run.stderr
        counts[choice] = json.loads(run.stdout)
    assert counts["gates"]["toffoli_count"] < counts["qubits"]["toffoli_count"]
    assert counts["gates"]["qubits"] > counts["qubits"]["qubits"]
    assert counts["gates"]["success_probability"] == counts["qubits"]["success_probability"]


# --- hardening: usage, outputs that cannot lose data, missing packages ----------------------


@pytest.mark.parametrize("command", ["run", "train"])
def test_a_negative_seed_is_a_usage_error(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([command, str(AND221), "--seed", "-1"]) == 2
    err = capsys.readouterr().err
    assert "argument --seed: -1 is negative" in err and "internal error" not in err


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.mark.parametrize("how", ["default", "same name", "symlink", "hard link"])
def test_the_output_never_replaces_the_model(
    how: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = AND221.read_text()
    model = tmp_path / ("m.qasm" if how == "default" else "q.qasm")
    model.write_text(text)
    args = [str(model)]  # a model named *.qasm: MODEL.qasm is the model itself
    if how == "same name":
        args += ["-o", str(model)]
    elif how == "symlink":
        (tmp_path / "link.qasm").symlink_to(model.name)
        args += ["-o", str(tmp_path / "link.qasm")]
    elif how == "hard link":
        (tmp_path / "hard.qasm").hardlink_to(model)
        args += ["-o", str(tmp_path / "hard.qasm")]
    before = _files(tmp_path)
    assert main(args) == 1
    err = capsys.readouterr().err
    assert f"qbnnc: error: refusing to write '{args[-1]}': it is the model" in err
    assert "name another output file with -o" in err
    assert model.read_text() == text and _files(tmp_path) == before


@pytest.mark.parametrize("command", ["run", "train"])
def test_save_over_the_model_names_the_option_used(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    model = tmp_path / "m.bnn"
    model.write_text(AND221.read_text())
    assert main([command, str(model), "--save", str(model)]) == 1
    err = capsys.readouterr().err
    assert f"refusing to write '{model}': it is the model" in err
    assert err.endswith("name another output file with --save\n"), err
    assert model.read_text() == AND221.read_text() and _files(tmp_path) == ["m.bnn"]


def test_a_mistyped_command_is_named_with_the_nearest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "model.bnn").write_text(AND221.read_text())
    assert main(["chek", "model.bnn"]) == 2
    assert capsys.readouterr().err == (
        "qbnnc: error: unknown command 'chek': did you mean 'check'?\n"
    )
    assert main(["nosuch"]) == 2
    err = capsys.readouterr().err
    assert "unknown command 'nosuch'; the commands are: check, stats" in err, err
    # A model is never taken for a command: an existing file, or a name with a suffix.
    (tmp_path / "chek").write_text(AND221.read_text())
    assert main(["chek", "-o", "-"]) == 0
    assert capsys.readouterr().out.startswith("OPENQASM 3")
    assert main(["chek.bnn"]) == 1
    assert "chek.bnn: error: cannot read the file" in capsys.readouterr().err


def test_one_of_a_thing_is_singular(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    model = tmp_path / "m.bnn"
    model.write_text(AND221.read_text().replace("iterations 2", "iterations 1"))
    assert main(["run", str(model), "--shots", "1"]) == 0
    header = capsys.readouterr().out.splitlines()[0]
    assert header.startswith("and221: 1 shot (seed 0) on ") and header.endswith(", 1 iteration")
    import qbnnc

    assert ", 1 iteration, marked" in repr(qbnnc.compile_file(model))
    one = "network n {\n  input x[1]\n  layer y[1] from x\n}\ndata {\n  0 -> 1\n}\n"
    model.write_text(one + "train {\n  accept correct >= 2\n}\n")
    assert main(["check", str(model)]) == 1
    assert "can never hold: there is only 1 example" in capsys.readouterr().err


def test_output_on_a_symlink_writes_through_to_its_target(tmp_path: Path) -> None:
    real = tmp_path / "real.qasm"
    real.write_text("old")
    link = tmp_path / "link.qasm"
    link.symlink_to(real.name)
    dangling = tmp_path / "dangling.qasm"
    dangling.symlink_to("created.qasm")
    assert main([str(AND221), "-o", str(link)]) == 0
    assert link.is_symlink() and real.read_text().startswith("OPENQASM 3.0;")
    assert main([str(AND221), "-o", str(dangling)]) == 0
    assert dangling.is_symlink() and (tmp_path / "created.qasm").read_text() == real.read_text()
    assert _files(tmp_path) == ["created.qasm", "dangling.qasm", "link.qasm", "real.qasm"]


def test_output_mode_is_what_open_would_give(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        assert main([str(AND221), "-o", str(tmp_path / "new.qasm")]) == 0
        existing = tmp_path / "old.qasm"
        existing.write_text("old")
        existing.chmod(0o604)
        assert main([str(AND221), "-o", str(existing)]) == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.qasm").stat().st_mode) == 0o640  # 0666 less the umask
    assert stat.S_IMODE(existing.stat().st_mode) == 0o604  # an existing file keeps its own


def test_the_file_and_its_folder_are_synced_before_the_rename_is_trusted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[str] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        synced.append(os.readlink(f"/proc/self/fd/{fd}"))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    assert main([str(AND221), "-o", str(tmp_path / "out.qasm")]) == 0
    assert len(synced) == 2
    assert synced[0].startswith(str(tmp_path / ".out.qasm.")) and synced[0].endswith(".tmp")
    assert synced[1] == str(tmp_path)


def test_a_failing_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    out = tmp_path / "out.qasm"
    out.write_text("precious")

    def fill(f) -> None:  # half a file, then the disk is full
        f.write(b"OPENQASM 3.0;\n")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    with pytest.raises(CompileError, match=f"cannot write '{out}': No space left on device"):
        write_atomically(out, fill)
    assert out.read_text() == "precious" and _files(tmp_path) == ["out.qasm"]


def _without(monkeypatch: pytest.MonkeyPatch, *modules: str) -> None:
    """Make `modules` look uninstalled to qbnnc's up-front checks."""
    real = importlib.util.find_spec

    def find_spec(name: str, package: str | None = None):
        if any(name == m or name.startswith(m + ".") for m in modules):
            return None
        return real(name, package)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)


@pytest.mark.parametrize(
    ("args", "module", "pip"),
    [
        (["{model}", "-o", "{tmp}/c.json"], "pytket", "pip install pytket"),
        (["{model}", "-o", "{tmp}/c.ll"], "pytket.qir", "pip install pytket-qir"),
        (["stats", "{model}", "--target", "quantinuum-h1"], "pytket.extensions.quantinuum",
         "pip install pytket-quantinuum"),
        (["run", "{model}"], "qiskit_aer", "pip install qiskit-aer"),
        (["run", "{model}", "--target", "quantinuum-h2"], "pytket_pecos",
         "pip install pytket-pecos"),
        (["run", "{model}", "--plot", "{tmp}/p.png"], "matplotlib", "pip install matplotlib"),
        (["train", "{model}", "--backend", "quantinuum-h2"], "pytket_pecos",
         "pip install pytket-pecos"),
        (["estimate", "{model}"], "qdk", "pip install qdk"),
    ],
)  # fmt: skip
def test_a_missing_package_names_the_pip_line_before_any_work(
    args: list[str],
    module: str,
    pip: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _without(monkeypatch, module)
    compiled: list[object] = []
    _spy_compile(monkeypatch, compiled)
    argv = [a.format(model=AND221, tmp=tmp_path) for a in args]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert pip in err and "needs the package" in err and "Traceback" not in err, err
    assert compiled == [] and _files(tmp_path) == []


def test_a_package_missing_at_import_time_is_exit_1_not_an_internal_error(
    tmp_path: Path,
) -> None:
    # The import itself fails, as in an environment without qiskit-aer.
    (tmp_path / "sitecustomize.py").write_text("import sys\nsys.modules['qiskit_aer'] = None\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    run = subprocess.run(
        [sys.executable, "-P", "-m", "qbnnc", "run", str(AND221)],
        capture_output=True,
        text=True,
        env=env,
    )
    assert run.returncode == 1, run.stderr
    assert "qbnnc run needs the package qiskit-aer: pip install qiskit-aer" in run.stderr
    assert "pip install qiskit-aer" in run.stderr and run.stdout == ""
    assert _files(tmp_path) == ["sitecustomize.py"]


def test_an_import_error_deep_inside_names_the_package(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def fail(*args: object, **kwargs: object) -> None:
        raise ModuleNotFoundError("No module named 'qiskit_aer'", name="qiskit_aer.library")

    monkeypatch.setattr("qbnnc.execution.simulate.run", fail)
    assert main(["run", str(AND221)]) == 1
    assert "pip install qiskit-aer" in capsys.readouterr().err

    def ours(*args: object, **kwargs: object) -> None:
        raise ModuleNotFoundError("No module named 'qbnnc.nothing'", name="qbnnc.nothing")

    monkeypatch.setattr("qbnnc.execution.simulate.run", ours)
    assert main(["run", str(AND221)]) == 70  # qbnnc's own module missing is a real defect
    assert "internal error" in capsys.readouterr().err


def test_running_out_of_memory_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def exhaust(*args: object, **kwargs: object) -> None:
        raise MemoryError

    monkeypatch.setattr("qbnnc.execution.simulate.run", exhaust)
    assert main(["run", str(AND221)]) == 1
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("qbnnc: error: out of memory")


def test_a_mistyped_target_is_reported_before_compiling(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    compiled: list[object] = []
    _spy_compile(monkeypatch, compiled)
    for args in (["-o", str(tmp_path / "x.qasm")], ["-o", "-"]):
        assert main([str(AND221), *args, "--target", "quantinum-h1"]) == 1
        assert "unknown target 'quantinum-h1'" in capsys.readouterr().err
    for command in ("stats", "run"):
        assert main([command, str(AND221), "--target", "quantinum-h1"]) == 1
        assert "unknown target 'quantinum-h1'" in capsys.readouterr().err
    assert compiled == [] and _files(tmp_path) == []


def test_data_root_widens_where_data_from_may_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`data from "../data/x.csv"` is refused by default (outside the model's folder) and
    read with `--data-root` naming a folder that holds both, for every command."""
    (tmp_path / "models").mkdir()
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "and.csv").write_text("x0,x1,y\n0,0,0\n0,1,0\n1,0,0\n1,1,1\n")
    model = tmp_path / "models" / "m.bnn"
    model.write_text(
        "network n {\n    input x[2]\n    layer y[1] from x threshold 2\n}\n"
        'data from "../data/and.csv"\n'
    )
    assert main(["check", str(model)]) == 1
    assert "outside the model's folder" in capsys.readouterr().err
    root = str(tmp_path)
    assert main(["check", str(model), "--data-root", root]) == 0
    assert "examples: 4" in capsys.readouterr().out
    assert main(["stats", str(model), "--json", "--data-root", root]) == 0
    assert json.loads(capsys.readouterr().out)["examples"] == 4
    out = tmp_path / "m.qasm"
    assert main([str(model), "-o", str(out), "--data-root", root]) == 0
    assert out.read_text().startswith("OPENQASM 3.0;")


def _spy_compile(monkeypatch: pytest.MonkeyPatch, compiled: list[object]) -> None:
    """Record, instead of compiling, every compile any command would start."""
    import importlib
    import pkgutil

    import qbnnc.cli

    for info in pkgutil.iter_modules(qbnnc.cli.__path__):
        module = importlib.import_module(f"qbnnc.cli.{info.name}")
        if hasattr(module, "compile_model"):
            monkeypatch.setattr(module, "compile_model", lambda *a, **k: compiled.append(a))
