"""`qbnnc count`: amplitude estimation of the marked weight strings, checked against the
census (the exact count) and against the estimators' own guarantees."""

from __future__ import annotations

import json
import math
from dataclasses import replace
from pathlib import Path

import pytest

import qbnnc
from qbnnc.cli import main
from qbnnc.execution.count import (
    CountResult,
    allowed_angles,
    clopper_pearson,
    count,
    intersect,
    make_sampler,
    mlae_schedule,
)
from qbnnc.frontend.model import Accept
from qbnnc.pipeline.compiler import load_model, read_source
from qbnnc.reference.census import census

ROOT = Path(__file__).resolve().parent.parent
PAPER = sorted(ROOT.glob("examples/paper/*.bnn"))
QBN31 = ROOT / "examples" / "paper" / "qbn31_task1.bnn"
AND221 = ROOT / "examples" / "paper" / "qbnn221_and.bnn"
WIDE = ROOT / "examples" / "wide_fixed.bnn"
TRAINED = ROOT / "examples" / "trained" / "and221.bnn"

# The small version of bench/count_coverage.py (200 runs per task, docs/count.md).
SEEDS = 40


def _model(path: Path):
    return load_model(read_source(path), str(path))


def _covers(result: CountResult, m: int) -> bool:
    return result.interval[0] - 1e-9 <= m <= result.interval[1] + 1e-9


def _consistent(result: CountResult) -> None:
    """What every result must satisfy, whatever was measured."""
    assert result.oracle_calls == sum(r.power * r.shots for r in result.rounds)
    assert result.powers == tuple(r.power for r in result.rounds)
    assert all(0 <= r.marked <= r.shots == result.shots for r in result.rounds)
    low, high = result.interval
    assert 0 <= low <= result.estimate <= high <= result.strings
    assert result.candidate_checks <= min(result.strings, result.total_shots)


@pytest.mark.parametrize("path", PAPER, ids=lambda p: p.stem)
def test_the_interval_covers_the_census_count_at_the_stated_rate(path: Path) -> None:
    model = _model(path)
    exact = census(model).marked
    sampler = make_sampler(model)
    for method in ("iae", "mlae"):
        results = [
            count(model, method=method, seed=seed, sampler=sampler, census=False)
            for seed in range(SEEDS)
        ]
        for r in results:
            _consistent(r)
        covered = sum(_covers(r, exact) for r in results)
        assert covered >= 0.95 * SEEDS, (method, covered)
        # IAE stops when the interval for M/N is at most 2 epsilon wide.
        if method == "iae":
            assert all(r.interval[1] - r.interval[0] <= 2 * 0.01 * r.strings for r in results)
        else:
            assert all(r.powers == mlae_schedule(0.01, 0.95, 100) for r in results)


@pytest.mark.parametrize("method", ["iae", "mlae"])
def test_count_reports_the_census_and_what_it_spent(method: str) -> None:
    model = _model(AND221)
    result = count(model, method=method, seed=3)
    _consistent(result)
    assert result.exact == census(model).marked == 7
    assert result.strings == 64 and result.weight_names == tuple(model.weight_names)
    assert result.oracle_calls > 0 and max(result.powers) > 0
    # A compiled program counts its model, whatever iterations it was compiled with.
    assert count(qbnnc.compile_file(AND221), method=method, seed=3) == result


def test_same_seed_same_result_other_seed_other_shots() -> None:
    model = _model(QBN31)
    first = count(model, seed=5).to_json()
    assert count(model, seed=5).to_json() == first
    assert count(model, seed=6).to_json()["rounds"] != first["rounds"]


def test_nothing_marked_is_counted_as_zero() -> None:
    """The stopping rule a search needs: no string reaches the threshold, and the interval
    says so (its upper end under one string)."""
    model = _model(ROOT / "examples" / "paper" / "qbn31_task2.bnn")  # best: 6 of 8
    nothing = replace(model, accept=Accept("correct", 7, "correct >= 7"))
    for method in ("iae", "mlae"):
        result = count(nothing, method=method, seed=0)
        assert result.exact == 0
        assert all(r.marked == 0 for r in result.rounds)
        assert result.interval[0] == 0 and result.interval[1] < 1


def test_every_string_marked() -> None:
    model = _model(QBN31)
    everything = replace(model, accept=Accept("correct", 0, "correct >= 0"))
    result = count(everything, seed=0)
    assert result.exact == 8 and _covers(result, 8)


def test_a_fixed_network_is_checked_not_searched() -> None:
    result = count(_model(TRAINED))
    assert (result.strings, result.exact, result.estimate, result.rounds) == (1, 1, 1.0, ())
    assert result.oracle_calls == 0 and result.candidate_checks == 1


def test_a_wide_model_runs_on_the_sparse_simulator() -> None:
    model = _model(WIDE)  # 60 qubits, 12 weights: past any statevector
    result = count(model, epsilon=0.05, seed=0)
    _consistent(result)
    assert "sparse" in result.backend
    assert result.exact == census(model).marked
    assert _covers(result, result.exact)
    assert count(model, epsilon=0.05, seed=0, census=False).exact is None


def test_a_pytket_backend_runs_the_circuit_with_each_power() -> None:
    pytest.importorskip("pytket.extensions.qiskit")
    model = _model(QBN31)
    result = count(model, epsilon=0.05, backend="AerBackend", seed=2)
    _consistent(result)
    assert result.backend == "AerBackend" and max(result.powers) > 0
    assert _covers(result, 1)
    assert count(model, epsilon=0.05, backend="AerBackend", seed=2) == result


def test_mlae_interval_is_the_thetas_every_power_allows() -> None:
    # sin^2(3 theta) = 1 at theta = pi/6 and pi/2 only, each a point where mirrors meet.
    assert set(allowed_angles(1, 1.0, 1.0)) == {(math.pi / 6,) * 2, (math.pi / 2,) * 2}
    low, high = clopper_pearson(30, 100, 0.05)
    assert low < 0.3 < high
    pieces = allowed_angles(4, low, high)
    theta = math.asin(math.sqrt(0.3)) / 9
    assert any(a <= theta <= b for a, b in pieces)
    assert intersect([(0.0, 1.0), (2.0, 3.0)], [(0.5, 2.5)]) == [(0.5, 1.0), (2.0, 2.5)]
    # More shots or a looser epsilon never ask for larger powers.
    assert len(mlae_schedule(0.01, 0.95, 1000)) <= len(mlae_schedule(0.01, 0.95, 100))
    assert mlae_schedule(0.5, 0.95, 100) == (0,)


def _one_qubit_problem(a: float):
    """A = RY(2 theta) and Q = RY(4 theta) on one qubit, sin^2(theta) = a: Q^k A |0> measures
    1 with probability sin^2((2k + 1) theta), as the training circuit measures a marked
    string."""
    from qiskit import QuantumCircuit
    from qiskit_algorithms import EstimationProblem

    theta = math.asin(math.sqrt(a))
    prepare, grover = QuantumCircuit(1), QuantumCircuit(1)
    prepare.ry(2 * theta, 0)
    grover.ry(4 * theta, 0)
    return EstimationProblem(prepare, [0], grover_operator=grover)


def _recording_sampler(seed: int):
    """Qiskit's StatevectorSampler, keeping how many shots of each circuit measured 1."""
    from qiskit.primitives import StatevectorSampler

    class Recording(StatevectorSampler):
        hits: list[int]

        def run(self, pubs, *, shots=None):
            job = super().run(pubs, shots=shots)
            for r in job.result():
                self.hits.append(
                    getattr(r.data, next(iter(r.data.keys()))).get_counts().get("1", 0)
                )
            return job

    sampler = Recording(default_shots=100, seed=seed)
    sampler.hits = []
    return sampler


def _replay(hits: list[int]):
    """A `measure` for the estimators that answers with these counts, in order."""
    answers = iter(hits)
    return lambda power, shots: next(answers)


@pytest.mark.parametrize("a", [0.0, 0.01, 1 / 8, 7 / 64, 0.3, 0.5, 0.77, 1.0])
def test_iae_is_qiskit_algorithms_on_the_same_measurements(a: float) -> None:
    """qiskit-algorithms' IterativeAmplitudeEstimation, the reference, runs on Qiskit's
    sampler; qbnnc's `iae`, fed the same measured counts, chooses the same powers and
    reaches the same interval."""
    from qiskit_algorithms import IterativeAmplitudeEstimation

    from qbnnc.execution.count import iae

    for seed in range(3):
        sampler = _recording_sampler(seed)
        theirs = IterativeAmplitudeEstimation(0.01, 0.05, sampler=sampler).estimate(
            _one_qubit_problem(a)
        )
        ours = iae(_replay(sampler.hits), 0.01, 0.95, 100)
        assert [r.power for r in ours.rounds] == theirs.powers[1:]  # theirs starts with 0
        assert ours.interval == pytest.approx(theirs.confidence_interval, abs=1e-12)
        assert ours.estimate == pytest.approx(theirs.estimation, abs=1e-12)


@pytest.mark.parametrize("a", [0.01, 1 / 8, 0.3, 0.77])
def test_mlae_estimate_is_qiskit_algorithms_maximum_likelihood(a: float) -> None:
    """On the same counts at the same powers, qbnnc's maximum-likelihood estimate is
    qiskit-algorithms' `compute_mle`, and at least as likely (qiskit-algorithms' grid
    search stops short of the float's precision)."""
    from qiskit_algorithms import MaximumLikelihoodAmplitudeEstimation

    from qbnnc.execution.count import mlae

    powers = mlae_schedule(0.01, 0.95, 100)

    def loglik(theta: float, hits: list[int]) -> float:
        return sum(
            h * math.log(math.sin((2 * k + 1) * theta) ** 2)
            + (100 - h) * math.log(math.cos((2 * k + 1) * theta) ** 2)
            for k, h in zip(powers, hits, strict=True)
        )

    problem = _one_qubit_problem(a)
    reference = MaximumLikelihoodAmplitudeEstimation(list(powers))
    sampler = _recording_sampler(seed=1)
    sampler.run([(c,) for c in reference.construct_circuits(problem, measurement=True)])
    ours = mlae(_replay(sampler.hits), 0.01, 0.95, 100)
    assert [r.marked for r in ours.rounds] == sampler.hits
    theirs = reference.compute_mle([{"1": h, "0": 100 - h} for h in sampler.hits], problem)
    assert ours.interval[0] < ours.estimate < ours.interval[1]  # not held at an end
    assert ours.estimate == pytest.approx(math.sin(theirs) ** 2, abs=1e-4)
    mine = math.asin(math.sqrt(ours.estimate))
    assert loglik(mine, sampler.hits) >= loglik(theirs, sampler.hits) - 1e-9


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"epsilon": 0.0}, "epsilon"),
        ({"epsilon": 0.6}, "epsilon"),
        ({"epsilon": float("nan")}, "epsilon"),
        ({"confidence": 1.0}, "confidence"),
        ({"confidence": 95}, "confidence"),
        ({"shots": 0}, "shots"),
        ({"method": "qpe"}, "method"),
    ],
)
def test_bad_parameters_are_value_errors(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        count(_model(QBN31), **kwargs)


# --- the command line ---------------------------------------------------------------------------


def test_count_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["count", str(AND221), "--json", "--seed", "1", "--method", "mlae"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["schema"] == "qbnnc.count/1"
    assert data["exact"] == 7 and data["method"] == "mlae"
    assert data["powers"] == [r["power"] for r in data["rounds"]]
    assert data["oracle_calls"] == sum(r["power"] * r["shots"] for r in data["rounds"])
    low, high = data["interval"]
    assert low <= data["estimate"] <= high


def test_count_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["count", str(QBN31), "--epsilon", "0.02", "--confidence", "0.9"]) == 0
    out = capsys.readouterr().out
    assert "exact (census): 1" in out
    assert "90% interval" in out and "only 1" in out


@pytest.mark.parametrize(
    ("option", "value", "says"),
    [
        ("--epsilon", "0", "not in (0, 0.5]"),
        ("--epsilon", "0.7", "not in (0, 0.5]"),
        ("--epsilon", "-0.1", "not in (0, 0.5]"),
        ("--epsilon", "nan", "not a finite number"),
        ("--epsilon", "inf", "not a finite number"),
        ("--epsilon", "small", "not a number"),
        ("--confidence", "0", "not between 0 and 1"),
        ("--confidence", "1", "not between 0 and 1"),
        ("--confidence", "95", "for 95% write 0.95"),
        ("--confidence", "95%", "for 95% write 0.95"),
        ("--confidence", "high", "not a number"),
        ("--method", "qpe", "invalid choice"),
        ("--shots", "0", "not at least 1"),
        ("--seed", "-1", "is negative"),
    ],
)
def test_bad_options_are_usage_errors(
    option: str, value: str, says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["count", str(QBN31), option, value]) == 2
    err = capsys.readouterr().err
    assert says in err and option in err and "Traceback" not in err


def test_work_over_the_limits_is_refused_before_it_starts(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["count", str(QBN31), "--epsilon", "1e-7"]) == 1
    err = capsys.readouterr().err
    assert "Grover iterations" in err and "use a larger --epsilon" in err


def test_an_unknown_backend_is_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["count", str(QBN31), "--backend", "nosuch"]) == 1
    assert "unknown backend 'nosuch'" in capsys.readouterr().err
