"""`qbnnc train`: thresholds climbed by BBHT's search reach a globally optimal weight string,
stop by a stated rule, and account for every oracle call and check."""

from __future__ import annotations

import json
import math
import random
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

import qbnnc
from qbnnc.cli import main
from qbnnc.diagnostics import CompileError
from qbnnc.execution.backends import resolve
from qbnnc.execution.stopping import Certificate, bbht_rotations
from qbnnc.execution.train import (
    CONFIDENCE,
    ExactSampler,
    Progress,
    TrainResult,
    blind_program,
    estimate,
    plan,
    train,
    training_model,
)
from qbnnc.frontend.model import Accept, Model
from qbnnc.pipeline.compiler import load_model, read_source
from qbnnc.reference.census import census, correct_counts
from qbnnc.reference.evaluate import correct, weight_string
from qbnnc.testing import expected_distribution, random_source

ROOT = Path(__file__).resolve().parent.parent
PAPER = sorted(ROOT.glob("examples/paper/*.bnn"))
EXAMPLES = sorted(ROOT.glob("examples/**/*.bnn"))
AND221 = ROOT / "examples" / "paper" / "qbnn221_and.bnn"
QBN31_TASK2 = ROOT / "examples" / "paper" / "qbn31_task2.bnn"
PARITY3 = ROOT / "examples" / "csv" / "parity3.bnn"
IRIS = ROOT / "examples" / "iris.bnn"


def _model(path: Path) -> Model:
    return load_model(read_source(path), str(path))


def _as_int(s: str) -> int:
    return sum(int(b) << i for i, b in enumerate(s))


def _adds_up(result: TrainResult) -> None:
    """The accounting of docs/train.md: oracle calls are iterations x shots; checks are the
    first guess and every measured string (or all N strings when enumerated); the cost is
    their sum, never over the budget."""
    assert result.oracle_calls == sum(r.iterations * len(r.measured) for r in result.rounds)
    if result.method == "exhaustive":
        assert result.candidate_checks == result.exhaustive_cost and not result.rounds
    else:
        assert result.candidate_checks == 1 + sum(len(r.measured) for r in result.rounds)
    assert result.cost == result.oracle_calls + result.candidate_checks <= result.budget
    assert result.row_evaluations == result.candidate_checks * result.examples
    data = result.to_json()
    for key in ("oracle_calls", "candidate_checks", "row_evaluations", "cost", "budget"):
        assert data[key] == getattr(result, key)
    assert data["exhaustive_row_evaluations"] == 2 ** len(result.weights) * result.examples


# --- the optimum, and the bill ---------------------------------------------------------------


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: str(p.relative_to(ROOT / "examples")))
def test_every_example_reaches_the_census_optimum_and_its_accounting_adds_up(path: Path) -> None:
    model = _model(path)
    result = qbnnc.train(model, seed=11)
    _adds_up(result)
    counts = correct_counts(model)
    assert result.correct == counts.max() == correct(model, _as_int(result.weights))
    assert result.optimal_strings == (counts == counts.max()).sum()
    assert len(result.weights) == model.num_weights


@pytest.mark.parametrize("seed", range(8))
def test_random_tasks_reach_the_census_optimum(seed: int) -> None:
    # Random tasks whose best count is hidden: `accept` and `iterations` are ignored.
    model = load_model(random_source(random.Random(7000 + seed), max_weights=10))
    for method in ("quantum", "auto"):
        result = train(model, seed=seed, method=method)
        assert result.correct == census(model).best
        _adds_up(result)


def test_the_iris_model_of_21_weights_reaches_the_census_optimum() -> None:
    model = _model(IRIS)
    assert (model.num_weights, model.num_examples) == (21, 16)
    result = train(model, seed=0)
    assert result.method == "quantum" and result.correct == correct_counts(model).max() == 15
    assert result.stop == "certified" and result.confidence >= CONFIDENCE
    assert result.cost < 6 * math.sqrt(2**21)  # the stopping rule's ~5.3 sqrt(N), and the climb
    _adds_up(result)


def test_a_perfect_string_stops_the_search_with_certainty() -> None:
    result = train(_model(AND221), seed=0)  # 7 of 64 strings classify all 4 rows
    assert result.correct == 4 and result.stop == "perfect" and result.confidence == 1.0
    assert result.rounds[-1].improved


def test_without_a_perfect_string_the_stopping_rule_ends_the_search() -> None:
    model = _model(PARITY3)  # 256 strings, the best classifies 6 of 8
    result = train(model, seed=0)
    assert result.method == "quantum" and result.stop == "certified"
    assert result.correct == census(model).best == 6
    give_up = plan(training_model(model)).give_up
    assert give_up is not None
    last = [r for r in result.rounds if r.threshold == 7]
    assert len(last) == give_up and not any(r.improved for r in last)
    assert result.confidence == 1 - Certificate.of(8).miss(give_up) >= CONFIDENCE


def test_the_model_accept_and_iterations_are_ignored() -> None:
    model = _model(PARITY3)
    strict = replace(model, accept=Accept("correct", 1, "correct >= 1"), iterations=0)
    assert train(strict, seed=3).correct == census(model).best == 6


def test_each_round_marks_more_than_the_best_seen() -> None:
    result = train(_model(PARITY3), seed=5, method="quantum")
    best = None
    for r in result.rounds:
        if best is not None:
            assert r.threshold == best + 1
        if r.improved:
            best = max(r.correct)
            assert best >= r.threshold
        elif best is None:
            best = r.threshold - 1


def test_the_same_seed_gives_the_same_result() -> None:
    model = _model(IRIS)
    assert train(model, seed=4).to_json() == train(model, seed=4).to_json()
    assert train(model, seed=4).rounds != train(model, seed=5).rounds


# --- exhaustive enumeration ------------------------------------------------------------------


@pytest.mark.parametrize("path", [*PAPER, PARITY3, IRIS], ids=lambda p: p.stem)
def test_exhaustive_enumeration_gives_the_census_optimum(path: Path) -> None:
    model = _model(path)
    result = train(model, method="exhaustive")
    counts = correct_counts(model)
    assert result.method == result.stop == "exhaustive" and result.confidence == 1.0
    assert result.correct == counts.max() and result.weights == weight_string(
        int(np.argmax(counts)), model.num_weights
    )
    assert result.cost == result.candidate_checks == 2**model.num_weights
    assert result.oracle_calls == 0 and result.backend is None and result.oracle is None
    _adds_up(result)


@pytest.mark.parametrize(
    ("path", "method"),
    [(QBN31_TASK2, "exhaustive"), (ROOT / "examples" / "two_outputs.bnn", "exhaustive"),
     (AND221, "quantum")],
    ids=lambda p: getattr(p, "stem", p),
)  # fmt: skip
def test_auto_enumerates_where_the_stopping_rule_alone_costs_n(path: Path, method: str) -> None:
    """N = 8 or 16: the stopping rule (about 5 sqrt(N) plus a check a round) costs more than
    N checks; N = 64: less."""
    model = training_model(_model(path))
    certificate = Certificate.of(model.num_weights)
    give_up = certificate.rounds_for(1 - CONFIDENCE)
    assert give_up is not None
    assert (certificate.expected_cost(give_up) >= 2**model.num_weights) == (method == "exhaustive")
    assert plan(model).method == method == train(model).method


def test_qbn31_task2_costs_no_more_than_enumerating_its_8_strings() -> None:
    model = _model(QBN31_TASK2)
    for seed in range(10):
        result = train(model, seed=seed)
        assert result.cost <= 8 and result.correct == 6


def test_a_model_with_every_layer_fixed_has_nothing_to_search() -> None:
    result = train(_model(ROOT / "examples" / "trained" / "and221.bnn"))
    assert result.stop == "nothing to search" and result.weights == "" and result.cost == 1


# --- the stopping rule ---------------------------------------------------------------------


def _worst_miss(num_weights: int, rotations: list[int]) -> float:
    """The largest chance over M = 1..N-1 that rounds with these choices all miss, by
    averaging sin^2((2j+1) theta) over every j explicitly."""
    n = 2**num_weights
    theta = np.arcsin(np.sqrt(np.arange(1, n) / n))
    miss = np.ones(n - 1)
    for r in rotations:
        j = np.arange(r)[:, None]
        miss *= 1 - (np.sin((2 * j + 1) * theta) ** 2).mean(axis=0)
    return float(miss.max())


@pytest.mark.parametrize("weights", [1, 2, 3, 6, 10])
def test_the_certificate_is_exact_where_every_count_is_taken(weights: int) -> None:
    certificate = Certificate.of(weights)
    for k in (1, 3, len(certificate.rotations), len(certificate.rotations) + 4):
        choices = [certificate.rotation(i) for i in range(k)]
        assert certificate.miss(k) == pytest.approx(_worst_miss(weights, choices), rel=1e-9)


@pytest.mark.parametrize(("weights", "cap"), [(12, None), (13, 5), (14, None)])
def test_the_certificate_bounds_every_count_past_the_exact_ones(
    weights: int, cap: int | None
) -> None:
    """Past 2 x 1024 counts the middle ones are bounded, not computed: the bound must hold."""
    certificate = Certificate.of(weights, cap)
    for k in (5, 20, 60):
        choices = [certificate.rotation(i) for i in range(k)]
        assert _worst_miss(weights, choices) <= certificate.miss(k) * (1 + 1e-9)


def test_rounds_for_is_the_fewest_rounds_that_reach_the_confidence() -> None:
    for weights in (4, 8, 16, 26):
        certificate = Certificate.of(weights)
        k = certificate.rounds_for(0.001)
        assert k is not None and certificate.miss(k) <= 0.001 < certificate.miss(k - 1)
        # About 5 sqrt(N) oracle calls and checks: the price of learning nothing is better.
        assert certificate.expected_cost(k) < 7 * math.sqrt(2**weights)


def test_with_no_iteration_allowed_only_guessing_certifies() -> None:
    certificate = Certificate.of(4, max_iterations=0)
    assert certificate.rotations == (1,)
    k = certificate.rounds_for(0.01)
    assert k == math.ceil(math.log(0.01) / math.log(1 - 1 / 16))  # M = 1 of 16 per guess


def test_bbht_rotations_grow_by_six_fifths_up_to_sqrt_n() -> None:
    assert bbht_rotations(4) == (1, 2, 2, 2, 3, 3, 3, 4)
    assert bbht_rotations(10, max_iterations=3) == (1, 2, 2, 2, 3, 3, 3, 4)
    assert max(bbht_rotations(20)) == 1024


# --- max_iterations and the budget --------------------------------------------------------


@pytest.mark.parametrize("cap", [0, 1, 3])
def test_max_iterations_caps_every_round(cap: int) -> None:
    model = _model(PARITY3)
    result = train(model, seed=2, method="quantum", max_iterations=cap)
    assert result.max_iterations == cap and result.to_json()["max_iterations"] == cap
    assert max(r.iterations for r in result.rounds) <= cap
    # Capped low, the stopping rule costs more than the default budget N = 256 allows.
    assert result.stop in ("budget", "perfect", "certified") and result.cost <= 256
    if result.stop == "budget":
        assert result.confidence < CONFIDENCE
    _adds_up(result)


def test_max_iterations_that_cannot_certify_within_n_choose_enumeration() -> None:
    assert plan(training_model(_model(PARITY3)), max_iterations=0).method == "exhaustive"
    assert plan(training_model(_model(PARITY3)), max_iterations=None).method == "quantum"


@pytest.mark.parametrize(("shots", "budget"), [(1, 20), (3, 40), (2, 7)])
def test_the_budget_is_never_exceeded(shots: int, budget: int) -> None:
    model = _model(PARITY3)
    for seed in range(15):
        result = train(model, seed=seed, shots_per_round=shots, budget=budget, method="quantum")
        _adds_up(result)
        assert result.cost <= budget == result.budget


# --- the exact sampler: what the compiled circuits measure ----------------------------------


def test_the_exact_sampler_draws_grovers_formula() -> None:
    model = _model(PARITY3)
    counts = correct_counts(model)
    sampler = ExactSampler(counts)
    for threshold, j in [(5, 1), (6, 2), (7, 3)]:
        want = expected_distribution(
            replace(model, accept=Accept("correct", threshold, f"correct >= {threshold}")), j
        )
        shots = 20_000
        got = np.bincount(sampler.measure(threshold, j, shots, seed=threshold), minlength=256)
        # Every string within 5 standard deviations of its expected count.
        sd = np.sqrt(shots * want * (1 - want)) + 1
        assert (np.abs(got - shots * want) < 5 * sd).all(), threshold


def test_the_exact_sampler_finds_the_kth_string_across_blocks() -> None:
    counts = correct_counts(_model(IRIS))  # 2^21 strings: 32 blocks of 2^16
    sampler = ExactSampler(counts)
    sampler.measure(15, 0, 1, seed=0)
    for marked in (True, False):
        where = np.flatnonzero((counts >= 15) == marked)
        for k in (0, 1, len(where) // 3, len(where) - 1):
            assert sampler._nth(k, marked) == where[k]


@pytest.mark.parametrize("path", [QBN31_TASK2, AND221, PARITY3], ids=lambda p: p.stem)
def test_the_circuits_train_samples_equal_the_formula(path: Path) -> None:
    """The exact sampler stands in for the compiled circuits, every threshold a search asks
    for, those nothing reaches included: simulated, each equals Grover's formula."""
    from qbnnc.execution.simulate import grover_simulator

    model = training_model(_model(path))
    for threshold in range(1, model.num_examples + 2):
        program = blind_program(model, threshold, 1)
        simulator = grover_simulator(program, 3)
        marked = replace(model, accept=Accept("correct", threshold, f"correct >= {threshold}"))
        for j in range(4):
            want = expected_distribution(marked, j)
            assert np.abs(simulator.probabilities(j) - want).max() < 1e-9, (threshold, j)


# --- estimates, limits and progress ---------------------------------------------------------


def test_the_library_reports_the_estimate_then_the_census_then_each_round() -> None:
    model = _model(IRIS)
    events: list[Progress] = []
    result = train(model, seed=1, progress=events.append)
    job = estimate(training_model(model), plan(training_model(model)))
    assert events[0] == Progress("estimate", 0.0, job.describe())
    stages = [e.stage for e in events]
    assert stages.index("count") < stages.index("search")
    assert stages.count("search") == len(result.rounds)
    assert all(0 <= e.done <= 1 for e in events)
    assert [e.done for e in events if e.stage == "count"][-1] == 1.0


def test_work_over_the_time_limit_is_refused_alike_by_the_library_and_the_cli(
    capsys: pytest.CaptureFixture[str],
) -> None:
    model = _model(IRIS)
    with pytest.raises(CompileError) as refused:
        train(model, max_minutes=1e-6)
    message = refused.value.diagnostics[0].message
    assert message.startswith("training 21 weights on 16 examples (counting 2,097,152 weight")
    assert "over the limit of" in message and "raise the time limit (--max-minutes)" in message
    assert main(["train", str(IRIS), "--max-minutes", "0.000001"]) == 1
    assert capsys.readouterr().err == f"{IRIS}: error: {message}\n"


def test_the_advice_on_refusal_is_true() -> None:
    """Shots are named only when there is more than one per round and they hold the memory;
    fewer weights when the census is the larger cost; the time limit only for time."""
    model = training_model(_model(ROOT / "bench" / "iris26.bnn"))
    one = estimate(model, plan(model), shots_per_round=1)
    assert "fewer weights" in one.instead_time and "--max-minutes" in one.instead_time
    assert "--shots-per-round" not in one.instead and "--max-minutes" not in one.instead_memory
    assert "fewer weights" in one.instead_memory
    longer = replace(plan(model), give_up=None, budget=10**12)
    assert "--budget" in estimate(model, longer).instead_time
    many = estimate(model, plan(model), shots_per_round=10**9)
    assert many.instead_memory == "use fewer --shots-per-round"


def test_train_counts_past_the_compilers_census_limit() -> None:
    from qbnnc.reference.census import MAX_COUNTED_WEIGHTS

    model = _model(ROOT / "bench" / "iris26.bnn")
    assert model.num_weights == 26 > MAX_COUNTED_WEIGHTS
    job = estimate(training_model(model), plan(training_model(model)))
    assert job.seconds < 60 and "counting 67,108,864 weight strings" in job.task


@pytest.mark.parametrize(
    "kwargs",
    [
        {"shots_per_round": 0},
        {"budget": 0},
        {"method": "fastest"},
        {"max_iterations": -1},
        {"confidence": 1.0},
        {"max_minutes": 0},
    ],
)
def test_bad_arguments_are_value_errors(kwargs: dict) -> None:
    with pytest.raises(ValueError):
        train(_model(AND221), **kwargs)


# --- the command line ---------------------------------------------------------------------


def test_train_cli_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["train", str(AND221), "--seed", "2", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["schema"] == "qbnnc.train/2" and data["method"] == "quantum"
    assert data["correct"] == 4 and data["examples"] == 4 and data["stop"] == "perfect"
    assert data["cost"] == data["oracle_calls"] + data["candidate_checks"]
    assert data["exhaustive_cost"] == 64 and data["exhaustive_row_evaluations"] == 64 * 4
    assert data["optimal_strings"] == 7 and data["random_search_cost"] == pytest.approx(64 / 7)
    assert correct(_model(AND221), _as_int(data["weights"])) == 4


def test_train_cli_prints_a_summary_and_the_rounds_on_request(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["train", str(PARITY3), "--seed", "1"]) == 0
    out = capsys.readouterr().out
    assert "threshold" not in out and "(--rounds lists them)" in out
    assert "correct: 6 of 8" in out and "stopped: no string reaches 7 correct" in out
    assert "against: exhaustive enumeration 256 (2,048 row evaluations)" in out
    assert len(out.splitlines()) < 10
    assert main(["train", str(PARITY3), "--seed", "1", "--rounds"]) == 0
    table = capsys.readouterr().out
    assert "  round  threshold  iterations  measured (correct)" in table
    assert len(table.splitlines()) > 20


def test_train_cli_options_reach_the_search(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["train", str(PARITY3), "--json", "--method", "quantum", "--max-iterations", "2"]
    assert main([*argv, "--budget", "30", "--shots-per-round", "2"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["budget"] == 30 and data["cost"] <= 30 and data["max_iterations"] == 2
    assert all(r["iterations"] <= 2 and len(r["measured"]) == 2 for r in data["rounds"])
    assert main(["train", str(QBN31_TASK2), "--json", "--method", "quantum"]) == 0
    assert json.loads(capsys.readouterr().out)["method"] == "quantum"


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--method", "fastest", "invalid choice: 'fastest'"),
        ("--max-minutes", "0", "0 is not a positive number of minutes"),
        ("--max-minutes", "-5", "-5 is not a positive number of minutes"),
        ("--max-minutes", "inf", "inf is not a positive number of minutes"),
        ("--max-minutes", "nan", "nan is not a positive number of minutes"),
        ("--max-minutes", "soon", "'soon' is not a number of minutes"),
        ("--max-iterations", "-1", "-1 is negative"),
        ("--max-iterations", "2.5", "'2.5' is not a whole number"),
        ("--budget", "0", "0 is not at least 1"),
        ("--shots-per-round", "0", "0 is not at least 1"),
    ],
)
def test_bad_options_are_usage_errors(
    option: str, value: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["train", str(AND221), option, value]) == 2
    err = capsys.readouterr().err
    assert f"argument {option}: {message}" in err and "Traceback" not in err


def test_the_built_in_backend_needs_no_simulator(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, package=None: None if name.startswith("qiskit_aer") else real(name, package),
    )
    assert main(["train", str(AND221), "--json"]) == 0


@pytest.mark.filterwarnings("ignore::PendingDeprecationWarning")
def test_train_on_a_pytket_backend() -> None:
    pytest.importorskip("pytket.extensions.qiskit")
    result = train(_model(AND221), seed=4, backend="AerBackend")
    assert result.backend == "AerBackend" and result.correct == 4
    assert result.optimal_strings is None and result.random_search_cost is None
    _adds_up(result)


def test_unknown_backend_lists_the_choices(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(CompileError, match="unknown backend 'nosuch'"):
        resolve("nosuch")
    assert main(["train", str(AND221), "--backend", "nosuch"]) == 1
    assert "Traceback" not in capsys.readouterr().err


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


def test_a_round_too_large_for_memory_or_the_budget_is_refused_up_front(
    capsys: pytest.CaptureFixture[str],
) -> None:
    model = str(ROOT / "bench" / "iris26.bnn")
    argv = ["train", model, "--shots-per-round", "1000000000", "--budget", "10000000000000"]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"{model}: error: training 26 weights on 16 examples")
    assert "of memory, more than the" in err and "fewer --shots-per-round\n" in err
    assert main(["train", str(AND221), "--shots-per-round", "65"]) == 1
    assert capsys.readouterr().err == (
        f"{AND221}: error: a round of 65 shots costs at least 65 checks, more than the whole "
        "budget of 64 oracle-call equivalents: use fewer --shots-per-round or a larger --budget\n"
    )


class _Tty:
    """A terminal that keeps what is written to it."""

    def __init__(self) -> None:
        self.text = ""

    def isatty(self) -> bool:
        return True

    def write(self, text: str) -> None:
        self.text += text

    def flush(self) -> None:
        pass


def test_the_cli_draws_the_estimate_then_a_bar_for_each_stage() -> None:
    from qbnnc.cli.progress import Status, bar

    tty = _Tty()
    with Status("training iris", delay=0, stream=tty) as status:
        show = bar(status)
        show(Progress("estimate", 0.0, "training 21 weights: about 1 s, 80 MiB"))
        assert tty.text.endswith(
            "qbnnc: training iris: training 21 weights: about 1 s, 80 MiB (0 s)"
        )
        show(Progress("count", 0.5, "counting 2,097,152 weight strings"))
        assert "counting 2,097,152 weight strings [##########          ] 50%" in tty.text
        show(Progress("search", 0.05, "round 3: threshold 15"))
        assert "round 3: threshold 15 [#                   ] 5%" in tty.text
