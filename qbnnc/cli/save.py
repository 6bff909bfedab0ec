"""`--save FILE.bnn` of `run` and `train`: the network found, written as a fully fixed model."""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from qbnnc.cli.args import UsageError
from qbnnc.files.inputs import FileId
from qbnnc.files.output import check_output, write_atomically
from qbnnc.version import __version__

if TYPE_CHECKING:
    from qbnnc.reference.network import Network

Inputs = Sequence[str | os.PathLike[str] | FileId]


def check_save(ns: argparse.Namespace, inputs: Inputs | None = None) -> None:
    """Before any work: --save names a .bnn file that may be written, over none of `inputs`
    (default: the model; once it is loaded, its data file too)."""
    if ns.save is None:
        return
    if Path(ns.save).suffix != ".bnn":
        raise UsageError(f"qbnnc: error: --save writes a model: name it FILE.bnn, not '{ns.save}'")
    check_output(ns.save, inputs=[ns.model] if inputs is None else inputs, option="--save")


def save_network(ns: argparse.Namespace, network: Network, how: str, inputs: Inputs) -> None:
    """Write `network` as a .bnn model to --save (whole or not at all), over none of
    `inputs`."""
    comment = (
        f"The network {how} by qbnnc {__version__} from {Path(ns.model).name}.\n"
        "Every layer is fixed at the weights found; the data are the training examples.\n"
        "Evaluate it with `qbnnc predict THIS.bnn [DATA]`."
    )
    write_atomically(ns.save, network.bnn(comment), inputs=inputs)
