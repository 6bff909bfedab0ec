"""Training without knowing how many good weight strings exist.

Dürr–Høyer minimum finding ("A quantum algorithm for finding the minimum", 1996) around
the exponential search of Boyer, Brassard, Høyer and Tapp ("Tight bounds on quantum
searching", 1998):

1. Start from a uniformly random weight string y (measuring H^n|0>, no oracle call) and
   check it classically: best = correct(y).
2. Search for a string with more than `best` correct examples: the circuit marks
   `correct >= best + 1`. BBHT: m = 1; pick j uniformly in [0, m), run the circuit with j
   Grover iterations, measure, check every measured string on the data. A better string
   becomes the new best (go to 2); otherwise m = min(6/5 m, sqrt(N)) and try again.
3. Stop when the best classifies every example (nothing can beat it) or when the oracle
   calls spent reach Dürr and Høyer's budget 22.5 sqrt(N) + 1.4 log2(N)^2, after which the
   best string is a global optimum with probability at least 1/2 (far more in practice).

The model's own `accept` and `iterations` are not used. Each circuit is built without
counting the weight strings (the compiler's census would answer the very question the
search asks), and a phase oracle that cannot read every count 0..examples exactly is
replaced by the counter oracle. Oracle calls are Grover iterations times shots.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from qbnnc.diagnostics import plural
from qbnnc.execution.backends import describe, is_built_in, resolve
from qbnnc.execution.simulate import check_shots
from qbnnc.frontend.model import Accept, Model, Oracle
from qbnnc.pipeline.compiler import compile_model
from qbnnc.reference.evaluate import correct, weight_string
from qbnnc.reference.network import Network

if TYPE_CHECKING:
    from pytket.backends import Backend

    from qbnnc.pipeline.program import Program

GROWTH = 6 / 5  # BBHT's lambda: any value in (1, 4/3) works
Progress = Callable[[str], None]


def dh_budget(num_weights: int) -> int:
    """Dürr and Høyer's stopping time in oracle calls: 22.5 sqrt(N) + 1.4 log2(N)^2, rounded
    up (in integers: N = 2^weights overflows a float beyond 1023 weights); 0 with no weight,
    where the one string needs no search."""
    n = num_weights
    if n == 0:
        return 0
    root_milli = math.isqrt((1 << n) * 10**6)  # floor(1000 sqrt(N))
    return (45 * root_milli + 1999) // 2000 + math.ceil(1.4 * n * n)


def most_iterations(num_weights: int) -> int:
    """The most iterations a round asks for: j < ceil(m) with m at most BBHT's sqrt(N)."""
    return math.isqrt((1 << num_weights) - 1)


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


SCHEMA_TRAIN = "qbnnc.train/1"


@dataclass(frozen=True)
class TrainResult:
    """What `qbnnc.train` found: `weights` (canonical string, weight 0 first; `bits` by
    name), its `correct` examples of `examples`, the `oracle_calls` spent against the
    `budget`, the `rounds` run; `to_json()` is `qbnnc train --json`."""

    model: str
    weights: str  # canonical order, weight 0 first
    correct: int
    examples: int
    oracle_calls: int
    classical_evaluations: int  # what exhaustive search evaluates: 2^weights x examples
    candidate_checks: int  # measured strings checked on the data (plus the first guess)
    budget: int
    oracle: str
    backend: str
    seed: int | None
    shots_per_round: int
    rounds: tuple[Round, ...]
    weight_names: tuple[str, ...] = ()
    # The network at the weights found (every layer fixed): `predict`, `neurons`, `bnn()`.
    network: Network | None = field(default=None, compare=False, repr=False)

    def __repr__(self) -> str:
        return (
            f"<TrainResult {self.model!r}: weights {self.weights or '(none)'}, {self.correct} of "
            f"{self.examples} correct, {plural(self.oracle_calls, 'oracle call')} in "
            f"{plural(len(self.rounds), 'round')}>"
        )

    @property
    def accuracy(self) -> float:
        """Correct examples over examples."""
        return self.correct / self.examples

    @property
    def bits(self) -> dict[str, int]:
        """The weights found, by name in canonical order: `{"h[0].x[0]": 1, ...}`."""
        return {name: int(b) for name, b in zip(self.weight_names, self.weights, strict=True)}

    def to_json(self) -> dict[str, Any]:
        """`qbnnc train --json`: every key documented in docs/cli.md."""
        return {
            "schema": SCHEMA_TRAIN,
            "model": self.model,
            "weight_names": list(self.weight_names),
            "weights": self.weights,
            "neurons": self.network.neurons if self.network is not None else None,
            "correct": self.correct,
            "examples": self.examples,
            "accuracy": self.accuracy,
            "oracle_calls": self.oracle_calls,
            "classical_evaluations": self.classical_evaluations,
            "candidate_checks": self.candidate_checks,
            "budget": self.budget,
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


class AerSampler(Sampler):
    """Qiskit Aer through the emitted OpenQASM 3: one statevector per threshold, evolved one
    iteration at a time as larger iteration counts are asked for; shots drawn from it."""

    name = "aer"

    def __init__(self, model: Model, optimize: bool = True) -> None:
        from qbnnc.execution.simulate import grover_simulator

        self.model = model
        self.optimize = optimize
        self._make = grover_simulator
        self._sims: dict[int, Any] = {}

    def measure(self, threshold: int, iterations: int, shots: int, seed: int) -> list[int]:
        import numpy as np

        if threshold not in self._sims:
            # Thresholds only rise: the simulator of the last one is not needed again, and
            # each holds a statevector.
            program = blind_program(self.model, threshold, 1, self.optimize)
            most = most_iterations(self.model.num_weights)
            self._sims = {threshold: self._make(program, most)}
        p = self._sims[threshold].probabilities(iterations)
        rng = np.random.default_rng(seed)
        return [int(w) for w in rng.choice(len(p), size=shots, p=p / p.sum())]


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


# --- the search ------------------------------------------------------------------------------


def train(
    model: Model | Program,
    seed: int | None = 0,
    shots_per_round: int = 1,
    backend: str | Backend | None = None,
    budget: int | None = None,
    progress: Progress | None = None,
    optimize: bool = True,
) -> TrainResult:
    """Find a weight string with the most correct examples without knowing how many exist.

    `backend`: None or "aer" for Qiskit Aer through OpenQASM 3, else a pytket `Backend`
    object or a backend name (`qbnnc.execution.backends`: `quantinuum:H2-1E`, `ibm:ibm_torino`,
    a target's emulator, ...). `budget`: oracle calls before giving up on improving (default
    Dürr–Høyer's). `progress` is told about each round; `optimize=False` skips the
    dataflow passes (as `--no-opt`). `model`: a checked model (`qbnnc.load_model`) or a
    compiled Program; its `accept` and `iterations` are not used (docs/train.md).

    Returns a `TrainResult` (the best weights, by string and by name, and how they were
    found). Raises TypeError or ValueError for a `shots_per_round` (1..`MAX_SHOTS`) or
    `budget` (at least 1) that is not a whole number in range, CompileError for a backend
    that is unknown or cannot run here, or a circuit too large to simulate.
    """
    if not isinstance(model, Model):
        model = model.model
    check_shots(shots_per_round, "shots_per_round")
    if budget is not None and (isinstance(budget, bool) or not isinstance(budget, int)):
        raise TypeError(f"budget must be a whole number of oracle calls or None, got {budget!r}")
    if budget is not None and budget < 1:
        raise ValueError(f"budget must be at least 1 oracle call, got {budget}")
    written = model  # the network found is saved with the oracle as written
    model = training_model(model)
    n, e = model.num_weights, model.num_examples
    sampler: Sampler
    if is_built_in(backend):
        sampler = AerSampler(model, optimize)
    else:
        assert backend is not None
        resolved = resolve(backend)
        name = backend if isinstance(backend, str) else describe(resolved)
        sampler = PytketSampler(model, resolved, name, optimize)
    rng = random.Random(seed)
    limit = dh_budget(n) if budget is None else budget
    cap = math.sqrt(2.0**n) if n < 1024 else math.inf  # BBHT's bound on m: sqrt(N)

    best_w = rng.getrandbits(n) if n else 0
    best = correct(model, best_w)
    checks = 1
    calls = 0
    rounds: list[Round] = []
    # With no trainable weight the empty string is the only one: there is nothing to search.
    stopped = n == 0
    while best < e and calls < limit and not stopped:
        threshold = best + 1
        m = 1.0
        improved = False
        while calls < limit and not improved:
            # A round of j iterations and s shots spends j x s oracle calls: never more than
            # the budget has left (a round that cannot afford one iteration ends the search).
            room = (limit - calls) // shots_per_round
            if room == 0:
                stopped = True
                break
            j = min(rng.randrange(math.ceil(m)), room)
            measured = sampler.measure(threshold, j, shots_per_round, rng.getrandbits(32))
            scores = [correct(model, w) for w in measured]
            checks += len(measured)
            calls += j * len(measured)
            top = max(range(len(measured)), key=lambda i: (scores[i], -measured[i]))
            improved = scores[top] >= threshold
            if improved:
                best_w, best = measured[top], scores[top]
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
                    f"round {len(rounds)}: threshold {threshold}, {plural(j, 'iteration')}, "
                    f"best {best}/{e}, {plural(calls, 'oracle call')}"
                )
            m = min(GROWTH * m, cap)
    return TrainResult(
        model=model.name,
        weights=weight_string(best_w, n),
        correct=best,
        examples=e,
        oracle_calls=calls,
        classical_evaluations=(1 << n) * e,
        candidate_checks=checks,
        budget=limit,
        oracle=model.oracle.kind,
        backend=sampler.name,
        seed=seed,
        shots_per_round=shots_per_round,
        rounds=tuple(rounds),
        weight_names=tuple(model.weight_names),
        network=Network.of(written, best_w),
    )


def render(result: TrainResult) -> str:
    """`qbnnc train` without --json: each round, then the result."""
    lines = [f"training {result.model}: {result.oracle} oracle, backend {result.backend}"]
    if not result.weight_names:
        lines.append("every layer is fixed: the network is evaluated, there is nothing to search")
    else:
        lines.append(f"  {'round':>5}  {'threshold':>9}  {'iterations':>10}  measured (correct)")
    for i, r in enumerate(result.rounds, 1):
        shots = ", ".join(f"{w} ({c})" for w, c in zip(r.measured, r.correct, strict=True))
        mark = "  better" if r.improved else ""
        lines.append(f"  {i:>5}  {r.threshold:>9}  {r.iterations:>10}  {shots}{mark}")
    lines += [
        f"weights: {result.weights} (canonical order, weight 0 first)"
        if result.weights
        else "weights: none",
        *(
            [f"neurons: {' '.join(f'{k}={v}' for k, v in result.network.neurons.items())}"]
            if result.network is not None
            else []
        ),
        f"correct: {result.correct} of {result.examples} ({100 * result.accuracy:.1f}%)",
        f"oracle calls: {result.oracle_calls} (budget {result.budget})",
        f"exhaustive search would evaluate: {result.classical_evaluations} "
        f"(weight strings x examples)",
    ]
    return "\n".join(lines)
