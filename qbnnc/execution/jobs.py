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
- `model`, `data_root`, `model_sha256`: where the model was and a fingerprint of what
  scoring depends on (network, data, accept), checked when the result is decoded;
- `target`, `shots`, `iterations`, `marked`, `success_probability`: for the report;
- `counts`: for a backend whose results live only in the submitting process (`aer`, or a
  pytket backend whose `persistent_handles` is False: AerBackend, PECOS), the measured
  weight strings themselves, fetched at once.

`result(job)` fetches the counts (`backend.circuit_status`, then `get_result`), reloads the
model, checks its fingerprint and scores every measured weight string classically, as `run`
does. A job not finished yet raises `JobPending` with the backend's status.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from dataclasses import asdict, dataclass, replace
from typing import TYPE_CHECKING, Any

from qbnnc.diagnostics import CompileError, Diagnostic
from qbnnc.execution.backends import describe, is_built_in, resolve
from qbnnc.execution.simulate import (
    RunResult,
    measuring_nothing_expected,
    run,
    tabulate,
    weight_counts,
)
from qbnnc.frontend.model import Model
from qbnnc.pipeline.compiler import load_model, read_source
from qbnnc.reference.evaluate import weight_index, weight_string

if TYPE_CHECKING:
    from pytket.backends import Backend, CircuitStatus

    from qbnnc.pipeline.program import Program

FORMAT = "qbnnc-job/1"


class JobPending(Exception):
    """The job has not finished: `status` is the backend's CircuitStatus."""

    def __init__(self, job: Job, status: CircuitStatus) -> None:
        message = f": {status.message}" if status.message else ""
        super().__init__(
            f"job {job.handle} on {job.backend} is {status.status.name}{message}; ask again later"
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


@dataclass(frozen=True)
class Job:
    backend: str
    handle: str | None  # None: qbnnc's own simulation, whose counts the job carries
    weights: tuple[str, ...]
    model: str | None
    data_root: str | None
    model_sha256: str
    target: str
    shots: int
    iterations: int
    marked: int | None
    success_probability: float | None
    counts: dict[str, int] | None = None  # canonical weight strings, when fetched at once

    def to_json(self) -> dict[str, Any]:
        return {"format": FORMAT, **asdict(self), "weights": list(self.weights)}

    @classmethod
    def from_json(cls, data: object) -> Job:
        """A job from its JSON object (or text); CompileError if it is not one."""
        try:
            if isinstance(data, str):
                data = json.loads(data)
            if not isinstance(data, dict) or data.get("format") != FORMAT:
                raise ValueError(f'not a qbnnc job (no "format": "{FORMAT}")')
            fields = {k: v for k, v in data.items() if k != "format"}
            if fields.get("handle") is None and fields.get("counts") is None:
                raise ValueError("it has neither a handle nor counts")
            fields["weights"] = tuple(fields["weights"])
            return cls(**fields)
        except (ValueError, TypeError, KeyError) as e:
            raise CompileError.single(None, f"not a qbnnc job handle: {e}") from None


def submit(
    program: Program,
    backend: str | Backend | None,
    shots: int = 1024,
    seed: int | None = None,
    data_root: str | None = None,
) -> Job:
    """Compile `program` for `backend`, submit it, and return the job (see the module doc).

    `backend` None, `aer` or `generic` runs qbnnc's own simulation at once, as `run` does
    (a device target's circuit on the target's local emulator)."""
    if shots < 1:
        raise ValueError("shots must be at least 1")
    model = program.model
    if is_built_in(backend):
        outcomes = run(program, shots, seed).outcomes
        return _job(
            program,
            backend or "aer",
            None,
            shots,
            data_root,
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
    return _job(program, name, str(handle), shots, data_root, counts)


def _job(
    program: Program,
    backend: str,
    handle: str | None,
    shots: int,
    data_root: str | None,
    counts: dict[str, int] | None,
) -> Job:
    model = program.model
    return Job(
        backend=backend,
        handle=handle,
        weights=tuple(model.weight_names),
        # Absolute: `qbnnc result` may run in another folder than `submit` did.
        model=None if model.path is None else os.path.abspath(model.path),
        data_root=None if data_root is None else os.path.abspath(data_root),
        model_sha256=fingerprint(model),
        target=program.target,
        shots=shots,
        iterations=program.iterations,
        marked=program.marked,
        success_probability=program.success_probability,
        counts=counts,
    )


def result(job: Job, backend: str | Backend | None = None, model: Model | None = None) -> RunResult:
    """The job's measured weight strings, scored as `run` scores them.

    `backend` (default: the job's own name) fetches it; `model` (default: reloaded from the
    job's path) must be the model submitted (same fingerprint).
    """
    from pytket.backends import ResultHandle, StatusEnum

    n = len(job.weights)
    if job.counts is not None:
        counts = Counter({weight_index(w): c for w, c in job.counts.items()})
    else:
        resolved = resolve(backend if backend is not None else job.backend)
        handle = ResultHandle.from_str(job.handle)
        status = resolved.circuit_status(handle)
        if status.status != StatusEnum.COMPLETED:
            raise JobPending(job, status)
        counts = weight_counts(resolved.get_result(handle), n)
    if model is None:
        if job.model is None:
            raise CompileError.single(
                None, "the job does not say where its model is: pass the model it was made from"
            )
        try:
            source = read_source(job.model)
        except CompileError as e:
            (d,) = e.diagnostics
            raise CompileError(
                [
                    replace(
                        d,
                        message=f"{d.message}; this is the model the job names: pass the model "
                        "it was submitted with (--model MODEL.bnn, `model=` in the library)",
                    )
                ]
            ) from None
        model = load_model(source, job.model, data_root=job.data_root)
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
