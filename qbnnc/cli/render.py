"""Text renderings of results: `check`'s summary, `run`'s table, `predict`'s confusion table."""

from __future__ import annotations

from collections.abc import Callable

from qbnnc.diagnostics import plural
from qbnnc.frontend.model import Model, describe_accept
from qbnnc.pipeline.compiler import count_marked


def power_of_two(n: int) -> str:
    """2^n in digits while that is readable, else as `2^n` (Python refuses to print an
    integer of more than 4,300 digits, and nobody reads one)."""
    return str(2**n) if n <= 64 else f"2^{n}"


def summary(model: Model, progress: Callable[[int, int], None] | None = None) -> str:
    """What `qbnnc check` prints: the model as the compiler understood it."""
    from qbnnc.pipeline.compiler import check_reachable, check_readout, choose_iterations

    tally = count_marked(model, progress)
    check_reachable(model, tally)
    check_readout(model, tally)
    iterations = choose_iterations(model, tally)
    lines = [
        f"network {model.name}: encoding {model.encoding}",
        f"  input {model.input_name}[{model.input_width}]",
    ]
    for layer in model.layers:
        sources = ", ".join(s.name for s in layer.sources)
        fixed = ", fixed" if layer.fixed is not None else ""
        lines.append(
            f"  layer {layer.name}[{layer.width}] from {sources}: fan-in {layer.fan_in}, "
            f"threshold {layer.threshold}{fixed}"
        )
    n = model.num_weights
    lines += [
        f"weights: {n} trainable ({power_of_two(n)} weight string{'s' if n else ''})",
        f"examples: {model.num_examples}",
        f"oracle: {model.oracle}",
        f"accept: {describe_accept(model.accept.written, model.accept.min_correct)}",
    ]
    how = (
        "as written"
        if model.iterations is not None
        else (
            f"auto, from expect {model.expect}"
            if model.expect is not None
            else "auto, from the exact count"
        )
    )
    lines.append(f"iterations: {iterations} ({how})")
    if tally is not None:
        lines.append(
            f"marked: {tally.marked} of {power_of_two(n)} (best reachable: {tally.best} correct)"
        )
    else:
        lines.append(f"marked: not counted ({n} weights is above the counting limit)")
    lines.append(f"uncompute: {model.uncompute}")
    if n == 0:
        lines.append(
            "every layer is fixed (a trained network): its training circuit is empty (no "
            "qubit; `run` scores the one weight string); evaluate it with `qbnnc predict`"
        )
    return "\n".join(lines)


def render_run(result, rows: int = 32) -> str:  # a simulate.RunResult
    """`qbnnc run` without --json: a header and the measured weight strings."""
    p = result.success_probability
    expected = "unknown" if p is None else f"{p:.4f}"
    seed = "" if result.seed is None else f" (seed {result.seed})"
    lines = [
        f"{result.model}: {plural(result.shots, 'shot')}{seed} on {result.backend}, "
        f"target {result.target}, {plural(result.iterations, 'iteration')}",
        f"marked: measured {result.marked_frequency:.4f} of shots, expected {expected}",
    ]
    shown = result.outcomes if rows == 0 else result.outcomes[:rows]
    # A fully fixed network measures the empty string: the table names it.
    labels = [o.weights or "(none)" for o in shown]
    width = max([len("weights")] + [len(label) for label in labels])
    lines.append(
        f"{'weights'.ljust(width)}  {'count':>7}  {'frequency':>9}  {'correct':>7}  marked"
    )
    for o, label in zip(shown, labels, strict=True):
        lines.append(
            f"{label.ljust(width)}  {o.count:>7}  {o.frequency:>9.4f}  {o.correct:>7}  "
            f"{'yes' if o.marked else 'no'}"
        )
    hidden = result.outcomes[len(shown) :]
    if hidden:
        lines.append(
            f"... {plural(len(hidden), 'more weight string')} "
            f"({plural(sum(o.count for o in hidden), 'shot')}); "
            "--rows 0 shows all"
        )
    return "\n".join(lines)


def render_predict(name: str, data: str, result) -> str:  # an Evaluation
    """`qbnnc predict` without --json: the accuracy, then the confusion table."""
    lines = [
        f"{name} on {data}: {result.correct} of {result.examples} correct "
        f"({100 * result.accuracy:.1f}%)",
        "confusion (rows: label, columns: predicted):",
    ]
    width = max(len("label"), *(len(label) for label in result.labels))
    cells = max(len(str(result.examples)), *(len(label) for label in result.labels))
    lines.append("label".ljust(width) + "".join(f"  {lab:>{cells}}" for lab in result.labels))
    for label, row in zip(result.labels, result.confusion, strict=True):
        lines.append(label.ljust(width) + "".join(f"  {c:>{cells}}" for c in row))
    return "\n".join(lines)
