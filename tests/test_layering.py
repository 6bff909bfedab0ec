"""The one-way layering of the stages holds: import-linter's contracts in pyproject.toml.

The package is laid out as the wheel installs it (`passes/`, `targets/` and `grammar/`
inside `qbnnc/`, per the package-dir mapping) in a temporary folder, and `lint-imports`
runs on that copy, so the check does not depend on how qbnnc was installed here.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _wheel_layout(into: Path) -> Path:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    for package, folder in config["package-dir"].items():
        shutil.copytree(ROOT / folder, into.joinpath(*package.split(".")), dirs_exist_ok=True)
    return into


def _lint(tree: Path, config: Path) -> subprocess.CompletedProcess[str]:
    lint = Path(sys.executable).with_name("lint-imports")
    env = {**os.environ, "PYTHONPATH": str(tree)}
    return subprocess.run(
        [str(lint), str(config)], cwd=tree, env=env, capture_output=True, text=True, check=False
    )


def test_stages_import_only_the_stages_below_them(tmp_path: Path) -> None:
    result = _lint(_wheel_layout(tmp_path / "tree"), ROOT / "pyproject.toml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_an_upward_import_breaks_the_contract(tmp_path: Path) -> None:
    """The check can fail: a front-end module importing the synthesis is reported."""
    tree = _wheel_layout(tmp_path / "tree")
    model = tree / "qbnnc" / "frontend" / "model.py"
    model.write_text(model.read_text() + "\nimport qbnnc.synthesis.circuit  # noqa\n")
    result = _lint(tree, ROOT / "pyproject.toml")
    assert result.returncode != 0
    assert "BROKEN" in result.stdout and "qbnnc.frontend.model" in result.stdout
