"""`data from` reads only inside its folder, even while another process swaps the folders
on the way for links: `open_beneath` resolves one component at a time from descriptors."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

import qbnnc
from qbnnc.cli import main
from qbnnc.files.inputs import Reason, Unreadable, open_beneath

AND_ROWS = "0,0,0\n0,1,0\n1,0,0\n1,1,1\n"
OTHER_ROWS = AND_ROWS + "1,1,1\n"  # five examples: a load that escaped shows it
MODEL = 'network n {\n input x[2]\n layer y[1] from x threshold 2\n}\ndata from "sub/d.csv"\n'


def _tree(tmp_path: Path) -> Path:
    """models/m.bnn reading models/sub/d.csv, and outside/sub/d.csv beside models/."""
    for folder, rows in (("models", AND_ROWS), ("outside", OTHER_ROWS)):
        (tmp_path / folder / "sub").mkdir(parents=True)
        (tmp_path / folder / "sub" / "d.csv").write_text(rows)
    (tmp_path / "models" / "m.bnn").write_text(MODEL)
    return tmp_path / "models" / "m.bnn"


# Another process, as an attacker would be: it exchanges `folder` and `link` (a link to
# elsewhere) over and over, atomically with renameat2 where Linux has it, until told to stop.
SWAPPER = r"""
import ctypes, os, sys
folder, link, stop = sys.argv[1:4]
libc = ctypes.CDLL(None, use_errno=True)
exchange = getattr(libc, "renameat2", None)
os.close(os.open(sys.argv[4], os.O_CREAT | os.O_WRONLY))  # started
while not os.path.exists(stop):
    if exchange is not None:
        if exchange(-100, folder.encode(), -100, link.encode(), 2) != 0:  # RENAME_EXCHANGE
            raise OSError(ctypes.get_errno(), "renameat2")
    else:
        target = os.readlink(link)
        os.rename(folder, folder + ".kept")
        os.symlink(target, folder)
        os.unlink(folder)
        os.rename(folder + ".kept", folder)
"""


@contextmanager
def _swapping(models: Path, outside: Path) -> Iterator[None]:
    """models/sub swapped for a link to outside/sub and back, all the while."""
    (models / "link").symlink_to(outside / "sub")
    stop, started = models.parent / "stop", models.parent / "started"
    args = [str(models / "sub"), str(models / "link"), str(stop), str(started)]
    child = subprocess.Popen([sys.executable, "-c", SWAPPER, *args], stderr=subprocess.PIPE)
    try:
        while not started.exists():
            assert child.poll() is None, child.communicate()[1]
            time.sleep(0.01)
        yield
    finally:
        stop.touch()
        _, err = child.communicate(timeout=60)
    assert child.returncode == 0, err  # it swapped until the end


def test_a_folder_swapped_for_a_link_while_loading_never_leads_outside(tmp_path: Path) -> None:
    """With realpath, then open, about one load in fifty read outside; none may."""
    model = _tree(tmp_path)
    text = model.read_text()
    outcomes = {"inside": 0, "refused": 0}
    with _swapping(tmp_path / "models", tmp_path / "outside"):
        for _ in range(2000):
            try:
                loaded = qbnnc.load_model(text, str(model))
            except qbnnc.CompileError:  # every OS error is one, never a raw OSError
                outcomes["refused"] += 1
                continue
            assert loaded.num_examples == 4, "read outside the model's folder"
            outcomes["inside"] += 1
    assert outcomes["inside"] > 0 and outcomes["refused"] > 0, outcomes  # it did race


def test_the_race_through_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    model = _tree(tmp_path)
    codes: dict[int, int] = {}
    with _swapping(tmp_path / "models", tmp_path / "outside"):
        for _ in range(1000):
            code = main(["check", str(model)])
            out, err = capsys.readouterr()
            codes[code] = codes.get(code, 0) + 1
            assert code in (0, 1), err
            assert "examples: 5" not in out, "read outside the model's folder"
            assert code == 0 or "cannot read data file" in err, err
    assert codes.get(0) and codes.get(1), codes  # it did race


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """root/ holding a file, a folder, links inside and out; outside/ beside it."""
    root, outside = tmp_path / "root", tmp_path / "outside"
    (root / "sets").mkdir(parents=True)
    outside.mkdir()
    (root / "sets" / "d.csv").write_text(AND_ROWS)
    (outside / "secret.csv").write_text("SECRET")
    (root / "rel.csv").symlink_to("sets/d.csv")
    (root / "abs.csv").symlink_to(root / "sets" / "d.csv")
    (root / "chain.csv").symlink_to("rel.csv")
    (root / "up").symlink_to("..")
    (root / "out.csv").symlink_to(outside / "secret.csv")
    (root / "loop.csv").symlink_to("loop.csv")
    os.mkfifo(root / "fifo.csv")
    return root


@pytest.mark.parametrize(
    "path",
    ["sets/d.csv", "rel.csv", "abs.csv", "chain.csv", "sets/../sets/d.csv", "up/root/sets/d.csv",
     "../root/sets/d.csv"],
)  # fmt: skip
def test_links_and_dotdot_that_stay_inside_are_followed(tree: Path, path: str) -> None:
    fd, real = open_beneath(str(tree / path), str(tree))
    try:
        assert os.read(fd, 100).decode() == AND_ROWS
    finally:
        os.close(fd)
    assert real == str(tree / "sets" / "d.csv")


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("out.csv", Reason.OUTSIDE),
        ("../outside/secret.csv", Reason.OUTSIDE),
        ("up/outside/secret.csv", Reason.OUTSIDE),
        ("../outside/missing.csv", Reason.OUTSIDE),  # nothing tells whether it exists
        ("up", Reason.OUTSIDE),
        ("missing.csv", Reason.MISSING),
        ("sets", Reason.DIRECTORY),
        ("fifo.csv", Reason.SPECIAL),
        ("loop.csv", Reason.OTHER),
        ("sets/d.csv/x", Reason.OTHER),
    ],
)
def test_what_does_not_resolve_to_a_file_inside_is_refused(
    tree: Path, path: str, reason: Reason
) -> None:
    with pytest.raises(Unreadable) as info:
        open_beneath(str(tree / path), str(tree))
    assert info.value.reason is reason, info.value
    assert "SECRET" not in str(info.value)


def test_a_relative_path_is_from_the_current_folder(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tree / "sets")
    fd, real = open_beneath("../rel.csv", str(tree))
    os.close(fd)
    assert real == str(tree / "sets" / "d.csv")
    with pytest.raises(Unreadable) as info:
        open_beneath("../../outside/secret.csv", "..")
    assert info.value.reason is Reason.OUTSIDE
