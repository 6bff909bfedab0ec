"""`qbnnc stats` and `qbnnc estimate`: what the circuit costs, logically and physically."""

from __future__ import annotations

from qbnnc.cli.args import Parser, UsageError, add_model_args, error_budget
from qbnnc.cli.budget import compile_budget, load
from qbnnc.cli.console import EXIT_OK, print_json, print_out
from qbnnc.cli.packages import require_modules, require_target
from qbnnc.cli.progress import Status
from qbnnc.files.output import require_stdout
from qbnnc.pipeline.compiler import compile_model


def _stats_parser() -> Parser:
    p = Parser(
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
    add_model_args(p)
    p.add_argument("--json", action="store_true", help="print one JSON object (sorted keys)")
    return p


def cmd_stats(argv: list[str]) -> int:
    from qbnnc.analysis.stats import render

    ns = _stats_parser().parse_args(argv)
    require_stdout()
    require_target(ns.target)
    model = load(ns.model, ns.data_root)
    hint = compile_budget(model, "stats")
    with Status(f"compiling {model.name}{hint}") as status:
        program = compile_model(
            model, target=ns.target, optimize=not ns.no_opt, optimize_for=ns.optimize_for
        )
        status("counting")
        table = program.stats()
    if ns.json:
        print_json(table)
    else:
        print_out(render(table, model.name))
    return EXIT_OK


def _estimate_parser() -> Parser:
    from qbnnc.analysis.estimate import DEFAULT_ERROR_BUDGET, GATE_BASED, QEC_SCHEMES, QUBIT_PARAMS

    p = Parser(
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
    add_model_args(p, target=False)
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
        type=error_budget,
        default=DEFAULT_ERROR_BUDGET,
        metavar="E",
        help=f"total probability of failure allowed (default {DEFAULT_ERROR_BUDGET:g})",
    )
    p.add_argument("--json", action="store_true", help="print one JSON object (sorted keys)")
    return p


def cmd_estimate(argv: list[str]) -> int:
    ns = _estimate_parser().parse_args(argv)
    from qbnnc.analysis.estimate import configurations, estimate, render

    try:
        configs = configurations(ns.qubit_params, ns.qec_scheme)
    except ValueError as e:
        raise UsageError(f"qbnnc estimate: error: {e}") from None
    require_stdout()
    require_modules("qbnnc estimate", "qdk")
    model = load(ns.model, ns.data_root)
    with Status(f"compiling {model.name}") as status:
        program = compile_model(model, optimize=not ns.no_opt, optimize_for=ns.optimize_for)
        status("estimating")
        result = estimate(program.training, configs, ns.error_budget)
    if ns.json:
        print_json(result.to_json())
    else:
        print_out(render(result))
    return EXIT_OK
