"""`qbnnc train`: search for the best weights without knowing how many exist."""

from __future__ import annotations

import argparse

from qbnnc.analysis.budget import Estimate
from qbnnc.cli.args import (
    Parser,
    add_backend,
    add_model_args,
    add_save,
    positive,
    seed,
    shots,
)
from qbnnc.cli.budget import load, within_budget
from qbnnc.cli.console import EXIT_OK, print_json, print_out
from qbnnc.cli.packages import require_backend
from qbnnc.cli.progress import Status
from qbnnc.cli.save import check_save, save_network
from qbnnc.diagnostics import plural
from qbnnc.files.output import require_stdout
from qbnnc.frontend.model import Model


def _train_parser() -> Parser:
    p = Parser(
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
    add_model_args(p, target=False)
    p.add_argument("--seed", type=seed, default=0, metavar="S", help="random seed (default 0)")
    p.add_argument(
        "--shots-per-round",
        type=shots,
        default=1,
        metavar="N",
        help="measurements per circuit run (default 1, as in BBHT; each costs its iterations)",
    )
    add_backend(p, default="aer")
    p.add_argument(
        "--budget",
        type=positive,
        metavar="CALLS",
        help="oracle calls before giving up on improving (default: Durr-Hoyer's)",
    )
    p.add_argument("--json", action="store_true", help="print one JSON object instead")
    add_save(p, "the best weights found")
    return p


def cmd_train(argv: list[str]) -> int:
    from qbnnc.execution.backends import is_built_in
    from qbnnc.execution.train import render, train

    ns = _train_parser().parse_args(argv)
    require_stdout()
    aer = is_built_in(ns.backend)
    require_backend("qbnnc train", ns.backend)
    check_save(ns)
    model = load(ns.model, ns.data_root)
    inputs = model.files_read
    check_save(ns, inputs)  # nor over the data the model read, now that it is known
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
        save_network(ns, result.network, f"trained ({found})", inputs)
    if ns.json:
        print_json(result.to_json())
    else:
        print_out(render(result))
    return EXIT_OK


def _train_estimate(model: Model, ns: argparse.Namespace, aer: bool) -> Estimate:
    """The budget of training, from the first circuit it would build (the one that marks
    `correct >= 1`: every threshold's circuit has the same width and about the same
    iteration); compiling it is work `train` does anyway. Simulated on Aer's statevector
    unless `aer` is False (a pytket backend: the same shots to hold and check, the
    simulation then the backend's own, wider circuits allowed)."""
    from qbnnc.analysis.budget import estimate_train
    from qbnnc.execution.simulate import check_width, choose_simulator, iteration_circuits
    from qbnnc.execution.sparse import amplitudes_log2
    from qbnnc.execution.train import blind_program, dh_budget, most_iterations, training_model
    from qbnnc.synthesis.circuit import flat_size

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
