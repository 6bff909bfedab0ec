"""Fuzzing the whole compiler through its command line: no input may crash it.

Random valid models must compile; random mutations of the shipped examples (deleted,
duplicated and swapped tokens and lines, huge numbers, bad bytes, truncation, repeated
blocks) must either compile or fail with located diagnostics and exit 1, never a
traceback or internal error, and never leave a partial output file. A longer campaign:
QBNNC_FUZZ_EXAMPLES=20000 pytest tests/test_fuzz.py
"""

from __future__ import annotations

import os
import random
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import qbnnc.compiler
from qbnnc.cli import main
from qbnnc.tools.testing import random_source

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = {p.name: p.read_bytes() for p in sorted(ROOT.glob("examples/**/*.bnn"))}
CSV = (ROOT / "examples" / "csv" / "parity3.csv").read_bytes()
BUDGET = int(os.environ.get("QBNNC_FUZZ_EXAMPLES", "1500"))
LOCATED = re.compile(r"^\S.*?:(\d+:\d+:)? error: .+")
NOISE = [
    b"", b"{", b"}", b"->", b"#", b"9" * 40, b"-1", b"\xff\xfe", b"\x00", b"\r", b"\t",
    b"layer", b"from", b"x[0]", b"pi/0", b"0*pi", b"accept", b"\xe2\x80\xa8", b"%",
]  # fmt: skip


@st.composite
def mutants(draw: st.DrawFn) -> bytes:
    text = draw(st.sampled_from(sorted(EXAMPLES.values())))
    tokens = re.split(rb"(\s+)", text)
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, max(len(tokens) - 1, 0)))
        kind = draw(st.sampled_from(["delete", "duplicate", "swap", "noise", "number", "repeat"]))
        if kind == "delete" and tokens:
            del tokens[i]
        elif kind == "duplicate" and tokens:
            tokens.insert(i, tokens[i])
        elif kind == "swap" and len(tokens) > 1:
            j = draw(st.integers(0, len(tokens) - 1))
            tokens[i], tokens[j] = tokens[j], tokens[i]
        elif kind == "noise":
            tokens.insert(i, draw(st.sampled_from(NOISE)))
        elif kind == "number" and tokens:
            tokens[i] = re.sub(rb"\d+", str(draw(st.integers(0, 10**12))).encode(), tokens[i])
        elif kind == "repeat":
            lines = b"".join(tokens).split(b"\n")
            k = draw(st.integers(0, max(len(lines) - 1, 0)))
            lines[k:k] = [lines[k]] * draw(st.integers(2, 60)) if lines else []
            tokens = re.split(rb"(\s+)", b"\n".join(lines))
    out = b"".join(tokens)
    if draw(st.booleans()):
        out = out[: draw(st.integers(0, len(out)))]
    return out


def _run(tmp: Path, source: bytes, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    for old in tmp.iterdir():
        old.unlink()
    (tmp / "m.bnn").write_bytes(source)
    (tmp / "parity3.csv").write_bytes(CSV)
    code = main([str(tmp / "m.bnn"), "-o", str(tmp / "out.qasm")])
    return code, capsys.readouterr().err


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


ANY_HEALTH = list(HealthCheck)


@settings(max_examples=BUDGET, deadline=None, suppress_health_check=ANY_HEALTH)
@given(source=mutants())
def test_mutants_compile_or_fail_with_located_errors(
    source: bytes,
    scratch: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Valid but huge mutants (a width of 10^12) are refused by size, not compiled for minutes.
    monkeypatch.setattr(qbnnc.compiler, "MAX_WEIGHTED_LINES", 2_000)
    tmp = scratch
    code, err = _run(tmp, source, capsys)
    files = sorted(p.name for p in tmp.iterdir())
    assert code in (0, 1), err
    assert "Traceback" not in err and "internal error" not in err
    if code == 0:
        assert "out.qasm" in files and (tmp / "out.qasm").read_text().startswith("OPENQASM 3.0;")
    else:
        assert files == ["m.bnn", "parity3.csv"], files  # nothing written, no temporaries
        first = err.splitlines()[0]
        assert LOCATED.match(first), err


@settings(max_examples=max(BUDGET // 10, 20), deadline=None, suppress_health_check=ANY_HEALTH)
@given(seed=st.integers(0, 2**32 - 1))
def test_random_valid_models_compile(seed: int) -> None:
    text = random_source(random.Random(seed))
    program = qbnnc.compiler.compile(text, "random.bnn")
    assert program.qasm3().startswith("OPENQASM 3.0;")
