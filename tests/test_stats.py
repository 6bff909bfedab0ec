"""`qbnnc stats`: counts taken from the structured circuit equal those of the written program.

Each program is written (structured and flat), loaded with `qiskit.qasm3.loads`, its loops
unrolled and its own gate definitions inlined (`simulate.unroll`), and counted by Qiskit;
`stats` must agree on every gate name, the two-qubit gates, the depth and the qubits, for
every example and for random models. The success probability must be the simulated one.
"""

from __future__ import annotations

import json
import random
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import qiskit.qasm3

from qbnnc.analysis.stats import REQUIRED_KEYS, depth, stats
from qbnnc.cli import main
from qbnnc.execution.simulate import distribution, unroll
from qbnnc.pipeline.compiler import compile, compile_file, compile_model
from qbnnc.reference.census import correct_counts
from qbnnc.synthesis.circuit import flatten
from qbnnc.synthesis.decompose import rotation_count, t_count, toffoli_count
from qbnnc.testing import random_source

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted(ROOT.glob("examples/**/*.bnn"))
PAPER = sorted(ROOT.glob("examples/paper/*.bnn"))


def qiskit_counts(qasm: str) -> dict[str, object]:
    """What Qiskit counts in the written program, run flat."""
    circuit = unroll(qiskit.qasm3.loads(qasm))
    two = 0
    for inst in circuit.data:
        if inst.operation.name == "if_else":
            # stats counts the gates inside an `if` towards the two-qubit total.
            body = inst.operation.params[0]
            two += sum(1 for i in body.data if len(i.qubits) == 2)
        else:
            two += len(inst.qubits) == 2
    return {
        "gates": dict(circuit.count_ops()),
        "two_qubit_gates": two,
        "depth": circuit.depth(),
        "qubits": circuit.num_qubits,
    }


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_counts_equal_the_loaded_program(path: Path) -> None:
    program = compile_file(path)
    got = stats(program.training, program.census)
    want = qiskit_counts(program.qasm3())  # structured; the random models check --flat too
    assert {k: got[k] for k in want} == want
    # Exact whether blocks are summarised by matrices or walked with a time vector.
    for arity in (0, 2, 4, 8, 10_000):
        assert depth(program.circuit, matrix_arity=arity) == want["depth"]


@pytest.mark.parametrize("seed", range(16))
def test_random_model_counts_equal_the_loaded_program(seed: int) -> None:
    program = compile(random_source(random.Random(5000 + seed), max_weights=6))
    got = stats(program.training, program.census)
    for flat in (False, True):
        want = qiskit_counts(program.qasm3(flat=flat))
        assert {k: got[k] for k in want} == want


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_costs_equal_the_sum_over_the_flat_circuit(path: Path) -> None:
    program = compile_file(path)
    got = stats(program.training, program.census)
    ops = list(flatten(program.circuit))
    gate_ts = [t_count(op) for op in ops]
    assert got["toffoli_count"] == sum(toffoli_count(op) for op in ops)
    assert got["rotations"] == sum(rotation_count(op) for op in ops)
    assert got["t_count"] == (None if None in gate_ts else sum(gate_ts))


@pytest.mark.parametrize("path", PAPER, ids=lambda p: p.stem)
def test_success_probability_is_the_simulated_one(path: Path) -> None:
    program = compile_file(path)
    marked = correct_counts(program.model) >= program.model.accept.min_correct
    simulated = float(distribution(program)[marked].sum())
    table = stats(program.training, program.census)
    assert table["success_probability"] == pytest.approx(simulated, abs=1e-9)
    assert table["marked"] == int(marked.sum())


def test_a_million_iterations_are_counted_without_flattening() -> None:
    model = compile_file(PAPER[0]).model
    small = compile_model(replace(model, iterations=1)).stats()
    two = compile_model(replace(model, iterations=2)).stats()
    start = time.perf_counter()
    big = compile_model(replace(model, iterations=10**6)).stats()
    assert time.perf_counter() - start < 5
    per = Counter(two["gates"])
    per.subtract(small["gates"])
    for name, n in big["gates"].items():
        assert n == small["gates"].get(name, 0) + (10**6 - 1) * per[name]
    step = two["depth"] - small["depth"]
    assert big["depth"] == small["depth"] + (10**6 - 1) * step


def test_json_has_every_key_of_outputs_md_and_is_deterministic(
    capsys: pytest.CaptureFixture[str],
) -> None:
    outputs = []
    for _ in range(2):
        assert main(["stats", str(PAPER[0]), "--json"]) == 0
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1]
    data = json.loads(outputs[0])
    assert set(REQUIRED_KEYS) <= set(data)
    n, e = data["weight_qubits"], data["examples"]
    assert data["classical_evaluations"] == 2**n * e
    assert (
        data["circuit_forward_passes"] == data["iterations"] * data["forward_passes_per_iteration"]
    )


def test_an_oracle_call_runs_each_example_forward_twice() -> None:
    and221 = next(p for p in PAPER if "221" in p.stem)
    assert compile_file(and221).stats()["forward_passes_per_iteration"] == 2 * 4


def test_human_table_names_every_count(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats", str(PAPER[0])]) == 0
    out = capsys.readouterr().out
    for label in ("qubits", "iterations", "two-qubit gates", "Toffolis", "T count", "depth"):
        assert label in out
    assert "exhaustive evaluations" in out and "circuit forward passes" in out


def test_unknown_counts_are_null_when_the_weights_are_too_many_to_count(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = "\n".join(f"    {i:05b} -> {i % 2}" for i in range(8))
    model = tmp_path / "wide.bnn"
    model.write_text(
        "network wide {\n    input x[5]\n    layer h[5] from x\n    layer y[1] from h\n}\n"
        f"data {{\n{rows}\n}}\ntrain {{\n    iterations 3\n}}\n"
    )
    assert main(["stats", str(model), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["weight_qubits"] == 30 and data["marked"] is None
    assert data["success_probability"] is None
    assert np.isfinite(data["depth"]) and data["depth"] > 0


def test_clifford_t_target_counts_agree_with_the_cost_model() -> None:
    and221 = next(p for p in PAPER if "221" in p.stem)
    generic = compile_file(and221).stats()
    program = compile_file(and221, target="clifford+t")
    got = stats(program.training, program.census)
    want = qiskit_counts(program.qasm3())
    assert {k: got[k] for k in want} == want
    assert got["gates"].get("t", 0) + got["gates"].get("tdg", 0) == generic["t_count"]
    assert got["t_count"] == generic["t_count"] and got["toffoli_count"] == 0


def test_a_network_of_thousands_of_weights_on_many_rows_is_counted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Past 2^1000 the exhaustive count is null with its logarithm (JSON cannot print it);
    a depth walk over its budget gives null, not minutes."""
    rng = random.Random(7)
    rows = "\n".join(f"    {rng.getrandbits(64):064b} -> {rng.getrandbits(1)}" for _ in range(300))
    model = tmp_path / "big.bnn"
    model.write_text(
        "network big {\n    input x[64]\n    layer h[16] from x\n    layer y[1] from h\n}\n"
        f"data {{\n{rows}\n}}\ntrain {{\n    accept accuracy >= 60%\n    iterations 2\n}}\n"
    )
    assert main(["stats", str(model), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["weight_qubits"] == 64 * 16 + 16
    assert data["classical_evaluations"] is None
    assert data["classical_evaluations_log2"] == pytest.approx(1040 + np.log2(300))
    assert data["toffoli_count"] > 0 and data["qubits"] > data["weight_qubits"]
    assert depth(compile_file(model).circuit, budget=10) is None
    assert main(["stats", str(model)]) == 0
    assert "about 2^1048.2" in capsys.readouterr().out
