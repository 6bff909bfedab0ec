"""`qbnnc estimate`: the logical counts are qbnnc's own counts, mapped once each, and the
physical numbers are the resource estimator's for exactly those counts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qbnnc.analysis.stats import logical_counts
from qbnnc.cli import main
from qbnnc.pipeline.compiler import compile_file

ROOT = Path(__file__).resolve().parent.parent
PAPER = sorted(ROOT.glob("examples/paper/*.bnn"))
AND221 = ROOT / "examples/paper/qbnn221_and.bnn"


@pytest.mark.parametrize("path", [*PAPER, ROOT / "examples/two_outputs.bnn"], ids=lambda p: p.stem)
def test_logical_counts_map_each_gate_once(path: Path) -> None:
    """Toffolis are CCZ (full) or CCiX (temporary AND), never also T: their T gates and the
    rest add up to the T count of the Clifford+T expansion, and the qubits are those of the
    `clifford+t` target (with the expansion's ancillas)."""
    program = compile_file(path)
    counts = logical_counts(program.circuit)
    table = program.stats()
    assert counts.ccz_count + counts.ccix_count == table["toffoli_count"]
    assert counts.rotation_count == table["rotations"]
    assert counts.measurement_count == table["gates"]["measure"]
    if table["t_count"] is not None:  # no rotation left: Clifford+T expresses it
        assert 7 * counts.ccz_count + 4 * counts.ccix_count + counts.t_count == table["t_count"]
        assert counts.num_qubits == compile_file(path, target="clifford+t").stats()["qubits"]


@pytest.mark.parametrize(
    ("args", "params"),
    [
        ([], {"qubitParams": {"name": "qubit_gate_ns_e3"}, "qecScheme": {"name": "surface_code"},
              "errorBudget": 1e-3}),
        (["--qubit-params", "qubit_maj_ns_e6", "--error-budget", "0.01"],
         {"qubitParams": {"name": "qubit_maj_ns_e6"}, "qecScheme": {"name": "floquet_code"},
          "errorBudget": 0.01}),
    ],
)  # fmt: skip
def test_the_numbers_are_the_estimators_own(
    args: list[str], params: dict[str, object], capsys: pytest.CaptureFixture[str]
) -> None:
    from qdk.estimator import LogicalCounts

    assert main(["estimate", str(AND221), "--json", *args]) == 0
    out = json.loads(capsys.readouterr().out)
    counts = logical_counts(compile_file(AND221).circuit).to_estimator()
    assert out["logical_counts"] == counts
    direct = LogicalCounts(counts).estimate(params)
    (got,) = out["estimates"]
    assert got["physical_qubits"] == direct["physicalCounts"]["physicalQubits"]
    assert got["runtime_ns"] == direct["physicalCounts"]["runtime"]
    assert got["code_distance"] == direct["logicalQubit"]["codeDistance"]


def test_all_configurations_and_the_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["estimate", str(AND221), "--qubit-params", "all"]) == 0
    text = capsys.readouterr().out
    assert "Microsoft Resource Estimator (qdk " in text
    assert text.count("floquet_code") == 2 and text.count("surface_code") == 6, text


@pytest.mark.parametrize(
    "args",
    [
        ["--qubit-params", "qubit_gate_ns_e3", "--qec-scheme", "floquet_code"],
        ["--error-budget", "1.5"],
        ["--qubit-params", "qubit_gate_nope"],
    ],
)
def test_bad_options_are_usage_errors(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["estimate", str(AND221), *args]) == 2
    err = capsys.readouterr().err
    assert "qbnnc estimate: error:" in err and "Traceback" not in err
