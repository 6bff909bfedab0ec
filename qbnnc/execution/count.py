"""Counting the weight strings that `accept` marks, by amplitude estimation without phase
estimation.

The training circuit prepares the uniform superposition A|0> over the N = 2^n weight
strings, and its Grover iteration Q rotates by 2 theta with sin^2(theta) = a = M/N: after k
iterations a measurement gives a marked string with probability sin^2((2k + 1) theta).
Measuring at a few powers k, and checking each measured string classically on the data,
estimates a, and so M = N a, with a confidence interval:

- `iae`: iterative amplitude estimation (Grinko, Gacon, Zoufal, Woerner, "Iterative quantum
  amplitude estimation", npj Quantum Information 7, 52 (2021), arXiv:1912.05559), with
  Clopper-Pearson intervals: each round picks the largest power whose scaled interval for
  theta stays in one half-period, until the interval for a is at most 2 epsilon wide. With
  probability at least `confidence` the interval holds a.
- `mlae`: maximum likelihood amplitude estimation (Suzuki, Uno, Raymond, Tanaka, Onodera,
  Yamamoto, "Amplitude estimation without phase estimation", Quantum Inf. Process. 19, 75
  (2020), arXiv:1904.10246) on the powers 0, 1, 2, 4, ..., 2^(m-1), m the fewest whose
  Cramer-Rao bound gives a half-width of at most epsilon; the likelihood-ratio interval.

The algorithms follow qiskit-algorithms' `IterativeAmplitudeEstimation` and
`MaximumLikelihoodAmplitudeEstimation` step for step, but run on qbnnc's own samplers:
the exact simulators evolve one state through every power (qiskit-algorithms simulates
Q^k A afresh for each round), the sparse simulator runs past 30 qubits, and a pytket
backend gets the compiled circuit with k iterations. docs/count.md measures the difference.

Oracle calls are the Grover powers times the shots, summed over the rounds; the shots at
power 0 cost none. Every measured string is checked classically (once: `candidate_checks`).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from qbnnc.diagnostics import plural
from qbnnc.execution.backends import describe, is_built_in, resolve
from qbnnc.execution.train import training_model
from qbnnc.frontend.model import Model, describe_accept
from qbnnc.pipeline.compiler import compile_model, count_marked
from qbnnc.reference.evaluate import correct

if TYPE_CHECKING:
    from pytket.backends import Backend

    from qbnnc.pipeline.program import Program
    from qbnnc.synthesis.oracle import OptimizeFor

SCHEMA_COUNT = "qbnnc.count/1"
Method = Literal["iae", "mlae"]
METHODS: dict[str, str] = {
    "iae": "iterative amplitude estimation (Grinko et al.)",
    "mlae": "maximum likelihood amplitude estimation (Suzuki et al.)",
}
DEFAULT_EPSILON = 0.01
DEFAULT_CONFIDENCE = 0.95
DEFAULT_SHOTS = 100
# IAE's q: each new power multiplies 4k + 2 by at least this much (Grinko et al.'s choice).
MIN_RATIO = 2.0

Progress = Callable[[str], None]
# Runs the circuit with `power` Grover iterations `shots` times: how many shots measured a
# marked weight string.
Measure = Callable[[int, int], int]


# --- the two estimators: pure functions of the measurements ------------------------------------


@dataclass(frozen=True)
class CountRound:
    """One circuit run: `shots` measurements after `power` Grover iterations, `marked` of
    them a weight string that `accept` marks."""

    power: int
    shots: int
    marked: int

    @property
    def oracle_calls(self) -> int:
        return self.power * self.shots


@dataclass(frozen=True)
class Estimation:
    """What an estimator concluded about a = M/N: the estimate, the interval, the rounds."""

    estimate: float
    interval: tuple[float, float]
    rounds: tuple[CountRound, ...]


def check_parameters(epsilon: float, confidence: float, shots: int) -> None:
    """ValueError for parameters outside their ranges (NaN included)."""
    if not (isinstance(epsilon, int | float) and 0 < epsilon <= 0.5):
        raise ValueError(f"epsilon must be in (0, 0.5], not {epsilon!r}")
    if not (isinstance(confidence, int | float) and 0 < confidence < 1):
        raise ValueError(f"confidence must be between 0 and 1 (exclusive), not {confidence!r}")
    if not (isinstance(shots, int) and shots >= 1):
        raise ValueError(f"shots must be a whole number of at least 1, not {shots!r}")


def clopper_pearson(hits: int, shots: int, alpha: float) -> tuple[float, float]:
    """The exact binomial interval for a probability, at confidence 1 - alpha."""
    from scipy.stats import beta

    low = 0.0 if hits == 0 else float(beta.ppf(alpha / 2, hits, shots - hits + 1))
    high = 1.0 if hits == shots else float(beta.ppf(1 - alpha / 2, hits + 1, shots - hits))
    return low, high


def iae_rounds_bound(epsilon: float) -> int:
    """T of Grinko et al.: the most rounds with a new power; each gets alpha / T."""
    return int(math.log(MIN_RATIO * math.pi / 8 / epsilon) / math.log(MIN_RATIO)) + 1


def iae_most_power(epsilon: float) -> int:
    """The largest power IAE can ask for: 4k + 2 <= 1 / (2 width) while the width of the
    theta interval (in turns) is still over epsilon / pi, so k < pi / (8 epsilon)."""
    return max(0, math.floor(math.pi / (8 * epsilon)))


def _next_power(k: int, upper: bool, interval: tuple[float, float]) -> tuple[int, bool]:
    """FindNextK: the largest k' (4k' + 2 at least MIN_RATIO times 4k + 2) for which the
    theta interval (in turns), scaled by 4k' + 2, lies in one half-turn; which half."""
    low, high = interval
    old = 4 * k + 2
    scaling = int(1 / (2 * (high - low)))
    scaling -= (scaling - 2) % 4  # of the form 4k' + 2
    while scaling >= MIN_RATIO * old:
        s_low = scaling * low - int(scaling * low)
        s_high = scaling * high - int(scaling * high)
        if s_low <= s_high <= 0.5 and s_low <= 0.5:
            return (scaling - 2) // 4, True
        if s_high >= 0.5 and s_high >= s_low >= 0.5:
            return (scaling - 2) // 4, False
        scaling -= 4
    return k, upper


def iae(measure: Measure, epsilon: float, confidence: float, shots: int) -> Estimation:
    """Iterative amplitude estimation with Clopper-Pearson intervals (Grinko et al.,
    Algorithm 1; as qiskit-algorithms' `IterativeAmplitudeEstimation`)."""
    alpha = 1 - confidence
    per_round = alpha / iae_rounds_bound(epsilon)
    theta = (0.0, 0.25)  # theta / (2 pi): a = sin^2(2 pi theta), theta in [0, 1/4]
    upper = True
    a_interval = (0.0, 1.0)
    rounds: list[CountRound] = []
    k = 0
    while theta[1] - theta[0] > epsilon / math.pi:
        k, upper = _next_power(k, upper, theta)
        hits = measure(k, shots)
        rounds.append(CountRound(k, shots, hits))
        # Rounds in a row at the same power are one experiment: their shots add up.
        same = _trailing(rounds, k)
        total_hits = sum(r.marked for r in same)
        total_shots = sum(r.shots for r in same)
        a_low, a_high = clopper_pearson(total_hits, total_shots, per_round)
        if upper:
            t_low = math.acos(1 - 2 * a_low) / 2 / math.pi
            t_high = math.acos(1 - 2 * a_high) / 2 / math.pi
        else:
            t_low = 1 - math.acos(1 - 2 * a_high) / 2 / math.pi
            t_high = 1 - math.acos(1 - 2 * a_low) / 2 / math.pi
        scaling = 4 * k + 2
        theta = (
            (int(scaling * theta[0]) + t_low) / scaling,
            (int(scaling * theta[1]) + t_high) / scaling,
        )
        a_interval = (
            math.sin(2 * math.pi * theta[0]) ** 2,
            math.sin(2 * math.pi * theta[1]) ** 2,
        )
    return Estimation(sum(a_interval) / 2, a_interval, tuple(rounds))


def _trailing(rounds: Sequence[CountRound], power: int) -> list[CountRound]:
    """The last rounds, back to the first at another power."""
    out = []
    for r in reversed(rounds):
        if r.power != power:
            break
        out.append(r)
    return out


@lru_cache(maxsize=64)
def phase_half_width(shots: int, alpha: float) -> float:
    """The widest half-width, in phi (p = sin^2 phi, phi in [0, pi/2]), of a Clopper-Pearson
    interval at confidence 1 - alpha from `shots` shots, over every possible outcome."""
    from scipy.stats import beta

    hits = np.arange(shots + 1)
    with np.errstate(invalid="ignore"):
        low = np.where(hits == 0, 0.0, beta.ppf(alpha / 2, hits, shots - hits + 1))
        high = np.where(hits == shots, 1.0, beta.ppf(1 - alpha / 2, hits + 1, shots - hits))
    return float(np.max(np.arcsin(np.sqrt(high)) - np.arcsin(np.sqrt(low))) / 2)


@lru_cache(maxsize=64)
def mlae_schedule(epsilon: float, confidence: float, shots: int) -> tuple[int, ...]:
    """The powers 0, 1, 2, 4, ..., 2^(m-1), m the fewest for which the interval's half-width
    in a is at most epsilon whatever is measured: the largest power's Clopper-Pearson
    interval (at the confidence each of the m + 1 powers gets) pins theta to its phi
    half-width over 2 k + 1, and |da/dtheta| = |sin 2 theta| <= 1."""
    alpha = 1 - confidence
    powers = [0]
    while phase_half_width(shots, alpha / len(powers)) / (2 * powers[-1] + 1) > epsilon:
        powers.append(1 << (len(powers) - 1))
    return tuple(powers)


def allowed_angles(power: int, low: float, high: float) -> list[tuple[float, float]]:
    """The theta in [0, pi/2] with sin^2((2k + 1) theta) in [low, high], k = `power`: in
    phi = (2k + 1) theta, [phi_low, phi_high] and its mirror [pi - phi_high, pi - phi_low]
    in every half-turn."""
    odd = 2 * power + 1
    phi_low, phi_high = math.asin(math.sqrt(low)), math.asin(math.sqrt(high))
    out: list[tuple[float, float]] = []
    for turn in range(odd // 2 + 1):
        base = turn * math.pi
        for a, b in ((phi_low, phi_high), (math.pi - phi_high, math.pi - phi_low)):
            lo, hi = (base + a) / odd, min((base + b) / odd, math.pi / 2)
            if lo <= hi:
                out.append((lo, hi))
    return out


def intersect(
    a: Sequence[tuple[float, float]], b: Sequence[tuple[float, float]]
) -> list[tuple[float, float]]:
    """The intersection of two sorted lists of disjoint closed intervals."""
    out: list[tuple[float, float]] = []
    i = j = 0
    while i < len(a) and j < len(b):
        lo, hi = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if lo <= hi:
            out.append((lo, hi))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def mlae(measure: Measure, epsilon: float, confidence: float, shots: int) -> Estimation:
    """Maximum likelihood amplitude estimation (Suzuki et al.) on `mlae_schedule`: the
    estimate maximises the likelihood over theta (a grid fine enough for the largest power,
    then refined); the interval is exact: the thetas that every power's Clopper-Pearson
    interval, at confidence 1 - (1 - confidence) / powers, allows (a union bound: it holds a
    with probability at least `confidence`), or [0, 1] if none does."""
    from scipy.special import xlogy

    powers = mlae_schedule(epsilon, confidence, shots)
    rounds = tuple(CountRound(k, shots, measure(k, shots)) for k in powers)
    odd = np.array([2 * r.power + 1 for r in rounds], dtype=float)
    hits = np.array([r.marked for r in rounds], dtype=float)
    misses = np.array([r.shots - r.marked for r in rounds], dtype=float)

    def loglik(theta: np.ndarray) -> np.ndarray:
        angles = np.multiply.outer(np.atleast_1d(theta), odd)
        return (xlogy(hits, np.sin(angles) ** 2) + xlogy(misses, np.cos(angles) ** 2)).sum(-1)

    # The likelihood's narrowest peak is about 1 / ((2 k_max + 1) sqrt(shots)) wide: the
    # grid puts a few hundred points across it.
    grid = np.linspace(0.0, math.pi / 2, max(10_000, int(200 * odd[-1] * math.sqrt(shots))))
    theta_hat = _refine_max(loglik, grid, int(np.argmax(loglik(grid))))

    alpha = (1 - confidence) / len(rounds)
    allowed: list[tuple[float, float]] = [(0.0, math.pi / 2)]
    for r in rounds:
        allowed = intersect(
            allowed, allowed_angles(r.power, *clopper_pearson(r.marked, r.shots, alpha))
        )
    if not allowed:  # the powers disagree (probability under 1 - confidence when noiseless)
        return Estimation(math.sin(theta_hat) ** 2, (0.0, 1.0), rounds)
    low, high = allowed[0][0], allowed[-1][1]
    # The likelihood's maximum can sit just outside the allowed thetas: the estimate stays in.
    theta_hat = min(max(theta_hat, low), high)
    return Estimation(math.sin(theta_hat) ** 2, (math.sin(low) ** 2, math.sin(high) ** 2), rounds)


def _refine_max(loglik: Callable[[np.ndarray], np.ndarray], grid: np.ndarray, best: int) -> float:
    """Where the log-likelihood peaks near grid point `best`, to the float's precision."""
    from scipy.optimize import minimize_scalar

    low, high = grid[max(best - 1, 0)], grid[min(best + 1, grid.size - 1)]
    found = minimize_scalar(
        lambda t: -float(loglik(np.array(t))[0]),
        bounds=(low, high),
        method="bounded",
        options={"xatol": 1e-14},
    )
    if -found.fun >= float(loglik(grid[best : best + 1])[0]):
        return float(found.x)
    return float(grid[best])


ESTIMATORS: dict[str, Callable[[Measure, float, float, int], Estimation]] = {
    "iae": iae,
    "mlae": mlae,
}


def rounds_bound(method: str, epsilon: float, confidence: float, shots: int) -> int:
    """The rounds `method` runs: MLAE's schedule; for IAE, twice Grinko et al.'s T (the
    rounds with a new power), a bound on what it needs in practice (a round at the same
    power adds shots until the next power fits)."""
    if method == "mlae":
        return len(mlae_schedule(epsilon, confidence, shots))
    return 2 * iae_rounds_bound(epsilon)


def most_power(method: str, epsilon: float, confidence: float, shots: int) -> int:
    """The largest number of Grover iterations `method` may run for these parameters."""
    if method == "mlae":
        return mlae_schedule(epsilon, confidence, shots)[-1]
    return iae_most_power(epsilon)


# --- who runs the circuits ----------------------------------------------------------------------


def counting_model(model: Model) -> Model:
    """The model whose circuit marks exactly what `accept` marks, for any k iterations, and
    is compiled without the census (an oracle that needs the census to read every count
    exactly is replaced by one that does not; see `execution.train.training_model`)."""
    return replace(training_model(model), iterations=1, expect=None)


class Sampler:
    """Runs the counting circuit: the weight strings measured in `shots` shots after
    `power` Grover iterations (bit i = weight i), random draws taken from `rng`."""

    name = "sampler"

    def counts(self, power: int, shots: int, rng: np.random.Generator) -> Counter[int]:
        raise NotImplementedError


class SimulatedSampler(Sampler):
    """Exact distributions (Aer's statevector or the sparse simulator, whichever
    `choose_simulator` picks for `most` iterations), one state evolved through every power
    asked (powers only grow in both methods); the shots drawn from them."""

    def __init__(self, program: Program, most: int) -> None:
        from qbnnc.execution.simulate import (
            aer_device,
            backend_name,
            choose_simulator,
            grover_simulator,
        )

        simulator = choose_simulator(program, most)
        self._sim = grover_simulator(program, most)
        self.name = backend_name(simulator, aer_device() if simulator == "aer" else "CPU")

    def counts(self, power: int, shots: int, rng: np.random.Generator) -> Counter[int]:
        p = np.clip(self._sim.probabilities(power), 0, None)
        drawn = rng.multinomial(shots, p / p.sum())
        return Counter({int(w): int(drawn[w]) for w in np.flatnonzero(drawn)})


class BackendSampler(Sampler):
    """A pytket backend: the circuit with k iterations compiled for each power asked (once)
    and run with a seed drawn from the generator."""

    def __init__(
        self,
        model: Model,
        backend: Any,
        name: str,
        optimize: bool = True,
        optimize_for: OptimizeFor = "qubits",
    ) -> None:
        self.model = model
        self.backend = backend
        self.name = name
        self.optimize = optimize
        self.optimize_for: OptimizeFor = optimize_for
        self._circuits: dict[int, Any] = {}

    def counts(self, power: int, shots: int, rng: np.random.Generator) -> Counter[int]:
        from qbnnc.execution.simulate import run_pytket

        if power not in self._circuits:
            program = compile_model(
                replace(self.model, iterations=power),
                optimize=self.optimize,
                optimize_for=self.optimize_for,
                count=False,
            )
            self._circuits[power] = program.pytket()
        seed = int(rng.integers(2**31))
        return run_pytket(self.backend, self._circuits[power], self.model.num_weights, shots, seed)


def make_sampler(
    model: Model,
    backend: str | Backend | None = None,
    most: int | None = None,
    optimize: bool = True,
    optimize_for: OptimizeFor = "qubits",
) -> Sampler:
    """The sampler that runs `model`'s counting circuit (`counting_model`) on `backend`
    (None or "aer": qbnnc's exact simulation, its simulator chosen for up to `most`
    iterations, default IAE's largest at the default epsilon), to pass to
    `count(..., sampler=)` when many counts share one circuit (bench/count_coverage.py)."""
    counted = counting_model(model)
    if is_built_in(backend):
        program = compile_model(counted, count=False, optimize=optimize, optimize_for=optimize_for)
        return SimulatedSampler(program, iae_most_power(DEFAULT_EPSILON) if most is None else most)
    assert backend is not None
    resolved = resolve(backend)
    name = backend if isinstance(backend, str) else describe(resolved)
    return BackendSampler(counted, resolved, name, optimize, optimize_for)


class _Checker:
    """Whether measured weight strings meet `accept`, each checked classically once."""

    def __init__(self, model: Model) -> None:
        self.model = model
        self.marked: dict[int, bool] = {}

    def hits(self, counts: Counter[int]) -> int:
        k = self.model.accept.min_correct
        for w in counts:
            if w not in self.marked:
                self.marked[w] = correct(self.model, w) >= k
        return sum(c for w, c in counts.items() if self.marked[w])


# --- the result and the entry point --------------------------------------------------------------


@dataclass(frozen=True)
class CountResult:
    """What `qbnnc.count` estimated: M (`estimate`, of `strings` = 2^weights) and the
    `interval` holding it with probability at least `confidence`; the `rounds` measured
    (power, shots, marked), `oracle_calls` (powers x shots), `candidate_checks` (distinct
    measured strings checked on the data) and `exact` (the census's M, None when not
    counted). `to_json()` is `qbnnc count --json`."""

    model: str
    weight_names: tuple[str, ...]
    strings: int
    accept: str
    method: str
    epsilon: float
    confidence: float
    shots: int
    seed: int | None
    backend: str
    oracle: str
    estimate: float
    interval: tuple[float, float]
    rounds: tuple[CountRound, ...]
    candidate_checks: int
    exact: int | None

    def __repr__(self) -> str:
        low, high = self.interval
        return (
            f"<CountResult {self.model!r}: M ~ {self.estimate:.4g} in [{low:.4g}, {high:.4g}] "
            f"({self.confidence:.0%}), {plural(self.oracle_calls, 'oracle call')}>"
        )

    @property
    def oracle_calls(self) -> int:
        """Grover iterations run, over every shot: the sum of power x shots."""
        return sum(r.oracle_calls for r in self.rounds)

    @property
    def powers(self) -> tuple[int, ...]:
        """The Grover powers of the rounds, in order."""
        return tuple(r.power for r in self.rounds)

    @property
    def total_shots(self) -> int:
        return sum(r.shots for r in self.rounds)

    @property
    def whole(self) -> tuple[int, int] | None:
        """The whole numbers the interval holds, (first, last); None when it holds none
        (M is a whole number: the interval then missed it)."""
        first = math.ceil(self.interval[0] - 1e-9)
        last = math.floor(self.interval[1] + 1e-9)
        return (first, last) if first <= last else None

    def to_json(self) -> dict[str, Any]:
        """`qbnnc count --json`: every key documented in docs/cli.md."""
        return {
            "schema": SCHEMA_COUNT,
            "model": self.model,
            "weight_names": list(self.weight_names),
            "strings": self.strings,
            "accept": self.accept,
            "estimate": self.estimate,
            "interval": list(self.interval),
            "confidence": self.confidence,
            "epsilon": self.epsilon,
            "method": self.method,
            "oracle_calls": self.oracle_calls,
            "shots": self.shots,
            "total_shots": self.total_shots,
            "powers": list(self.powers),
            "rounds": [
                {"power": r.power, "shots": r.shots, "marked": r.marked} for r in self.rounds
            ],
            "candidate_checks": self.candidate_checks,
            "exact": self.exact,
            "backend": self.backend,
            "oracle": self.oracle,
            "seed": self.seed,
        }


def count(
    model: Model | Program,
    epsilon: float = DEFAULT_EPSILON,
    confidence: float = DEFAULT_CONFIDENCE,
    method: Method = "iae",
    backend: str | Backend | None = None,
    seed: int | None = 0,
    shots: int = DEFAULT_SHOTS,
    *,
    census: bool = True,
    sampler: Sampler | None = None,
    optimize: bool = True,
    optimize_for: OptimizeFor = "qubits",
    progress: Progress | None = None,
) -> CountResult:
    """Estimate M, the weight strings that the model's `accept` marks, by amplitude
    estimation without phase estimation: `method` "iae" (iterative) or "mlae" (maximum
    likelihood), `shots` per round, until the interval for M/N is about 2 `epsilon` wide
    (IAE: at most; MLAE: by the Cramer-Rao bound), holding M with probability at least
    `confidence`.

    `model`: a checked model (`qbnnc.load_model`) or a compiled Program (its model is
    counted; its own `iterations` are not used). `backend`: None or "aer" for qbnnc's exact
    simulation (Aer's statevector, or the sparse simulator for wide circuits with few
    weights), else a backend name or a pytket `Backend` (`qbnnc.execution.backends`).
    `seed` fixes the shots. `sampler` (from `make_sampler`) reuses one compiled circuit and
    simulation across calls, in place of `backend`. `census=False` skips the classical
    count (`exact` is then None, as it is past 24 weights). The result depends on nothing
    else.

    Raises ValueError for a parameter out of range, CompileError for a circuit no
    simulator here can run or a backend that cannot be used.
    """
    if not isinstance(model, Model):
        model = model.model
    if method not in ESTIMATORS:
        raise ValueError(f"method must be one of {', '.join(ESTIMATORS)}, not {method!r}")
    check_parameters(epsilon, confidence, shots)
    checker = _Checker(model)
    if model.num_weights == 0:
        # Every layer fixed: the one (empty) string is checked on the data, and M, 0 or 1,
        # is known without a circuit (which would have no qubit).
        marked = float(checker.hits(Counter({0: 1})))
        found = Estimation(marked, (marked, marked), ())
        ran = "none (every layer is fixed: the one weight string is checked on the data)"
    else:
        if sampler is None:
            if progress:
                progress(f"compiling {model.name}")
            most = most_power(method, epsilon, confidence, shots)
            sampler = make_sampler(model, backend, most, optimize, optimize_for)
        elif backend is not None:
            raise ValueError("give a backend or a sampler, not both")
        run = sampler
        rng = np.random.default_rng(seed)

        def measure(power: int, shots: int) -> int:
            if progress:
                progress(f"{plural(shots, 'shot')} after {plural(power, 'Grover iteration')}")
            return checker.hits(run.counts(power, shots, rng))

        found = ESTIMATORS[method](measure, epsilon, confidence, shots)
        ran = run.name
    strings = 1 << model.num_weights
    tally = count_marked(model) if census else None
    return CountResult(
        model=model.name,
        weight_names=tuple(model.weight_names),
        strings=strings,
        accept=describe_accept(model.accept.written, model.accept.min_correct),
        method=method,
        epsilon=epsilon,
        confidence=confidence,
        shots=shots,
        seed=seed,
        backend=ran,
        oracle=counting_model(model).oracle.kind,
        estimate=found.estimate * strings,
        interval=(found.interval[0] * strings, found.interval[1] * strings),
        rounds=found.rounds,
        candidate_checks=len(checker.marked),
        exact=None if tally is None else tally.marked,
    )
