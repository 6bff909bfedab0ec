"""The documentation's examples run: every shell command and Python snippet of the pages
that describe reachable features, in a scratch directory holding the shipped examples."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "docs" / "targets.md"]


def _blocks(page: Path, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", page.read_text(), re.S)


def _commands(page: Path) -> list[str]:
    lines = [line for block in _blocks(page, "sh") for line in block.splitlines()]
    return [line.split("#")[0].strip() for line in lines if line.strip()]


@pytest.fixture()
def scratch(tmp_path: Path) -> Path:
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    return tmp_path


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_shell_commands_run(page: Path, scratch: Path) -> None:
    commands = _commands(page)
    assert commands
    for command in commands:
        argv = shlex.split(command)
        assert argv[0] == "qbnnc", command
        run = subprocess.run(
            [sys.executable, "-P", "-m", "qbnnc", *argv[1:]],
            cwd=scratch,
            capture_output=True,
            text=True,
        )
        assert run.returncode == 0, (command, run.stderr)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_python_snippets_run(page: Path, scratch: Path) -> None:
    subprocess.run(
        [sys.executable, "-P", "-m", "qbnnc", "examples/paper/qbnn221_and.bnn", "-o", "train.json"],
        cwd=scratch,
        check=True,
    )
    snippets = _blocks(page, "python")
    assert snippets
    for code in snippets:
        run = subprocess.run(
            [sys.executable, "-P", "-c", code], cwd=scratch, capture_output=True, text=True
        )
        assert run.returncode == 0, (code, run.stderr)
        for expected in re.findall(r"^# (\[.*\])$", code, re.M):  # documented output
            assert expected in run.stdout, (expected, run.stdout)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_error_transcripts_are_what_qbnnc_prints(page: Path, scratch: Path) -> None:
    transcripts = re.findall(r"```\n\$ (qbnnc [^\n]*)\n(.*?)```", page.read_text(), re.S)
    assert transcripts
    for command, shown in transcripts:
        run = subprocess.run(
            [sys.executable, "-P", "-m", "qbnnc", *shlex.split(command)[1:]],
            cwd=scratch,
            capture_output=True,
            text=True,
        )
        assert run.returncode == 1 and run.stderr == shown, command
        assert sorted(p.name for p in scratch.iterdir()) == ["examples"]  # nothing written
