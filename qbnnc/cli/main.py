"""The `qbnnc` command line: the entry point, its exit statuses and the dispatch to each
command's module."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence

from qbnnc.cli.analyse import cmd_estimate, cmd_stats
from qbnnc.cli.args import UsageError
from qbnnc.cli.compile import cmd_check, cmd_compile, cmd_targets
from qbnnc.cli.console import EXIT_ERROR, EXIT_INTERNAL, EXIT_OK, EXIT_USAGE, print_error
from qbnnc.cli.jobs import cmd_result, cmd_submit
from qbnnc.cli.packages import missing_package, pip_name
from qbnnc.cli.predict import cmd_predict
from qbnnc.cli.run import cmd_run
from qbnnc.cli.train import cmd_train
from qbnnc.diagnostics import CompileError
from qbnnc.files.output import Terminated, discard_stdout, guard_standard_streams, write_stdout
from qbnnc.version import __version__

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


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    guard_standard_streams()
    try:
        return _dispatch(args)
    except UsageError as e:
        print_error(str(e))
        return EXIT_USAGE
    except CompileError as e:
        print_error(e.render())
        return EXIT_ERROR
    except KeyboardInterrupt:
        print_error("qbnnc: interrupted")
        return 130
    except Terminated as e:
        print_error(f"qbnnc: terminated ({e})")
        return 128 + e.signum
    except BrokenPipeError:  # the reader went away (`| head`): not an error
        discard_stdout()
        return EXIT_OK
    except MemoryError:
        print_error(
            "qbnnc: error: out of memory: the job needs more memory than this machine (or "
            "`ulimit -v`) allows; use a smaller model, fewer iterations or fewer shots"
        )
        return EXIT_ERROR
    except ModuleNotFoundError as e:
        pip = pip_name(e.name)
        if pip is None:
            return _internal(e)
        print_error(f"qbnnc: error: {missing_package(pip)}")
        return EXIT_ERROR
    except Exception as e:  # the last line of defence against tracebacks
        return _internal(e)


def _internal(e: BaseException) -> int:
    print_error(
        f"qbnnc: internal error: {type(e).__name__}: {e} "
        f"(a bug in qbnnc {__version__}: please report it with the model that caused it)"
    )
    return EXIT_INTERNAL


def _dispatch(args: list[str]) -> int:
    if not args:
        print_error(MAIN_HELP.rstrip("\n"))
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
