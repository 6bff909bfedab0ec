"""The README's examples are true: its error transcript and its library snippet run as shown."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def test_error_transcript_is_what_qbnnc_prints(tmp_path: Path) -> None:
    block = re.search(r"```\n\$ cat bad.bnn\n(.*?)\$ qbnnc bad.bnn\n(.*?)```", README, re.S)
    assert block, "the README's error transcript is missing"
    (tmp_path / "bad.bnn").write_text(block.group(1))
    run = subprocess.run(
        [sys.executable, "-P", "-m", "qbnnc", "bad.bnn"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 1
    assert run.stderr == block.group(2)
    assert sorted(os.listdir(tmp_path)) == ["bad.bnn"]  # nothing written


def test_library_snippet_runs() -> None:
    code = re.search(r"```python\n(import qbnnc\n.*?)```", README, re.S)
    assert code, "the README's library snippet is missing"
    run = subprocess.run(
        [sys.executable, "-P", "-c", code.group(1)], cwd=ROOT, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    assert "h[0].x[0]" in run.stdout
