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


def test_every_source_folder_is_listed_for_the_wheel() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(config["packages"])
    mapped = {package: folder for package, folder in config["package-dir"].items()}
    for package in listed:
        assert (ROOT / mapped.get(package, package.replace(".", "/")) / "__init__.py").exists()
    folders = {"qbnnc", "passes", "targets", "grammar"}
    assert {mapped[p] for p in listed} == folders


def test_the_grammar_ships_with_the_package() -> None:
    spec = importlib.util.find_spec("qbnnc.grammar")
    assert spec is not None and spec.submodule_search_locations
    assert any((Path(p) / "bnn.lark").exists() for p in spec.submodule_search_locations)
    assert qbnnc.__version__
