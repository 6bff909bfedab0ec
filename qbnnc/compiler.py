"""The one place that knows the stage order: text -> model -> dataflow -> circuit -> program."""

from __future__ import annotations

import os

from qbnnc import __version__
from qbnnc.build_dataflow import build_dataflow
from qbnnc.diagnostics import CompileError, Diagnostic, Span, printable
from qbnnc.frontend import check_options, load_model, read_source  # noqa: F401 (re-exported)
from qbnnc.grover import build_circuit
from qbnnc.model import Model
from qbnnc.oracle import OptimizeFor
from qbnnc.passes import run_passes
from qbnnc.program import Program
from qbnnc.semantics import MAX_COUNTED_WEIGHTS, Census, census, optimal_iterations
from qbnnc.uncompute import measure_uncompute


def count_marked(model: Model) -> Census | None:
    """The exact census when the weights are few enough to count, else None."""
    if model.num_weights > MAX_COUNTED_WEIGHTS:
        return None
    return census(model)


def _error(model: Model, key: str, message: str) -> CompileError:
    span = model.spans.get(key) or Span(model.path, 0, 0)
    return CompileError([Diagnostic.at(span, message, model.source)])


def choose_iterations(model: Model, tally: Census | None) -> int:
    """`iterations K` as written, or the optimum from `expect M` or the exact count."""
    if model.iterations is not None:
        return model.iterations
    if model.expect is not None:
        return optimal_iterations(model.expect, model.num_weights)
    if tally is None:
        raise _error(
            model,
            "iterations" if "iterations" in model.spans else "train",
            f"iterations auto needs the number of marked weight strings, and {model.num_weights} "
            f"weights are too many to count (the limit is {MAX_COUNTED_WEIGHTS}); write "
            f"`iterations K` or `expect M`",
        )
    return optimal_iterations(tally.marked, model.num_weights)


def check_reachable(model: Model, tally: Census | None) -> None:
    """No weight string meeting `accept` is an error that names the best reachable count."""
    if tally is None or tally.marked:
        return
    raise _error(
        model,
        "accept",
        f"no weight string meets `accept {model.accept.written}`: the best any weight string "
        f"reaches is {tally.best} of {model.num_examples} examples; "
        f"write `accept correct >= {tally.best}`",
    )


# Compile work grows with examples x weighted lines (one dataflow node per line evaluation);
# beyond this the graph would not fit in memory, so the model is refused with its size.
MAX_LINE_EVALUATIONS = 20_000_000


def line_evaluations(model: Model) -> int:
    """Weighted lines the forward passes evaluate over the whole data set."""
    return model.num_examples * sum(layer.width * layer.fan_in for layer in model.layers)


def check_size(model: Model, limit: int | None = None) -> None:
    limit = MAX_LINE_EVALUATIONS if limit is None else limit
    size = line_evaluations(model)
    if size > limit:
        raise _error(
            model,
            "network",
            f"the model is too large to compile: {model.num_examples} examples x "
            f"{size // model.num_examples} weighted lines = {size} line evaluations, above the "
            f"limit of {limit}; use fewer examples or smaller layers",
        )


def compile_model(
    model: Model,
    target: str = "generic",
    optimize: bool = True,
    limit: int | None = None,
    *,
    optimize_for: OptimizeFor = "qubits",
    count: bool = True,
) -> Program:
    """Compile a checked model into a program for `target`.

    `limit` caps examples x weighted lines (see `check_size`); None: MAX_LINE_EVALUATIONS.
    `optimize_for`: "qubits" (default) picks the oracle plan with the fewest qubits, "gates"
    the one with the fewest Toffoli-equivalents, trading qubits for gates.
    `count=False` skips the classical census (and so `marked` and the reachability check):
    for searches that must not know the answer; `iterations` must then be explicit.
    """
    check_options(target, optimize, optimize_for)
    check_size(model, limit)
    tally = count_marked(model) if count else None
    check_reachable(model, tally)
    iterations = choose_iterations(model, tally)
    df = build_dataflow(model)
    if optimize:
        df = run_passes(df)
    circuit = build_circuit(model, df, tally, iterations, optimize_for)
    if model.uncompute == "measure":
        circuit = measure_uncompute(circuit)
    program = Program(model, _with_header(circuit, model, iterations), tally, iterations, target)
    from qbnnc.targets import prepare

    return prepare(program, target)


def compile(
    source: str,
    path: str | os.PathLike[str] | None = None,
    target: str = "generic",
    optimize: bool = True,
    *,
    optimize_for: OptimizeFor = "qubits",
    data_root: str | os.PathLike[str] | None = None,
) -> Program:
    """Compile `.bnn` source text (path: where it came from, for messages and `data from`;
    data_root: the folder `data from` may read inside, None for the model's folder)."""
    check_options(target, optimize, optimize_for)
    model = load_model(source, path, data_root=data_root)
    return compile_model(model, target, optimize, optimize_for=optimize_for)


def compile_file(
    path: str | os.PathLike[str],
    target: str = "generic",
    optimize: bool = True,
    *,
    optimize_for: OptimizeFor = "qubits",
    data_root: str | os.PathLike[str] | None = None,
) -> Program:
    check_options(target, optimize, optimize_for)
    source = read_source(path)
    return compile(source, path, target, optimize, optimize_for=optimize_for, data_root=data_root)


def _with_header(circuit, model: Model, iterations: int):  # noqa: ANN001, ANN202
    from dataclasses import replace

    oracle = model.oracle
    oracle_text = (
        "counter"
        if oracle.kind == "counter"
        else f"phase, precision {oracle.precision}, step {oracle.step}"
    )
    lines = [
        f"generated by qbnnc {__version__}",
        f"model: {model.name}" + (f" ({printable(model.path)})" if model.path else ""),
        f"weights: {model.num_weights}, examples: {model.num_examples}, "
        f"qubits: {circuit.num_qubits}, iterations: {iterations}",
        f"oracle: {oracle_text}; accept {model.accept.written} "
        f"(correct >= {model.accept.min_correct})",
        "qubits:",
    ]
    for reg in circuit.registers:
        lines.append(f"  {reg.name}[0:{reg.size - 1}]: {reg.role}")
    lines.append("weights (bit i of `weights` is w[i]):")
    lines += [f"  w[{i}] = {name}" for i, name in enumerate(model.weight_names)]
    return replace(circuit, header=tuple(lines))
