"""Submitting a training circuit to a backend now, decoding its result later.

`submit(program, backend, shots)` compiles the program's pytket circuit for the backend
(a device target's circuit as it is, optimisation level 0: compile with `--target` for the
device's best circuit; any other at the backend's level 1, as `train` does), submits it
and returns a `Job`: what a later process needs to fetch and decode the result, as one
JSON object (`Job.to_json()`). qbnnc's own simulation (`aer`, needing no pytket extension)
runs the program as `run` does, at once:

- `backend`: the backend's name (`quantinuum:H2-1E`, `ibm:ibm_torino`), to resolve it again;
- `handle`: the pytket `ResultHandle`, as `str(handle)` (`ResultHandle.from_str` reads it);
  None for `aer`, which has no pytket handle;
- `weights`: the weight names in canonical order (bit i of register `weights` is weight i);
- `model`, `model_sha256`: where the model was and a fingerprint of what scoring depends
  on (network, data, accept), checked when the result is decoded;
- `target`, `shots`, `iterations`, `marked`, `success_probability`: for the report;
- `counts`: for a backend whose results live only in the submitting process (`aer`, or a
  pytket backend whose `persistent_handles` is False: AerBackend, PECOS), the measured
  weight strings themselves, fetched at once.

`result(job)` fetches the counts (`backend.circuit_status`, then `get_result`), reloads the
model, checks its fingerprint and scores every measured weight string classically, as `run`
does. A job not finished yet raises `JobPending` with the backend's status.

A handle is untrusted input: anyone may hand one over. `Job` checks every field against the
schema (types, ranges, count keys of the weight width, non-negative whole counts) and
`read_job` reads at most `MAX_JOB_BYTES` of a regular file; no message quotes what a
handle holds, only which key is wrong and what it should be. The handle never widens where
`data from` may read (only the caller's `data_root` does), and the model it names is read
only if it is a `.bnn` file, and quoted only if it parses as one
(`frontend.source.load_named_model`).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
from collections import Counter
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from qbnnc.diagnostics import CompileError, Diagnostic, plural, printable
from qbnnc.execution.backends import describe, is_built_in, resolve
from qbnnc.execution.simulate import (
    MAX_SHOTS,
    RunResult,
    check_seed,
    check_shots,
    measuring_nothing_expected,
    run,
    tabulate,
    weight_counts,
)
from qbnnc.files.inputs import Reason, Unreadable, read_regular
from qbnnc.frontend.check import MAX_ITERATIONS
from qbnnc.frontend.model import Model
from qbnnc.frontend.source import load_named_model
from qbnnc.reference.evaluate import weight_index, weight_string
from qbnnc.targets import TARGETS

if TYPE_CHECKING:
    from pytket.backends import Backend, CircuitStatus

    from qbnnc.pipeline.program import Program

FORMAT = "qbnnc-job/1"


class JobPending(Exception):
    """The job has not finished: `status` is the backend's CircuitStatus."""

    def __init__(self, job: Job, status: CircuitStatus) -> None:
        message = f": {status.message}" if status.message else ""
        super().__init__(
            f"job {job.handle} on {job.backend} is {status.status.name}{printable(message)}; "
            "ask again later"
        )
        self.status = status


def fingerprint(model: Model) -> str:
    """sha256 of what decoding depends on: the network, the data and `accept`."""
    data = {
        "encoding": model.encoding,
        "layers": [
            [layer.name, layer.width, layer.threshold, layer.fixed, list(layer.line_names)]
            for layer in model.layers
        ],
        "examples": [[list(e.inputs), list(e.label)] for e in model.examples],
        "accept": model.accept.min_correct,
    }
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


# The largest handle read: its counts hold at most one entry per shot (about 40 bytes each).
MAX_JOB_BYTES = 64 * 1024 * 1024
# A pytket ResultHandle as text is a tuple of a few ids; longer is no handle.
MAX_HANDLE_CHARS = 4096
MAX_NAME_CHARS = 1000  # a backend's or a weight's name
_SHA256 = re.compile(r"[0-9a-f]{64}")
_BITS = re.compile(r"[01]*")
# Handles before the schema also held `data_root`: read, and never used (see the module doc).
_IGNORED = ("data_root",)


@dataclass(frozen=True)
class Job:
    """A submitted job (see the module docstring). Every field is checked when a `Job` is
    made: TypeError for a wrong type, ValueError for a value out of range."""

    backend: str
    handle: str | None  # None: qbnnc's own simulation, whose counts the job carries
    weights: tuple[str, ...]
    model: str | None
    model_sha256: str
    target: str
    shots: int
    iterations: int
    marked: int | None
    success_probability: float | None
    counts: dict[str, int] | None = None  # canonical weight strings, when fetched at once

    def __post_init__(self) -> None:
        _check_job(self)

    def to_json(self) -> dict[str, Any]:
        return {"format": FORMAT, **asdict(self), "weights": list(self.weights)}

    @classmethod
    def from_json(cls, data: object) -> Job:
        """A job from its JSON object (or its text); CompileError if it is not one, which
        names the key and what it should hold, never what the handle holds."""
        try:
            if isinstance(data, str | bytes | bytearray):
                data = _parse(data)
            if not isinstance(data, dict):
                raise TypeError(f"it holds {_kind(data)}, not a JSON object")
            if data.get("format") != FORMAT:
                raise ValueError(f'it has no "format": "{FORMAT}"')
            known = {"format", *_IGNORED, *JOB_KEYS}
            unknown = [key for key in data if key not in known]
            if unknown:  # not named: a key is the file's content too
                raise ValueError(f"it has {plural(len(unknown), 'key')} that a job has not")
            missing = [key for key in JOB_KEYS if key not in data]
            if missing:
                raise ValueError(f"it has no {', '.join(repr(k) for k in missing)}")
            fields = {key: data[key] for key in JOB_KEYS}
            if not isinstance(fields["weights"], list):
                raise TypeError(
                    f'"weights" must be a list of names, got {_kind(fields["weights"])}'
                )
            fields["weights"] = tuple(fields["weights"])
            return cls(**fields)
        except (ValueError, TypeError) as e:
            raise CompileError.single(None, f"not a qbnnc job handle: {e}") from None


JOB_KEYS = tuple(Job.__dataclass_fields__)


def read_job(path: str | os.PathLike[str]) -> Job:
    """The job in the handle file `path`: a regular file of at most `MAX_JOB_BYTES`, checked
    as `Job.from_json` checks it; CompileError naming the file otherwise."""
    shown = os.fspath(path)
    try:
        data, _ = read_regular(shown, MAX_JOB_BYTES)
    except Unreadable as e:
        if e.reason is Reason.TOO_LARGE:
            problem = f"it is {e.detail}, above the limit of {MAX_JOB_BYTES} bytes"
        elif e.reason is Reason.SPECIAL:
            problem = "it is not a regular file (a device, FIFO or socket): save the handle in one"
        else:
            problem = str(e)
        raise CompileError.single(
            None, f"cannot read the job handle '{printable(shown)}': {problem}"
        ) from None
    return job_of_bytes(data)


def job_of_bytes(data: bytes) -> Job:
    """The job in a handle's bytes (at most `MAX_JOB_BYTES`: the caller reads no more)."""
    if len(data) > MAX_JOB_BYTES:
        raise CompileError.single(
            None, f"not a qbnnc job handle: it is above the limit of {MAX_JOB_BYTES} bytes"
        )
    return Job.from_json(data)


def _parse(text: str | bytes | bytearray) -> object:
    """JSON, without NaN or infinities (not JSON, though Python's reader takes them)."""

    def refuse(constant: str) -> object:
        raise ValueError(f"it is not JSON ({constant} is no JSON number)")

    try:
        return json.loads(text, parse_constant=refuse)
    except UnicodeDecodeError:
        raise ValueError("it is not UTF-8 text") from None
    except json.JSONDecodeError as e:  # says where, never what
        raise ValueError(f"it is not JSON ({e})") from None
    except RecursionError:
        raise ValueError("its JSON nests too deeply") from None


def _kind(value: object) -> str:
    """What a JSON value is, said without its content."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return f"a {type(value).__name__}"


def _whole(value: object, what: str, low: int, high: int, shown: str = "") -> None:
    """`value` is a whole number (not true or false) in low..high (`shown`: the bound as the
    message says it, for one too long to print); `what`: the key, quoted."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what} must be a whole number, got {_kind(value)}")
    if not low <= value <= high:
        raise ValueError(f"{what} must be a whole number from {low} to {shown or high}")


def _name(value: object, key: str, limit: int = MAX_NAME_CHARS) -> None:
    """`value` is printable text of 1..limit characters (no control or bidi character)."""
    if not isinstance(value, str):
        raise TypeError(f'"{key}" must be text, got {_kind(value)}')
    if not 0 < len(value) <= limit or not value.isprintable():
        raise ValueError(f'"{key}" must be 1 to {limit} printable characters')


def _check_job(job: Job) -> None:
    """Every field of `job` against the schema (the module docstring)."""
    _name(job.backend, "backend")
    if job.handle is not None:
        _name(job.handle, "handle", MAX_HANDLE_CHARS)
    if not isinstance(job.weights, tuple):
        raise TypeError(f'"weights" must be a list of names, got {_kind(job.weights)}')
    for name in job.weights:
        _name(name, "weights")
    if len(set(job.weights)) != len(job.weights):
        raise ValueError('"weights" must name each weight once')
    n = len(job.weights)
    if job.model is not None and not isinstance(job.model, str):
        raise TypeError(f'"model" must be a path or null, got {_kind(job.model)}')
    if job.model is not None and not 0 < len(job.model) <= 4096:
        raise ValueError('"model" must be a path of 1 to 4096 characters')
    if not isinstance(job.model_sha256, str) or not _SHA256.fullmatch(job.model_sha256):
        raise ValueError('"model_sha256" must be 64 hexadecimal digits (a sha256)')
    if not isinstance(job.target, str) or job.target not in TARGETS:
        raise ValueError(f'"target" must be a target\'s name: {", ".join(TARGETS)}')
    _whole(job.shots, '"shots"', 1, MAX_SHOTS)
    _whole(job.iterations, '"iterations"', 0, MAX_ITERATIONS)
    if job.marked is not None:
        _whole(job.marked, '"marked"', 0, 2**n, f"2^{n}" if n > 64 else "")
    p = job.success_probability
    if p is not None:
        if isinstance(p, bool) or not isinstance(p, int | float):
            raise TypeError(f'"success_probability" must be a number or null, got {_kind(p)}')
        if not (math.isfinite(p) and 0 <= p <= 1):
            raise ValueError('"success_probability" must be a number from 0 to 1')
    if job.counts is not None:
        _check_counts(job.counts, n)
    elif job.handle is None:
        raise ValueError('it has neither a "handle" nor "counts"')


def _check_counts(counts: object, n: int) -> None:
    """Measured weight strings (n characters of 0 and 1) to how many shots measured each
    (whole numbers, not negative), at least one shot in all."""
    if not isinstance(counts, dict):
        raise TypeError(f'"counts" must be an object or null, got {_kind(counts)}')
    for key, count in counts.items():
        if not isinstance(key, str) or len(key) != n or not _BITS.fullmatch(key):
            raise ValueError(
                f'"counts" must be keyed by weight strings of {plural(n, "bit")} (0s and 1s, '
                "one per weight)"
            )
        _whole(count, 'each count of "counts"', 0, MAX_SHOTS)
    if not any(counts.values()):
        raise ValueError('"counts" must hold at least one shot')


def submit(
    program: Program,
    backend: str | Backend | None,
    shots: int = 1024,
    seed: int | None = None,
) -> Job:
    """Compile `program` for `backend`, submit it, and return the job (see the module doc).

    `backend` None, `aer` or `generic` runs qbnnc's own simulation at once, as `run` does
    (a device target's circuit on the target's local emulator). Raises ValueError for
    `shots` outside 1..`MAX_SHOTS` or `seed` outside 0..`MAX_SEED` (TypeError when not a
    whole number)."""
    check_shots(shots)
    check_seed(seed)
    shots = int(shots)
    model = program.model
    if is_built_in(backend):
        outcomes = run(program, shots, seed).outcomes
        return _job(
            program,
            backend or "aer",
            None,
            shots,
            {o.weights: o.count for o in sorted(outcomes, key=lambda o: o.weights)},
        )
    assert backend is not None
    resolved = resolve(backend)
    device = getattr(program, "device", None) is not None
    compiled = resolved.get_compiled_circuit(program.pytket(), 0 if device else 1)
    kwargs: dict[str, Any] = {"n_shots": shots}
    if seed is not None:
        kwargs["seed"] = seed
    with measuring_nothing_expected(model.num_weights):
        handle = resolved.process_circuit(compiled, **kwargs)
    counts = None
    if not resolved.persistent_handles:
        measured = weight_counts(resolved.get_result(handle), model.num_weights)
        counts = {weight_string(w, model.num_weights): c for w, c in sorted(measured.items())}
    name = backend if isinstance(backend, str) else describe(resolved)
    return _job(program, name, str(handle), shots, counts)


def _job(
    program: Program,
    backend: str,
    handle: str | None,
    shots: int,
    counts: dict[str, int] | None,
) -> Job:
    model = program.model
    return Job(
        backend=backend,
        handle=handle,
        weights=tuple(model.weight_names),
        # Absolute: `qbnnc result` may run in another folder than `submit` did.
        model=None if model.path is None else os.path.abspath(model.path),
        model_sha256=fingerprint(model),
        target=program.target,
        shots=shots,
        iterations=program.iterations,
        marked=program.marked,
        success_probability=program.success_probability,
        counts=counts,
    )


PASS_THE_MODEL = (
    ": pass the model it was submitted with (--model MODEL.bnn, `model=` in the library)"
)


def result(
    job: Job,
    backend: str | Backend | None = None,
    model: Model | None = None,
    data_root: str | os.PathLike[str] | None = None,
) -> RunResult:
    """The job's measured weight strings, scored as `run` scores them.

    `backend` (default: the job's own name) fetches it; `model` (default: the `.bnn` file
    the job names, loaded with `data_root` as `load_model` takes it: the handle never
    widens it) must be the model submitted (same fingerprint).
    """
    if not isinstance(job, Job):
        raise TypeError(
            f"job must be a qbnnc.Job (Job.from_json reads one), got {type(job).__name__}"
        )
    n = len(job.weights)
    if job.counts is not None:
        counts = Counter({weight_index(w): c for w, c in job.counts.items() if c})
    else:
        counts = _fetch(job, backend, n)
    if model is None:
        if job.model is None:
            raise CompileError.single(
                None, "the job does not say where its model is" + PASS_THE_MODEL
            )
        model = load_named_model(
            job.model, data_root, "; this is the model the job names" + PASS_THE_MODEL
        )
    if fingerprint(model) != job.model_sha256 or model.weight_names != list(job.weights):
        raise CompileError(
            [
                Diagnostic(
                    model.path,
                    0,
                    0,
                    "this is not the model the job was submitted with (its network, data or "
                    "accept changed): decode with the model as it was submitted (--model)",
                )
            ]
        )
    return tabulate(
        model,
        counts,
        backend=job.backend,
        seed=None,
        target=job.target,
        iterations=job.iterations,
        marked=job.marked,
        success_probability=job.success_probability,
    )


def _fetch(job: Job, backend: str | Backend | None, n: int) -> Counter[int]:
    """The counts of a job the backend keeps: JobPending until it has finished."""
    from pytket.backends import ResultHandle, StatusEnum
    from pytket.backends.backend import ResultHandleTypeError
    from pytket.backends.backend_exceptions import CircuitNotRunError

    assert job.handle is not None
    try:
        handle = ResultHandle.from_str(job.handle)
    # literal_eval of untrusted text can fail in more ways than its ValueError
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        raise CompileError.single(
            None, 'not a qbnnc job handle: "handle" is not a pytket ResultHandle'
        ) from None
    resolved = resolve(backend if backend is not None else job.backend)
    try:
        status = resolved.circuit_status(handle)
        if status.status != StatusEnum.COMPLETED:
            raise JobPending(job, status)
        return weight_counts(resolved.get_result(handle), n)
    # What pytket's backends raise for a handle they did not make, or that is malformed
    except (CircuitNotRunError, ResultHandleTypeError, KeyError, TypeError, ValueError) as e:
        raise CompileError.single(
            None,
            f"the backend {printable(describe(resolved))} does not know the job's handle "
            f"({type(e).__name__}): fetch it through the backend that ran it (--backend)",
        ) from None
