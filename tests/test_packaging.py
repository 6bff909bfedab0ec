"""The package installs as `qbnnc` with its folders inside its namespace, nothing else."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
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
    listed = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    # passes/, targets/ and grammar/ are inside the package through links
    # (qbnnc/passes -> ../passes), so each package is its own folder of the tree.
    folders = {ROOT.joinpath(*package.split(".")) for package in listed}
    for folder in folders:
        assert (folder / "__init__.py").exists(), folder
    # Every folder of Python code in the package ships (a subpackage missing from the list
    # works in an editable install and is absent from the wheel).
    sources = {
        Path(folder)
        for folder, _, files in os.walk(ROOT / "qbnnc", followlinks=True)
        if "__init__.py" in files
    }
    assert sources == folders


def test_the_top_level_folders_are_the_package_s() -> None:
    for name in ("passes", "targets", "grammar"):
        link = ROOT / "qbnnc" / name
        assert link.is_symlink() and os.readlink(link) == f"../{name}", link
        assert link.resolve() == ROOT / name


def test_the_source_tree_is_the_package(tmp_path: Path) -> None:
    """From the repository's root, where the README's paths work, `import qbnnc` finds the
    source tree ahead of any installed copy, and it compiles and runs."""
    script = (
        "import qbnnc, qbnnc.passes, qbnnc.targets.qasm3\n"
        "p = qbnnc.compile_file('examples/paper/qbnn221_and.bnn')\n"
        "print(qbnnc.__file__, qbnnc.passes.__file__, qbnnc.targets.qasm3.__file__, p.marked)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert out.returncode == 0, out.stderr
    package, passes, qasm3, marked = out.stdout.split()
    assert Path(package) == ROOT / "qbnnc" / "__init__.py"
    assert Path(passes).resolve() == ROOT / "passes" / "__init__.py"
    assert Path(qasm3).resolve() == ROOT / "targets" / "qasm3.py"
    assert marked == "7"  # 7 of the 64 weight strings classify AND (the census)
    module = subprocess.run(
        [
            sys.executable,
            "-m",
            "qbnnc",
            "examples/paper/qbnn221_and.bnn",
            "-o",
            str(tmp_path / "a.qasm"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert module.returncode == 0, module.stderr
    assert (tmp_path / "a.qasm").read_text().startswith("OPENQASM 3")


def test_the_grammar_ships_with_the_package() -> None:
    spec = importlib.util.find_spec("qbnnc.grammar")
    assert spec is not None and spec.submodule_search_locations
    assert any((Path(p) / "bnn.lark").exists() for p in spec.submodule_search_locations)
    assert qbnnc.__version__
