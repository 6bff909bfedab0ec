"""Grover's search over the weights: superposition, K iterations of oracle + diffusion, measure."""

from __future__ import annotations

from dataclasses import replace

from qbnnc.frontend.model import Model
from qbnnc.ir.dataflow import Dataflow
from qbnnc.reference.census import Census
from qbnnc.synthesis.arith import Lit, phase_all, phase_all_floor, phase_all_within
from qbnnc.synthesis.circuit import (
    Call,
    Circuit,
    Gate,
    Measure,
    Op,
    Register,
    invert,
    reachable_blocks,
)
from qbnnc.synthesis.lower import Blocks, Pool, Template, lower_template
from qbnnc.synthesis.oracle import OptimizeFor, Sweep, build_oracle
from qbnnc.synthesis.specialise import Variant
from qbnnc.synthesis.tables import Tables, build_tables
from qbnnc.synthesis.training import Header, Origin, TrainingCircuit
from qbnnc.version import __version__


def build_circuit(
    model: Model,
    df: Dataflow,
    variants: tuple[Variant, ...],
    census: Census | None,
    iterations: int,
    optimize_for: OptimizeFor = "qubits",
) -> TrainingCircuit:
    """The whole training circuit; the weights are measured into `weights` in canonical order.

    Each structure of the rows (`variants`, from `specialise(df)`) gets its forward pass
    lowered once; the
    oracle runs it for every row under that row's X mask. The diffusion's multi-controlled
    Z is an AND tree (n - 3 temporary ANDs and a CCZ) over work qubits the oracle has
    returned.

    For "qubits" the forward passes keep one qubit per neuron when that narrows them
    (`lower_forward`'s `lean`), and the diffusion's AND stays within the work qubits the
    oracle needs anyway (`phase_all_within`): the width is then about the weights plus one
    forward pass's neuron outputs and one popcount tree, for about twice the ANDs.
    """
    n = model.num_weights
    if n == 0:
        return _search_of_one(model, iterations)
    weights = list(range(n))
    tables = build_tables([v.df for v in variants], n)
    blocks, templates = _templates(variants, tables, n, optimize_for)
    sweep = Sweep(df.data, variants, templates, n, tables)
    oracle, blocks, pool = build_oracle(
        model, sweep, census, blocks, Pool(start=tables.end), optimize_for
    )
    hadamards: tuple[Op, ...] = tuple(Gate("h", (q,)) for q in weights)
    polarised = [Lit(q, True) for q in weights]
    # A CCZ ends the phase flip unless `uncompute measure` undoes ANDs for free.
    ccz = model.uncompute != "measure"
    if optimize_for == "qubits":
        # Each group is a block of its own: one definition for equal groups, and a block
        # narrow enough for the depth model's matrices.
        pebbled = phase_all_within(polarised, pool.high - tables.end, pool.take, pool.give, ccz)
        groups: list[Op] = [blocks.call("and_group", g) for g in pebbled.groups]
        flip: list[Op] = [*groups, *pebbled.core, *invert(groups)]
    else:
        flip = list(phase_all(polarised, pool.take, pool.give, ccz))
    diffusion = blocks.call("diffusion", [*hadamards, *flip, *hadamards])
    iteration = blocks.call("grover_iteration", [oracle.call, diffusion])
    loop = Call(iteration.block, iteration.qubits, repeat=iterations)
    measurement = tuple(Measure(q, "weights", i) for i, q in enumerate(weights))
    origin = Origin.of(model)
    registers = [Register("w", 0, n, "trainable weights, canonical order", origin.network)]
    if tables.end > n:
        role = "first-layer neuron values shared by all rows, updated as the masks flip"
        registers.append(Register("table", n, tables.end - n, role, tables.span))
    if oracle.register is not None:
        registers.append(replace(oracle.register, span=origin.oracle))
    end = registers[-1].start + registers[-1].size
    if pool.high > end:
        role = "neuron outputs, correct bits, AND targets and scratch; reused"
        registers.append(Register("work", end, pool.high - end, role, origin.network))
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
        forward_passes_per_iteration=oracle.forward_passes,
        header=header(model, circuit, iterations),
        origin=origin,
    )


def _search_of_one(model: Model, iterations: int) -> TrainingCircuit:
    """The training circuit of a network with no trainable weight (a saved, trained one).

    Its search space is one weight string, the empty one, which the oracle marks or not as
    a whole: the oracle is then a global phase and the diffusion the identity, so every
    iteration acts on no qubit. The circuit has no qubit and no gate, and `weights`
    measures zero bits, whatever `iterations` says; the census still states whether the
    network meets `accept`.
    """
    circuit = Circuit(num_qubits=0, blocks=(), body=(), registers=(), clbits=(("weights", 0),))
    return TrainingCircuit(
        circuit=circuit,
        preparation=(),
        iteration=None,
        iterations=iterations,
        measurement=(),
        oracle=None,
        diffusion=None,
        forward=(),
        forward_passes_per_iteration=0,
        header=header(model, circuit, iterations),
        origin=Origin.of(model),
    )


def _templates(
    variants: tuple[Variant, ...], tables: Tables, n: int, optimize_for: OptimizeFor
) -> tuple[Blocks, tuple[Template, ...]]:
    """The variants' forward passes: as built for the fewest ANDs, or for "qubits" lean
    (one qubit per neuron, twice the ANDs) when that makes the widest pass narrower and
    that pass, not the diffusion's AND at its narrowest, is what sets the width."""
    blocks = Blocks()
    plain = tuple(
        lower_template(v, tables.end, blocks, tables.values(i)) for i, v in enumerate(variants)
    )
    widest = max((t.width for t in plain), default=0)
    if optimize_for != "qubits" or widest <= phase_all_floor(n):
        return blocks, plain
    lean_blocks = Blocks()
    lean = tuple(
        lower_template(v, tables.end, lean_blocks, tables.values(i), lean=True)
        for i, v in enumerate(variants)
    )
    if max((t.width for t in lean), default=0) < widest:
        return lean_blocks, lean
    return blocks, plain


def header(model: Model, circuit: Circuit, iterations: int) -> Header:
    return Header(
        version=__version__,
        model=model.name,
        path=model.path,
        weights=model.num_weights,
        examples=model.num_examples,
        qubits=circuit.num_qubits,
        iterations=iterations,
        oracle=model.oracle,
        accept=model.accept.written,
        min_correct=model.accept.min_correct,
        registers=circuit.registers,
        weight_names=tuple(model.weight_names),
    )
