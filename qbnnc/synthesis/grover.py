"""Grover's search over the weights: superposition, K iterations of oracle + diffusion, measure."""

from __future__ import annotations

from qbnnc.frontend.model import Model
from qbnnc.ir.dataflow import Dataflow
from qbnnc.semantics import Census
from qbnnc.synthesis.arith import Lit, phase_all
from qbnnc.synthesis.circuit import Call, Circuit, Gate, Measure, Op, Register, reachable_blocks
from qbnnc.synthesis.lower import Blocks, Pool, lower_template
from qbnnc.synthesis.oracle import OptimizeFor, Sweep, build_oracle
from qbnnc.synthesis.specialise import specialise
from qbnnc.synthesis.tables import build_tables
from qbnnc.synthesis.training import Header, TrainingCircuit
from qbnnc.version import __version__


def build_circuit(
    model: Model,
    df: Dataflow,
    census: Census | None,
    iterations: int,
    optimize_for: OptimizeFor = "qubits",
    optimize: bool = True,
) -> TrainingCircuit:
    """The whole training circuit; the weights are measured into `weights` in canonical order.

    Each structure of the rows (`specialise`) gets its forward pass lowered once; the
    oracle runs it for every row under that row's X mask. The diffusion's multi-controlled
    Z is an AND tree (n - 3 temporary ANDs and a CCZ) over work qubits the oracle has
    returned.
    """
    n = model.num_weights
    weights = list(range(n))
    blocks = Blocks()
    variants = specialise(df, optimize)
    tables = build_tables([v.df for v in variants], n)
    templates = tuple(
        lower_template(v, tables.end, blocks, tables.values(i)) for i, v in enumerate(variants)
    )
    sweep = Sweep(df.data, variants, templates, n, tables)
    oracle, blocks, pool = build_oracle(
        model, sweep, census, blocks, Pool(start=tables.end), optimize_for
    )
    hadamards: tuple[Op, ...] = tuple(Gate("h", (q,)) for q in weights)
    flip = phase_all(
        [Lit(q, True) for q in weights], pool.take, pool.give, model.uncompute != "measure"
    )
    diffusion = blocks.call("diffusion", [*hadamards, *flip, *hadamards])
    iteration = blocks.call("grover_iteration", [oracle.call, diffusion])
    loop = Call(iteration.block, iteration.qubits, repeat=iterations)
    measurement = tuple(Measure(q, "weights", i) for i, q in enumerate(weights))
    registers = [Register("w", 0, n, "trainable weights, canonical order")]
    if tables.end > n:
        role = "first-layer neuron values shared by all rows, updated as the masks flip"
        registers.append(Register("table", n, tables.end - n, role))
    if oracle.register is not None:
        registers.append(oracle.register)
    end = registers[-1].start + registers[-1].size
    if pool.high > end:
        role = "neuron outputs, correct bits, AND targets and scratch; reused"
        registers.append(Register("work", end, pool.high - end, role))
    body = (*hadamards, *((loop,) if iterations else ()), *measurement)
    circuit = Circuit(
        num_qubits=pool.high,
        # Blocks the chosen plan does not call (the other plan's, Bennett's split) go.
        blocks=reachable_blocks(tuple(blocks.blocks), (*body, iteration)),
        body=body,
        registers=tuple(registers),
        clbits=(("weights", n),),
    )
    forward = tuple(
        call.block for t in templates for call in (t.compute, t.prefix) if call is not None
    )
    return TrainingCircuit(
        circuit=circuit,
        preparation=hadamards,
        iteration=Call(iteration.block, iteration.qubits),
        iterations=iterations,
        measurement=measurement,
        oracle=oracle.call.block,
        diffusion=diffusion.block,
        forward=forward,
        oracle_plan=oracle.plan,
        forward_passes_per_iteration=oracle.forward_passes,
        header=header(model, circuit, iterations),
    )


def header(model: Model, circuit: Circuit, iterations: int) -> Header:
    oracle = model.oracle
    oracle_text = (
        "counter"
        if oracle.kind == "counter"
        else f"phase, precision {oracle.precision}, step {oracle.step}"
    )
    return Header(
        version=__version__,
        model=model.name,
        path=model.path,
        weights=model.num_weights,
        examples=model.num_examples,
        qubits=circuit.num_qubits,
        iterations=iterations,
        oracle=oracle_text,
        accept=model.accept.written,
        min_correct=model.accept.min_correct,
        registers=circuit.registers,
        weight_names=tuple(model.weight_names),
    )
