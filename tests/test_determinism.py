"""Same input, same bytes: across processes with different hash seeds, and across runs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MODELS = [
    ROOT / "examples" / "paper" / "qbnn321_task1.bnn",
    ROOT / "examples" / "csv" / "parity3.bnn",
]


def _compile(model: Path, out: Path, seed: str, *flags: str) -> bytes:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    run = subprocess.run(
        [sys.executable, "-P", "-m", "qbnnc", str(model), "-o", str(out), *flags],
        env=env,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    return out.read_bytes()


@pytest.mark.parametrize("model", MODELS, ids=lambda p: p.stem)
@pytest.mark.parametrize(
    ("suffix", "flags"), [(".qasm", ()), (".qasm", ("--flat",)), (".json", ())]
)
def test_hash_seed_does_not_change_the_output(
    model: Path, suffix: str, flags: tuple[str, ...], tmp_path: Path
) -> None:
    first = _compile(model, tmp_path / f"a{suffix}", "1", *flags)
    second = _compile(model, tmp_path / f"b{suffix}", "4242", *flags)
    assert first == second
