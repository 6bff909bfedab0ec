"""Grover's search over the weights: superposition, K iterations of oracle + diffusion, measure."""

from __future__ import annotations

from qbnnc.arith import Lit, mcz
from qbnnc.circuit import Call, Circuit, Gate, Measure, Op, Register
from qbnnc.dataflow import Dataflow
from qbnnc.lower import Blocks, Pool
from qbnnc.model import Model
from qbnnc.oracle import build_oracle
from qbnnc.semantics import Census


def build_circuit(model: Model, df: Dataflow, census: Census | None, iterations: int) -> Circuit:
    """The whole training circuit; the weights are measured into `weights` in canonical order."""
    n = model.num_weights
    weights = list(range(n))
    blocks = Blocks()
    pool = Pool(start=n)
    oracle = build_oracle(model, df, census, blocks, pool)
    hadamards: list[Op] = [Gate("h", (q,)) for q in weights]
    diffusion = blocks.call(
        "diffusion", [*hadamards, *mcz([Lit(q, True) for q in weights]), *hadamards]
    )
    iteration = blocks.call("grover_iteration", [oracle.call, diffusion])
    body: list[Op] = list(hadamards)
    if iterations:
        body.append(Call(iteration.block, iteration.qubits, repeat=iterations))
    body += [Measure(q, "weights", i) for i, q in enumerate(weights)]
    work = pool.high - oracle.register.start - oracle.register.size
    registers = [Register("w", 0, n, "trainable weights, canonical order"), oracle.register]
    if work:
        registers.append(
            Register("work", pool.high - work, work, "neuron outputs and scratch, reused")
        )
    return Circuit(
        num_qubits=pool.high,
        blocks=tuple(blocks.blocks),
        body=tuple(body),
        registers=tuple(registers),
        clbits=(("weights", n),),
    )
