"""Input that made qbnnc crash (exit 70) or that it took as something it is not: each is now
refused, as a usage error (exit 2), a one-line error (exit 1) or the library's TypeError or
ValueError, saying what is expected. (Job handles: tests/test_jobs.py.)"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest

import qbnnc
from qbnnc.cli import main
from qbnnc.sklearn import QBNNClassifier

ROOT = Path(__file__).resolve().parent.parent
QBN31 = ROOT / "examples" / "paper" / "qbn31_task1.bnn"
BIG = "9" * 32
AND_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
AND_Y = np.array([0, 0, 0, 1])
NETWORK = "network n {\n input x[2]\n layer y[1] from x threshold 2\n}\n"


@pytest.fixture(scope="module")
def program() -> qbnnc.Program:
    return qbnnc.compile_file(QBN31)


@pytest.mark.parametrize("folder", [".", "/", ".."])
def test_a_folder_as_the_model_is_one_line(
    folder: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main([folder]) == 1
    assert capsys.readouterr().err == f"{folder}: error: is a directory, not a .bnn file\n"
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["run", "{model}", "--shots", BIG], f"argument --shots: {BIG} is more than 1000000000"),
        (["submit", "{model}", "--backend", "aer", "--shots", BIG], "is more than 1000000000"),
        (["train", "{model}", "--shots-per-round", BIG], "is more than 1000000000 (10^9)"),
        (["run", "{model}", "--target", "ibm-torino", "--seed", str(2**64)], "2^32 - 1"),
        (["submit", "{model}", "--backend", "AerBackend", "--seed", str(2**63)], "2^32 - 1"),
        (["{model}", "-o", ""], "cannot tell the format of '': use a .qasm, .json"),
        (["submit", "{model}", "--backend", "aer", "-o", ""], "name it JOB.json, not ''"),
        (["run", "{model}", "--save", ""], "name it FILE.bnn, not ''"),
    ],
)
def test_numbers_too_large_and_empty_names_are_usage_errors(
    argv: list[str], message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.chdir(tmp_path)
    model = tmp_path / "m.bnn"
    model.write_text(QBN31.read_text())
    assert main([a.format(model=model) for a in argv]) == 2
    err = capsys.readouterr().err
    assert message in err and "internal error" not in err, err
    assert [p.name for p in tmp_path.iterdir()] == ["m.bnn"]


def test_the_library_refuses_shots_and_seeds_it_cannot_take(program: qbnnc.Program) -> None:
    for call in (qbnnc.run, lambda p, **kw: qbnnc.submit(p, "aer", **kw)):
        with pytest.raises(ValueError, match=r"shots must be from 1 to 1000000000 \(10\^9\)"):
            call(program, shots=2**70)
        with pytest.raises(TypeError, match="shots must be a whole number, got float"):
            call(program, shots=1.5)
        with pytest.raises(ValueError, match=r"seed must be from 0 to 4294967295"):
            call(program, shots=10, seed=2**64)
    assert qbnnc.run(program, shots=np.int64(10), seed=np.uint32(7)).shots == 10
    with pytest.raises(TypeError, match="program must be a qbnnc.Program"):
        qbnnc.run(None)  # type: ignore[arg-type]


def test_train_refuses_a_budget_or_shots_that_are_no_count(program: qbnnc.Program) -> None:
    with pytest.raises(
        ValueError, match="budget must be at least 1 oracle-call equivalent, got -5"
    ):
        qbnnc.train(program.model, budget=-5)
    with pytest.raises(TypeError, match="budget must be a whole number of oracle-call equivalents"):
        qbnnc.train(program.model, budget=2.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="shots_per_round must be from 1 to"):
        qbnnc.train(program.model, shots_per_round=0)


def test_an_unknown_backend_is_a_value_error_in_the_library_and_one_line_on_the_cli(
    program: qbnnc.Program, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(ValueError, match="unknown backend 'x'"):
        qbnnc.run(program, backend="x")
    with pytest.raises(ValueError, match="unknown backend 'nope'"):
        qbnnc.train(program.model, backend="nope")
    assert main(["run", str(QBN31), "--backend", "x"]) == 1
    assert capsys.readouterr().err.startswith("qbnnc: error: unknown backend 'x';")


@pytest.mark.parametrize("hidden", ["2", "22", (2.5,), (0,), (2, "x"), None])
def test_the_estimator_refuses_layer_widths_that_are_no_widths(hidden: object) -> None:
    with pytest.raises(ValueError, match="hidden must be the widths of the hidden layers"):
        QBNNClassifier(hidden=hidden).fit(AND_X, AND_Y)  # type: ignore[arg-type]


def test_the_estimator_takes_one_width_as_one_hidden_layer() -> None:
    fitted = QBNNClassifier(hidden=1).fit(AND_X, AND_Y)
    assert list(fitted.network_.neurons) == ["h1[0]", "y[0]"]


def test_masked_values_are_refused_not_read_under_the_mask() -> None:
    masked = np.ma.masked_array(AND_X, mask=[[0, 0], [0, 1], [0, 0], [0, 0]])
    with pytest.raises(qbnnc.CompileError, match=r"masked \(missing\) values, the first at"):
        qbnnc.compile(NETWORK, data=(masked, AND_Y))
    with pytest.raises(ValueError, match="X is a masked array with masked"):
        QBNNClassifier().fit(masked, AND_Y)
    labels = np.ma.masked_array(AND_Y, mask=[0, 0, 1, 0])
    with pytest.raises(qbnnc.CompileError, match=r"the labels \(y\) is a masked array"):
        qbnnc.compile(NETWORK, data=(AND_X, labels))
    nothing_masked = np.ma.masked_array(AND_X, mask=False)
    assert qbnnc.compile(NETWORK, data=(nothing_masked, AND_Y)).model.num_examples == 4


def _npy(header: str) -> bytes:
    """A .npy file (version 1 or 2, by the header's length) with this header and 12 bytes."""
    major = 1 if len(header) < 60_000 else 2
    width = 2 if major == 1 else 4
    text = header.encode("latin-1")
    text += b" " * (-(10 + width - 2 + len(text) + 1) % 64) + b"\n"
    return b"\x93NUMPY" + bytes([major, 0]) + len(text).to_bytes(width, "little") + text + bytes(12)


@pytest.mark.parametrize(
    "header",
    [
        "{'descr': __import__('os').system('echo hi'), 'fortran_order': False, 'shape': (4, 3)}",
        "{'descr': '|u1', 'fortran_order': False, 'shape': (4, 3), 'x': '" + "a" * 11_000 + "'}",
        "not a header at all",
    ],
    ids=["code in the header", "a header over 10 KB", "no header"],
)
def test_a_npy_header_that_is_not_numpys_is_said_so_without_quoting_it(
    header: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "d.npy").write_bytes(_npy(header))
    (tmp_path / "m.bnn").write_text(NETWORK + 'data from "d.npy"\n')
    assert main(["check", str(tmp_path / "m.bnn")]) == 1
    err = capsys.readouterr().err
    assert err == (
        f"{tmp_path / 'd.npy'}: error: its header is not an array header as numpy.save writes "
        "it (it does not parse, or is over 10,000 bytes): save the array with numpy.save\n"
    )
    real = io.BytesIO()  # the same model reads the file numpy.save writes
    np.save(real, np.column_stack([AND_X, AND_Y]).astype(np.uint8))
    (tmp_path / "d.npy").write_bytes(real.getvalue())
    assert main(["check", str(tmp_path / "m.bnn")]) == 0, capsys.readouterr().err
