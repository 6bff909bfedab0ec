"""Hardening of the front end through the command line (issue 13): every failure a user can
cause is exit status 1 with a diagnostic, never a traceback or exit 70, and writes nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import openqasm3
from openqasm3 import ast

from qbnnc.frontend.source import MAX_SOURCE_BYTES

ROOT = Path(__file__).resolve().parent.parent
AND221 = (ROOT / "examples" / "paper" / "qbnn221_and.bnn").read_text()
# Every subprocess stays under this much memory, so a regression that reads a stream whole
# fails the test instead of exhausting the machine.
MEMORY_LIMIT = 2 * 1024**3


def _limit() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def qbnnc(*args: str, cwd: Path | None = None, timeout: float = 120):
    return subprocess.run(
        [sys.executable, "-P", "-m", "qbnnc", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=timeout,
        preexec_fn=_limit,
    )


def assert_user_error(run: subprocess.CompletedProcess[str]) -> None:
    assert run.returncode == 1, run.stderr
    assert "Traceback" not in run.stderr and "internal error" not in run.stderr
    assert run.stdout == ""


def test_a_device_as_model_is_refused_without_reading_it() -> None:
    run = qbnnc("check", "/dev/zero", timeout=60)
    assert_user_error(run)
    assert run.stderr == (
        "/dev/zero: error: cannot read the model: it is not a regular file (a device, FIFO or "
        "socket); save the model in a file\n"
    )


def test_a_fifo_as_model_does_not_block(tmp_path: Path) -> None:
    fifo = tmp_path / "m.bnn"
    os.mkfifo(fifo)
    run = qbnnc(str(fifo), "-o", str(tmp_path / "out.qasm"), timeout=60)
    assert_user_error(run)
    assert "it is not a regular file" in run.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.bnn"]


def test_a_model_above_the_size_limit_is_refused_with_its_size(tmp_path: Path) -> None:
    model = tmp_path / "big.bnn"
    model.write_text(AND221 + "#" * MAX_SOURCE_BYTES + "\n")
    run = qbnnc(str(model), "-o", str(tmp_path / "out.qasm"))
    assert_user_error(run)
    size = model.stat().st_size
    assert run.stderr == (
        f"{model}: error: the model is {size} bytes, above the limit of {MAX_SOURCE_BYTES} "
        "bytes (4 MiB): move its training data to a CSV file and read it with "
        '`data from "FILE.csv"`\n'
    )
    assert not (tmp_path / "out.qasm").exists()


def test_data_from_a_system_file_reveals_nothing(tmp_path: Path) -> None:
    model = tmp_path / "m.bnn"
    for written in ("/etc/passwd", "../../../../../../../../etc/passwd"):
        model.write_text(
            f'network n {{\n    input x[2]\n    layer y[1] from x\n}}\ndata from "{written}"\n'
        )
        run = qbnnc(str(model), "-o", str(tmp_path / "out.qasm"))
        assert_user_error(run)
        assert run.stderr.startswith(f"{model}:5:1: error: cannot read data file '")
        assert "it is outside the model's folder" in run.stderr
        assert "root:" not in run.stderr and "nologin" not in run.stderr
        assert not (tmp_path / "out.qasm").exists()


def test_a_bad_row_beside_other_errors_reports_them_all(tmp_path: Path) -> None:
    model = tmp_path / "bad.bnn"
    model.write_text(
        "network n {\n    input x[2]\n    layer h[2] from x threshold 3\n"
        "    layer y[1] from h, z\n}\ndata {\n    00 -> 0\n    01 -> 2\n}\n"
        "train {\n    accept all x\n}\n"
    )
    run = qbnnc(str(model), "-o", str(tmp_path / "out.qasm"))
    assert_user_error(run)
    heads = [line for line in run.stderr.splitlines() if ": error: " in line]
    assert [line.split(": error: ")[0] for line in heads] == [
        f"{model}:3:33",
        f"{model}:4:24",
        f"{model}:8:11",
        f"{model}:11:16",
    ]
    assert not (tmp_path / "out.qasm").exists()


def test_too_many_weights_for_expect_is_a_located_error(tmp_path: Path) -> None:
    model = tmp_path / "wide.bnn"
    model.write_text(
        "network n {\n    input x[32]\n    layer h[32] from x\n    layer y[1] from h\n}\n"
        f"data {{\n    {'0' * 32} -> 1\n}}\ntrain {{\n    expect 1\n}}\n"
    )
    run = qbnnc(str(model), "-o", str(tmp_path / "out.qasm"))
    assert_user_error(run)
    assert run.stderr.startswith(f"{model}:10:12: error: expect 1 with 1056 weights means")
    assert not (tmp_path / "out.qasm").exists()


def test_a_newline_in_the_model_path_stays_in_the_comment(tmp_path: Path) -> None:
    folder = tmp_path / 'x\ninclude "evil.inc";\n'
    folder.mkdir()
    model = folder / "m.bnn"
    model.write_text(AND221)
    out = tmp_path / "out.qasm"
    run = qbnnc(str(model), "-o", str(out))
    assert run.returncode == 0, run.stderr
    text = out.read_text()
    program = openqasm3.parse(text)
    includes = [s.filename for s in program.statements if isinstance(s, ast.Include)]
    assert includes == ["stdgates.inc"]
    header = text.split("\n")[2:]
    header = header[: next(i for i, line in enumerate(header) if not line.startswith("//"))]
    assert any("model: and221" in line for line in header)
    assert all(line.startswith("//") for line in header)
    assert '\\ninclude "evil.inc";\\n' in text
