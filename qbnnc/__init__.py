"""qbnnc: compile a binary neural network and its training set into its quantum training circuit."""

from __future__ import annotations

from qbnnc.diagnostics import CompileError, Diagnostic
from qbnnc.execution.jobs import Job, result, submit
from qbnnc.execution.simulate import run
from qbnnc.execution.train import train
from qbnnc.frontend.model import Model
from qbnnc.pipeline.compiler import compile, compile_file, compile_model, load_model
from qbnnc.pipeline.program import Program
from qbnnc.reference.network import Evaluation, Network
from qbnnc.version import __version__

__all__ = [
    "CompileError",
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
    "load_model",
    "result",
    "run",
    "submit",
    "train",
]
