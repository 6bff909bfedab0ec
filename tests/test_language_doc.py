"""docs/language.md names every error the parser and the checker can report.

The error classes are collected two ways, so that a new message cannot go undocumented:
- from the code: every message template passed to the frontend's and the compiler's error
  functions (`error`, `fail`, `_error`, `Diagnostic`, `single`) or assigned to a
  `message` passed on to one, and every message the
  parser's syntax-error functions return (and its table `_AFTER_WORD`), its `{...}` parts
  read as wildcards;
- from the bad corpus: every `expect-error` regex of tests/bad/*.bnn (the parser's syntax
  messages are chosen by what Lark expected, so the corpus drives them), numbers and quoted
  names read as wildcards.
Each class must match a line of the document (its catalogue lists one example of each), or
of docs/data.md, the data-file page it links to, where that page exists.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOC = "\n".join(
    page.read_text()
    for page in (ROOT / "docs" / "language.md", ROOT / "docs" / "data.md")
    if page.exists()
)
SOURCES = [
    "qbnnc/frontend/parse.py",
    "qbnnc/frontend/check.py",
    "qbnnc/frontend/data.py",
    "qbnnc/frontend/source.py",
    "qbnnc/pipeline/compiler.py",
    "qbnnc/synthesis/oracle.py",  # the phase oracle's exact read-out
]
ERROR_FUNCTIONS = {"error", "_error", "fail", "Diagnostic", "single"}


def _template(node: ast.expr) -> str | None:
    """A string or f-string argument as a template, each interpolation as `{}`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
    return None


def _messages(tree: ast.Module, parser: bool) -> list[tuple[int, ast.expr]]:
    """(line, message expression) of every error raised, and in the parser every message
    returned by a function and every value of the `_AFTER_WORD` table."""
    out: list[tuple[int, ast.expr]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if name in ERROR_FUNCTIONS:
                out += [(node.lineno, arg) for arg in node.args]
        elif isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "message":
            out.append((node.lineno, node.value))  # `message = ...` passed on later
        elif parser and isinstance(node, ast.Return) and node.value is not None:
            value = node.value
            if isinstance(value, ast.BinOp):  # `f"..." + (hint or "...")`
                value = value.left
            out.append((node.lineno, value))
        elif parser and isinstance(node, ast.AnnAssign) and isinstance(node.value, ast.Dict):
            if getattr(node.target, "id", None) == "_AFTER_WORD":
                out += [(node.lineno, v) for v in node.value.values]
    return out


def _code_classes() -> list[tuple[str, str]]:
    out = []
    for source in SOURCES:
        tree = ast.parse((ROOT / source).read_text())
        for line, expression in _messages(tree, parser=source.endswith("parse.py")):
            template = _template(expression)
            if template is not None and " " in template.strip():  # a message, not a key
                parts = [re.escape(p) for p in template.split("{}")]
                out.append((f"{source}:{line}", ".*?".join(parts)))
    return out


def _general(pattern: str) -> str:
    """A corpus regex with its numbers and quoted names read as wildcards."""
    pattern = re.sub(r"'[A-Za-z_][A-Za-z0-9_.]*'", "'[^']*'", pattern)
    return re.sub(r"(?<!\\)\d+", r"\\d+", pattern)


def _corpus_classes() -> list[tuple[str, str]]:
    out = []
    for path in sorted((ROOT / "tests" / "bad").glob("*.bnn")):
        for message in re.findall(r"# expect-error: (?:\S+:)?\d+:\d+: (.*)", path.read_text()):
            out.append((path.name, _general(message.strip())))
    return out


CLASSES = _code_classes() + _corpus_classes()


def test_the_classes_are_collected() -> None:
    assert len(_code_classes()) > 40 and len(_corpus_classes()) > 40


@pytest.mark.parametrize(("where", "pattern"), CLASSES, ids=[w for w, _ in CLASSES])
def test_every_error_class_is_in_the_language_reference(where: str, pattern: str) -> None:
    assert re.search(pattern, DOC), f"{where}: no line of docs/language.md matches {pattern!r}"
