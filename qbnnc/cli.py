"""The `qbnnc` command line: compile, check, stats, estimate, run, train, targets."""

from __future__ import annotations

import argparse
import importlib.util
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from qbnnc.budget import (
    PROGRESS_SECONDS,
    Estimate,
    Limits,
    ModelSize,
    Output,
    estimate_compile,
    estimate_count,
    format_seconds,
    memory_limit,
    refusal,
    shows_progress,
)
from qbnnc.compiler import compile_model, count_marked, load_model, read_source
from qbnnc.diagnostics import CompileError, plural
from qbnnc.frontend.model import Model, describe_accept
from qbnnc.output import (
    Terminated,
    check_output,
    discard_stdout,
    failure,
    guard_standard_streams,
    require_stdout,
    write_atomically,
    write_stdout,
)
from qbnnc.version import __version__

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 70
EXIT_PENDING = 75  # sysexits' EX_TEMPFAIL: a submitted job has not finished; ask again later

MAIN_HELP = """\
Compile a binary neural network and its training set (.bnn) into the quantum circuit
that trains it by Grover search over the weights.

usage:
  qbnnc MODEL.bnn [-o OUT] [--target NAME] [--flat]   compile (OUT: .qasm, .json, .ll, .bc, or -)
  qbnnc check MODEL.bnn                              parse and check; print a summary
  qbnnc stats MODEL.bnn [--json] [--target NAME]     resource counts, without writing a circuit
  qbnnc estimate MODEL.bnn [--qubit-params NAME|all] [--qec-scheme S] [--error-budget E] [--json]
                                                     physical resources on fault-tolerant hardware
  qbnnc run MODEL.bnn [--shots N] [--seed S] [--plot FILE.png] [--target NAME] [--json]
                                                     simulate locally, show what it measures
  qbnnc run MODEL.bnn --backend NAME[:DEVICE] ...   run on a backend instead (see below)
  qbnnc train MODEL.bnn [--seed S] [--shots-per-round N] [--backend NAME] [--json]
                     [--save FILE.bnn]               find the best weights (number unknown)
  qbnnc predict MODEL.bnn [DATA] [--json]            evaluate a trained (fully fixed) network
                                                     on a data file: accuracy, confusion table
  qbnnc submit MODEL.bnn --backend NAME[:DEVICE] [--target NAME] [--shots N] [-o JOB.json]
                                                     submit to a device; print a job handle
  qbnnc result JOB.json [--json]                     fetch, decode and score a submitted job
  qbnnc targets                                      list the targets

`run --save FILE.bnn` and `train --save FILE.bnn` write the network found as a model whose
layers are all fixed at its weights, for `qbnnc predict`.

Backends (--backend): aer (default, exact), a target's emulator (ibm-torino...),
quantinuum:DEVICE (H2-1, H2-1E...; qnexus), pecos[:DEVICE] (Quantinuum's emulator, local),
ibm:DEVICE (ibm_torino; a saved IBM Quantum account), ibm:fake_DEVICE (offline),
ibm-emulator:DEVICE, or a pytket backend class (AerBackend).

Every command that reads a model takes --data-root DIR: the folder `data from` may read
inside (default: the model's folder). `qbnnc COMMAND --help` tells more.

Exit status: 0 success; 1 an error in the model, its data, a target or the environment
(an output that cannot be written, a missing package, not enough memory or time); 2 a
usage error; 70 a bug in qbnnc; 75 (`result`) the job has not finished yet; 128+N killed
by signal N (130: Ctrl-C).
"""

__all__ = ["main", "write_atomically"]


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so usage errors get our exit status."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: error: {message}\n{self.format_usage().rstrip()}")

    def _print_message(self, message: str, file=None) -> None:  # noqa: ANN001
        """--help and --version: a closed or full standard output is an error, not silence."""
        if not message:
            return
        if file is None or file is sys.stdout:
            write_stdout(message)
        else:
            _print_error(message.rstrip("\n"))


def _add_optimize_for(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--optimize-for",
        choices=("qubits", "gates"),
        default="qubits",
        help="qubits (default): the oracle plan with the fewest qubits; gates: the one with "
        "the fewest Toffoli-equivalents, at the cost of more qubits",
    )


def _add_data_root(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--data-root",
        metavar="DIR",
        help="the folder `data from` may read inside (default: the model's folder)",
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
        help="where to write: .qasm (OpenQASM 3), .json (pytket Circuit.to_dict()), .ll or .bc "
        "(QIR text or bitcode, through pytket-qir), - (stdout)",
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
    _add_data_root(p)
    p.add_argument("--version", action="version", version=f"qbnnc {__version__}")
    return p


def _check_parser() -> _Parser:
    p = _Parser(prog="qbnnc check", description="Parse and check MODEL.bnn; print a summary.")
    p.add_argument("model", metavar="MODEL.bnn")
    _add_data_root(p)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    guard_standard_streams()
    try:
        return _dispatch(args)
    except UsageError as e:
        _print_error(str(e))
        return EXIT_USAGE
    except CompileError as e:
        _print_error(e.render())
        return EXIT_ERROR
    except KeyboardInterrupt:
        _print_error("qbnnc: interrupted")
        return 130
    except Terminated as e:
        _print_error(f"qbnnc: terminated ({e})")
        return 128 + e.signum
    except BrokenPipeError:  # the reader went away (`| head`): not an error
        discard_stdout()
        return EXIT_OK
    except MemoryError:
        _print_error(
            "qbnnc: error: out of memory: the job needs more memory than this machine (or "
            "`ulimit -v`) allows; use a smaller model, fewer iterations or fewer shots"
        )
        return EXIT_ERROR
    except ModuleNotFoundError as e:
        pip = pip_name(e.name)
        if pip is None:
            return _internal(e)
        _print_error(f"qbnnc: error: {missing_package(pip)}")
        return EXIT_ERROR
    except Exception as e:  # noqa: BLE001 - the last line of defence against tracebacks
        return _internal(e)


def _internal(e: BaseException) -> int:
    _print_error(
        f"qbnnc: internal error: {type(e).__name__}: {e} "
        f"(a bug in qbnnc {__version__}: please report it with the model that caused it)"
    )
    return EXIT_INTERNAL


def _print_error(text: str) -> None:
    """A message on standard error; a closed or failing stderr cannot make things worse."""
    if sys.stderr is None:
        return
    try:
        print(text, file=sys.stderr, flush=True)
    except (OSError, ValueError):
        pass


def _print(text: str) -> None:
    write_stdout(text + "\n")


# The pip package of each module qbnnc imports on demand (longest prefix wins).
PIP_NAMES = {
    "qiskit_aer": "qiskit-aer",
    "qiskit": "qiskit",
    "qiskit_qasm3_import": "qiskit-qasm3-import",
    "qiskit_ibm_runtime": "qiskit-ibm-runtime",
    "pytket": "pytket",
    "pytket.extensions.qiskit": "pytket-qiskit",
    "pytket.extensions.quantinuum": "pytket-quantinuum",
    "pytket.qir": "pytket-qir",
    "pyqir": "pyqir",
    "pytket_pecos": "pytket-pecos",
    "qnexus": "qnexus",
    "pecos": "pytket-pecos",
    "matplotlib": "matplotlib",
    "braket": "amazon-braket-sdk",
    "qdk": "qdk",
    "openqasm3": "openqasm3[parser]",
    "antlr4": "openqasm3[parser]",
    "numpy": "numpy",
    "networkx": "networkx",
    "lark": "lark",
}
# The optional-dependency group of qbnnc that installs a package, where there is one.
EXTRAS = {
    "matplotlib": "plot",
    "pytket-quantinuum": "quantinuum",
    "pytket-pecos": "quantinuum",
    "pytket-qir": "qir",
    "pyqir": "qir",
    "qdk": "estimate",
}


def pip_name(module: str | None) -> str | None:
    """The pip package that provides `module` (or one of its parents), if qbnnc knows it."""
    parts = (module or "").split(".")
    for i in range(len(parts), 0, -1):
        if (name := ".".join(parts[:i])) in PIP_NAMES:
            return PIP_NAMES[name]
    return None


def missing_package(pip: str, why: str = "this") -> str:
    return missing_packages([pip], why)


def missing_packages(pips: Sequence[str], why: str = "this") -> str:
    """`WHY needs the packages X, Y: pip install X Y`, and the extra of qbnnc that installs
    them all, where one does."""
    from qbnnc.targets import needs_packages

    extras = {EXTRAS.get(pip) for pip in pips}
    return needs_packages(why, pips, extras.pop() if len(extras) == 1 else None)


def _installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):  # a missing parent package, or a module set to None
        return False


def require_modules(why: str, *modules: str) -> None:
    """Refuse up front, naming the `pip install` line of every missing package, work that
    needs them."""
    missing = [pip_name(m) or m for m in modules if not _installed(m)]
    if missing:
        raise failure(missing_packages(list(dict.fromkeys(missing)), why))


def _dispatch(args: list[str]) -> int:
    if not args:
        _print_error(MAIN_HELP.rstrip("\n"))
        return EXIT_USAGE
    if args[0] in ("-h", "--help"):
        write_stdout(MAIN_HELP)
        return EXIT_OK
    if args[0] in COMMANDS:
        return COMMANDS[args[0]](args[1:])
    if _looks_like_command(args[0]):
        raise UsageError(_unknown_command(args[0]))
    return cmd_compile(args)


def _looks_like_command(arg: str) -> bool:
    """Whether the first argument, not a command, was meant as one: a bare word that is no
    file (a model is an existing file, or a path or name with a suffix such as `.bnn`)."""
    import os

    bare = not arg.startswith("-") and "." not in arg and os.sep not in arg and "/" not in arg
    return bare and not os.path.exists(arg)


def _unknown_command(word: str) -> str:
    import difflib

    near = difflib.get_close_matches(word, list(COMMANDS), n=1)
    if near:
        return f"qbnnc: error: unknown command '{word}': did you mean '{near[0]}'?"
    return (
        f"qbnnc: error: unknown command '{word}'; the commands are: {', '.join(COMMANDS)}, "
        "or a model to compile: qbnnc MODEL.bnn (`qbnnc --help` tells more)"
    )


def _require_target(name: str, pytket: bool = False) -> None:
    """Before any work: the target exists, its packages are installed, and so is what
    writing or counting its device circuit needs (pytket-qiskit's converter)."""
    from qbnnc.targets import require

    spec = require(name)
    if spec.device is not None:
        require_modules(f"target '{name}'", "pytket.extensions.qiskit")
    if pytket:
        require_modules("a pytket circuit (.json)", "pytket")


def _require_backend(why: str, backend: str | None, target: str | None = None) -> None:
    """Before any work: `backend` names a backend, and what running there needs is
    installed. qbnnc's own simulation needs Aer (a device target's circuit, the target's
    local emulator); any other backend pytket and its extension."""
    from qbnnc.tools.backends import check, is_built_in

    if not is_built_in(backend):
        assert backend is not None
        require_modules(why, "pytket")
        check(backend)
        return
    require_modules(why, "qiskit_aer")
    if target is not None:
        from qbnnc.targets import get_target

        for r in get_target(target).emulator_requires:
            require_modules(f"emulating target '{target}'", r.module)


def _limits() -> Limits:
    """This machine's limits: available memory, and what `ulimit -v` leaves this process."""
    return Limits(memory=memory_limit(_available_memory(), _address_space_left()))


def _available_memory() -> int | None:
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def _address_space_left() -> int | None:
    try:
        import resource

        soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    except (ImportError, OSError, ValueError):
        return None
    if soft == resource.RLIM_INFINITY:
        return None
    used = 0
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmSize:"):
                    used = int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return max(soft - used, 0)


def within_budget(estimate: Estimate, path: str | None = None) -> Estimate:
    """Refuse work over this machine's limits before it starts (see qbnnc/budget.py)."""
    message = refusal(estimate, _limits())
    if message is not None:
        raise CompileError.single(None, message) if path is None else _at(path, message)
    return estimate


def _at(path: str, message: str) -> CompileError:
    from qbnnc.diagnostics import Diagnostic

    return CompileError([Diagnostic(path, 0, 0, message)])


def _compile_budget(model: Model, output: Output | None) -> str:
    """Refuse counting the weight strings or compiling (then printing the OpenQASM 3, or
    counting resources, by `output`; None: only the count) when either is over this
    machine's limits, before starting; else what the status line adds (the estimate)."""
    from qbnnc.semantics import MAX_COUNTED_WEIGHTS

    size = ModelSize.of(model)
    jobs = [estimate_count(size)] if size.weights <= MAX_COUNTED_WEIGHTS else []
    if output is not None:
        jobs.append(estimate_compile(size, output))
    for job in jobs:
        within_budget(job, model.path)
    seconds = sum(job.seconds for job in jobs)
    return f", estimated {format_seconds(seconds)}" if seconds > PROGRESS_SECONDS else ""


def _hint(estimate: Estimate) -> str:
    """What a status line adds for a long job: its estimated time."""
    if shows_progress(estimate):
        return f", estimated {format_seconds(estimate.seconds)}"
    return ""


def cmd_compile(argv: list[str]) -> int:
    ns = _compile_parser().parse_args(argv)
    out = ns.output or str(Path(ns.model).with_suffix(".qasm"))
    suffix = Path(out).suffix
    # Everything that can be known before compiling is checked first: the output's format
    # and place (never over the model itself), the target, the packages.
    if out == "-":
        require_stdout()
    elif suffix in (".qasm", ".json", ".ll", ".bc"):
        check_output(out, inputs=[ns.model], option="-o")
    else:
        raise UsageError(
            f"qbnnc: error: cannot tell the format of '{out}': "
            "use a .qasm, .json, .ll or .bc file, or - for stdout"
        )
    qir = suffix in (".ll", ".bc")
    _require_target(ns.target, pytket=suffix == ".json" or qir)
    if qir:
        require_modules("QIR output (.ll, .bc)", "pytket.qir", "pyqir")
    model = _load(ns.model, ns.data_root)
    hint = _compile_budget(model, "program" if ns.flat or suffix == ".json" else "qasm")
    with Status(f"compiling {model.name}{hint}", delay=2.0) as status:
        program = compile_model(
            model,
            target=ns.target,
            optimize=not ns.no_opt,
            optimize_for=ns.optimize_for,
            progress=counting(status),
        )
        text: str | bytes
        if qir:
            _flat_output(program, status, pytket=True, build=False)
            text = program.qir(binary=suffix == ".bc")
        elif suffix == ".json":
            text = _flat_output(program, status, pytket=True)
        elif ns.flat:
            text = _flat_output(program, status, pytket=False)
        else:
            text = program.qasm3()
    if out == "-":
        write_stdout(text)
    else:
        write_atomically(out, text, inputs=[ns.model])
    return EXIT_OK


def _flat_output(program, status: Status, pytket: bool, build: bool = True) -> str:  # noqa: ANN001
    """The flat OpenQASM 3 or the pytket JSON, after checking its budget (only the check
    when not `build`)."""
    from qbnnc.budget import estimate_flat
    from qbnnc.synthesis.circuit import flat_size

    if program.device is None:
        if pytket:
            program.require_flat_fits("a pytket circuit (pytket has no loops)")
        else:
            program.require_flat_fits("--flat OpenQASM 3")
        estimate = within_budget(estimate_flat(flat_size(program.circuit), pytket), None)
        status(estimate.task + _hint(estimate))
    if not build:
        return ""
    if pytket:
        from qbnnc.targets.pytket_circuit import to_json

        return to_json(program.pytket())
    return program.qasm3(flat=True)


def _load(path: str, data_root: str | None = None) -> Model:
    return load_model(read_source(path), path, data_root=data_root)


def cmd_check(argv: list[str]) -> int:
    ns = _check_parser().parse_args(argv)
    require_stdout()
    model = _load(ns.model, ns.data_root)
    hint = _compile_budget(model, None)
    with Status(f"checking {model.name}{hint}", delay=2.0) as status:
        text = summary(model, counting(status))
    _print(text)
    return EXIT_OK


def power_of_two(n: int) -> str:
    """2^n in digits while that is readable, else as `2^n` (Python refuses to print an
    integer of more than 4,300 digits, and nobody reads one)."""
    return str(2**n) if n <= 64 else f"2^{n}"


def summary(model: Model, progress: Callable[[int, int], None] | None = None) -> str:
    """What `qbnnc check` prints: the model as the compiler understood it."""
    from qbnnc.compiler import check_reachable, check_readout, choose_iterations

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
    oracle = model.oracle
    oracle_text = (
        "counter"
        if oracle.kind == "counter"
        else f"phase, precision {oracle.precision}, step {oracle.step}"
    )
    n = model.num_weights
    lines += [
        f"weights: {n} trainable ({power_of_two(n)} weight string{'s' if n else ''})",
        f"examples: {model.num_examples}",
        f"oracle: {oracle_text}",
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


def cmd_targets(argv: list[str]) -> int:
    p = _Parser(prog="qbnnc targets", description="List the targets a program can be compiled for.")
    p.parse_args(argv)
    from qbnnc.targets import describe_targets

    _print(describe_targets())
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
    _add_data_root(p)


def _print_json(data: object) -> None:
    import json

    _print(json.dumps(data, sort_keys=True, indent=2))


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
    require_stdout()
    _require_target(ns.target)
    model = _load(ns.model, ns.data_root)
    hint = _compile_budget(model, "stats")
    with Status(f"compiling {model.name}{hint}") as status:
        program = compile_model(
            model, target=ns.target, optimize=not ns.no_opt, optimize_for=ns.optimize_for
        )
        status("counting")
        table = stats(program)
    if ns.json:
        _print_json(table)
    else:
        _print(render(table, model.name))
    return EXIT_OK


def _error_budget(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number") from None
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"{text} is not between 0 and 1 (exclusive)")
    return value


def _estimate_parser() -> _Parser:
    from qbnnc.tools.estimate import DEFAULT_ERROR_BUDGET, GATE_BASED, QEC_SCHEMES, QUBIT_PARAMS

    p = _Parser(
        prog="qbnnc estimate",
        description=(
            "Estimate the physical resources of MODEL's training circuit on fault-tolerant "
            "hardware (physical qubits, runtime, code distance, T factories) with Microsoft's "
            "resource estimator (the qdk package), from the circuit's logical counts: its "
            "qubits and the ancillas of the Toffoli expansion, full Toffolis as CCZ, "
            "temporary ANDs as CCiX, the remaining T gates, rotations and measurements, "
            "counted through the structure like `qbnnc stats` (docs/estimate.md)."
        ),
    )
    _model_args(p, target=False)
    p.add_argument(
        "--qubit-params",
        default=GATE_BASED[0],
        choices=[*QUBIT_PARAMS, "all"],
        metavar="NAME",
        help=f"the estimator's qubit model: {', '.join(QUBIT_PARAMS)}, or all "
        f"(default {GATE_BASED[0]})",
    )
    p.add_argument(
        "--qec-scheme",
        choices=QEC_SCHEMES,
        metavar="S",
        help="surface_code or floquet_code (Majorana qubits only); default: the estimator's "
        "for the qubit model (Floquet on Majorana, else surface); with --qubit-params all, "
        "every supported pair",
    )
    p.add_argument(
        "--error-budget",
        type=_error_budget,
        default=DEFAULT_ERROR_BUDGET,
        metavar="E",
        help=f"total probability of failure allowed (default {DEFAULT_ERROR_BUDGET:g})",
    )
    p.add_argument("--json", action="store_true", help="print one JSON object (sorted keys)")
    return p


def cmd_estimate(argv: list[str]) -> int:
    ns = _estimate_parser().parse_args(argv)
    from qbnnc.tools.estimate import configurations, estimate, render

    try:
        configs = configurations(ns.qubit_params, ns.qec_scheme)
    except ValueError as e:
        raise UsageError(f"qbnnc estimate: error: {e}") from None
    require_stdout()
    require_modules("qbnnc estimate", "qdk")
    model = _load(ns.model, ns.data_root)
    with Status(f"compiling {model.name}") as status:
        program = compile_model(model, optimize=not ns.no_opt, optimize_for=ns.optimize_for)
        status("estimating")
        result = estimate(program, configs, ns.error_budget)
    if ns.json:
        _print_json(result.to_json())
    else:
        _print(render(result))
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
            "oracle marks it. Up to 30 qubits Aer's statevector simulates the circuit; wider "
            "ones with few weights run on qbnnc's exact sparse simulator (2^weights "
            "amplitudes); others are refused: use `qbnnc stats`."
        ),
    )
    _model_args(p)
    p.add_argument("--shots", type=_positive, default=1024, metavar="N", help="default 1024")
    p.add_argument(
        "--seed", type=_natural, default=0, metavar="S", help="sampling seed (default 0)"
    )
    p.add_argument(
        "--plot",
        metavar="FILE.png",
        help="also draw the probability of each weight string after 0..K iterations (strings "
        "that move together as one curve; marked vs unmarked totals beyond 16 strings), the "
        "chosen iteration count marked (needs matplotlib)",
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
    _add_backend(p, default=None)
    p.add_argument("--json", action="store_true", help="print one JSON object instead")
    _add_save(p, "the most frequent measured weight string that the oracle marks")
    return p


def _add_save(p: argparse.ArgumentParser, which: str) -> None:
    p.add_argument(
        "--save",
        metavar="FILE.bnn",
        help=f"also write the network at {which} as a .bnn model with every layer fixed "
        "(for `qbnnc predict`)",
    )


def _check_save(ns: argparse.Namespace) -> None:
    """Before any work: --save names a .bnn file that may be written."""
    if ns.save is None:
        return
    if Path(ns.save).suffix != ".bnn":
        raise UsageError(f"qbnnc: error: --save writes a model: name it FILE.bnn, not '{ns.save}'")
    check_output(ns.save, inputs=[ns.model], option="--save")


def _save(ns: argparse.Namespace, network, how: str) -> None:  # noqa: ANN001 - a Network
    """Write `network` as a .bnn model to --save (whole or not at all)."""
    comment = (
        f"The network {how} by qbnnc {__version__} from {Path(ns.model).name}.\n"
        "Every layer is fixed at the weights found; the data are the training examples.\n"
        "Evaluate it with `qbnnc predict THIS.bnn [DATA]`."
    )
    write_atomically(ns.save, network.bnn(comment), inputs=[ns.model])


BACKEND_HELP = (
    "aer (qbnnc's exact simulation), a target's emulator (`qbnnc targets`), "
    "quantinuum:DEVICE (H2-1, H2-1E, H2-1SC; through qnexus, logged in), pecos[:DEVICE] "
    "(Quantinuum's emulator PECOS, local, with the device's error rates), ibm:DEVICE "
    "(ibm_torino; a saved IBM Quantum account), ibm:fake_DEVICE (fake_torino, offline), "
    "ibm-emulator:DEVICE, or a pytket backend class such as AerBackend"
)


def _add_backend(p: argparse.ArgumentParser, default: str | None, required: bool = False) -> None:
    extra = f" (default: {default})" if default else ""
    p.add_argument(
        "--backend",
        default=default,
        required=required,
        metavar="NAME[:DEVICE]",
        help=f"where the circuit runs: {BACKEND_HELP}{extra}",
    )


def cmd_run(argv: list[str]) -> int:
    from qbnnc.tools.simulate import run

    ns = _run_parser().parse_args(argv)
    if ns.plot is not None and Path(ns.plot).suffix.lower() != ".png":
        raise UsageError(
            f"qbnnc run: error: --plot writes a PNG: name it FILE.png, not '{ns.plot}'"
        )
    require_stdout()
    _require_target(ns.target)
    _require_backend("qbnnc run", ns.backend, ns.target)
    if ns.plot is not None:
        require_modules("--plot", "qiskit_aer", "matplotlib")
        check_output(ns.plot, inputs=[ns.model], option="--plot")
    _check_save(ns)
    model = _load(ns.model, ns.data_root)
    hint = _compile_budget(model, "program")
    with Status(f"compiling {model.name}{hint}") as status:
        program = compile_model(
            model, target=ns.target, optimize=not ns.no_opt, optimize_for=ns.optimize_for
        )
        k = ns.plot_iterations if ns.plot_iterations is not None else max(program.iterations, 1)
        estimates = _run_estimates(
            program, k if ns.plot is not None else None, ns.backend is not None
        )
        for estimate in estimates:
            within_budget(estimate, ns.model)
        hints = [_hint(e) for e in estimates] + ["", ""]
        result = run(
            program,
            shots=ns.shots,
            seed=ns.seed,
            progress=lambda m: status(m + hints[0]),
            backend=ns.backend,
        )
        if ns.plot is not None:
            from qbnnc.tools.plot import plot

            plot(
                model,
                ns.plot,
                k,
                lambda m: status(m + hints[1]),
                inputs=[ns.model],
                chosen=program.iterations,
            )
    # The shots are shown even when --save then fails: they say why nothing was saved.
    if ns.json:
        _print_json(result.to_json())
    else:
        _print(render_run(result, ns.rows))
    if ns.save is not None:
        from qbnnc.semantics import Network

        best = next((o for o in result.outcomes if o.marked), None)
        if best is None:
            raise _at(
                ns.model,
                f"nothing to save: no shot (of {plural(ns.shots, 'shot')}) measured a weight "
                "string that the oracle marks; run more shots, or use `qbnnc train --save`",
            )
        _save(ns, Network.of(model, best.weights), f"measured most often ({best.weights})")
    return EXIT_OK


def _run_estimates(  # noqa: ANN001
    program, plot_iterations: int | None, backend: bool = False
) -> list[Estimate]:
    """The budgets of `run` (and of its --plot): the statevector's width and memory, and
    the flat operations simulated. Device targets run on their emulator: width only; a
    chosen backend has its own limits (and a device no statevector)."""
    from qbnnc.budget import estimate_plot, estimate_run, estimate_sparse_run
    from qbnnc.synthesis.circuit import flat_size
    from qbnnc.tools.simulate import check_width, choose_simulator, iteration_circuits
    from qbnnc.tools.sparse import amplitudes_log2

    if backend and plot_iterations is None:
        return []
    check_width(program)
    if program.device is not None:
        return []
    n, qubits = program.model.num_weights, program.circuit.num_qubits
    operations = flat_size(program.circuit)
    sparse = amplitudes_log2(program) if choose_simulator(program) == "sparse" else None
    out = [
        estimate_run(qubits, operations, n)
        if sparse is None
        else estimate_sparse_run(qubits, operations, n, sparse)
    ]
    if plot_iterations is not None:
        try:
            prep, step = iteration_circuits(program)
        except ValueError:  # no iteration to repeat (`iterations 0`): the plot compiles one
            from dataclasses import replace

            one = compile_model(replace(program.model, iterations=1))
            prep, step = iteration_circuits(one)
        plotted = choose_simulator(program, plot_iterations) == "sparse"
        out.append(
            estimate_plot(
                qubits,
                flat_size(prep),
                flat_size(step),
                plot_iterations,
                n,
                amplitudes_log2(program) if plotted else None,
            )
        )
    return out


def render_run(result, rows: int = 32) -> str:  # noqa: ANN001 - a simulate.RunResult
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
    p.add_argument("--seed", type=_natural, default=0, metavar="S", help="random seed (default 0)")
    p.add_argument(
        "--shots-per-round",
        type=_positive,
        default=1,
        metavar="N",
        help="measurements per circuit run (default 1, as in BBHT; each costs its iterations)",
    )
    _add_backend(p, default="aer")
    p.add_argument(
        "--budget",
        type=_positive,
        metavar="CALLS",
        help="oracle calls before giving up on improving (default: Durr-Hoyer's)",
    )
    p.add_argument("--json", action="store_true", help="print one JSON object instead")
    _add_save(p, "the best weights found")
    return p


def cmd_train(argv: list[str]) -> int:
    from qbnnc.tools.backends import is_built_in
    from qbnnc.tools.train import render, train

    ns = _train_parser().parse_args(argv)
    require_stdout()
    aer = is_built_in(ns.backend)
    _require_backend("qbnnc train", ns.backend)
    _check_save(ns)
    model = _load(ns.model, ns.data_root)
    with Status(f"training {model.name}") as status:
        within_budget(_train_estimate(model, ns, aer), ns.model)
        result = train(
            model,
            seed=ns.seed,
            shots_per_round=ns.shots_per_round,
            backend=ns.backend,
            budget=ns.budget,
            progress=status,
            optimize=not ns.no_opt,
        )
    if ns.save is not None:
        found = f"{result.correct} of {plural(result.examples, 'example')} correct"
        _save(ns, result.network, f"trained ({found})")
    if ns.json:
        _print_json(result.to_json())
    else:
        _print(render(result))
    return EXIT_OK


def _predict_parser() -> _Parser:
    p = _Parser(
        prog="qbnnc predict",
        description=(
            "Evaluate a trained network classically on a data file: MODEL's layers must all be "
            "fixed (as `qbnnc train MODEL --save FILE.bnn` writes them). DATA (default: "
            "MODEL's own examples) is read like "
            "`data from`: a .csv file with a header by the column names of MODEL's data when "
            "it names them, else by position; .npy by position; .npz as the arrays X and y. "
            "Prints the accuracy (an example is correct when every output bit "
            "equals its label bit) and the confusion table of label against prediction."
        ),
    )
    p.add_argument("model", metavar="MODEL.bnn", help="a model whose layers are all fixed")
    p.add_argument(
        "data",
        metavar="DATA",
        nargs="?",
        help="a data file: .csv, .npy or .npz (default: MODEL's own examples)",
    )
    _add_data_root(p)
    p.add_argument("--json", action="store_true", help="print one JSON object instead")
    return p


def _check_data_suffix(data: str | None) -> None:
    """Before any work: predict's DATA is a data file by its suffix (a model, a program or
    a JSON file given by mistake would otherwise be read as a CSV file)."""
    from qbnnc.diagnostics import printable
    from qbnnc.frontend.data import DATA_SUFFIXES

    if data is None or Path(data).suffix.lower() in DATA_SUFFIXES:
        return
    problem = "DATA must be a .csv, .npy or .npz file"
    if Path(data).suffix.lower() == ".bnn":
        problem = (
            f"'{printable(data)}' is a model, not a data file: DATA must be a .csv, .npy or "
            ".npz file (omit DATA to evaluate MODEL on its own examples)"
        )
    else:
        problem += f", not '{printable(data)}'"
    raise UsageError(f"qbnnc predict: error: {problem}")


def cmd_predict(argv: list[str]) -> int:
    from qbnnc.frontend.data import load_data_file
    from qbnnc.semantics import Network, evaluation

    ns = _predict_parser().parse_args(argv)
    _check_data_suffix(ns.data)
    require_stdout()
    model = _load(ns.model, ns.data_root)
    trainable = [layer for layer in model.layers if layer.trainable]
    if trainable:
        from qbnnc.diagnostics import Diagnostic

        raise CompileError(
            [
                Diagnostic.at(
                    layer.span,
                    f"layer '{layer.name}' has trainable weights, so the network cannot be "
                    "evaluated yet: train it and save it first (`qbnnc train MODEL.bnn --save "
                    "trained.bnn`), then predict with the saved model",
                    model.source,
                )
                for layer in trainable
            ]
        )
    if ns.data is None:
        examples = list(model.examples)
    else:
        # DATA is named by the user, not by a model: read where it is, and by the model's
        # column names only when it is a CSV file with a header.
        examples = load_data_file(ns.data, model.input_width, model.output_width, model.columns)
        if not examples:
            raise _at(ns.data, "the data file holds no examples")
    import numpy as np

    inputs = np.array([e.inputs for e in examples], dtype=np.uint8)
    labels = np.array([e.label for e in examples], dtype=np.uint8)
    network = Network(model)
    predicted = network.predict(inputs).reshape(len(examples), model.output_width)
    result = evaluation(predicted, labels)
    data = ns.data if ns.data is not None else f"{ns.model} (its own examples)"
    if ns.json:
        _print_json(
            {"schema": "qbnnc.predict/1", "model": model.name, "data": data, **result.to_json()}
        )
    else:
        _print(render_predict(model.name, data, result))
    return EXIT_OK


def render_predict(name: str, data: str, result) -> str:  # noqa: ANN001 - an Evaluation
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


def _train_estimate(model: Model, ns: argparse.Namespace, aer: bool) -> Estimate:
    """The budget of training, from the first circuit it would build (the one that marks
    `correct >= 1`: every threshold's circuit has the same width and about the same
    iteration); compiling it is work `train` does anyway. Simulated on Aer's statevector
    unless `aer` is False (a pytket backend: the same shots to hold and check, the
    simulation then the backend's own, wider circuits allowed)."""
    from qbnnc.budget import estimate_train
    from qbnnc.synthesis.circuit import flat_size
    from qbnnc.tools.simulate import check_width, choose_simulator, iteration_circuits
    from qbnnc.tools.sparse import amplitudes_log2
    from qbnnc.tools.train import blind_program, dh_budget, most_iterations, training_model

    trained = training_model(model)
    program = blind_program(trained, 1, 1, not ns.no_opt)
    sparse = None
    if aer:
        check_width(program)
        if choose_simulator(program, most_iterations(trained.num_weights)) == "sparse":
            sparse = amplitudes_log2(program)
    _, step = iteration_circuits(program)
    n = trained.num_weights
    return estimate_train(
        program.circuit.num_qubits,
        flat_size(step),
        n,
        trained.num_examples,
        dh_budget(n) if ns.budget is None else ns.budget,
        ns.shots_per_round,
        statevector=aer,
        sparse_log2=sparse,
    )


# --- submit, result ---------------------------------------------------------------------------


def _submit_parser() -> _Parser:
    p = _Parser(
        prog="qbnnc submit",
        description=(
            "Compile MODEL (for --target, then for the backend), submit it to --backend and "
            "print the job handle: one JSON object with the backend, the pytket result handle, "
            "the weight names and the model's path and fingerprint. `qbnnc result` reads it. "
            "A backend whose results live only in this process (aer, pecos, ibm:fake_*) runs "
            "the job now and the handle carries the measured counts; aer is the exact "
            "simulation `qbnnc run` does (no pytket extension needed)."
        ),
    )
    _model_args(p)
    _add_backend(p, default=None, required=True)
    p.add_argument("--shots", type=_positive, default=1024, metavar="N", help="default 1024")
    p.add_argument("--seed", type=_natural, metavar="S", help="the backend's seed, if it has one")
    p.add_argument(
        "-o", "--output", metavar="JOB.json", help="write the handle there (default: stdout)"
    )
    return p


def cmd_submit(argv: list[str]) -> int:
    import json

    from qbnnc.tools.jobs import submit

    ns = _submit_parser().parse_args(argv)
    if ns.output is not None:
        check_output(ns.output, inputs=[ns.model], option="-o")
    else:
        require_stdout()
    _require_target(ns.target)
    _require_backend("qbnnc submit", ns.backend, ns.target)
    model = _load(ns.model, ns.data_root)
    with Status(f"compiling {model.name}") as status:
        program = compile_model(
            model, target=ns.target, optimize=not ns.no_opt, optimize_for=ns.optimize_for
        )
        status(f"submitting to {ns.backend}")
        job = submit(program, ns.backend, ns.shots, ns.seed, ns.data_root)
    text = json.dumps(job.to_json(), sort_keys=True, indent=2) + "\n"
    if ns.output is None:
        write_stdout(text)
    else:
        write_atomically(ns.output, text, inputs=[ns.model])
    return EXIT_OK


def _result_parser() -> _Parser:
    p = _Parser(
        prog="qbnnc result",
        description=(
            "Fetch a job submitted by `qbnnc submit`, decode the measured weights and score "
            "each weight string classically (examples correct, marked or not), as `qbnnc run` "
            "prints. Exit status 75 when the job has not finished yet."
        ),
    )
    p.add_argument("job", metavar="JOB.json", help="the handle `qbnnc submit` printed (- : stdin)")
    p.add_argument(
        "--model", metavar="MODEL.bnn", help="the submitted model, if it has moved since"
    )
    _add_data_root(p)
    p.add_argument("--backend", metavar="NAME[:DEVICE]", help="fetch through this backend instead")
    p.add_argument(
        "--rows", type=_natural, default=32, metavar="N", help="table rows (default 32; 0: all)"
    )
    p.add_argument("--json", action="store_true", help="print one JSON object instead")
    return p


def cmd_result(argv: list[str]) -> int:
    from dataclasses import replace

    from qbnnc.tools.jobs import Job, JobPending, result

    ns = _result_parser().parse_args(argv)
    require_stdout()
    if ns.job == "-":
        text = sys.stdin.read()
    else:
        try:
            text = Path(ns.job).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise failure(f"cannot read the job handle '{ns.job}': {e}") from None
    job = Job.from_json(text)
    if ns.model is not None:
        job = replace(job, model=ns.model, data_root=ns.data_root)
    elif ns.data_root is not None:
        job = replace(job, data_root=ns.data_root)
    with Status(f"fetching the job from {job.backend}"):
        try:
            out = result(job, ns.backend)
        except JobPending as e:
            _print_error(f"qbnnc: {e}")
            return EXIT_PENDING
    if ns.json:
        _print_json(out.to_json())
    else:
        _print(render_run(out, ns.rows))
    return EXIT_OK


COMMANDS: dict[str, Callable[[list[str]], int]] = {
    "check": cmd_check,
    "stats": cmd_stats,
    "estimate": cmd_estimate,
    "run": cmd_run,
    "train": cmd_train,
    "predict": cmd_predict,
    "submit": cmd_submit,
    "result": cmd_result,
    "targets": cmd_targets,
}


if __name__ == "__main__":
    sys.exit(main())
