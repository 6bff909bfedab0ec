"""Training without knowing how many good weight strings exist.

The objective, the examples a weight string classifies correctly, takes the values 0..R
(R examples), and the search climbs them (Dürr and Høyer's minimum finding, "A quantum
algorithm for finding the minimum", 1996, as Baritompa, Bulger and Wood's Grover adaptive
search, 2005, runs it on a threshold):

1. Check one uniformly random weight string y (measuring H^n|0>, no oracle call):
   best = correct(y).
2. Search for a string with more than `best` correct examples: the circuit marks
   `correct >= best + 1`, run by the exponential search of Boyer, Brassard, Høyer and Tapp
   ("Tight bounds on quantum searching", 1998): m = 1; pick j uniformly in [0, m), run the
   circuit with j Grover iterations, measure, check every measured string on the data. A
   better string's own count becomes `best` (the climb skips every level below it) and the
   search goes to 2; otherwise m = min(6/5 m, sqrt(N)) and the round is repeated.
3. Stop when the best classifies every example (nothing can beat it), or when a threshold
   has failed the rounds after which, whatever the number of strings reaching it, one would
   have been measured with probability at least `confidence` (`qbnnc.execution.stopping`),
   or when the next round would overrun the budget.

Thresholds climb one level above the best seen rather than by bisection: a threshold that
nothing reaches costs the whole stopping rule (about 5 sqrt(N) oracle calls at 99.9%), so
probing above the optimum costs more than every successful level below it together.

Cost is counted in oracle-call equivalents: one oracle call is one coherent pass over the R
examples, and checking one measured string classically is one pass over the same R
examples, so both count 1 (each R row evaluations). A round of j iterations and s shots
costs j x s oracle calls and s checks; exhaustive enumeration costs N checks. Where the
stopping rule alone would cost at least N (N below about 64 strings), the strings are
enumerated classically instead (`method` "exhaustive"), which is exact.

The model's own `accept` and `iterations` are not used. Each circuit is built without
counting the weight strings (the compiler's census would answer the very question the
search asks), and a phase oracle that cannot read every count 0..examples exactly is
replaced by the counter oracle. The built-in backend samples each round from exactly the
distribution the compiled circuit produces, Grover's formula over the census (which the
tests check against simulated circuits), so it trains any model whose weight strings can
be counted within the time limit.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from qbnnc.analysis.budget import (
    DEFAULT_SECONDS_LIMIT,
    Estimate,
    ModelSize,
    estimate_count,
    estimate_train,
    machine_limits,
    refusal,
)
from qbnnc.diagnostics import CompileError, Diagnostic, plural
from qbnnc.execution.backends import describe, is_built_in, resolve
from qbnnc.execution.simulate import check_shots
from qbnnc.execution.stopping import MOST_CERTIFIED_WEIGHTS, Certificate
from qbnnc.frontend.model import Accept, Model, Oracle
from qbnnc.pipeline.compiler import compile_model
from qbnnc.reference.census import correct_counts
from qbnnc.reference.evaluate import correct, weight_string
from qbnnc.reference.grover_formula import success_probability
from qbnnc.reference.network import Network

if TYPE_CHECKING:
    from pytket.backends import Backend

    from qbnnc.pipeline.program import Program

CONFIDENCE = 0.999  # the stopping rule's default: a threshold given up is unreachable with this
Method = Literal["auto", "quantum", "exhaustive"]
METHODS: tuple[Method, ...] = ("auto", "quantum", "exhaustive")
Stop = Literal["perfect", "certified", "budget", "exhaustive", "nothing to search"]
EXACT_BACKEND = "qbnnc exact sampler (Grover's formula over the census)"


@dataclass(frozen=True)
class Progress:
    """What `train` tells its `progress` callback: the stage ("estimate", "count": the
    census, "search": the rounds), how far it is (0..1; for the search, the cost spent over
    the budget, the most it may spend) and a line to show."""

    stage: Literal["estimate", "count", "search"]
    done: float
    message: str

    def __str__(self) -> str:
        return self.message


ProgressCallback = Callable[[Progress], None]


@dataclass(frozen=True)
class Round:
    """One circuit run: `shots` measurements after `iterations` Grover iterations."""

    threshold: int  # the circuit marks correct >= threshold
    iterations: int
    measured: tuple[str, ...]  # canonical weight strings, one per shot
    correct: tuple[int, ...]  # correct examples of each measured string
    improved: bool

    @property
    def oracle_calls(self) -> int:
        return self.iterations * len(self.measured)


SCHEMA_TRAIN = "qbnnc.train/2"


@dataclass(frozen=True)
class TrainResult:
    """What `qbnnc.train` found: `weights` (canonical string, weight 0 first; `bits` by
    name), its `correct` examples of `examples`, how (`method`, `stop`, `confidence`), what
    it cost (`oracle_calls` + `candidate_checks` = `cost`, in oracle-call equivalents)
    against the yardsticks (`exhaustive_cost`, `random_search_cost`), the `rounds` run;
    `to_json()` is `qbnnc train --json`."""

    model: str
    method: str  # "quantum" or "exhaustive"
    weights: str  # canonical order, weight 0 first
    correct: int
    examples: int
    oracle_calls: int  # Grover iterations x shots, over all rounds
    candidate_checks: int  # strings evaluated classically on the data (the first guess too)
    budget: int  # the most cost allowed, in oracle-call equivalents
    stop: Stop
    confidence: float  # that no string beats `weights`, by the stopping rule (1: certain)
    optimal_strings: int | None  # strings as good as the best (known when the census ran)
    max_iterations: int | None
    oracle: str | None  # None when nothing ran a circuit
    backend: str | None
    seed: int | None
    shots_per_round: int
    rounds: tuple[Round, ...]
    weight_names: tuple[str, ...] = ()
    # The network at the weights found (every layer fixed): `predict`, `neurons`, `bnn()`.
    network: Network | None = field(default=None, compare=False, repr=False)

    def __repr__(self) -> str:
        return (
            f"<TrainResult {self.model!r}: weights {self.weights or '(none)'}, {self.correct} of "
            f"{self.examples} correct, cost {self.cost} ({self.method})>"
        )

    @property
    def accuracy(self) -> float:
        """Correct examples over examples."""
        return self.correct / self.examples

    @property
    def bits(self) -> dict[str, int]:
        """The weights found, by name in canonical order: `{"h[0].x[0]": 1, ...}`."""
        return {name: int(b) for name, b in zip(self.weight_names, self.weights, strict=True)}

    @property
    def cost(self) -> int:
        """Oracle calls plus candidate checks: oracle-call equivalents (each R row evaluations)."""
        return self.oracle_calls + self.candidate_checks

    @property
    def row_evaluations(self) -> int:
        """What the candidate checks evaluated: checks x examples."""
        return self.candidate_checks * self.examples

    @property
    def exhaustive_cost(self) -> int:
        """Enumerating every weight string: N = 2^weights checks."""
        return 1 << len(self.weights)

    @property
    def random_search_cost(self) -> float | None:
        """Checks that random guessing needs on average to meet an optimum: N / M_opt (None
        when M_opt is unknown)."""
        if self.optimal_strings is None:
            return None
        return self.exhaustive_cost / self.optimal_strings

    def to_json(self) -> dict[str, Any]:
        """`qbnnc train --json`: every key documented in docs/cli.md."""
        return {
            "schema": SCHEMA_TRAIN,
            "model": self.model,
            "method": self.method,
            "weight_names": list(self.weight_names),
            "weights": self.weights,
            "neurons": self.network.neurons if self.network is not None else None,
            "correct": self.correct,
            "examples": self.examples,
            "accuracy": self.accuracy,
            "stop": self.stop,
            "confidence": self.confidence,
            "oracle_calls": self.oracle_calls,
            "candidate_checks": self.candidate_checks,
            "row_evaluations": self.row_evaluations,
            "cost": self.cost,
            "budget": self.budget,
            "exhaustive_cost": self.exhaustive_cost,
            "exhaustive_row_evaluations": self.exhaustive_cost * self.examples,
            "optimal_strings": self.optimal_strings,
            "random_search_cost": self.random_search_cost,
            "max_iterations": self.max_iterations,
            "oracle": self.oracle,
            "backend": self.backend,
            "seed": self.seed,
            "shots_per_round": self.shots_per_round,
            "rounds": [
                {
                    "threshold": r.threshold,
                    "iterations": r.iterations,
                    "measured": list(r.measured),
                    "correct": list(r.correct),
                    "improved": r.improved,
                }
                for r in self.rounds
            ],
        }


# --- circuits built blind -------------------------------------------------------------------


def blind_program(model: Model, threshold: int, iterations: int, optimize: bool = True) -> Program:
    """The training circuit marking `correct >= threshold`, compiled without the census:
    a search for an unknown optimum must not count every weight string first."""
    marked = replace(
        model,
        accept=Accept("correct", threshold, f"correct >= {threshold}"),
        iterations=iterations,
        expect=None,
    )
    return compile_model(marked, optimize=optimize, count=False)


def training_model(model: Model) -> Model:
    """The model with an oracle that reads every count exactly (see the module docstring)."""
    if model.oracle.kind == "phase" and not phase_reads_every_count(model):
        return replace(model, oracle=Oracle("counter"))
    return model


def phase_reads_every_count(model: Model) -> bool:
    """Whether phase estimation reads each count 0..examples as its own integer value, so
    that every threshold is exact without knowing which counts are reachable."""
    step, p = model.oracle.step, model.oracle.precision
    if step is None or step.pi_multiple is None or p is None:
        return False
    ratio = step.pi_multiple * 2**p / 2
    values = [c * ratio for c in range(model.num_examples + 1)]
    if any(v.denominator != 1 for v in values):
        return False
    return len({int(v) % 2**p for v in values}) == len(values)


# --- samplers: who runs the circuits --------------------------------------------------------


class Sampler:
    """Runs the circuit for (threshold, iterations) and returns the measured weight strings."""

    name = "sampler"

    def measure(self, threshold: int, iterations: int, shots: int, seed: int) -> list[int]:
        raise NotImplementedError


_BLOCK = 1 << 16  # weight strings per block when drawing the k-th marked string


class ExactSampler(Sampler):
    """What the circuit marking `correct >= t` measures after j iterations, drawn exactly:
    a marked string with probability sin^2((2j+1) theta), theta = asin(sqrt(M_t/N)), uniform
    among the M_t marked strings, else uniform among the others (Grover's formula over the
    census). Memory: the counts and one byte per string for the threshold's marks."""

    name = EXACT_BACKEND

    def __init__(self, counts: np.ndarray) -> None:
        self.counts = counts
        self.num_weights = len(counts).bit_length() - 1
        self._threshold: int | None = None
        self._marked = np.zeros(0, dtype=bool)
        self._per_block = np.zeros(0, dtype=np.int64)  # marked strings before each block

    def measure(self, threshold: int, iterations: int, shots: int, seed: int) -> list[int]:
        if threshold != self._threshold:
            self._threshold = threshold
            self._marked = self.counts >= threshold
            blocks = -(-len(self.counts) // _BLOCK)
            padded = np.zeros(blocks * _BLOCK, dtype=bool)
            padded[: len(self.counts)] = self._marked
            self._per_block = np.concatenate(([0], np.cumsum(padded.reshape(blocks, -1).sum(1))))
        total = len(self.counts)
        marked = int(self._per_block[-1])
        p = success_probability(marked, self.num_weights, iterations) if marked else 0.0
        rng = np.random.default_rng(seed)
        out = []
        for _ in range(shots):
            hit = marked == total or (marked > 0 and rng.random() < p)
            pool = marked if hit else total - marked
            out.append(self._nth(int(rng.integers(pool)), hit))
        return out

    def _nth(self, k: int, marked: bool) -> int:
        """The k-th (from 0) marked or unmarked weight string, in index order."""
        before = self._per_block
        if not marked:
            before = np.arange(len(before)) * _BLOCK - before
        block = int(np.searchsorted(before, k, side="right")) - 1
        start = block * _BLOCK
        here = self._marked[start : start + _BLOCK]
        hits = np.flatnonzero(here if marked else ~here)
        return start + int(hits[k - int(before[block])])


class PytketSampler(Sampler):
    """Any pytket backend: the circuit for each (threshold, iterations) is compiled for the
    backend and run `shots` times."""

    def __init__(
        self,
        model: Model,
        backend: Any,  # a pytket Backend
        name: str,
        optimize: bool = True,
    ) -> None:
        self.model = model
        self.backend = backend
        self.name = name
        self.optimize = optimize

    def measure(self, threshold: int, iterations: int, shots: int, seed: int) -> list[int]:
        from qbnnc.execution.simulate import run_pytket

        program = blind_program(self.model, threshold, iterations, self.optimize)
        counts = run_pytket(self.backend, program.pytket(), self.model.num_weights, shots, seed)
        return sorted(counts.elements())


# --- the plan: which method, what stops it, what it may cost ------------------------------


@dataclass(frozen=True)
class Plan:
    """What `train` will do, decided before any work: `method`, the `budget` (most cost, in
    oracle-call equivalents), and the failed rounds after which a threshold is given up
    (`give_up`: None when the stopping rule cannot be met under `max_iterations`)."""

    method: Literal["quantum", "exhaustive"]
    budget: int
    certificate: Certificate | None
    give_up: int | None
    census: bool  # the weight strings are counted (the exact sampler, or enumeration)


def plan(
    model: Model,
    method: Method = "auto",
    budget: int | None = None,
    max_iterations: int | None = None,
    confidence: float = CONFIDENCE,
    built_in: bool = True,
) -> Plan:
    """The method and stopping rule for `model` (already `training_model`): "auto" is
    exhaustive where the stopping rule's expected cost, what a quantum search spends at least
    when no string classifies every example, reaches N, on the built-in backend; a backend
    named (a device, an emulator) runs the quantum search it was named for."""
    n = model.num_weights
    size = 1 << n
    limit = size if budget is None else budget
    certificate = Certificate.of(n, max_iterations) if 0 < n <= MOST_CERTIFIED_WEIGHTS else None
    give_up = certificate.rounds_for(1 - confidence) if certificate is not None else None
    if method == "auto":
        cheaper = give_up is not None and certificate is not None
        cheaper = cheaper and certificate.expected_cost(give_up) < size
        method = "quantum" if n and (cheaper or not built_in) else "exhaustive"
    return Plan(method, limit, certificate, give_up, census=method == "exhaustive" or built_in)


def estimate(
    model: Model,
    the_plan: Plan,
    shots_per_round: int = 1,
    built_in: bool = True,
    optimize: bool = True,
) -> Estimate:
    """Time and memory of `train` under `the_plan`, before it starts (`qbnnc.analysis.budget`):
    the census when it runs, at most the budget's checks (fewer when every threshold is given
    up by the stopping rule first), and on a pytket backend the circuits emitted."""
    n, e = model.num_weights, model.num_examples
    count = estimate_count(ModelSize.of(model)) if the_plan.census and n else None
    rounds = the_plan.budget // shots_per_round
    if the_plan.method == "exhaustive":
        rounds = 0
    elif the_plan.give_up is not None:
        rounds = min(rounds, (e + 1) * the_plan.give_up)
    iteration_operations = qubits = 0
    if the_plan.method == "quantum" and not built_in and n:
        from qbnnc.execution.simulate import iteration_circuits
        from qbnnc.synthesis.circuit import flat_size

        program = blind_program(model, 1, 1, optimize)
        qubits = program.circuit.num_qubits
        iteration_operations = flat_size(iteration_circuits(program)[1])
    return estimate_train(
        weights=n,
        examples=e,
        checks=rounds * shots_per_round,
        shots_per_round=shots_per_round,
        count=count,
        qubits=qubits,
        iteration_operations=iteration_operations,
        oracle_calls=min(the_plan.budget, rounds * math.isqrt(1 << n)) if n < 1024 else 0,
    )


# --- the search ------------------------------------------------------------------------------


def train(
    model: Model | Program,
    seed: int | None = 0,
    shots_per_round: int = 1,
    backend: str | Backend | None = None,
    budget: int | None = None,
    progress: ProgressCallback | None = None,
    optimize: bool = True,
    method: Method = "auto",
    max_iterations: int | None = None,
    confidence: float = CONFIDENCE,
    max_minutes: float = DEFAULT_SECONDS_LIMIT / 60,
) -> TrainResult:
    """Find a weight string with the most correct examples without knowing how many exist.

    `backend`: None or "aer" for qbnnc's exact sampler (each round drawn from the compiled
    circuit's distribution, Grover's formula over the census), else a pytket `Backend`
    object or a backend name (`qbnnc.execution.backends`: `quantinuum:H2-1E`,
    `ibm:ibm_torino`, a target's emulator, ...). `method`: "quantum" (the search), or
    "exhaustive" (enumerate every string classically), or "auto": exhaustive where that
    costs less than the search's stopping rule. `budget`: the most the search may spend, in
    oracle-call equivalents (default N = 2^weights, what enumeration costs). `max_iterations`
    caps the Grover iterations of a round (BBHT's growth); `confidence` is the stopping
    rule's (docs/train.md). `max_minutes`: the time limit; work estimated over it, or over
    the memory available, is refused before it starts. `progress` is told the estimate,
    the census's progress and each round (a `Progress`); `optimize=False` skips the
    dataflow passes (as `--no-opt`). `model`: a checked model (`qbnnc.load_model`) or a
    compiled Program; its `accept` and `iterations` are not used.

    Returns a `TrainResult`. Raises TypeError or ValueError for a bad argument (a
    `shots_per_round` outside 1..`MAX_SHOTS`, a `budget` that is not a whole number of at
    least 1, ...), CompileError for a backend that is unknown or cannot run here, or work
    over the limits.
    """
    if not isinstance(model, Model):
        model = model.model
    _check_arguments(shots_per_round, budget, method, max_iterations, confidence, max_minutes)
    written = model  # the network found is saved with the oracle as written
    model = training_model(model)
    n = model.num_weights
    built_in = is_built_in(backend)
    the_plan = plan(model, method, budget, max_iterations, confidence, built_in)
    if the_plan.method == "quantum" and n > MOST_CERTIFIED_WEIGHTS:
        raise _refuse(
            model,
            f"{n} weights are too many to search (the stopping rule is computed up to "
            f"{MOST_CERTIFIED_WEIGHTS})",
        )
    if the_plan.method == "quantum" and shots_per_round > the_plan.budget:
        raise _refuse(
            model,
            f"a round of {shots_per_round:,} shots costs at least {shots_per_round:,} checks, "
            f"more than the whole budget of {the_plan.budget:,} oracle-call equivalents: use "
            "fewer --shots-per-round or a larger --budget",
        )
    job = estimate(model, the_plan, shots_per_round, built_in, optimize)
    over = refusal(job, machine_limits(60 * max_minutes))
    if over is not None:
        raise _refuse(model, over)
    if progress:
        progress(Progress("estimate", 0.0, job.describe()))
    sampler: Sampler | None = None
    if not built_in:
        assert backend is not None
        resolved = resolve(backend)
        name = backend if isinstance(backend, str) else describe(resolved)
        sampler = PytketSampler(model, resolved, name, optimize)
    counts = None
    if the_plan.census and n:
        counts = correct_counts(model, _counting(progress), limit=None)
    if the_plan.method == "exhaustive" or n == 0:
        return _enumerated(model, written, the_plan, counts, seed, shots_per_round, max_iterations)
    if sampler is None:
        assert counts is not None
        sampler = ExactSampler(counts)
    return _search(
        model, written, the_plan, sampler, counts, seed, shots_per_round, max_iterations, progress
    )


def _check_arguments(
    shots_per_round: int,
    budget: int | None,
    method: str,
    max_iterations: int | None,
    confidence: float,
    max_minutes: float,
) -> None:
    check_shots(shots_per_round, "shots_per_round")
    if budget is not None and (isinstance(budget, bool) or not isinstance(budget, int)):
        raise TypeError(
            f"budget must be a whole number of oracle-call equivalents or None, got {budget!r}"
        )
    if budget is not None and budget < 1:
        raise ValueError(f"budget must be at least 1 oracle-call equivalent, got {budget}")
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, not {method!r}")
    if max_iterations is not None and max_iterations < 0:
        raise ValueError("max_iterations must be at least 0")
    if not 0 < confidence < 1:
        raise ValueError("confidence must be between 0 and 1, both excluded")
    if not max_minutes > 0:
        raise ValueError("max_minutes must be positive")


def _refuse(model: Model, message: str) -> CompileError:
    if model.path is None:
        return CompileError.single(None, message)
    return CompileError([Diagnostic(model.path, 0, 0, message)])


def _counting(progress: ProgressCallback | None) -> Callable[[int, int], None] | None:
    if progress is None:
        return None

    def show(done: int, total: int) -> None:
        progress(Progress("count", done / total, f"counting {total:,} weight strings"))

    return show


def _enumerated(
    model: Model,
    written: Model,
    the_plan: Plan,
    counts: np.ndarray | None,
    seed: int | None,
    shots_per_round: int,
    max_iterations: int | None,
) -> TrainResult:
    """Every weight string checked classically: the first with the most correct examples."""
    n = model.num_weights
    best_w = int(np.argmax(counts)) if counts is not None else 0
    best = int(counts[best_w]) if counts is not None else correct(model, 0)
    ties = int((counts == best).sum()) if counts is not None else 1
    return TrainResult(
        model=model.name,
        method="exhaustive",
        weights=weight_string(best_w, n),
        correct=best,
        examples=model.num_examples,
        oracle_calls=0,
        candidate_checks=1 << n,
        budget=the_plan.budget,
        stop="exhaustive" if n else "nothing to search",
        confidence=1.0,
        optimal_strings=ties,
        max_iterations=max_iterations,
        oracle=None,
        backend=None,
        seed=seed,
        shots_per_round=shots_per_round,
        rounds=(),
        weight_names=tuple(model.weight_names),
        network=Network.of(written, best_w),
    )


def _search(
    model: Model,
    written: Model,
    the_plan: Plan,
    sampler: Sampler,
    counts: np.ndarray | None,
    seed: int | None,
    shots: int,
    max_iterations: int | None,
    progress: ProgressCallback | None,
) -> TrainResult:
    """Climb the thresholds (the module docstring), each searched by BBHT's rounds."""
    n, e = model.num_weights, model.num_examples
    certificate = the_plan.certificate
    assert certificate is not None
    rng = random.Random(seed)
    best_w = rng.getrandbits(n)
    best = correct(model, best_w)
    checks, calls = 1, 0
    rounds: list[Round] = []
    stop: Stop | None = "perfect" if best == e else None
    failed = 0  # failed rounds at the current threshold
    while stop is None:
        threshold = best + 1
        failed = 0
        while True:
            # BBHT: j uniform in [0, r), r = ceil(m) as m grows by 6/5 per failed round.
            j = rng.randrange(certificate.rotation(failed))
            if calls + checks + (j + 1) * shots > the_plan.budget:
                stop = "budget"
                break
            measured = sampler.measure(threshold, j, shots, rng.getrandbits(32))
            scores = [correct(model, w) for w in measured]
            checks += shots
            calls += j * shots
            top = max(range(shots), key=lambda i: (scores[i], -measured[i]))
            improved = scores[top] >= threshold
            rounds.append(
                Round(
                    threshold,
                    j,
                    tuple(weight_string(w, n) for w in measured),
                    tuple(scores),
                    improved,
                )
            )
            if progress:
                progress(
                    Progress(
                        "search",
                        min((calls + checks) / the_plan.budget, 1.0),
                        f"round {len(rounds)}: threshold {threshold}, "
                        f"{plural(j, 'iteration')}, best {max(best, scores[top])}/{e}, "
                        f"cost {calls + checks}",
                    )
                )
            if improved:
                best_w, best = measured[top], scores[top]
                stop = "perfect" if best == e else None
                break
            failed += 1
            if the_plan.give_up is not None and failed >= the_plan.give_up:
                stop = "certified"
                break
    confidence = 1.0 if stop == "perfect" else 1 - certificate.miss(failed)
    return TrainResult(
        model=model.name,
        method="quantum",
        weights=weight_string(best_w, n),
        correct=best,
        examples=e,
        oracle_calls=calls,
        candidate_checks=checks,
        budget=the_plan.budget,
        stop=stop,
        confidence=confidence,
        optimal_strings=int((counts == counts.max()).sum()) if counts is not None else None,
        max_iterations=max_iterations,
        oracle=model.oracle.kind,
        backend=sampler.name,
        seed=seed,
        shots_per_round=shots,
        rounds=tuple(rounds),
        weight_names=tuple(model.weight_names),
        network=Network.of(written, best_w),
    )


# --- the report ------------------------------------------------------------------------------

_STOPS = {
    "perfect": "every example is classified: nothing can do better",
    "exhaustive": "every weight string was checked",
    "nothing to search": "every layer is fixed: the network is evaluated, there is nothing to "
    "search",
}


def describe_stop(result: TrainResult) -> str:
    """Why the search stopped, with the confidence that nothing better exists."""
    if result.stop in _STOPS:
        return _STOPS[result.stop]
    threshold = result.correct + 1
    sure = _percent(result.confidence)
    if result.stop == "certified":
        return f"no string reaches {threshold} correct, with confidence {sure} (the stopping rule)"
    return (
        f"the budget of {result.budget:,} ran out before the stopping rule was met; nothing "
        f"reaches {threshold} correct with confidence {sure} so far"
    )


def _percent(p: float) -> str:
    """A confidence as a percentage rounded down, so that short of certain never reads 100%."""
    return f"{math.floor(p * 10_000) / 100:.2f}%"


def render(result: TrainResult, rounds: bool = False) -> str:
    """`qbnnc train` without --json: a summary, and each round when `rounds`."""
    if result.stop == "nothing to search":
        how = "nothing to search"
    elif result.method == "exhaustive":
        how = "exhaustive enumeration (cheaper here than the quantum search's stopping rule)"
    else:
        how = f"quantum search, {result.oracle} oracle, backend {result.backend}"
    lines = [f"training {result.model}: {how}"]
    if rounds and result.rounds:
        lines.append(f"  {'round':>5}  {'threshold':>9}  {'iterations':>10}  measured (correct)")
        for i, r in enumerate(result.rounds, 1):
            shots = ", ".join(f"{w} ({c})" for w, c in zip(r.measured, r.correct, strict=True))
            mark = "  better" if r.improved else ""
            lines.append(f"  {i:>5}  {r.threshold:>9}  {r.iterations:>10}  {shots}{mark}")
    elif result.rounds:
        lines.append(f"{plural(len(result.rounds), 'round')} (--rounds lists them)")
    weights = f"{result.weights} (canonical order, weight 0 first)" if result.weights else "none"
    lines.append(f"weights: {weights}")
    if result.network is not None and result.network.neurons:
        lines.append(f"neurons: {' '.join(f'{k}={v}' for k, v in result.network.neurons.items())}")
    e = result.examples
    guessing = ""
    if result.random_search_cost is not None and result.optimal_strings is not None:
        guessing = (
            f", random guessing {result.random_search_cost:,.1f} on average "
            f"({_many(result.optimal_strings, 'optimal string')})"
        )
    lines += [
        f"correct: {result.correct} of {e} ({100 * result.accuracy:.1f}%)",
        f"stopped: {describe_stop(result)}",
        f"cost: {_many(result.cost, 'oracle-call equivalent')}: "
        f"{_many(result.oracle_calls, 'oracle call')} + "
        f"{_many(result.candidate_checks, 'candidate check')} "
        f"({_many(result.row_evaluations, 'row evaluation')})",
        f"against: exhaustive enumeration {result.exhaustive_cost:,} "
        f"({result.exhaustive_cost * e:,} row evaluations){guessing}",
    ]
    return "\n".join(lines)


def _many(count: int, word: str) -> str:
    """`plural` with thousands separated: `2,048 row evaluations`."""
    return f"{count:,} {word if count == 1 else word + 's'}"
