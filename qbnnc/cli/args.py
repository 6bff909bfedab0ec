"""The command line's argument parsing: a parser that raises usage errors, the value types and
the options that several commands share."""

from __future__ import annotations

import argparse
import sys

from qbnnc.cli.console import print_error
from qbnnc.files.output import write_stdout


class UsageError(Exception):
    pass


class Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so usage errors get our exit status."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: error: {message}\n{self.format_usage().rstrip()}")

    def _print_message(self, message: str, file=None) -> None:
        """--help and --version: a closed or full standard output is an error, not silence."""
        if not message:
            return
        if file is None or file is sys.stdout:
            write_stdout(message)
        else:
            print_error(message.rstrip("\n"))


def add_optimize_for(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--optimize-for",
        choices=("qubits", "gates"),
        default="qubits",
        help="qubits (default): the oracle plan with the fewest qubits; gates: the one with "
        "the fewest Toffoli-equivalents, at the cost of more qubits",
    )


def add_data_root(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--data-root",
        metavar="DIR",
        help="the folder `data from` may read inside (default: the model's folder)",
    )


def add_model_args(p: Parser, target: bool = True) -> None:
    p.add_argument("model", metavar="MODEL.bnn", help="the model (network, data, train settings)")
    if target:
        p.add_argument(
            "--target",
            default="generic",
            metavar="NAME",
            help="compile for this target first (default: generic; `qbnnc targets` lists them)",
        )
    p.add_argument("--no-opt", action="store_true", help="skip the dataflow optimisation passes")
    add_optimize_for(p)
    add_data_root(p)


def whole(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None


def positive(text: str) -> int:
    if (value := whole(text)) < 1:
        raise argparse.ArgumentTypeError(f"{value} is not at least 1")
    return value


def shots(text: str) -> int:
    """A number of shots: 1 to `MAX_SHOTS`."""
    from qbnnc.execution.simulate import MAX_SHOTS

    if (value := positive(text)) > MAX_SHOTS:
        raise argparse.ArgumentTypeError(f"{value} is more than {MAX_SHOTS} (10^9)")
    return value


def seed(text: str) -> int:
    """A seed: 0 to `MAX_SEED`."""
    from qbnnc.execution.simulate import MAX_SEED

    if (value := natural(text)) > MAX_SEED:
        raise argparse.ArgumentTypeError(f"{value} is more than {MAX_SEED} (2^32 - 1)")
    return value


def natural(text: str) -> int:
    if (value := whole(text)) < 0:
        raise argparse.ArgumentTypeError(f"{value} is negative")
    return value


def minutes(text: str) -> float:
    """A positive, finite number of minutes (`--max-minutes`)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of minutes") from None
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"{text} is not a positive number of minutes")
    return value


def error_budget(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number") from None
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"{text} is not between 0 and 1 (exclusive)")
    return value


BACKEND_HELP = (
    "aer (qbnnc's exact simulation), a target's emulator (`qbnnc targets`), "
    "quantinuum:DEVICE (H2-1, H2-1E, H2-1SC; through qnexus, logged in), pecos[:DEVICE] "
    "(Quantinuum's emulator PECOS, local, with the device's error rates), ibm:DEVICE "
    "(ibm_torino; a saved IBM Quantum account), ibm:fake_DEVICE (fake_torino, offline), "
    "ibm-emulator:DEVICE, or a pytket backend class such as AerBackend"
)


def add_backend(p: argparse.ArgumentParser, default: str | None, required: bool = False) -> None:
    extra = f" (default: {default})" if default else ""
    p.add_argument(
        "--backend",
        default=default,
        required=required,
        metavar="NAME[:DEVICE]",
        help=f"where the circuit runs: {BACKEND_HELP}{extra}",
    )


def add_save(p: argparse.ArgumentParser, which: str) -> None:
    p.add_argument(
        "--save",
        metavar="FILE.bnn",
        help=f"also write the network at {which} as a .bnn model with every layer fixed "
        "(for `qbnnc predict`)",
    )
