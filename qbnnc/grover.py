"""Grover's search over the weights: superposition, K iterations of oracle + diffusion, measure."""

from __future__ import annotations

from qbnnc.arith import Lit, phase_all
from qbnnc.circuit import Call, Circuit, Gate, Measure, Op, Register
from qbnnc.dataflow import Dataflow
from qbnnc.lower import Blocks, Pool
from qbnnc.model import Model
from qbnnc.oracle import OptimizeFor, build_oracle
from qbnnc.semantics import Census


def build_circuit(
    model: Model,
    df: Dataflow,
    census: Census | None,
    iterations: int,
    optimize_for: OptimizeFor = "qubits",
) -> Circuit:
    """The whole training circuit; the weights are measured into `weights` in canonical order.

    The diffusion's multi-controlled Z is an AND tree (n - 2 temporary ANDs and a CZ) over
    work qubits the oracle has returned.
    """
    n = model.num_weights
    weights = list(range(n))
    oracle, blocks, pool = build_oracle(model, df, census, Blocks(), Pool(start=n), optimize_for)
    hadamards: list[Op] = [Gate("h", (q,)) for q in weights]
    flip = phase_all([Lit(q, True) for q in weights], pool.take, pool.give)
    diffusion = blocks.call("diffusion", [*hadamards, *flip, *hadamards])
    iteration = blocks.call("grover_iteration", [oracle.call, diffusion])
    body: list[Op] = list(hadamards)
    if iterations:
        body.append(Call(iteration.block, iteration.qubits, repeat=iterations))
    body += [Measure(q, "weights", i) for i, q in enumerate(weights)]
    registers = [Register("w", 0, n, "trainable weights, canonical order")]
    if oracle.register is not None:
        registers.append(oracle.register)
    end = registers[-1].start + registers[-1].size
    if pool.high > end:
        role = "neuron outputs, correct bits, AND targets and scratch; reused"
        registers.append(Register("work", end, pool.high - end, role))
    return Circuit(
        num_qubits=pool.high,
        blocks=tuple(blocks.blocks),
        body=tuple(body),
        registers=tuple(registers),
        clbits=(("weights", n),),
    )
