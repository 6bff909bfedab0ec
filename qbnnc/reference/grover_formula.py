"""Grover's formula: with M of N = 2^n weight strings marked, K iterations measure a marked
one with probability sin^2((2K+1) theta), theta = asin(sqrt(M/N))."""

from __future__ import annotations

import math


def grover_angle(marked: int, num_weights: int) -> float:
    """theta = asin(sqrt(M/N)), N = 2^num_weights."""
    return math.asin(math.sqrt(marked / float(1 << num_weights)))


def optimal_iterations(marked: int, num_weights: int) -> int:
    """round(pi/(4 theta) - 1/2) with halves rounded up, which is floor(pi/(4 theta))."""
    return math.floor(math.pi / (4 * grover_angle(marked, num_weights)))


def success_probability(marked: int, num_weights: int, iterations: int) -> float:
    """sin^2((2K+1) theta): the chance of measuring a marked weight string after K iterations."""
    theta = grover_angle(marked, num_weights)
    return math.sin((2 * iterations + 1) * theta) ** 2
