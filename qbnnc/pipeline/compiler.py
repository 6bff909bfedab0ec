"""The one place that knows the stage order: text -> model -> dataflow -> circuit -> program."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import replace

from qbnnc.diagnostics import CompileError, Diagnostic, Span
from qbnnc.frontend.model import Model
from qbnnc.frontend.source import load_model, read_source  # re-exported
from qbnnc.ir.build_dataflow import build_dataflow
from qbnnc.ir.dataflow import Dataflow
from qbnnc.passes import VARIANT_PIPELINE, run_passes
from qbnnc.pipeline.program import Program
from qbnnc.reference.census import MAX_COUNTED_WEIGHTS, Census, census
from qbnnc.reference.grover_formula import optimal_iterations
from qbnnc.synthesis.grover import build_circuit
from qbnnc.synthesis.oracle import OptimizeFor, phase_readout
from qbnnc.synthesis.peephole import peephole
from qbnnc.synthesis.specialise import Variant, specialise
from qbnnc.synthesis.uncompute import measure_uncompute
from qbnnc.targets import compile_for, get_target

OPTIMIZE_FOR = ("qubits", "gates")  # the values of synthesis.oracle.OptimizeFor


def check_options(target: object, optimize: object, optimize_for: object) -> None:
    """The compile options, checked before compiling: TypeError for a wrong type,
    ValueError for an impossible `optimize_for`, CompileError for an unknown target."""
    if not isinstance(target, str):
        raise TypeError(
            f"target must be a str such as 'generic', got {type(target).__name__} "
            "(qbnnc.targets.TARGETS lists the names)"
        )
    if not isinstance(optimize, bool):
        raise TypeError(f"optimize must be True or False, got {type(optimize).__name__}")
    if optimize_for not in OPTIMIZE_FOR or not isinstance(optimize_for, str):
        raise ValueError(
            f"optimize_for must be one of {', '.join(repr(o) for o in OPTIMIZE_FOR)}, "
            f"got {optimize_for!r}"
        )
    get_target(target)  # an unknown name is reported now, not after compiling


def count_marked(model: Model, progress: Callable[[int, int], None] | None = None) -> Census | None:
    """The exact census when the weights are few enough to count, else None.

    `progress(done, total)`: weight strings counted so far, after each chunk.
    """
    if model.num_weights > MAX_COUNTED_WEIGHTS:
        return None
    return census(model, progress=progress)


def _error(model: Model, span: Span | None, message: str) -> CompileError:
    return CompileError([Diagnostic.at(span or Span(model.path, 0, 0), message, model.source)])


def choose_iterations(model: Model, tally: Census | None) -> int:
    """`iterations K` as written, or the optimum from `expect M` or the exact count."""
    if model.iterations is not None:
        return model.iterations
    if model.expect is not None:
        return optimal_iterations(model.expect, model.num_weights)
    if tally is None:
        raise _error(
            model,
            model.spans.iterations or model.spans.train,
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
        model.spans.accept,
        f"no weight string meets `accept {model.accept.written}`: the best any weight string "
        f"reaches is {tally.best} of {model.num_examples} examples; "
        f"write `accept correct >= {tally.best}`",
    )


def check_readout(model: Model, tally: Census | None) -> None:
    """A phase oracle must read exactly every count that `accept` tells apart (see
    `phase_readout`): an error that says what to write instead, found before compiling and
    by `qbnnc check`. A network with no weight to train builds no oracle, so is not asked."""
    if model.oracle.kind == "phase" and model.num_weights:
        phase_readout(model, tally)


# Compile work grows with the network (a dataflow node and a few dozen gates per weighted
# line, lowered once) plus the data (a row's bits, and a few operations per row and changed
# input bit); beyond these the model is refused with its size before any work starts.
MAX_WEIGHTED_LINES = 2_000_000
MAX_DATA_BITS = 200_000_000


def check_size(model: Model, limit: int | None = None) -> None:
    """Refuse, with its size and a way out, a model too large to compile; `limit` caps the
    weighted lines (default MAX_WEIGHTED_LINES)."""
    limit = MAX_WEIGHTED_LINES if limit is None else limit
    lines = model.weighted_lines
    if lines > limit:
        raise _error(
            model,
            model.spans.network,
            f"the model is too large to compile: its layers have {lines} weighted lines, above "
            f"the limit of {limit}; use smaller layers",
        )
    bits = model.num_examples * (model.input_width + model.output_width)
    if bits > MAX_DATA_BITS:
        raise _error(
            model,
            model.spans.data,
            f"the training set is too large to compile: {model.num_examples} rows x "
            f"{model.input_width + model.output_width} bits = {bits} bits, above the limit of "
            f"{MAX_DATA_BITS}; use fewer rows",
        )


def specialised(df: Dataflow, optimize: bool = True) -> tuple[Variant, ...]:
    """The row structures of `df` (`specialise`); with `optimize`, the graph of each whose
    columns were folded to constants is simplified by the variant passes."""
    variants = specialise(df)
    if not optimize:
        return variants
    return tuple(
        replace(v, df=run_passes(v.df, VARIANT_PIPELINE)) if v.folded else v for v in variants
    )


def compile_model(
    model: Model,
    target: str = "generic",
    optimize: bool = True,
    limit: int | None = None,
    *,
    optimize_for: OptimizeFor = "qubits",
    count: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> Program:
    """Compile a checked model into a program for `target`.

    `limit` caps the weighted lines (see `check_size`); None: MAX_WEIGHTED_LINES.
    `optimize_for`: "qubits" (default) picks the oracle plan with the fewest qubits, "gates"
    the one with the fewest Toffoli-equivalents, trading qubits for gates.
    `count=False` skips the classical census (and so `marked` and the reachability check):
    for searches that must not know the answer; `iterations` must then be explicit.
    `progress` is told how the census advances (see `count_marked`).
    """
    check_options(target, optimize, optimize_for)
    check_size(model, limit)
    tally = count_marked(model, progress) if count else None
    check_reachable(model, tally)
    check_readout(model, tally)
    iterations = choose_iterations(model, tally)
    df = build_dataflow(model)
    if optimize:
        df = run_passes(df)
    training = build_circuit(model, df, specialised(df, optimize), tally, iterations, optimize_for)
    training = training.with_circuit(peephole(training.circuit))
    if model.uncompute == "measure":
        training = training.with_circuit(measure_uncompute(training.circuit))
    compiled = compile_for(training, target)
    return Program(
        model, compiled.training, tally, iterations, compiled.target.name, compiled.device
    )


def compile(
    source: str,
    path: str | os.PathLike[str] | None = None,
    target: str = "generic",
    optimize: bool = True,
    *,
    optimize_for: OptimizeFor = "qubits",
    data_root: str | os.PathLike[str] | None = None,
    data: tuple[object, object] | None = None,
) -> Program:
    """Compile `.bnn` source text (path: where it came from, for messages and `data from`;
    data_root: the folder `data from` may read inside, None for the model's folder;
    data: the training set as numpy arrays `(X, y)`, for text without a data source:
    X rows x input bits, y rows x label bits (or one bit per row), values 0 and 1).

    The other arguments, the result and the errors are those of `compile_file`.
    """
    check_options(target, optimize, optimize_for)
    model = load_model(source, path, data_root=data_root, data=data)
    return compile_model(model, target, optimize, optimize_for=optimize_for)


def compile_file(
    path: str | os.PathLike[str],
    target: str = "generic",
    optimize: bool = True,
    *,
    optimize_for: OptimizeFor = "qubits",
    data_root: str | os.PathLike[str] | None = None,
    data: tuple[object, object] | None = None,
) -> Program:
    """Compile the `.bnn` model in the file `path` into its training circuit.

    Arguments:
        path: the model file (UTF-8, at most 4 MiB); `data from "FILE"` is read relative
            to its folder.
        target: the gate set or device (`qbnnc.targets.TARGETS`; default "generic").
        optimize: run the dataflow optimisation passes (False: as `--no-opt`).
        optimize_for: "qubits" (default, the oracle plan with the fewest qubits) or
            "gates" (the fewest Toffoli-equivalents, at the cost of a few more qubits).
        data_root: the folder `data from` may read inside; None: the model's folder.
        data: the training set as numpy arrays `(X, y)` for a model without a data source
            (X rows x input bits, y rows x label bits or one bit per row; values 0 and 1).

    Returns a `Program`: `qasm3()`, `pytket()`, `qiskit()`, `stats()`, `weight_names`,
    `iterations`, `marked`, `success_probability`.

    Raises `CompileError` for anything wrong with the model, its data, the target or the
    file (unreadable, too large, not UTF-8), with every located diagnostic in
    `.diagnostics`; `TypeError` for an argument of the wrong type; `ValueError` for an
    unknown `optimize_for`.
    """
    check_options(target, optimize, optimize_for)
    source = read_source(path)
    return compile(
        source,
        path,
        target,
        optimize,
        optimize_for=optimize_for,
        data_root=data_root,
        data=data,
    )
