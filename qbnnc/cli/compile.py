"""`qbnnc MODEL.bnn` (compile), `qbnnc check` and `qbnnc targets`."""

from __future__ import annotations

from pathlib import Path

from qbnnc.cli.args import Parser, UsageError, add_data_root, add_optimize_for
from qbnnc.cli.budget import compile_budget, estimate_hint, load, within_budget
from qbnnc.cli.console import EXIT_OK, print_out
from qbnnc.cli.packages import require_modules, require_target
from qbnnc.cli.progress import Status, counting
from qbnnc.cli.render import summary
from qbnnc.files.output import check_output, require_stdout, write_atomically, write_stdout
from qbnnc.pipeline.compiler import compile_model
from qbnnc.version import __version__


def _compile_parser() -> Parser:
    p = Parser(
        prog="qbnnc",
        description="Compile MODEL.bnn into its quantum training circuit.",
        epilog="Without -o the program is written to MODEL.qasm beside the model.",
    )
    p.add_argument("model", metavar="MODEL.bnn", help="the model to compile")
    p.add_argument(
        "-o",
        "--output",
        metavar="OUT",
        help="where to write: .qasm (OpenQASM 3), .json (pytket Circuit.to_dict()), .ll or .bc "
        "(QIR text or bitcode, through pytket-qir), - (stdout)",
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
    add_optimize_for(p)
    add_data_root(p)
    p.add_argument("--version", action="version", version=f"qbnnc {__version__}")
    return p


def cmd_compile(argv: list[str]) -> int:
    ns = _compile_parser().parse_args(argv)
    out = ns.output or str(Path(ns.model).with_suffix(".qasm"))
    suffix = Path(out).suffix
    # Everything that can be known before compiling is checked first: the output's format
    # and place (never over the model itself), the target, the packages.
    if out == "-":
        require_stdout()
    elif suffix in (".qasm", ".json", ".ll", ".bc"):
        check_output(out, inputs=[ns.model], option="-o")
    else:
        raise UsageError(
            f"qbnnc: error: cannot tell the format of '{out}': "
            "use a .qasm, .json, .ll or .bc file, or - for stdout"
        )
    qir = suffix in (".ll", ".bc")
    require_target(ns.target, pytket=suffix == ".json" or qir)
    if qir:
        require_modules("QIR output (.ll, .bc)", "pytket.qir", "pyqir")
    model = load(ns.model, ns.data_root)
    hint = compile_budget(model, "program" if ns.flat or suffix == ".json" else "qasm")
    with Status(f"compiling {model.name}{hint}", delay=2.0) as status:
        program = compile_model(
            model,
            target=ns.target,
            optimize=not ns.no_opt,
            optimize_for=ns.optimize_for,
            progress=counting(status),
        )
        text: str | bytes
        if qir:
            _flat_output(program, status, pytket=True, build=False)
            text = program.qir(binary=suffix == ".bc")
        elif suffix == ".json":
            text = _flat_output(program, status, pytket=True)
        elif ns.flat:
            text = _flat_output(program, status, pytket=False)
        else:
            text = program.qasm3()
    if out == "-":
        write_stdout(text)
    else:
        write_atomically(out, text, inputs=[ns.model])
    return EXIT_OK


def _flat_output(program, status: Status, pytket: bool, build: bool = True) -> str:
    """The flat OpenQASM 3 or the pytket JSON, after checking its budget (only the check
    when not `build`)."""
    from qbnnc.analysis.budget import estimate_flat
    from qbnnc.synthesis.circuit import flat_size

    if program.device is None:
        if pytket:
            program.require_flat_fits("a pytket circuit (pytket has no loops)")
        else:
            program.require_flat_fits("--flat OpenQASM 3")
        estimate = within_budget(estimate_flat(flat_size(program.circuit), pytket), None)
        status(estimate.task + estimate_hint(estimate))
    if not build:
        return ""
    if pytket:
        from qbnnc.targets.pytket_circuit import to_json

        return to_json(program.pytket())
    return program.qasm3(flat=True)


def _check_parser() -> Parser:
    p = Parser(prog="qbnnc check", description="Parse and check MODEL.bnn; print a summary.")
    p.add_argument("model", metavar="MODEL.bnn")
    add_data_root(p)
    return p


def cmd_check(argv: list[str]) -> int:
    ns = _check_parser().parse_args(argv)
    require_stdout()
    model = load(ns.model, ns.data_root)
    hint = compile_budget(model, None)
    with Status(f"checking {model.name}{hint}", delay=2.0) as status:
        text = summary(model, counting(status))
    print_out(text)
    return EXIT_OK


def cmd_targets(argv: list[str]) -> int:
    p = Parser(prog="qbnnc targets", description="List the targets a program can be compiled for.")
    p.parse_args(argv)
    from qbnnc.targets import describe_targets

    print_out(describe_targets())
    return EXIT_OK
