"""No output replaces a file that was read: the model, its data file (by device and inode,
through any name or link), and every writing option takes only its own suffixes."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

import qbnnc
from qbnnc.cli import main
from qbnnc.execution.plot import plot
from qbnnc.files.output import write_atomically

ROWS = "0,0,0\n0,1,0\n1,0,0\n1,1,1\n"


def _model(folder: Path, data: str) -> Path:
    """An AND model whose rows are in the file `data` beside it."""
    folder.mkdir(exist_ok=True)
    (folder / data).write_text(ROWS)
    model = folder / "m.bnn"
    model.write_text(
        f'network n {{\n input x[2]\n layer y[1] from x threshold 2\n}}\ndata from "{data}"\n'
    )
    return model


def _snapshot(folder: Path) -> dict[str, str]:
    return {p.name: p.read_text() for p in sorted(folder.iterdir())}


# Each writing option, pointed at the model's data file: (data file name, arguments, option).
WRITES = {
    "compile default": ("m.qasm", ["{model}"], "-o"),
    "compile -o": ("d.qasm", ["{model}", "-o", "{data}"], "-o"),
    "compile -o .json": ("d.json", ["{model}", "-o", "{data}"], "-o"),
    "run --plot": ("d.png", ["run", "{model}", "--shots", "8", "--plot", "{data}"], "--plot"),
    "run --save": ("d.bnn", ["run", "{model}", "--shots", "8", "--save", "{data}"], "--save"),
    "train --save": ("d.bnn", ["train", "{model}", "--save", "{data}"], "--save"),
    "submit -o": ("d.json", ["submit", "{model}", "--backend", "aer", "-o", "{data}"], "-o"),
}
CASES = [(write, "the file") for write in WRITES] + [
    (write, link)
    for write in WRITES
    if write != "compile default"  # the default output has one name only
    for link in ("a hard link", "a symlink")
]


@pytest.mark.parametrize(("write", "link"), CASES)
def test_no_command_writes_over_the_models_data_file(
    write: str, link: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data, args, option = WRITES[write]
    model = _model(tmp_path, data)
    target = tmp_path / data
    if link == "a hard link":
        target = tmp_path / f"other{Path(data).suffix}"
        target.hardlink_to(tmp_path / data)
    elif link == "a symlink":
        target = tmp_path / f"link{Path(data).suffix}"
        target.symlink_to(data)
    argv = [a.format(model=model, data=target) for a in args]
    shown = target if write != "compile default" else tmp_path / data
    before = _snapshot(tmp_path)
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert f"refusing to write '{shown}': it is the model's data file '{tmp_path / data}'" in err
    assert err.rstrip().endswith(f"name another output file with {option}"), err
    assert _snapshot(tmp_path) == before  # nothing written, no temporary left


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["submit", "{model}", "--backend", "aer", "-o", "{folder}/rows.csv"], "name it JOB.json"),
        (["submit", "{model}", "--backend", "aer", "-o", "{folder}/job.qasm"], "name it JOB.json"),
        (["run", "{model}", "--plot", "{folder}/p.json"], "name it FILE.png"),
        (["train", "{model}", "--save", "{folder}/t.csv"], "name it FILE.bnn"),
        (["{model}", "-o", "{folder}/p.png"], "use a .qasm, .json, .ll or .bc file"),
    ],
)
def test_every_writing_option_takes_only_its_own_suffixes(
    argv: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    model = _model(tmp_path, "rows.csv")
    before = _snapshot(tmp_path)
    assert main([a.format(model=model, folder=tmp_path) for a in argv]) == 2
    assert message in capsys.readouterr().err
    assert _snapshot(tmp_path) == before


def test_the_library_never_writes_over_a_file_the_model_was_read_from(tmp_path: Path) -> None:
    """`plot` protects the model and its data file by itself; `write_atomically` any file
    listed in `inputs`, as `Model.files_read` lists them."""
    model = qbnnc.load_model(_model(tmp_path, "d.png").read_text(), str(tmp_path / "m.bnn"))
    assert model.data_file is not None and model.data_file.path == str(tmp_path / "d.png")
    before = _snapshot(tmp_path)
    for target in ("d.png", "m.bnn"):
        with pytest.raises(qbnnc.CompileError, match=r"refusing to write .*: it is the model"):
            plot(model, tmp_path / target, 1)
    (tmp_path / "hard.png").hardlink_to(tmp_path / "d.png")
    with pytest.raises(qbnnc.CompileError, match="it is the model's data file"):
        write_atomically(tmp_path / "hard.png", "x", inputs=model.files_read)
    (tmp_path / "hard.png").unlink()
    assert _snapshot(tmp_path) == before
    write_atomically(tmp_path / "other.png", "x", inputs=model.files_read)  # another file: fine
    assert (tmp_path / "other.png").read_text() == "x"


# --- what an existing output keeps: owner and group as open() would, not its hard links -----

AND221 = Path(__file__).resolve().parent.parent / "examples" / "paper" / "qbnn221_and.bnn"


def test_an_existing_output_keeps_its_owner_and_group_where_the_writer_may_set_them(
    tmp_path: Path,
) -> None:
    out = tmp_path / "out.qasm"
    out.write_text("old")
    if os.geteuid() == 0:  # root may give the file to anyone, and must keep its owner
        os.chown(out, 12345, 23456)
        owner = (12345, 23456)
    else:  # anyone else may keep only an owner and group that are their own
        owner = (os.geteuid(), os.getegid())
    out.chmod(0o4640)  # a set-id bit too: the mode is set after the owner, which clears it
    assert main([str(AND221), "-o", str(out)]) == 0
    info = out.stat()
    assert out.read_text().startswith("OPENQASM 3.0;")
    assert (info.st_uid, info.st_gid) == owner
    assert stat.S_IMODE(info.st_mode) == 0o4640


def test_an_output_replaces_the_file_so_its_other_hard_links_keep_the_old_content(
    tmp_path: Path,
) -> None:
    """Documented in docs/cli.md: rewriting in place would keep the links but could leave a
    half-written file; the replaced file's other names keep what it held."""
    out, alias = tmp_path / "out.qasm", tmp_path / "alias.qasm"
    out.write_text("old")
    alias.hardlink_to(out)
    inode = out.stat().st_ino
    assert main([str(AND221), "-o", str(out)]) == 0
    assert out.read_text().startswith("OPENQASM 3.0;") and out.stat().st_ino != inode
    assert alias.read_text() == "old" and alias.stat().st_nlink == 1
