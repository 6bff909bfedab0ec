"""The `qbnnc` command line: compile, check, stats, run, train, targets."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from qbnnc.compiler import compile_model, count_marked, load_model, read_source
from qbnnc.diagnostics import CompileError
from qbnnc.frontend.model import Model
from qbnnc.version import __version__

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 70
SUBCOMMANDS = ("check", "stats", "run", "train", "targets")

MAIN_HELP = """\
Compile a binary neural network and its training set (.bnn) into the quantum circuit
that trains it by Grover search over the weights.

usage:
  qbnnc MODEL.bnn [-o OUT] [--target NAME] [--flat]   compile (OUT: .qasm, .json, or - for stdout)
  qbnnc check MODEL.bnn                              parse and check; print a summary
  qbnnc stats MODEL.bnn [--json] [--target NAME]     resource counts, without writing a circuit
  qbnnc run MODEL.bnn [--shots N] [--seed S] [--plot FILE.png] [--target NAME] [--json]
                                                     simulate locally, show what it measures
  qbnnc train MODEL.bnn [--seed S] [--shots-per-round N] [--backend NAME] [--json]
                                                     find the best weights (number unknown)
  qbnnc targets                                      list the targets

`qbnnc COMMAND --help` tells more. Exit status: 0 success, 1 error in the model, its data or
a target, 2 usage error.
"""


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so usage errors get our exit status."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: error: {message}\n{self.format_usage().rstrip()}")


def _add_optimize_for(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--optimize-for",
        choices=("qubits", "gates"),
        default="qubits",
        help="qubits (default): the oracle plan with the fewest qubits; gates: the one with "
        "the fewest Toffoli-equivalents, at the cost of more qubits",
    )


def _compile_parser() -> _Parser:
    p = _Parser(
        prog="qbnnc",
        description="Compile MODEL.bnn into its quantum training circuit.",
        epilog="Without -o the program is written to MODEL.qasm beside the model.",
    )
    p.add_argument("model", metavar="MODEL.bnn", help="the model to compile")
    p.add_argument(
        "-o",
        "--output",
        metavar="OUT",
        help="where to write: .qasm (OpenQASM 3), .json (pytket Circuit.to_dict()), - (stdout)",
    )
    p.add_argument(
        "--target", default="generic", metavar="NAME", help="target (see `qbnnc targets`)"
    )
    p.add_argument(
        "--flat",
        action="store_true",
        help="write only standard gates (no gate definitions or loops)",
    )
    p.add_argument("--no-opt", action="store_true", help="skip the dataflow optimisation passes")
    _add_optimize_for(p)
    p.add_argument("--version", action="version", version=f"qbnnc {__version__}")
    return p


def _check_parser() -> _Parser:
    p = _Parser(prog="qbnnc check", description="Parse and check MODEL.bnn; print a summary.")
    p.add_argument("model", metavar="MODEL.bnn")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        return _dispatch(args)
    except UsageError as e:
        print(e, file=sys.stderr)
        return EXIT_USAGE
    except CompileError as e:
        print(e.render(), file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("qbnnc: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as e:  # noqa: BLE001 - the last line of defence against tracebacks
        print(
            f"qbnnc: internal error: {type(e).__name__}: {e} "
            f"(a bug in qbnnc {__version__}: please report it with the model that caused it)",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


def _dispatch(args: list[str]) -> int:
    if not args or args[0] in ("-h", "--help"):
        print(MAIN_HELP, end="")
        return EXIT_OK if args else EXIT_USAGE
    if args[0] in COMMANDS:
        return COMMANDS[args[0]](args[1:])
    return cmd_compile(args)


def cmd_compile(argv: list[str]) -> int:
    ns = _compile_parser().parse_args(argv)
    model = _load(ns.model)
    with Status(f"compiling {model.name}", delay=2.0) as status:
        program = compile_model(
            model,
            target=ns.target,
            optimize=not ns.no_opt,
            optimize_for=ns.optimize_for,
            progress=counting(status),
        )
    out = ns.output or str(Path(ns.model).with_suffix(".qasm"))
    if out == "-":
        sys.stdout.write(program.qasm3(flat=ns.flat))
        return EXIT_OK
    suffix = Path(out).suffix
    if suffix == ".qasm":
        text = program.qasm3(flat=ns.flat)
    elif suffix == ".json":
        from qbnnc.targets.pytket_circuit import to_json

        text = to_json(program.pytket())
    else:
        raise UsageError(
            f"qbnnc: error: cannot tell the format of '{out}': "
            "use a .qasm or .json file, or - for stdout"
        )
    write_atomically(out, text)
    return EXIT_OK


def write_atomically(path: str, text: str) -> None:
    """Write the whole file or nothing: a temporary file beside it, then a rename."""
    target = Path(path)
    where = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        raise CompileError.single(None, f"cannot write '{path}': it is a directory")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=where)
    except OSError as e:
        raise CompileError.single(
            None,
            f"cannot write '{path}': {e.strerror} (check that the folder exists and is writable)",
        ) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        os.replace(tmp, target)
    except OSError as e:
        Path(tmp).unlink(missing_ok=True)
        raise CompileError.single(None, f"cannot write '{path}': {e.strerror}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _load(path: str) -> Model:
    return load_model(read_source(path), path)


def cmd_check(argv: list[str]) -> int:
    ns = _check_parser().parse_args(argv)
    model = _load(ns.model)
    with Status(f"checking {model.name}", delay=2.0) as status:
        text = summary(model, counting(status))
    print(text)
    return EXIT_OK


def summary(model: Model, progress: Callable[[int, int], None] | None = None) -> str:
    """What `qbnnc check` prints: the model as the compiler understood it."""
    from qbnnc.compiler import check_reachable, choose_iterations

    tally = count_marked(model, progress)
    check_reachable(model, tally)
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
    oracle = model.oracle
    oracle_text = (
        "counter"
        if oracle.kind == "counter"
        else f"phase, precision {oracle.precision}, step {oracle.step}"
    )
    n = model.num_weights
    lines += [
        f"weights: {n} trainable ({2**n} weight strings)",
        f"examples: {model.num_examples}",
        f"oracle: {oracle_text}",
        f"accept: {model.accept.written} (correct >= {model.accept.min_correct})",
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
        lines.append(f"marked: {tally.marked} of {2**n} (best reachable: {tally.best} correct)")
    else:
        lines.append(f"marked: not counted ({n} weights is above the counting limit)")
    lines.append(f"uncompute: {model.uncompute}")
    return "\n".join(lines)


def cmd_targets(argv: list[str]) -> int:
    p = _Parser(prog="qbnnc targets", description="List the targets a program can be compiled for.")
    p.parse_args(argv)
    from qbnnc.targets import describe_targets

    print(describe_targets())
    return EXIT_OK


# --- stats, run, train -----------------------------------------------------------------------


def _whole(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None


def _positive(text: str) -> int:
    if (value := _whole(text)) < 1:
        raise argparse.ArgumentTypeError(f"{value} is not at least 1")
    return value


def _natural(text: str) -> int:
    if (value := _whole(text)) < 0:
        raise argparse.ArgumentTypeError(f"{value} is negative")
    return value


class Status:
    """A one-line progress indicator on stderr, for work that takes more than a moment.

    Only when stderr is a terminal (pipes and tests stay clean), and only once the work has
    run for `delay` seconds; a background thread keeps the elapsed time ticking while a
    long stage (such as compiling a large model) gives no news of its own.
    """

    def __init__(self, message: str, delay: float = 1.5, stream=None) -> None:  # noqa: ANN001
        import threading
        import time

        self.stream = stream if stream is not None else sys.stderr
        self.enabled = bool(getattr(self.stream, "isatty", lambda: False)())
        self.message = message
        self.delay = delay
        self._clock = time.monotonic
        self._start = self._clock()
        self._shown = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._tick, daemon=True)

    def __enter__(self) -> Status:
        if self.enabled:
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self.enabled:
            self._thread.join()
            if self._shown:
                self.stream.write("\r\x1b[K")
                self.stream.flush()

    def __call__(self, message: str) -> None:
        """Show a new message (the work's own news: a round, a stage)."""
        self.message = message
        self._draw()

    def _tick(self) -> None:
        while not self._stop.wait(0.25):
            self._draw()

    def _draw(self) -> None:
        elapsed = self._clock() - self._start
        if not self.enabled or elapsed < self.delay or self._stop.is_set():
            return
        self._shown = True
        self.stream.write(f"\r\x1b[Kqbnnc: {self.message} ({elapsed:.0f} s)")
        self.stream.flush()


def counting(status: Status) -> Callable[[int, int], None]:
    """A `progress` for the census that draws a bar on `status`, then restores its message."""
    message = status.message

    def show(done: int, total: int) -> None:
        if done >= total:
            status.message = message
            return
        percent = 100 * done // total
        status(f"{message}: counting weight strings [{'#' * (percent // 5):<20}] {percent}%")

    return show


def _model_args(p: _Parser, target: bool = True) -> None:
    p.add_argument("model", metavar="MODEL.bnn", help="the model (network, data, train settings)")
    if target:
        p.add_argument(
            "--target",
            default="generic",
            metavar="NAME",
            help="compile for this target first (default: generic; `qbnnc targets` lists them)",
        )
    p.add_argument("--no-opt", action="store_true", help="skip the dataflow optimisation passes")
    _add_optimize_for(p)


def _print_json(data: object) -> None:
    import json

    print(json.dumps(data, sort_keys=True, indent=2))


def _stats_parser() -> _Parser:
    p = _Parser(
        prog="qbnnc stats",
        description=(
            "Count the resources of MODEL's training circuit without writing or flattening it: "
            "qubits, gates per name (as Qiskit names them when it loads the program), "
            "two-qubit gates, Toffolis and T gates after expansion (qbnnc/decompose.py), "
            "arbitrary rotations, depth, the marked count and success probability, and the "
            "classical baseline (weight strings x examples for exhaustive search, against "
            "iterations x forward passes for the circuit)."
        ),
        epilog="Counts multiply through repeated blocks, so billions of gates count in seconds.",
    )
    _model_args(p)
    p.add_argument("--json", action="store_true", help="print one JSON object (sorted keys)")
    return p


def cmd_stats(argv: list[str]) -> int:
    from qbnnc.stats import render, stats

    ns = _stats_parser().parse_args(argv)
    model = _load(ns.model)
    with Status(f"compiling {model.name}") as status:
        program = compile_model(
            model, target=ns.target, optimize=not ns.no_opt, optimize_for=ns.optimize_for
        )
        status("counting")
        table = stats(program)
    if ns.json:
        _print_json(table)
    else:
        print(render(table, model.name))
    return EXIT_OK


def _run_parser() -> _Parser:
    p = _Parser(
        prog="qbnnc run",
        description=(
            "Compile MODEL and simulate its circuit locally: exactly on Qiskit Aer through the "
            "written OpenQASM 3 (shots drawn with --seed), or for a device target on that "
            "target's local emulator (IBM: Aer with the device's noise model; noiseless Aer "
            "where a target has none). Prints each measured weight string (canonical order, "
            "weight 0 first) with its count, frequency, examples correct, and whether the "
            "oracle marks it. Circuits above 30 qubits are refused: use `qbnnc stats`."
        ),
    )
    _model_args(p)
    p.add_argument("--shots", type=_positive, default=1024, metavar="N", help="default 1024")
    p.add_argument("--seed", type=int, default=0, metavar="S", help="sampling seed (default 0)")
    p.add_argument(
        "--plot",
        metavar="FILE.png",
        help="also draw the probability of each weight string (or of marked vs unmarked "
        "when there are more than 16) after 0..K iterations",
    )
    p.add_argument(
        "--plot-iterations",
        type=_natural,
        metavar="K",
        help="the K of --plot (default: the model's iterations, at least 1)",
    )
    p.add_argument(
        "--rows", type=_natural, default=32, metavar="N", help="table rows (default 32; 0: all)"
    )
    p.add_argument("--json", action="store_true", help="print one JSON object instead")
    return p


def cmd_run(argv: list[str]) -> int:
    from qbnnc.tools.simulate import run

    ns = _run_parser().parse_args(argv)
    if ns.plot is not None and Path(ns.plot).suffix.lower() != ".png":
        raise UsageError(
            f"qbnnc run: error: --plot writes a PNG: name it FILE.png, not '{ns.plot}'"
        )
    model = _load(ns.model)
    with Status(f"compiling {model.name}") as status:
        program = compile_model(
            model, target=ns.target, optimize=not ns.no_opt, optimize_for=ns.optimize_for
        )
        result = run(program, shots=ns.shots, seed=ns.seed, progress=status)
        if ns.plot is not None:
            from qbnnc.tools.plot import plot

            k = ns.plot_iterations if ns.plot_iterations is not None else program.iterations
            plot(model, ns.plot, max(k, 1) if ns.plot_iterations is None else k, status)
    if ns.json:
        _print_json(result.to_json())
    else:
        print(render_run(result, ns.rows))
    return EXIT_OK


def render_run(result, rows: int = 32) -> str:  # noqa: ANN001 - a simulate.RunResult
    """`qbnnc run` without --json: a header and the measured weight strings."""
    p = result.success_probability
    expected = "unknown" if p is None else f"{p:.4f}"
    lines = [
        f"{result.model}: {result.shots} shots (seed {result.seed}) on {result.backend}, "
        f"target {result.target}, {result.iterations} iterations",
        f"marked: measured {result.marked_frequency:.4f} of shots, expected {expected}",
    ]
    shown = result.outcomes if rows == 0 else result.outcomes[:rows]
    width = max([len("weights")] + [len(o.weights) for o in shown])
    lines.append(
        f"{'weights'.ljust(width)}  {'count':>7}  {'frequency':>9}  {'correct':>7}  marked"
    )
    for o in shown:
        lines.append(
            f"{o.weights.ljust(width)}  {o.count:>7}  {o.frequency:>9.4f}  {o.correct:>7}  "
            f"{'yes' if o.marked else 'no'}"
        )
    hidden = result.outcomes[len(shown) :]
    if hidden:
        lines.append(
            f"... {len(hidden)} more weight strings ({sum(o.count for o in hidden)} shots); "
            "--rows 0 shows all"
        )
    return "\n".join(lines)


def _train_parser() -> _Parser:
    p = _Parser(
        prog="qbnnc train",
        description=(
            "Find weights with the most correct examples when their number is unknown: "
            "Boyer-Brassard-Hoyer-Tapp exponential search (iteration bound growing by 6/5) "
            "inside Durr-Hoyer minimum finding. Each round compiles the circuit that marks "
            "`correct >= best seen + 1` (the model's accept and iterations are not used), runs "
            "it, and checks each measured weight string on the data. Stops when every example "
            "is classified or after Durr-Hoyer's budget of 22.5 sqrt(N) + 1.4 log2(N)^2 oracle "
            "calls (N = 2^weights)."
        ),
    )
    _model_args(p, target=False)
    p.add_argument("--seed", type=int, default=0, metavar="S", help="random seed (default 0)")
    p.add_argument(
        "--shots-per-round",
        type=_positive,
        default=1,
        metavar="N",
        help="measurements per circuit run (default 1, as in BBHT; each costs its iterations)",
    )
    p.add_argument(
        "--backend",
        default="aer",
        metavar="NAME",
        help="aer (default: Qiskit Aer through OpenQASM 3), a target's emulator, or any "
        "installed pytket backend class, e.g. AerBackend",
    )
    p.add_argument(
        "--budget",
        type=_positive,
        metavar="CALLS",
        help="oracle calls before giving up on improving (default: Durr-Hoyer's)",
    )
    p.add_argument("--json", action="store_true", help="print one JSON object instead")
    return p


def cmd_train(argv: list[str]) -> int:
    from qbnnc.tools.train import render, train

    ns = _train_parser().parse_args(argv)
    model = _load(ns.model)
    with Status(f"training {model.name}") as status:
        result = train(
            model,
            seed=ns.seed,
            shots_per_round=ns.shots_per_round,
            backend=ns.backend,
            budget=ns.budget,
            progress=status,
            optimize=not ns.no_opt,
        )
    if ns.json:
        _print_json(result.to_json())
    else:
        print(render(result))
    return EXIT_OK


COMMANDS: dict[str, Callable[[list[str]], int]] = {
    "check": cmd_check,
    "stats": cmd_stats,
    "run": cmd_run,
    "train": cmd_train,
    "targets": cmd_targets,
}


if __name__ == "__main__":
    sys.exit(main())
