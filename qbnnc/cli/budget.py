"""Before work starts: the model loaded, and work over this machine's memory or time refused
with its estimate (`qbnnc.analysis.budget`)."""

from __future__ import annotations

from qbnnc.analysis.budget import (
    PROGRESS_SECONDS,
    Estimate,
    ModelSize,
    Output,
    estimate_compile,
    estimate_count,
    format_seconds,
    machine_limits,
    refusal,
    shows_progress,
)
from qbnnc.diagnostics import CompileError
from qbnnc.frontend.model import Model
from qbnnc.pipeline.compiler import load_model, read_source


def load(path: str, data_root: str | None = None) -> Model:
    return load_model(read_source(path), path, data_root=data_root)


def within_budget(estimate: Estimate, path: str | None = None) -> Estimate:
    """Refuse work over this machine's limits before it starts (see qbnnc/analysis/budget.py)."""
    message = refusal(estimate, machine_limits())
    if message is not None:
        raise CompileError.single(None, message) if path is None else file_error(path, message)
    return estimate


def file_error(path: str, message: str) -> CompileError:
    from qbnnc.diagnostics import Diagnostic

    return CompileError([Diagnostic(path, 0, 0, message)])


def compile_budget(model: Model, output: Output | None) -> str:
    """Refuse counting the weight strings or compiling (then printing the OpenQASM 3, or
    counting resources, by `output`; None: only the count) when either is over this
    machine's limits, before starting; else what the status line adds (the estimate)."""
    from qbnnc.reference.census import MAX_COUNTED_WEIGHTS

    size = ModelSize.of(model)
    jobs = [estimate_count(size)] if size.weights <= MAX_COUNTED_WEIGHTS else []
    if output is not None:
        jobs.append(estimate_compile(size, output))
    for job in jobs:
        within_budget(job, model.path)
    seconds = sum(job.seconds for job in jobs)
    return f", estimated {format_seconds(seconds)}" if seconds > PROGRESS_SECONDS else ""


def estimate_hint(estimate: Estimate) -> str:
    """What a status line adds for a long job: its estimated time."""
    if shows_progress(estimate):
        return f", estimated {format_seconds(estimate.seconds)}"
    return ""
