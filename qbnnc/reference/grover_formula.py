"""Grover's formula: with M of N = 2^n weight strings marked, K iterations measure a marked
one with probability sin^2((2K+1) theta), theta = asin(sqrt(M/N))."""

from __future__ import annotations

import math

import numpy as np


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


def mean_success_probability(rotations: int, theta: np.ndarray) -> np.ndarray:
    """The chance that a round of Boyer, Brassard, Høyer and Tapp's search measures a marked
    string when its iterations j are drawn uniformly from 0..rotations-1: the mean of
    sin^2((2j+1) theta), which is 1/2 - sin(4 m theta) / (4 m sin(2 theta)) (their Lemma 2,
    m = rotations), for each angle theta in (0, pi/2)."""
    m = float(rotations)
    return 0.5 - np.sin(4 * m * theta) / (4 * m * np.sin(2 * theta))
