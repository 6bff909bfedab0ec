"""qbnnc: compile a binary neural network and its training set into its quantum training circuit."""

from __future__ import annotations

from qbnnc.diagnostics import CompileError, Diagnostic  # noqa: E402
from qbnnc.execution.count import CountResult, count  # noqa: E402
from qbnnc.execution.jobs import Job, result, submit  # noqa: E402
from qbnnc.execution.simulate import run  # noqa: E402
from qbnnc.execution.train import train  # noqa: E402
from qbnnc.frontend.model import Model  # noqa: E402
from qbnnc.pipeline.compiler import compile, compile_file, compile_model, load_model  # noqa: E402
from qbnnc.pipeline.program import Program  # noqa: E402
from qbnnc.reference.network import Evaluation, Network  # noqa: E402
from qbnnc.version import __version__

__all__ = [
    "CompileError",
    "CountResult",
    "Diagnostic",
    "Evaluation",
    "Job",
    "Model",
    "Network",
    "Program",
    "__version__",
    "compile",
    "compile_file",
    "compile_model",
    "count",
    "load_model",
    "result",
    "run",
    "submit",
    "train",
]
