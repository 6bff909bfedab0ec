"""`qbnnc predict`: evaluate a trained (fully fixed) network on a data file."""

from __future__ import annotations

from pathlib import Path

from qbnnc.cli.args import Parser, UsageError, add_data_root
from qbnnc.cli.budget import file_error, load
from qbnnc.cli.console import EXIT_OK, print_json, print_out
from qbnnc.cli.render import render_predict
from qbnnc.diagnostics import CompileError
from qbnnc.files.output import require_stdout


def _predict_parser() -> Parser:
    p = Parser(
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
    add_data_root(p)
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
    from qbnnc.reference.network import Network, evaluation

    ns = _predict_parser().parse_args(argv)
    _check_data_suffix(ns.data)
    require_stdout()
    model = load(ns.model, ns.data_root)
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
            raise file_error(ns.data, "the data file holds no examples")
    import numpy as np

    inputs = np.array([e.inputs for e in examples], dtype=np.uint8)
    labels = np.array([e.label for e in examples], dtype=np.uint8)
    network = Network(model)
    predicted = network.predict(inputs).reshape(len(examples), model.output_width)
    result = evaluation(predicted, labels)
    data = ns.data if ns.data is not None else f"{ns.model} (its own examples)"
    if ns.json:
        print_json(
            {"schema": "qbnnc.predict/1", "model": model.name, "data": data, **result.to_json()}
        )
    else:
        print_out(render_predict(model.name, data, result))
    return EXIT_OK
