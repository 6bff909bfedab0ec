"""Targets: the gate sets and devices a program can be compiled for, loaded lazily."""

from __future__ import annotations

from qbnnc.program import Program


def prepare(program: Program, target: str) -> Program:
    """The program in `target`'s gate set (the generic target is the compiler's own)."""
    if target == "generic":
        return program
    from qbnnc.diagnostics import CompileError, Diagnostic

    raise CompileError(
        [Diagnostic(None, 0, 0, f"unknown target '{target}'; `qbnnc targets` lists them")]
    )
