"""`qbnnc train`: BBHT inside Dürr–Høyer reaches a globally optimal weight string."""

from __future__ import annotations

import json
import random
import sys
from dataclasses import replace
from pathlib import Path

import pytest

import qbnnc
from qbnnc.cli import main
from qbnnc.diagnostics import CompileError
from qbnnc.execution.backends import resolve
from qbnnc.execution.train import (
    Sampler,
    blind_program,
    dh_budget,
    most_iterations,
    train,
    training_model,
)
from qbnnc.frontend.model import Accept
from qbnnc.pipeline.compiler import load_model, read_source
from qbnnc.reference.census import census
from qbnnc.reference.evaluate import correct, weight_string
from qbnnc.testing import random_source

ROOT = Path(__file__).resolve().parent.parent
PAPER = sorted(ROOT.glob("examples/paper/*.bnn"))
AND221 = ROOT / "examples" / "paper" / "qbnn221_and.bnn"


def _model(path: Path):
    return load_model(read_source(path), str(path))


def _as_int(s: str) -> int:
    return sum(int(b) << i for i, b in enumerate(s))


@pytest.mark.parametrize("path", PAPER, ids=lambda p: p.stem)
def test_train_finds_a_global_optimum_on_every_paper_task(path: Path) -> None:
    model = _model(path)
    result = qbnnc.train(model, seed=11)
    assert result.correct == census(model).best
    assert correct(model, _as_int(result.weights)) == result.correct
    assert len(result.weights) == model.num_weights
    assert result.oracle_calls == sum(r.iterations * len(r.measured) for r in result.rounds)
    assert result.oracle_calls <= result.budget


@pytest.mark.parametrize("seed", range(8))
def test_train_finds_a_global_optimum_on_random_tasks(seed: int) -> None:
    # Random tasks whose best count is hidden: `accept` and `iterations` are ignored.
    model = load_model(random_source(random.Random(7000 + seed), max_weights=6))
    result = train(model, seed=seed)
    assert result.correct == census(model).best
    assert result.classical_evaluations == 2**model.num_weights * model.num_examples


def test_a_perfect_string_stops_the_search_early() -> None:
    model = _model(AND221)  # 7 of 64 strings classify all 4 rows
    result = train(model, seed=0)
    assert result.correct == 4 and result.oracle_calls < result.budget


def test_the_model_accept_and_iterations_are_ignored() -> None:
    model = _model(PAPER[1])  # QBN 3-1 task 2: the best is 6 of 8
    strict = replace(model, accept=Accept("correct", 1, "correct >= 1"), iterations=0)
    assert train(strict, seed=3).correct == census(model).best == 6


def test_each_round_marks_more_than_the_best_seen() -> None:
    result = train(_model(PAPER[3]), seed=5)
    best = None
    for r in result.rounds:
        if best is not None:
            assert r.threshold == best + 1
        if r.improved:
            best = max(r.correct)
            assert best >= r.threshold
        elif best is None:
            best = r.threshold - 1


def test_blind_circuits_do_not_need_the_census() -> None:
    model = _model(PAPER[1])  # no string reaches 8: compile_model refuses `correct >= 8`
    program = blind_program(training_model(model), 8, 1)
    assert program.census is None and program.marked is None
    assert program.circuit.num_qubits > model.num_weights


def test_phase_oracles_that_cannot_read_every_count_train_with_the_counter() -> None:
    # The paper's step pi/8 with precision 3 reads only even counts of 8 examples.
    assert training_model(_model(PAPER[0])).oracle.kind == "counter"
    # step pi/4, precision 3, 4 examples: every count 0..4 reads exactly.
    assert training_model(_model(AND221)).oracle.kind == "phase"


def test_budget_is_durr_hoyer() -> None:
    assert dh_budget(8) == 360 + 90  # ceil(22.5 * 16 + 1.4 * 64)


def test_train_cli_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["train", str(AND221), "--seed", "2", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    for key in ("weights", "correct", "examples", "oracle_calls", "classical_evaluations"):
        assert key in data
    assert data["correct"] == 4 and data["examples"] == 4
    assert data["classical_evaluations"] == 2**6 * 4
    assert correct(_model(AND221), _as_int(data["weights"])) == 4


def test_train_cli_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["train", str(PAPER[1]), "--seed", "1", "--shots-per-round", "2"]) == 0
    out = capsys.readouterr().out
    assert "threshold" in out and "iterations" in out
    assert "correct: 6 of 8" in out and "oracle calls:" in out
    assert "exhaustive search would evaluate: 64" in out


@pytest.mark.filterwarnings("ignore::PendingDeprecationWarning")
def test_train_on_a_pytket_backend() -> None:
    pytest.importorskip("pytket.extensions.qiskit")
    model = _model(AND221)
    result = train(model, seed=4, backend="AerBackend")
    assert result.backend == "AerBackend" and result.correct == 4
    assert weight_string(_as_int(result.weights), 6) == result.weights


def test_unknown_backend_lists_the_choices(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(CompileError, match="unknown backend 'nosuch'"):
        resolve("nosuch")
    assert main(["train", str(AND221), "--backend", "nosuch"]) == 1
    assert "Traceback" not in capsys.readouterr().err


class _UniformSampler(Sampler):
    """Uniformly random strings: the budget's bookkeeping does not depend on the circuit."""

    name = "uniform"

    def __init__(self, model, optimize: bool = True) -> None:
        self.n = model.num_weights

    def measure(self, threshold: int, iterations: int, shots: int, seed: int) -> list[int]:
        rng = random.Random(seed)
        return [rng.getrandbits(self.n) for _ in range(shots)]


@pytest.mark.parametrize(("shots", "budget"), [(1, None), (3, None), (1, 20), (4, 10), (7, 5)])
def test_the_budget_is_never_exceeded(
    shots: int, budget: int | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys.modules["qbnnc.execution.train"], "AerSampler", _UniformSampler)
    # QBN 3-1 task 2 has no perfect string: the search always runs to its budget.
    model = _model(PAPER[1])
    for seed in range(40):
        result = train(model, seed=seed, shots_per_round=shots, budget=budget)
        assert result.oracle_calls == sum(r.oracle_calls for r in result.rounds)
        assert result.oracle_calls <= result.budget == (budget or dh_budget(3))
        # ... and spent: the last round leaves less than one iteration's worth of shots.
        assert result.budget - result.oracle_calls < shots


def test_backends_that_return_no_counts_are_neither_offered_nor_accepted(
    capsys: pytest.CaptureFixture[str],
) -> None:
    pytest.importorskip("pytket.extensions.qiskit")
    assert main(["train", str(AND221), "--backend", "AerStateBackend"]) == 1
    err = capsys.readouterr().err
    assert "AerStateBackend cannot be used here: it returns no measured counts" in err
    assert "internal error" not in err
    assert main(["train", str(AND221), "--backend", "nosuch"]) == 1
    offered = capsys.readouterr().err.split("samples counts (")[1]
    assert "AerBackend" in offered and "State" not in offered and "Unitary" not in offered


def test_a_round_too_large_for_memory_is_refused_up_front(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    ran: list[object] = []
    monkeypatch.setattr(
        sys.modules["qbnnc.execution.train"], "train", lambda *a, **k: ran.append(a)
    )
    assert main(["train", str(AND221), "--shots-per-round", "1000000000"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"{AND221}: error: training 6 weights on 4 examples")
    assert "of memory, more than the" in err and "--shots-per-round" in err
    assert main(["train", str(PAPER[1]), "--budget", "1000000000000"]) == 1
    err = capsys.readouterr().err
    assert "would take about" in err and "over the limit of 60 minutes" in err
    assert "a smaller --budget" in err and ran == []


def test_the_simulator_is_chosen_for_the_iterations_a_round_may_ask() -> None:
    """One iteration of parity3's circuit (18 qubits) is quick on Aer's statevector, but a
    search asks for up to sqrt(N) - 1 = 15 of them: the sparse simulator then wins, and it
    reaches the same optimum."""
    from qbnnc.execution.simulate import choose_simulator

    model = training_model(_model(ROOT / "examples" / "csv" / "parity3.bnn"))
    program = blind_program(model, 7, 1)
    assert most_iterations(model.num_weights) == 15
    assert choose_simulator(program) == "aer"
    assert choose_simulator(program, most_iterations(model.num_weights)) == "sparse"
    result = train(model, seed=0)
    assert result.correct == census(model).best == 6
