"""The one-way layering of the stages holds: import-linter's contracts in pyproject.toml.

`passes/`, `targets/` and `grammar/` sit at the top of the repository and are linked into
the package (`qbnnc/passes -> ../passes`, ...), so the source tree is the package as the
wheel installs it: `lint-imports` runs on it as it is, from the repository, and on the
installed package (editable or not) from anywhere else.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "pyproject.toml"
CONTRACTS = len(tomllib.loads(CONFIG.read_text())["tool"]["importlinter"]["contracts"])


def _lint(cwd: Path) -> subprocess.CompletedProcess[str]:
    lint = Path(sys.executable).with_name("lint-imports")
    return subprocess.run(
        [str(lint), str(CONFIG)], cwd=cwd, capture_output=True, text=True, check=False
    )


def test_the_source_tree_keeps_every_contract() -> None:
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{CONTRACTS} kept, 0 broken" in result.stdout


def test_the_installed_package_keeps_every_contract(tmp_path: Path) -> None:
    """From outside the repository import-linter sees the package pip installed."""
    result = _lint(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{CONTRACTS} kept, 0 broken" in result.stdout


def test_an_upward_import_breaks_the_contract(tmp_path: Path) -> None:
    """The check can fail: a front-end module importing the synthesis is reported."""
    tree = tmp_path / "tree"
    shutil.copytree(ROOT / "qbnnc", tree / "qbnnc")  # links followed: a plain package
    model = tree / "qbnnc" / "frontend" / "model.py"
    model.write_text(model.read_text() + "\nimport qbnnc.synthesis.circuit\n")
    result = _lint(tree)
    assert result.returncode != 0
    assert "BROKEN" in result.stdout and "qbnnc.frontend.model" in result.stdout


# The import cycles grimp finds in the `qbnnc` importable from the current folder, imports
# for type hints included: each a sorted list of modules.
CYCLES = """
import grimp, networkx as nx
graph = grimp.build_graph("qbnnc", exclude_type_checking_imports=False)
imports = nx.DiGraph()
for module in graph.modules:
    imports.add_node(module)
    imports.add_edges_from((module, m) for m in graph.find_modules_directly_imported_by(module))
print(sorted(sorted(c) for c in nx.strongly_connected_components(imports) if len(c) > 1))
"""


def _cycles(tree: Path) -> str:
    out = subprocess.run(
        [sys.executable, "-c", CYCLES], cwd=tree, capture_output=True, text=True, check=False
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def test_no_module_imports_itself_back() -> None:
    assert _cycles(ROOT) == "[]"


def test_the_cycle_check_can_fail(tmp_path: Path) -> None:
    """A module importing one that imports it back is a cycle (on a copy of the tree)."""
    tree = tmp_path / "tree"
    shutil.copytree(ROOT / "qbnnc", tree / "qbnnc")
    circuit = tree / "qbnnc" / "synthesis" / "circuit.py"
    circuit.write_text(circuit.read_text() + "\nimport qbnnc.synthesis.training\n")
    assert _cycles(tree) == "[['qbnnc.synthesis.circuit', 'qbnnc.synthesis.training']]"
