"""`qbnnc submit` and `qbnnc result`: a job sent to a backend and fetched later."""

from __future__ import annotations

import sys
from pathlib import Path

from qbnnc.cli.args import (
    Parser,
    UsageError,
    add_backend,
    add_data_root,
    add_model_args,
    natural,
    seed,
    shots,
)
from qbnnc.cli.budget import load
from qbnnc.cli.console import EXIT_OK, EXIT_PENDING, print_error, print_json, print_out
from qbnnc.cli.packages import require_backend, require_target
from qbnnc.cli.progress import Status
from qbnnc.cli.render import render_run
from qbnnc.diagnostics import printable
from qbnnc.files.output import check_output, failure, require_stdout, write_atomically, write_stdout
from qbnnc.pipeline.compiler import compile_model


def _submit_parser() -> Parser:
    p = Parser(
        prog="qbnnc submit",
        description=(
            "Compile MODEL (for --target, then for the backend), submit it to --backend and "
            "print the job handle: one JSON object with the backend, the pytket result handle, "
            "the weight names and the model's path and fingerprint. `qbnnc result` reads it. "
            "A backend whose results live only in this process (aer, pecos, ibm:fake_*) runs "
            "the job now and the handle carries the measured counts; aer is the exact "
            "simulation `qbnnc run` does (no pytket extension needed)."
        ),
    )
    add_model_args(p)
    add_backend(p, default=None, required=True)
    p.add_argument(
        "--shots", type=shots, default=1024, metavar="N", help="default 1024 (at most 10^9)"
    )
    p.add_argument("--seed", type=seed, metavar="S", help="the backend's seed, if it has one")
    p.add_argument(
        "-o", "--output", metavar="JOB.json", help="write the handle there (default: stdout)"
    )
    return p


def cmd_submit(argv: list[str]) -> int:
    import json

    from qbnnc.execution.jobs import submit

    ns = _submit_parser().parse_args(argv)
    if ns.output is not None:
        if Path(ns.output).suffix != ".json":
            raise UsageError(
                "qbnnc submit: error: -o writes the job handle, a JSON file: name it JOB.json, "
                f"not '{printable(ns.output)}'"
            )
        check_output(ns.output, inputs=[ns.model], option="-o")
    else:
        require_stdout()
    require_target(ns.target)
    require_backend("qbnnc submit", ns.backend, ns.target)
    model = load(ns.model, ns.data_root)
    inputs = model.files_read
    if ns.output is not None:  # nor over the data the model read, now that it is known
        check_output(ns.output, inputs=inputs, option="-o")
    with Status(f"compiling {model.name}") as status:
        program = compile_model(
            model, target=ns.target, optimize=not ns.no_opt, optimize_for=ns.optimize_for
        )
        status(f"submitting to {ns.backend}")
        job = submit(program, ns.backend, ns.shots, ns.seed)
    text = json.dumps(job.to_json(), sort_keys=True, indent=2) + "\n"
    if ns.output is None:
        write_stdout(text)
    else:
        write_atomically(ns.output, text, inputs=inputs)
    return EXIT_OK


def _result_parser() -> Parser:
    p = Parser(
        prog="qbnnc result",
        description=(
            "Fetch a job submitted by `qbnnc submit`, decode the measured weights and score "
            "each weight string classically (examples correct, marked or not), as `qbnnc run` "
            "prints. Exit status 75 when the job has not finished yet."
        ),
    )
    p.add_argument("job", metavar="JOB.json", help="the handle `qbnnc submit` printed (- : stdin)")
    p.add_argument(
        "--model", metavar="MODEL.bnn", help="the submitted model, if it has moved since"
    )
    add_data_root(p)
    p.add_argument("--backend", metavar="NAME[:DEVICE]", help="fetch through this backend instead")
    p.add_argument(
        "--rows", type=natural, default=32, metavar="N", help="table rows (default 32; 0: all)"
    )
    p.add_argument("--json", action="store_true", help="print one JSON object instead")
    return p


def cmd_result(argv: list[str]) -> int:
    from qbnnc.execution.jobs import JobPending, job_of_bytes, read_job, result

    ns = _result_parser().parse_args(argv)
    require_stdout()
    job = job_of_bytes(_read_stdin()) if ns.job == "-" else read_job(ns.job)
    # The user names --model, so it is read as any model is; the handle's own is not trusted.
    model = None if ns.model is None else load(ns.model, ns.data_root)
    with Status(f"fetching the job from {printable(job.backend)}"):
        try:
            out = result(job, ns.backend, model, ns.data_root)
        except JobPending as e:
            print_error(f"qbnnc: {e}")
            return EXIT_PENDING
    if ns.json:
        print_json(out.to_json())
    else:
        print_out(render_run(out, ns.rows))
    return EXIT_OK


def _read_stdin() -> bytes:
    """The handle on standard input, at most one byte over the limit (`job_of_bytes` refuses
    more)."""
    from qbnnc.execution.jobs import MAX_JOB_BYTES

    if sys.stdin is None:
        raise failure("cannot read the job handle from standard input: it is closed")
    try:
        return sys.stdin.buffer.read(MAX_JOB_BYTES + 1)
    except (OSError, ValueError) as e:
        raise failure(f"cannot read the job handle from standard input: {e}") from None
