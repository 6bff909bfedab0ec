"""No function in the package is more complex than 30 (radon's cyclomatic complexity) unless
README lists it with the reason; and every function README lists is still one."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

from radon.complexity import cc_visit
from radon.visitors import Class, Function

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 30
# A README entry: "- `frontend/parse.py::_token_message` (64): why".
LISTED = re.compile(r"^- `(?P<where>[\w/]+\.py::[\w.]+)` \((?P<complexity>\d+)\): \S", re.M)


def _functions(blocks: list[Function | Class]) -> Iterator[Function]:
    for block in blocks:
        inner = block.methods if isinstance(block, Class) else [block]
        for function in inner:
            yield function
            yield from _functions(list(function.closures))


def complex_functions() -> dict[str, int]:
    """'folder/module.py::name' -> complexity, for every function of qbnnc over LIMIT."""
    out = {}
    package = ROOT / "qbnnc"
    for folder, _, files in os.walk(package, followlinks=True):
        for name in sorted(f for f in files if f.endswith(".py")):
            path = Path(folder) / name
            for f in _functions(cc_visit(path.read_text())):
                if f.complexity > LIMIT:
                    out[f"{path.relative_to(package).as_posix()}::{f.fullname}"] = f.complexity
    return out


def test_every_function_over_the_limit_is_listed_with_its_reason() -> None:
    listed = {
        m["where"]: int(m["complexity"]) for m in LISTED.finditer((ROOT / "README.md").read_text())
    }
    assert complex_functions() == listed


def test_the_check_sees_a_complex_function() -> None:
    branches = "\n".join(f"    if x == {i}:\n        return {i}" for i in range(LIMIT + 1))
    (f,) = _functions(cc_visit(f"def f(x):\n{branches}\n    return -1\n"))
    assert f.complexity > LIMIT
