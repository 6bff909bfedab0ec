"""docs/cli.md documents every command, every option (as `--help` lists them) and every
field of every `--json` output; the JSON outputs name their schema and the weights."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import qbnnc
from qbnnc.cli import main
from qbnnc.cli.main import COMMANDS

ROOT = Path(__file__).resolve().parent.parent
DOC = (ROOT / "docs" / "cli.md").read_text()
QBN31 = ROOT / "examples" / "paper" / "qbn31_task1.bnn"


def _documented_fields(section: str) -> set[str]:
    """The first column of the field table under the heading `section`."""
    body = DOC.split(f"### `{section}` fields", 1)[1].split("\n#", 1)[0]
    return set(re.findall(r"^\| `([^`]+)` \|", body, re.M))


def _fields(data: dict, prefix: str = "") -> set[str]:
    out = set()
    for key, value in data.items():
        out.add(prefix + key)
        if isinstance(value, list) and value and isinstance(value[0], dict):
            out |= _fields(value[0], f"{prefix}{key}[].")
    return out


@pytest.mark.parametrize("command", ["", *COMMANDS])
def test_every_command_and_option_is_documented(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [command, "--help"] if command else ["examples/x.bnn", "--help"]
    with pytest.raises(SystemExit) as exit:  # argparse's --help exits
        main(argv)
    assert exit.value.code in (0, None)
    help_text = capsys.readouterr().out
    heading = f"## `qbnnc {command} MODEL.bnn`" if command else "## `qbnnc MODEL.bnn`: compile"
    assert heading in DOC or f"## `qbnnc {command}`" in DOC, command
    for option in set(re.findall(r"(?<![\w-])(--?[a-z][\w-]*)", help_text)):
        assert f"`{option}" in DOC, (command, option)


def test_every_json_field_is_documented_and_names_schema_and_weights() -> None:
    program = qbnnc.compile_file(QBN31)
    outputs = {
        "stats --json": program.stats(),
        "run --json": qbnnc.run(program, shots=20, seed=0).to_json(),
        "train --json": qbnnc.train(program.model, seed=0, method="quantum").to_json(),
        "count --json": qbnnc.count(program.model, epsilon=0.05, seed=0).to_json(),
    }
    for section, data in outputs.items():
        assert _fields(data) == _documented_fields(section), section
        assert re.fullmatch(rf"qbnnc\.{section.split()[0]}/\d+", data["schema"])
        assert data["weight_names"] == program.weight_names
