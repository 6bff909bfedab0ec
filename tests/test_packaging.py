"""The package installs as `qbnnc` with its folders inside its namespace, nothing else."""

from __future__ import annotations

import importlib.util
import tomllib
from pathlib import Path

import qbnnc

ROOT = Path(__file__).resolve().parent.parent


def test_no_generic_top_level_modules() -> None:
    for name in ("passes", "targets", "grammar"):
        assert importlib.util.find_spec(name) is None, f"a top-level '{name}' is importable"
    for name in ("qbnnc.passes", "qbnnc.targets", "qbnnc.grammar"):
        assert importlib.util.find_spec(name) is not None


def _folder(package: str, mapped: dict[str, str]) -> Path:
    """Where setuptools takes `package` from: its own mapping, or its parent's."""
    if package in mapped:
        return ROOT / mapped[package]
    parent, _, name = package.rpartition(".")
    return _folder(parent, mapped) / name


def test_every_source_folder_is_listed_for_the_wheel() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(config["packages"])
    mapped = {package: folder for package, folder in config["package-dir"].items()}
    folders = {_folder(package, mapped) for package in listed}
    for folder in folders:
        assert (folder / "__init__.py").exists(), folder
    # Every folder of Python code under the mapped roots ships (a subpackage missing from
    # the list works in an editable install and is absent from the wheel).
    roots = [ROOT / "qbnnc", ROOT / "passes", ROOT / "targets", ROOT / "grammar"]
    sources = {
        init.parent
        for root in roots
        for init in root.rglob("__init__.py")
        if "__pycache__" not in init.parts
    }
    assert sources == folders


def test_the_grammar_ships_with_the_package() -> None:
    spec = importlib.util.find_spec("qbnnc.grammar")
    assert spec is not None and spec.submodule_search_locations
    assert any((Path(p) / "bnn.lark").exists() for p in spec.submodule_search_locations)
    assert qbnnc.__version__
