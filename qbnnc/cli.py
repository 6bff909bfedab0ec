"""The `qbnnc` command line: compile, check, stats, run, train, targets."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from qbnnc import __version__
from qbnnc.compiler import compile_model, count_marked, load_model, read_source
from qbnnc.diagnostics import CompileError
from qbnnc.model import Model

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 70
SUBCOMMANDS = ("check", "stats", "run", "train", "targets")

MAIN_HELP = """\
Compile a binary neural network and its training set (.bnn) into the quantum circuit
that trains it by Grover search over the weights.

usage:
  qbnnc MODEL.bnn [-o OUT] [--target NAME] [--flat]   compile (OUT: .qasm, .json, or - for stdout)
  qbnnc check MODEL.bnn                              parse and check; print a summary
  qbnnc stats MODEL.bnn [--json] [--target NAME]     resource counts, without writing a circuit
  qbnnc run MODEL.bnn [--shots N] [--seed S]         simulate locally, show what it measures
  qbnnc train MODEL.bnn [--seed S]                   find the best weights (number unknown)
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
    program = compile_model(model, target=ns.target, optimize=not ns.no_opt)
    out = ns.output or str(Path(ns.model).with_suffix(".qasm"))
    if out == "-":
        sys.stdout.write(program.qasm3(flat=ns.flat))
        return EXIT_OK
    suffix = Path(out).suffix
    if suffix == ".qasm":
        text = program.qasm3(flat=ns.flat)
    elif suffix == ".json":
        import json

        text = json.dumps(program.pytket().to_dict(), sort_keys=True) + "\n"
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
    print(summary(model))
    return EXIT_OK


def summary(model: Model) -> str:
    """What `qbnnc check` prints: the model as the compiler understood it."""
    from qbnnc.compiler import check_reachable, choose_iterations

    tally = count_marked(model)
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


def _not_yet(name: str) -> Callable[[list[str]], int]:
    def run(argv: list[str]) -> int:
        p = _Parser(prog=f"qbnnc {name}", description=f"qbnnc {name} (not implemented yet).")
        p.add_argument("model", metavar="MODEL.bnn")
        ns, _ = p.parse_known_args(argv)
        _load(ns.model)
        raise CompileError.single(None, f"`qbnnc {name}` is not implemented yet")

    return run


COMMANDS: dict[str, Callable[[list[str]], int]] = {
    "check": cmd_check,
    "stats": _not_yet("stats"),
    "run": _not_yet("run"),
    "train": _not_yet("train"),
    "targets": cmd_targets,
}


if __name__ == "__main__":
    sys.exit(main())
