"""`qbnnc count`: estimate how many weight strings the model's `accept` marks, by amplitude
estimation without phase estimation."""

from __future__ import annotations

import argparse
import math
from typing import TYPE_CHECKING

from qbnnc.analysis.budget import Estimate
from qbnnc.cli.args import Parser, add_backend, add_model_args, natural, positive
from qbnnc.cli.budget import compile_budget, load, within_budget
from qbnnc.cli.console import EXIT_OK, print_json, print_out
from qbnnc.cli.packages import require_backend
from qbnnc.cli.progress import Status
from qbnnc.diagnostics import plural
from qbnnc.files.output import require_stdout

if TYPE_CHECKING:
    from qbnnc.execution.count import CountResult
    from qbnnc.pipeline.program import Program


def _number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"'{text}' is not a finite number")
    return value


def epsilon(text: str) -> float:
    value = _number(text)
    if not 0 < value <= 0.5:
        raise argparse.ArgumentTypeError(
            f"{text} is not in (0, 0.5]: epsilon is the half-width of the interval for M/N, "
            "the fraction of weight strings marked (e.g. 0.01)"
        )
    return value


def confidence(text: str) -> float:
    percent = text.endswith("%")
    value = _number(text.removesuffix("%"))
    if percent or not 0 < value < 1:
        meant = (percent or value >= 1) and 0 < value < 100  # a percentage, written as such
        hint = f"; for {value:g}% write {value / 100:g}" if meant else ""
        raise argparse.ArgumentTypeError(
            f"{text} is not between 0 and 1 (exclusive): the probability that the interval "
            f"holds M{hint}"
        )
    return value


def _count_parser() -> Parser:
    from qbnnc.execution.count import (
        DEFAULT_CONFIDENCE,
        DEFAULT_EPSILON,
        DEFAULT_SHOTS,
        METHODS,
    )

    p = Parser(
        prog="qbnnc count",
        description=(
            "Estimate M, the number of weight strings that the model's accept marks, by "
            "amplitude estimation without phase estimation: the training circuit is run with "
            "a few numbers k of Grover iterations (the powers), each measured string is "
            "checked on the data, and the fraction marked after k iterations, "
            "sin^2((2k+1) theta) with sin^2(theta) = M/N, gives M with a confidence interval. "
            "Methods: iae, iterative amplitude estimation (Grinko et al. 2021; powers chosen "
            "round by round until the interval for M/N is at most 2 epsilon wide) and mlae, "
            "maximum likelihood amplitude estimation (Suzuki et al. 2020; powers 0, 1, 2, "
            "4, ... fixed in advance). Oracle calls are the powers times the shots, summed over "
            "the rounds. Also prints the exact M from the classical census, up to 24 weights."
        ),
    )
    add_model_args(p, target=False)
    p.add_argument(
        "--epsilon",
        type=epsilon,
        default=DEFAULT_EPSILON,
        metavar="E",
        help="target half-width of the interval for M/N, in (0, 0.5] (default "
        f"{DEFAULT_EPSILON}: M within about {DEFAULT_EPSILON} x 2^weights)",
    )
    p.add_argument(
        "--confidence",
        type=confidence,
        default=DEFAULT_CONFIDENCE,
        metavar="C",
        help=f"probability that the interval holds M, in (0, 1) (default {DEFAULT_CONFIDENCE})",
    )
    p.add_argument(
        "--method",
        choices=tuple(METHODS),
        default="iae",
        help="iae (iterative, the default) or mlae (maximum likelihood)",
    )
    p.add_argument(
        "--shots",
        type=positive,
        default=DEFAULT_SHOTS,
        metavar="N",
        help=f"measurements per round (default {DEFAULT_SHOTS})",
    )
    add_backend(p, default="aer")
    p.add_argument("--seed", type=natural, default=0, metavar="S", help="random seed (default 0)")
    p.add_argument("--json", action="store_true", help="print one JSON object instead")
    return p


def cmd_count(argv: list[str]) -> int:
    from qbnnc.execution.backends import is_built_in
    from qbnnc.execution.count import SimulatedSampler, count, counting_model, most_power
    from qbnnc.pipeline.compiler import compile_model

    ns = _count_parser().parse_args(argv)
    require_stdout()
    require_backend("qbnnc count", ns.backend)
    model = load(ns.model, ns.data_root)
    hint = compile_budget(model, "program")
    with Status(f"counting {model.name}{hint}") as status:
        most = most_power(ns.method, ns.epsilon, ns.confidence, ns.shots)
        sampler = None
        if is_built_in(ns.backend) and model.num_weights:
            program = compile_model(
                counting_model(model),
                optimize=not ns.no_opt,
                optimize_for=ns.optimize_for,
                count=False,
            )
            within_budget(_count_estimate(program, ns, most), ns.model)
            sampler = SimulatedSampler(program, most)
        result = count(
            model,
            epsilon=ns.epsilon,
            confidence=ns.confidence,
            method=ns.method,
            backend=None if sampler is not None else ns.backend,
            seed=ns.seed,
            shots=ns.shots,
            sampler=sampler,
            optimize=not ns.no_opt,
            optimize_for=ns.optimize_for,
            progress=status,
        )
    if ns.json:
        print_json(result.to_json())
    else:
        print_out(render_count(result))
    return EXIT_OK


def _count_estimate(program: Program, ns: argparse.Namespace, most: int) -> Estimate:
    """The budget of counting on qbnnc's simulation: the state evolved through the largest
    power the method may ask for, on the simulator `choose_simulator` picks for it."""
    from qbnnc.analysis.budget import estimate_amplitude_count
    from qbnnc.execution.count import rounds_bound
    from qbnnc.execution.simulate import choose_simulator, iteration_circuits
    from qbnnc.execution.sparse import amplitudes_log2
    from qbnnc.synthesis.circuit import flat_size

    model = program.model
    sparse = choose_simulator(program, most) == "sparse"
    prep, step = iteration_circuits(program)
    return estimate_amplitude_count(
        program.circuit.num_qubits,
        flat_size(prep),
        flat_size(step),
        most,
        model.num_weights,
        model.num_examples,
        rounds_bound(ns.method, ns.epsilon, ns.confidence, ns.shots) * ns.shots,
        amplitudes_log2(program) if sparse else None,
    )


def render_count(result: CountResult) -> str:
    """`qbnnc count` without --json: the rounds, then the estimate."""
    from qbnnc.execution.count import METHODS

    low, high = result.interval
    lines = [
        f"counting {result.model}: accept {result.accept}, "
        f"{plural(result.strings, 'weight string')}, "
        f"{METHODS[result.method]}, {result.oracle} oracle, on {result.backend}",
        f"  {'round':>5}  {'power':>5}  {'shots':>5}  marked",
    ]
    for i, r in enumerate(result.rounds, 1):
        lines.append(f"  {i:>5}  {r.power:>5}  {r.shots:>5}  {r.marked}")
    whole = result.whole
    if whole is None:
        held = "no whole number"
    elif whole[0] == whole[1]:
        held = f"only {whole[0]}"
    else:
        held = f"{whole[0]} to {whole[1]}"
    lines += [
        f"marked: about {result.estimate:.2f} of {result.strings:,} "
        f"({100 * result.confidence:.4g}% interval {low:.2f} to {high:.2f}: {held})",
        f"exact (census): {'not counted' if result.exact is None else result.exact}",
        f"oracle calls: {result.oracle_calls:,} (Grover iterations x shots, over "
        f"{plural(len(result.rounds), 'round')} of {result.shots} shots)",
        f"checked on the data: {plural(result.candidate_checks, 'distinct weight string')}",
    ]
    return "\n".join(lines)
