"""`qbnnc run`: compile, simulate (or run on a backend) and show what the circuit measures."""

from __future__ import annotations

from pathlib import Path

from qbnnc.analysis.budget import Estimate
from qbnnc.cli.args import (
    Parser,
    UsageError,
    add_backend,
    add_model_args,
    add_save,
    natural,
    positive,
)
from qbnnc.cli.budget import compile_budget, estimate_hint, file_error, load, within_budget
from qbnnc.cli.console import EXIT_OK, print_json, print_out
from qbnnc.cli.packages import require_backend, require_modules, require_target
from qbnnc.cli.progress import Status
from qbnnc.cli.render import render_run
from qbnnc.cli.save import check_save, save_network
from qbnnc.diagnostics import plural
from qbnnc.files.output import check_output, require_stdout
from qbnnc.pipeline.compiler import compile_model


def _run_parser() -> Parser:
    p = Parser(
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
    add_model_args(p)
    p.add_argument("--shots", type=positive, default=1024, metavar="N", help="default 1024")
    p.add_argument("--seed", type=natural, default=0, metavar="S", help="sampling seed (default 0)")
    p.add_argument(
        "--plot",
        metavar="FILE.png",
        help="also draw the probability of each weight string after 0..K iterations (strings "
        "that move together as one curve; marked vs unmarked totals beyond 16 strings), the "
        "chosen iteration count marked (needs matplotlib)",
    )
    p.add_argument(
        "--plot-iterations",
        type=natural,
        metavar="K",
        help="the K of --plot (default: the model's iterations, at least 1)",
    )
    p.add_argument(
        "--rows", type=natural, default=32, metavar="N", help="table rows (default 32; 0: all)"
    )
    add_backend(p, default=None)
    p.add_argument("--json", action="store_true", help="print one JSON object instead")
    add_save(p, "the most frequent measured weight string that the oracle marks")
    return p


def cmd_run(argv: list[str]) -> int:
    from qbnnc.execution.simulate import run

    ns = _run_parser().parse_args(argv)
    if ns.plot is not None and Path(ns.plot).suffix.lower() != ".png":
        raise UsageError(
            f"qbnnc run: error: --plot writes a PNG: name it FILE.png, not '{ns.plot}'"
        )
    require_stdout()
    require_target(ns.target)
    require_backend("qbnnc run", ns.backend, ns.target)
    if ns.plot is not None:
        require_modules("--plot", "qiskit_aer", "matplotlib")
        check_output(ns.plot, inputs=[ns.model], option="--plot")
    check_save(ns)
    model = load(ns.model, ns.data_root)
    hint = compile_budget(model, "program")
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
        hints = [estimate_hint(e) for e in estimates] + ["", ""]
        result = run(
            program,
            shots=ns.shots,
            seed=ns.seed,
            progress=lambda m: status(m + hints[0]),
            backend=ns.backend,
        )
        if ns.plot is not None:
            from qbnnc.execution.plot import plot

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
        print_json(result.to_json())
    else:
        print_out(render_run(result, ns.rows))
    if ns.save is not None:
        from qbnnc.reference.network import Network

        best = next((o for o in result.outcomes if o.marked), None)
        if best is None:
            raise file_error(
                ns.model,
                f"nothing to save: no shot (of {plural(ns.shots, 'shot')}) measured a weight "
                "string that the oracle marks; run more shots, or use `qbnnc train --save`",
            )
        save_network(ns, Network.of(model, best.weights), f"measured most often ({best.weights})")
    return EXIT_OK


def _run_estimates(program, plot_iterations: int | None, backend: bool = False) -> list[Estimate]:
    """The budgets of `run` (and of its --plot): the statevector's width and memory, and
    the flat operations simulated. Device targets run on their emulator: width only; a
    chosen backend has its own limits (and a device no statevector)."""
    from qbnnc.analysis.budget import estimate_plot, estimate_run, estimate_sparse_run
    from qbnnc.execution.simulate import check_width, choose_simulator, iteration_circuits
    from qbnnc.execution.sparse import amplitudes_log2
    from qbnnc.synthesis.circuit import flat_size

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
