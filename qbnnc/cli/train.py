"""`qbnnc train`: search for the best weights without knowing how many exist."""

from __future__ import annotations

from qbnnc.cli.args import (
    Parser,
    add_backend,
    add_model_args,
    add_save,
    minutes,
    natural,
    positive,
    seed,
    shots,
)
from qbnnc.cli.budget import load
from qbnnc.cli.console import EXIT_OK, print_json, print_out
from qbnnc.cli.packages import require_backend
from qbnnc.cli.progress import Status, bar
from qbnnc.cli.save import check_save, save_network
from qbnnc.diagnostics import plural
from qbnnc.files.output import require_stdout


def _train_parser() -> Parser:
    from qbnnc.analysis.budget import DEFAULT_SECONDS_LIMIT
    from qbnnc.execution.train import CONFIDENCE, METHODS

    p = Parser(
        prog="qbnnc train",
        description=(
            "Find weights with the most correct examples when their number is unknown: "
            "thresholds climb from a random guess (Durr-Hoyer minimum finding), each searched "
            "by Boyer-Brassard-Hoyer-Tapp's exponential search (iteration bound growing by "
            "6/5). Each round runs the circuit that marks `correct >= best seen + 1` (the "
            "model's accept and iterations are not used; the default backend draws from its "
            "exact distribution, Grover's formula over the census) and checks each measured "
            "weight string on the data. Stops when every example is classified, or when a "
            f"threshold has failed the rounds that find a string reaching it with probability "
            f"{CONFIDENCE:.1%} whatever their number, or at the budget. Where that rule alone "
            "would cost more than checking all N = 2^weights strings, they are enumerated "
            "instead. Cost is counted in oracle-call equivalents: an oracle call and a "
            "classical check each pass once over the examples."
        ),
    )
    add_model_args(p, target=False)
    p.add_argument("--seed", type=seed, default=0, metavar="S", help="random seed (default 0)")
    p.add_argument(
        "--shots-per-round",
        type=shots,
        default=1,
        metavar="N",
        help="measurements per circuit run (default 1, as in BBHT; each costs its iterations "
        "and a check)",
    )
    add_backend(p, default="aer")
    p.add_argument(
        "--method",
        choices=METHODS,
        default="auto",
        help="quantum: the search; exhaustive: check every weight string classically; auto "
        "(default): exhaustive where the search's stopping rule alone would cost more, unless "
        "--backend names where the search should run",
    )
    p.add_argument(
        "--budget",
        type=positive,
        metavar="COST",
        help="the most the search may spend, in oracle-call equivalents (default: N = "
        "2^weights, what exhaustive enumeration costs)",
    )
    p.add_argument(
        "--max-iterations",
        type=natural,
        metavar="K",
        help="at most K Grover iterations per round (caps BBHT's growth; default: sqrt(N))",
    )
    p.add_argument(
        "--max-minutes",
        type=minutes,
        default=DEFAULT_SECONDS_LIMIT / 60,
        metavar="M",
        help="refuse, before starting, training estimated to take longer (default "
        f"{DEFAULT_SECONDS_LIMIT / 60:.0f})",
    )
    p.add_argument("--rounds", action="store_true", help="list every round in the report")
    p.add_argument("--json", action="store_true", help="print one JSON object instead")
    add_save(p, "the best weights found")
    return p


def cmd_train(argv: list[str]) -> int:
    from qbnnc.execution.backends import is_built_in
    from qbnnc.execution.train import render, train

    ns = _train_parser().parse_args(argv)
    require_stdout()
    if not is_built_in(ns.backend):  # the built-in sampler needs no simulator
        require_backend("qbnnc train", ns.backend)
    check_save(ns)
    model = load(ns.model, ns.data_root)
    inputs = model.files_read
    check_save(ns, inputs)  # nor over the data the model read, now that it is known
    with Status(f"training {model.name}") as status:
        result = train(
            model,
            seed=ns.seed,
            shots_per_round=ns.shots_per_round,
            backend=ns.backend,
            budget=ns.budget,
            progress=bar(status),
            optimize=not ns.no_opt,
            method=ns.method,
            max_iterations=ns.max_iterations,
            max_minutes=ns.max_minutes,
        )
    if ns.save is not None:
        found = f"{result.correct} of {plural(result.examples, 'example')} correct"
        save_network(ns, result.network, f"trained ({found})", inputs)
    if ns.json:
        print_json(result.to_json())
    else:
        print_out(render(result, rounds=ns.rounds))
    return EXIT_OK
