"""Compiled circuits do what Grover's formula says, for the paper's tasks and random models.

Each program is written by the CLI or the library, loaded with `qiskit.qasm3.loads`, and
simulated exactly; every weight string's probability must match the classical count.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import numpy as np
import pytest

from qbnnc.cli import main
from qbnnc.pipeline.compiler import compile, load_model
from qbnnc.testing import expected_distribution, random_source, weight_distribution

PAPER = sorted(Path(__file__).parent.parent.joinpath("examples", "paper").glob("*.bnn"))


def _as_counter(text: str) -> str:
    return re.sub(r"oracle phase[^\n]*", "oracle counter", text)


@pytest.mark.parametrize("path", PAPER, ids=lambda p: p.stem)
@pytest.mark.parametrize("oracle", ["phase", "counter"])
def test_paper_task_distribution(path: Path, oracle: str, tmp_path: Path) -> None:
    text = path.read_text()
    if oracle == "counter":
        text = _as_counter(text)
    model_path = tmp_path / path.name
    model_path.write_text(text)
    for name in ("data.csv",):
        if (path.parent / name).exists():
            (tmp_path / name).write_text((path.parent / name).read_text())
    out = tmp_path / "train.qasm"
    assert main([str(model_path), "-o", str(out)]) == 0
    model = load_model(text, str(model_path))
    iterations = int(re.search(r"iterations: (\d+)", out.read_text()).group(1))
    got = weight_distribution(out.read_text(), model.num_weights)
    want = expected_distribution(model, iterations)
    assert np.abs(got - want).max() < 1e-9
    assert abs(got.sum() - 1) < 1e-9


def test_paper_221_needs_fewer_qubits_than_the_authors_19() -> None:
    path = next(p for p in PAPER if "221" in p.stem)
    for text in (path.read_text(), _as_counter(path.read_text())):
        assert compile(text, str(path)).circuit.num_qubits < 19


@pytest.mark.parametrize("seed", range(24))
def test_random_models_match_grovers_formula(seed: int) -> None:
    rng = random.Random(1000 + seed)
    text = random_source(rng, max_weights=6)
    program = compile(text)
    got = weight_distribution(program.qasm3(flat=True), program.model.num_weights)
    want = expected_distribution(program.model, program.iterations)
    assert np.abs(got - want).max() < 1e-9, text


LEAN = """network lean {
    input x[5]
    layer h[2] from x
    layer y[1] from h
}
data {
    00000 -> 0
    01101 -> 1
    10110 -> 1
    11000 -> 0
}
train {
    accept all
}
"""


def test_qubit_lean_plan_marks_exactly_the_counted_strings() -> None:
    """`optimize_for qubits` keeps one qubit per neuron and pebbles the diffusion's AND into
    the oracle's workspace (the `and_group` blocks): fewer qubits than "gates", and the
    oracle still flips exactly the strings the classical count marks, every work qubit
    back at |0>, the diffusion exactly the all-zero string (checked on basis states)."""
    from qbnnc.reference.evaluate import correct
    from qbnnc.synthesis.circuit import Block, Call, Gate, expand
    from qbnnc.testing import run_signed

    lean, gates = compile(LEAN, optimize_for="qubits"), compile(LEAN, optimize_for="gates")
    assert lean.circuit.num_qubits < gates.circuit.num_qubits
    blocks = lean.circuit.block_map
    assert "and_group" in blocks
    model, n = lean.model, lean.model.num_weights

    def flat(name: str, skip_h: bool = False) -> list[Gate]:
        b = blocks[name]
        body = tuple(op for op in b.body if not (skip_h and getattr(op, "name", "") == "h"))
        inner = {**blocks, "_": Block("_", b.arity, body)}
        return list(expand((Call("_", tuple(range(b.arity))),), inner))

    oracle, flip = flat(lean.training.oracle), flat(lean.training.diffusion, skip_h=True)
    rng = random.Random(5)
    for w in {*rng.sample(range(2**n), 400), 0}:
        marked = correct(model, w) >= model.accept.min_correct
        assert run_signed(oracle, w) == (w, -1 if marked else 1), w
        assert run_signed(flip, w) == (w, -1 if w == 0 else 1), w
