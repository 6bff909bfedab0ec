"""The authors' training circuit (arXiv:1810.12948), rebuilt gate for gate in our IR.

The paper's five examples are ProjectQ scripts (github.com/phylyd/QBNN, "QBN 3-1 Task 1.py"
and its four siblings). This module writes the same gates for any single-output model, so
that `bench/cost.py` and `docs/cost.md` measure qbnnc against what the authors really run.
Per Grover iteration (`run_qbnn`):

- `add_minus_sign`: `Compute(phase estimation)`, flip the phase of the accepted value(s),
  `Uncompute`.
- the phase estimation: H on the P phase qubits; phase qubit j controls `run_qnn` repeated
  2^j times; `Swap(phase[0], phase[P-1])` (and the other bit-reversal swaps for P > 3);
  ProjectQ's inverse QFT (its `qft2crandhadamard` decomposition, inverted: P H and
  P(P-1)/2 controlled R).
- `run_qnn`: for each example, load its input bits into every input copy and its label
  into `desired` (an X per 1 bit), `qnn`, unload.
- `qnn`: `Compute(forward pass)`, the phase gates, `Uncompute`. ProjectQ's `Control`
  leaves commands tagged by `Compute`/`Uncompute` uncontrolled, so under phase qubit j the
  forward pass stays uncontrolled while the loads (CNOTs), the phase gates
  (`ControlledGate(Ph(step), 2)`, a CCP once controlled) and the X gates between them
  (CNOTs) are controlled.
- the forward pass: for each neuron, a CNOT from each weight onto its line (first layer:
  the neuron's own copy of the input; later layers: the previous layer's outputs, in place),
  then one multi-controlled NOT onto the neuron's output per accepted line pattern, the
  lines that must read 0 conjugated by X. (Between two neurons of one later layer the
  CNOTs are undone; the paper's later layers have one neuron, so its scripts never need
  that.)
- `diffusion`: `Compute(H, X on every weight)`, a multi-controlled Z over the weights,
  `Uncompute`.

The phase target of `ControlledGate(Ph(step), 2)` (a global phase gate on a qubit the
scripts allocate for it) is never acted on, so it is left out: the circuit holds only the
active qubits, one fewer than the scripts allocate (12, 18 and 22 on the paper's tasks).
Gate order inside one forward pass may differ from a script where gates commute (3-2-1
writes both hidden neurons' CNOTs first); the gates are the same.
"""

from __future__ import annotations

import itertools
from dataclasses import replace
from fractions import Fraction

from qbnnc.frontend.model import Angle, Model, Oracle
from qbnnc.reference.census import Census
from qbnnc.synthesis.arith import Lit, inverse, mcx
from qbnnc.synthesis.circuit import Call, Circuit, Gate, Measure, Op, Register, invert
from qbnnc.synthesis.grover import header
from qbnnc.synthesis.lower import Blocks
from qbnnc.synthesis.oracle import phase_readout
from qbnnc.synthesis.training import Origin, TrainingCircuit


def authors_circuit(model: Model, census: Census | None, iterations: int) -> TrainingCircuit:
    """The authors' circuit for `model` with `iterations` Grover iterations.

    The phase oracle's settings are the model's (`oracle phase precision P step S`); for a
    model with the counter oracle, P is the counter's width and the step 2*pi/2^P. Raises
    ValueError for shapes the construction does not cover (several outputs, a later layer
    reading the input) and CompileError where phase estimation cannot read the count
    exactly (as qbnnc's own phase oracle).
    """
    if model.output_width != 1:
        raise ValueError("the authors' construction is built for single-output networks")
    if any(s.name == model.input_name for layer in model.layers[1:] for s in layer.sources):
        raise ValueError("the authors' construction reads the input in the first layer only")
    precision = model.oracle.precision or max(1, model.num_examples.bit_length())
    step = model.oracle.step or Angle.of_pi(Fraction(2, 2**precision))
    layout = _Layout(model, precision)
    blocks = Blocks()

    forward = blocks.call("qbn", _forward_pass(model, layout))
    ctl = layout.phase[0]  # `run_qnn` is built under phase qubit 0 and called on each
    out = layout.outputs[model.layers[-1].name][0]
    ccp = Gate("p", (ctl, out, layout.desired), 2, step)
    flips = [Gate("x", (ctl, out), 1), Gate("x", (ctl, layout.desired), 1)]
    qnn = blocks.call("qnn", [forward, ccp, *flips, ccp, *flips, *invert([forward])])
    run: list[Op] = []
    for e in model.examples:
        load = [
            Gate("x", (ctl, copy[i]), 1)
            for i, bit in enumerate(e.inputs)
            if bit
            for copy in layout.inputs
        ]
        load += [Gate("x", (ctl, layout.desired), 1)] * e.label[0]
        run += [*load, qnn, *load]
    run_qnn = blocks.call("run_qnn", run)

    hadamards: list[Op] = [Gate("h", (q,)) for q in layout.phase]
    controlled: list[Op] = [
        Call(run_qnn.block, tuple(q if q != ctl else p for q in run_qnn.qubits), repeat=2**j)
        for j, p in enumerate(layout.phase)
    ]
    p = layout.phase
    swaps = [Gate("swap", (p[i], p[-1 - i])) for i in range(precision // 2)]
    qft = _projectq_qft(p)
    # Swap has no inverse in the IR's gate algebra (it is its own): the uncompute is
    # written out, as ProjectQ's `Uncompute` emits it.
    estimate = blocks.call("phase_estimation", [*hadamards, *controlled, *swaps, *inverse(qft)])
    undo = blocks.call("phase_estimation_undone", [*qft, *swaps, *invert(controlled), *hadamards])
    mark: list[Gate] = []
    for v in phase_readout(replace(model, oracle=Oracle("phase", precision, step)), census):
        mark += mcx([Lit(q, not (v >> k) & 1) for k, q in enumerate(p)], layout.minus)
    oracle = blocks.call("oracle", [estimate, *mark, undo])

    weights = list(range(model.num_weights))
    prepare = [Gate("h", (q,)) for q in weights] + [Gate("x", (q,)) for q in weights]
    mcz = Gate("z", tuple(weights), len(weights) - 1)
    diffusion = blocks.call("diffusion", [*prepare, mcz, *inverse(prepare)])
    iteration = blocks.call("grover_iteration", [oracle, diffusion])

    minus = [Gate("x", (layout.minus,)), Gate("h", (layout.minus,))]
    preparation: tuple[Op, ...] = (*minus, *(Gate("h", (q,)) for q in weights))
    measurement = tuple(Measure(q, "weights", i) for i, q in enumerate(weights))
    loop = (Call(iteration.block, iteration.qubits, repeat=iterations),) if iterations else ()
    body = (*preparation, *loop, *inverse(minus), *measurement)
    circuit = Circuit(
        layout.size, tuple(blocks.blocks), body, layout.registers, (("weights", len(weights)),)
    )
    examples = model.num_examples
    return TrainingCircuit(
        circuit=circuit,
        preparation=preparation,
        iteration=Call(iteration.block, iteration.qubits),
        iterations=iterations,
        measurement=measurement,
        oracle=oracle.block,
        diffusion=diffusion.block,
        forward=(forward.block,),
        # Every example's pass, computed and undone, in 2^P - 1 controlled runs, twice.
        forward_passes_per_iteration=2 * (2**precision - 1) * examples,
        header=header(model, circuit, iterations),
        origin=Origin.of(model),
    )


def _forward_pass(model: Model, layout: _Layout) -> list[Gate]:
    """The scripts' `qbn`: every neuron's CNOTs from its weights, then its patterns."""
    gates: list[Gate] = []
    weight = 0
    for li, layer in enumerate(model.layers):
        for j in range(layer.width):
            if li == 0:
                lines = layout.inputs[j]
            else:
                lines = [q for s in layer.sources for q in layout.outputs[s.name]]
            if layer.fixed is None:
                spread = [Gate("x", (weight + i, q), 1) for i, q in enumerate(lines)]
                weight += layer.fan_in
            else:
                spread = [Gate("x", (q,)) for q, b in zip(lines, layer.fixed[j], strict=True) if b]
            target = layout.outputs[layer.name][j]
            gates += spread
            for reads in _accepted_patterns(layer.fan_in, layer.threshold, model.encoding):
                gates += mcx([Lit(q, not r) for q, r in zip(lines, reads, strict=True)], target)
            if li and j + 1 < layer.width:
                gates += inverse(spread)  # the next neuron of this layer reads the same lines
    return gates


def _accepted_patterns(fan_in: int, threshold: int, encoding: str) -> list[tuple[int, ...]]:
    """The line values (x xor w) that fire a neuron, in the scripts' order: fewest X gates
    first, then by position (111, 011, 101, 110 for fan-in 3, threshold 2, xor)."""
    patterns = []
    for reads in itertools.product((1, 0), repeat=fan_in):
        # xor encoding: a line matches when x xor w = 1; xnor: when it is 0.
        matches = sum(reads) if encoding == "xor" else fan_in - sum(reads)
        if matches >= threshold:
            patterns.append(reads)
    return sorted(patterns, key=lambda r: (r.count(0), r))


def _projectq_qft(register: list[int]) -> list[Gate]:
    """ProjectQ's QFT decomposition (`qft2crandhadamard`), without swaps: for each qubit from
    the last, H, then R(pi/2^(j+1)) on it controlled by each lower qubit in turn."""
    gates: list[Gate] = []
    n = len(register)
    for i in range(n):
        target = register[-1 - i]
        gates.append(Gate("h", (target,)))
        for j in range(n - 1 - i):
            angle = Angle.of_pi(Fraction(1, 2 ** (j + 1)))
            gates.append(Gate("p", (register[-1 - (j + i + 1)], target), 1, angle))
    return gates


class _Layout:
    """The active qubits: the weights first (canonical order), then the scripts' registers in
    their allocation order."""

    def __init__(self, model: Model, precision: int) -> None:
        n = model.num_weights
        first = model.layers[0]
        at = n
        self.inputs: list[list[int]] = []
        for _ in range(first.width):
            self.inputs.append(list(range(at, at + model.input_width)))
            at += model.input_width
        self.outputs: dict[str, list[int]] = {}
        for layer in model.layers:
            self.outputs[layer.name] = list(range(at, at + layer.width))
            at += layer.width
        self.desired, self.minus = at, at + 1
        self.phase = list(range(at + 2, at + 2 + precision))
        self.size = at + 2 + precision
        neurons = sum(layer.width for layer in model.layers)
        self.registers = (
            Register("w", 0, n, "trainable weights, canonical order"),
            Register("inputs", n, first.width * model.input_width, "input copies, one per neuron"),
            Register("neuron", n + first.width * model.input_width, neurons, "neuron outputs"),
            Register("desired", self.desired, 1, "desired output (the label)"),
            Register("minus", self.minus, 1, "|-> for the phase flip"),
            Register("phase_register", self.phase[0], precision, "phase-estimation register"),
        )
