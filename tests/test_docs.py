"""The documentation's examples run: every shell command, Python snippet and error transcript
of the pages under docs/, in a scratch directory holding the shipped examples."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted((ROOT / "docs").glob("*.md"))


def _blocks(page: Path, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", page.read_text(), re.S)


# Each ```sh block: its commands, run in order in one scratch directory (so a block may
# write a file, e.g. `train --save`, that its next command reads).
SH_BLOCKS = [
    (page.name, [line.split("#")[0].strip() for line in block.splitlines() if line.strip()])
    for page in PAGES
    for block in _blocks(page, "sh")
]
COMMANDS = [(page, command) for page, commands in SH_BLOCKS for command in commands]
SNIPPETS = [(page.name, code) for page in PAGES for code in _blocks(page, "python")]
TRANSCRIPTS = [
    (page.name, command, shown)
    for page in PAGES
    for command, shown in re.findall(r"```\n\$ (qbnnc [^\n]*)\n(.*?)```", page.read_text(), re.S)
]


def _qbnnc(argv: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-P", "-m", "qbnnc", *argv], cwd=cwd, capture_output=True, text=True
    )


@pytest.fixture()
def scratch(tmp_path: Path) -> Path:
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    return tmp_path


def test_the_pages_have_examples() -> None:
    assert {"targets.md", "run.md", "stats.md", "train.md"} <= {page for page, _ in COMMANDS}
    assert {"targets.md", "cost-model.md"} <= {page for page, _ in SNIPPETS}
    assert TRANSCRIPTS


@pytest.mark.parametrize(
    ("page", "commands"), SH_BLOCKS, ids=[" && ".join(c) for _, c in SH_BLOCKS]
)
def test_shell_commands_run(page: str, commands: list[str], scratch: Path) -> None:
    for command in commands:
        argv = shlex.split(command)
        assert argv[0] == "qbnnc", (page, command)
        run = _qbnnc(argv[1:], scratch)
        assert run.returncode == 0, (page, command, run.stderr)


@pytest.mark.parametrize(("page", "code"), SNIPPETS, ids=[p for p, _ in SNIPPETS])
def test_python_snippets_run(page: str, code: str, scratch: Path) -> None:
    assert _qbnnc(["examples/paper/qbnn221_and.bnn", "-o", "train.json"], scratch).returncode == 0
    run = subprocess.run(
        [sys.executable, "-P", "-c", code], cwd=scratch, capture_output=True, text=True
    )
    assert run.returncode == 0, (page, code, run.stderr)
    for expected in re.findall(r"^# (\[.*\])$", code, re.M):  # documented output
        assert expected in run.stdout, (page, expected, run.stdout)


@pytest.mark.parametrize(("page", "command", "shown"), TRANSCRIPTS, ids=[t[1] for t in TRANSCRIPTS])
def test_transcripts_are_what_qbnnc_prints(
    page: str, command: str, shown: str, scratch: Path
) -> None:
    """An error transcript is stderr exactly, and nothing is written; any other shows lines
    of standard output (`...` marks lines left out)."""
    run = _qbnnc(shlex.split(command)[1:], scratch)
    if ": error: " in shown:
        assert run.returncode == 1 and run.stderr == shown, (page, command, run.stderr)
        assert sorted(p.name for p in scratch.iterdir()) == ["examples"]
        return
    assert run.returncode == 0, (page, command, run.stderr)
    printed = run.stdout.splitlines()
    for line in shown.splitlines():
        if line.strip() != "...":
            assert line in printed, (page, command, line, run.stdout)
