"""When the search may give a threshold up: nothing reaches it, with a stated confidence.

At a threshold t, `train` runs the rounds of Boyer, Brassard, Høyer and Tapp's search
(BBHT, "Tight bounds on quantum searching", 1998): round k draws its Grover iterations j
uniformly from 0..r_k - 1, where r_k = ceil(m_k), m_1 = 1, m_{k+1} = min(6/5 m_k, sqrt(N)),
and r_k is at most `max_iterations` + 1 when that caps the growth. If M >= 1 of the N weight
strings reach t, round k measures one with probability P_k(M) = 1/2 - sin(4 r_k theta) /
(4 r_k sin(2 theta)), theta = asin(sqrt(M/N)) (BBHT's Lemma 2), independently of the other
rounds; so k failed rounds happen with probability prod_i (1 - P_i(M)).

The rule: give t up after the fewest failed rounds K for which that product is at most
delta for every M in 1..N-1 (M = N marks every string: the first round measures one).
Whatever the number of strings that reach t, the search then misses them with probability
at most delta. The worst case over M is taken exactly for M <= 1024 and M >= N - 1024 (by
the symmetry P(N - M) = 1 - P(M) of the formula) and, for the M between, from BBHT's bound
P >= 1/2 - 1/(4 r sin(2 theta)), sin(2 theta) being smallest at the ends of that range.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from qbnnc.reference.grover_formula import mean_success_probability

GROWTH = 6 / 5  # BBHT's lambda: any value in (1, 4/3) works
EXACT_COUNTS = 1024  # marked counts M (at each end of 1..N-1) whose miss chance is exact
# The stopping rule is not computed for more weights than this: 2^n overflows a float past
# 1023 weights, and no circuit of that many weights can run anyway.
MOST_CERTIFIED_WEIGHTS = 1000


def bbht_rotations(num_weights: int, max_iterations: int | None = None) -> tuple[int, ...]:
    """r_1, r_2, ...: each round's number of iteration choices, until it stops changing (the
    last one repeats for ever): BBHT's m grows by 6/5 up to sqrt(N), and j <= max_iterations."""
    top = math.sqrt(2.0**num_weights)
    last = math.ceil(top) if max_iterations is None else min(math.ceil(top), max_iterations + 1)
    m = 1.0
    out = [1]
    while out[-1] < last:
        m = min(GROWTH * m, top)
        out.append(min(math.ceil(m), last))
    return tuple(out)


@dataclass(frozen=True)
class Certificate:
    """How sure a run of failed rounds at one threshold makes the search that nothing reaches
    it: `miss(k)`, the most any M >= 1 allows k failed rounds, and `rounds_for(delta)`.

    The rounds' choices grow (`rotations`), then repeat the last: past the growth, each round
    multiplies each M's miss chance by the same factor, so the log of the chance is linear in
    the rounds and the worst case is computed in closed form."""

    num_weights: int
    rotations: tuple[int, ...]
    growth_log_miss: tuple[float, ...]  # the worst log chance after rounds 1..len(rotations)
    steady_start: np.ndarray  # per M (and the range between, last): log chance after them
    steady_step: np.ndarray  # per M: the log factor of each further round (<= 0)

    @classmethod
    def of(cls, num_weights: int, max_iterations: int | None = None) -> Certificate:
        rotations = bbht_rotations(num_weights, max_iterations)
        n = float(2**num_weights)
        ends = min(EXACT_COUNTS, (2**num_weights - 1) // 2)
        small = np.arange(1, ends + 1, dtype=float)
        theta = np.arcsin(np.sqrt(small / n))
        # M = N - k misses with the chance M = k is found (P(N - M) = 1 - P(M)); with N - 1
        # odd the middle count N/2 is its own mirror.
        middle = 2**num_weights - 1 - 2 * ends
        mirror_mid = middle == 1
        between = None
        if middle > 1:
            k = ends + 1
            between = 2 * math.sqrt(k * (n - k)) / n  # the least sin(2 theta) between the ends

        def log_factors(r: int) -> np.ndarray:
            p = mean_success_probability(r, theta)
            parts = [np.log1p(-np.clip(p, 0.0, 1.0)), np.log(np.clip(p, 1e-300, 1.0))]
            if mirror_mid:
                parts.append(np.log1p(-mean_success_probability(r, np.array([math.pi / 4]))))
            if between is not None:
                parts.append(np.array([math.log1p(-max(0.0, 0.5 - 1 / (4 * r * between)))]))
            return np.concatenate(parts)

        total = np.zeros(0)
        growth = []
        for r in rotations:
            step = log_factors(r)
            total = step if not total.size else total + step
            growth.append(float(total.max()) if total.size else -math.inf)
        last = log_factors(rotations[-1])
        return cls(num_weights, rotations, tuple(growth), total, last)

    def miss(self, rounds: int) -> float:
        """The most likely, over every M >= 1, that `rounds` failed rounds at a threshold
        missed all M strings that reach it (1 with no round; 0 when N = 1)."""
        if rounds <= 0:
            return 1.0
        if not self.steady_start.size:
            return 0.0
        grown = len(self.rotations)
        if rounds <= grown:
            return math.exp(self.growth_log_miss[rounds - 1])
        return math.exp(float((self.steady_start + (rounds - grown) * self.steady_step).max()))

    def rounds_for(self, delta: float) -> int | None:
        """The fewest failed rounds after which `miss` is at most `delta` (None: never, when
        the iterations are capped so low that some M is never found)."""
        log_delta = math.log(delta)
        for k, value in enumerate(self.growth_log_miss, 1):
            if value <= log_delta:
                return k
        if not self.steady_start.size:
            return 1
        need = self.steady_start > log_delta
        if (self.steady_step[need] >= 0).any():
            return None
        more = np.ceil((log_delta - self.steady_start[need]) / self.steady_step[need])
        return len(self.rotations) + int(more.max())

    def rotation(self, round_index: int) -> int:
        """r_k for round k = round_index + 1."""
        return self.rotations[min(round_index, len(self.rotations) - 1)]

    def expected_cost(self, rounds: int) -> float:
        """The mean oracle calls plus checks of `rounds` failed rounds of one shot each:
        round k spends (r_k - 1)/2 iterations on average and one check."""
        grown = self.rotations[:rounds]
        steady = max(rounds - len(self.rotations), 0)
        return sum((r + 1) / 2 for r in grown) + steady * (self.rotations[-1] + 1) / 2
