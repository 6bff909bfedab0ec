"""A job handle is untrusted input: `qbnnc result` and `qbnnc.result` check it against the
schema, read it as a capped regular file, never widen `data from` from it, and never show
the contents of a file it names unless that file is a `.bnn` model that parses."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import qbnnc
from qbnnc.cli import main
from qbnnc.execution.jobs import MAX_JOB_BYTES, Job, read_job

ROOT = Path(__file__).resolve().parent.parent
QBN31 = (ROOT / "examples" / "paper" / "qbn31_task1.bnn").read_text()
SECRET = "root:$6$Secret-Hash-42:19000:0:99999:7:::"


@pytest.fixture
def handle(tmp_path: Path) -> dict[str, object]:
    """A real handle of QBN 3-1 task 1 (3 weights), submitted to aer from `tmp_path`."""
    (tmp_path / "m.bnn").write_text(QBN31)
    job = qbnnc.submit(qbnnc.compile_file(tmp_path / "m.bnn"), "aer", shots=40, seed=1)
    return job.to_json()


def _write(tmp_path: Path, data: object, name: str = "job.json") -> Path:
    path = tmp_path / name
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data if isinstance(data, str) else json.dumps(data))
    return path


def _secrets(tmp_path: Path) -> dict[str, Path]:
    """Files a hostile handle might name as its model, each holding SECRET."""
    (tmp_path / "shadow").write_text(SECRET + "\n")
    (tmp_path / "notes.bnn").write_text(f"network n {{\n{SECRET}\n}}\n")  # does not parse
    (tmp_path / "link.bnn").symlink_to(tmp_path / "shadow")
    return {
        "any file": tmp_path / "shadow",
        "a .bnn that does not parse": tmp_path / "notes.bnn",
        "a .bnn link to any file": tmp_path / "link.bnn",
    }


@pytest.mark.parametrize(
    "named", ["any file", "a .bnn that does not parse", "a .bnn link to any file"]
)
def test_the_model_a_handle_names_is_never_shown_unless_it_is_a_bnn_model(
    named: str, handle: dict, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    model = _secrets(tmp_path)[named]
    path = _write(tmp_path, {**handle, "model": str(model)})
    assert main(["result", str(path)]) == 1
    out, err = capsys.readouterr()
    assert SECRET not in out + err and "Secret" not in out + err
    assert err.startswith(f"{model}: error: ") and len(err.splitlines()) == 1, err
    assert "pass the model it was submitted with (--model MODEL.bnn" in err
    with pytest.raises(qbnnc.CompileError) as info:  # the library: the same refusal
        qbnnc.result(read_job(path))
    assert SECRET not in str(info.value) and info.value.diagnostics[0].source_line is None


def test_a_bnn_model_that_parses_is_quoted_as_any_model_is(
    handle: dict, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The model's own .bnn text may be shown: a checker error points into it."""
    (tmp_path / "m.bnn").write_text(QBN31.replace("layer y[1] from x", "layer y[1] from q"))
    assert main(["result", str(_write(tmp_path, handle))]) == 1
    err = capsys.readouterr().err
    assert "error: unknown source 'q'" in err and "layer y[1] from q" in err


def test_the_handle_never_widens_where_data_from_reads(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Only --data-root (`data_root=`) lets the model read beside its folder; a handle's
    `data_root` (which older handles hold) is ignored."""
    (tmp_path / "models").mkdir()
    (tmp_path / "sets").mkdir()
    (tmp_path / "sets" / "d.csv").write_text("0,0,0\n0,1,0\n1,0,0\n1,1,1\n")
    model = tmp_path / "models" / "m.bnn"
    model.write_text('network n {\n input x[2]\n layer y[1] from x\n}\ndata from "../sets/d.csv"\n')
    path = tmp_path / "job.json"
    argv = ["submit", str(model), "--backend", "aer", "--shots", "9", "--data-root", str(tmp_path)]
    assert main([*argv, "-o", str(path)]) == 0
    data = json.loads(path.read_text())
    assert "data_root" not in data
    _write(tmp_path, {**data, "data_root": "/"})  # as a hostile or older handle would say
    assert main(["result", str(path)]) == 1
    assert "it is outside the model's folder" in capsys.readouterr().err
    with pytest.raises(qbnnc.CompileError, match="outside the model's folder"):
        qbnnc.result(read_job(path))
    assert main(["result", str(path), "--data-root", str(tmp_path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["shots"] == 9
    assert qbnnc.result(read_job(path), data_root=tmp_path).shots == 9


def test_the_handle_is_read_as_a_capped_regular_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    big = tmp_path / "big.json"
    with open(big, "wb") as f:  # sparse: no disk used
        f.truncate(MAX_JOB_BYTES + 1)
    (tmp_path / "folder.json").mkdir()
    cases = {
        "/dev/zero": "it is not a regular file (a device, FIFO or socket)",
        str(big): f"it is {MAX_JOB_BYTES + 1} bytes, above the limit of {MAX_JOB_BYTES} bytes",
        str(tmp_path / "folder.json"): "it is a directory, not a file",
        str(tmp_path / "none.json"): "No such file or directory",
    }
    for path, problem in cases.items():
        assert main(["result", path]) == 1
        assert f"qbnnc: error: cannot read the job handle '{path}': {problem}" in (
            capsys.readouterr().err
        )
    os.mkfifo(tmp_path / "fifo.json")  # in a child: a read that blocks would hang the test
    run = subprocess.run(
        [sys.executable, "-P", "-m", "qbnnc", "result", str(tmp_path / "fifo.json")],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert run.returncode == 1 and "it is not a regular file" in run.stderr


BAD_FIELDS = {
    "counts as a list": ({"counts": [1, 2]}, '"counts" must be an object or null, got a list'),
    "a 40-bit key": ({"counts": {"0" * 40: 5}}, '"counts" must be keyed by weight strings of 3'),
    "a key abc": ({"counts": {"abc": 5}}, '"counts" must be keyed by weight strings of 3 bits'),
    "string counts": ({"counts": {"000": "5"}}, 'each count of "counts" must be a whole number'),
    "a negative count": ({"counts": {"000": -1, "001": 9}}, 'count of "counts" must be a whole'),
    "a fractional count": ({"counts": {"000": 1.5}}, 'count of "counts" must be a whole number'),
    "all-zero counts": ({"counts": {"000": 0}}, '"counts" must hold at least one shot'),
    "model 5": ({"model": 5}, '"model" must be a path or null, got a number'),
    "success_probability x": ({"success_probability": "x"}, '"success_probability" must be a'),
    "success_probability 2": ({"success_probability": 2.5}, "must be a number from 0 to 1"),
    "shots 0": ({"shots": 0}, '"shots" must be a whole number from 1 to 1000000000'),
    "shots true": ({"shots": True}, '"shots" must be a whole number, got true or false'),
    "iterations -1": ({"iterations": -1}, '"iterations" must be a whole number from 0'),
    "marked 9": ({"marked": 9}, '"marked" must be a whole number from 0 to 8'),
    "marked beyond 2^5000": (
        {"weights": [f"w{i}" for i in range(5000)], "marked": -1, "counts": None, "handle": "h"},
        '"marked" must be a whole number from 0 to 2^5000',
    ),
    "an unknown target": ({"target": "x"}, '"target" must be a target\'s name: generic,'),
    "a control character": ({"backend": "aer\x1b]0;x\x07"}, '"backend" must be 1 to 1000 print'),
    "a bidi override": ({"target": "generic\u202e"}, '"target" must be a target\'s name'),
    "a hash": ({"model_sha256": "0" * 63}, '"model_sha256" must be 64 hexadecimal digits'),
    "weights twice": ({"weights": ["a", "a", "b"]}, '"weights" must name each weight once'),
    "weights as text": ({"weights": "abc"}, '"weights" must be a list of names, got text'),
    "no handle, no counts": ({"counts": None, "handle": None}, 'neither a "handle" nor "counts"'),
    "an unknown key": ({"secret-key": 1}, "it has 1 key that a job has not"),
}


@pytest.mark.parametrize("case", sorted(BAD_FIELDS))
def test_every_field_is_checked_against_the_schema(
    case: str, handle: dict, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    change, message = BAD_FIELDS[case]
    path = _write(tmp_path, {**handle, **change})
    assert main(["result", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("qbnnc: error: not a qbnnc job handle: ") and message in err, err
    assert "secret-key" not in err and "\x1b" not in err and "\u202e" not in err
    with pytest.raises(qbnnc.CompileError, match="not a qbnnc job handle"):
        Job.from_json(path.read_text())


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[" * 100_000, "its JSON nests too deeply"),
        ('{"shots": NaN}', "it is not JSON (NaN is no JSON number)"),
        ("root:x:0:0:root:/root:/bin/bash\n", "it is not JSON (Expecting value: line 1 column 1"),
        ("[1, 2]", "it holds a list, not a JSON object"),
        ('{"format": "other"}', 'it has no "format": "qbnnc-job/1"'),
        ('{"format": "qbnnc-job/1"}', "it has no 'backend', 'handle', 'weights'"),
        (b'{"format": "\xff"}', "it is not UTF-8 text"),
    ],
)
def test_a_file_that_is_no_handle_is_one_line_that_quotes_nothing(
    text: str | bytes, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, text)
    assert main(["result", str(path)]) == 1
    err = capsys.readouterr().err
    assert f"qbnnc: error: not a qbnnc job handle: {message}" in err, err
    assert "root:" not in err and len(err.splitlines()) == 1


def test_a_handle_the_backend_does_not_know_is_an_error_not_a_crash(
    handle: dict, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = {**handle, "counts": None, "backend": "AerBackend"}
    for text, message in [
        ("(" * 4000, '"handle" is not a pytket ResultHandle'),
        ("('not', 'run', 1)", "does not know the job's handle"),
        ("x" * 5000, '"handle" must be 1 to 4096 printable characters'),
    ]:
        path = _write(tmp_path, {**base, "handle": text})
        assert main(["result", str(path)]) == 1
        assert message in capsys.readouterr().err


def test_a_handle_made_in_the_library_is_checked_too(handle: dict) -> None:
    fields = {k: v for k, v in handle.items() if k != "format"}
    fields["weights"] = tuple(fields["weights"])
    assert Job(**fields).shots == 40
    with pytest.raises(TypeError, match='"shots" must be a whole number, got a number'):
        Job(**{**fields, "shots": 1.5})
    with pytest.raises(ValueError, match='"counts" must be keyed by weight strings'):
        Job(**{**fields, "counts": {"abc": 1}})
    with pytest.raises(TypeError, match="job must be a qbnnc.Job"):
        qbnnc.result(handle)  # type: ignore[arg-type]


def test_result_reads_a_capped_handle_on_standard_input(handle: dict, tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-P", "-m", "qbnnc", "result", "-", "--json"],
        input=json.dumps(handle), capture_output=True, text=True, cwd=tmp_path, timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["shots"] == 40
