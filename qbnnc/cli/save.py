"""`--save FILE.bnn` of `run` and `train`: the network found, written as a fully fixed model."""

from __future__ import annotations

import argparse
from pathlib import Path

from qbnnc.cli.args import UsageError
from qbnnc.files.output import check_output, write_atomically
from qbnnc.version import __version__


def check_save(ns: argparse.Namespace) -> None:
    """Before any work: --save names a .bnn file that may be written."""
    if ns.save is None:
        return
    if Path(ns.save).suffix != ".bnn":
        raise UsageError(f"qbnnc: error: --save writes a model: name it FILE.bnn, not '{ns.save}'")
    check_output(ns.save, inputs=[ns.model], option="--save")


def save_network(ns: argparse.Namespace, network, how: str) -> None:  # a Network
    """Write `network` as a .bnn model to --save (whole or not at all)."""
    comment = (
        f"The network {how} by qbnnc {__version__} from {Path(ns.model).name}.\n"
        "Every layer is fixed at the weights found; the data are the training examples.\n"
        "Evaluate it with `qbnnc predict THIS.bnn [DATA]`."
    )
    write_atomically(ns.save, network.bnn(comment), inputs=[ns.model])
