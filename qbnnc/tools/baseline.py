"""The authors' training circuit (arXiv:1810.12948 and their public examples), in our IR.

Built only to be measured beside qbnnc's own circuit with the same cost model
(`bench/cost.py`, `docs/cost.md`). As the paper builds it:
- qubits: the weights; a copy of the input bits per first-layer neuron, loaded with X gates
  per example; one qubit per neuron output; the desired output; a phase-kickback target
  (`|->`) and the spare target of the controlled global phase; the phase register.
- a neuron: CNOTs from its weights onto its lines, then one multi-controlled NOT per
  accepted line pattern (every pattern with at least `threshold` matches).
- the oracle: phase estimation of U = prod over examples of (load, neuron forward pass, a
  phase `step` when the output equals the desired one, pass undone, unload); controlled-U^(2^j)
  repeats U 2^j times with the phase qubit controlling the loads and the phase (the forward
  pass carries ProjectQ's compute tag, which `Control` leaves uncontrolled), so
  2 * (2^P - 1) sweeps over the data per iteration; the marked values flip the |-> qubit.
- the diffusion: H, X, one multi-controlled Z over all weights, X, H.
Only single-output networks (all of the paper's) are built.
"""

from __future__ import annotations

import itertools

from qbnnc.frontend.model import Model
from qbnnc.semantics import Census
from qbnnc.synthesis.arith import Lit, bit_reverse, inverse, mcx, qft_dagger
from qbnnc.synthesis.circuit import Call, Circuit, Gate, Measure, Op, Register
from qbnnc.synthesis.lower import Blocks
from qbnnc.synthesis.oracle import phase_readout


def authors_circuit(model: Model, census: Census | None, iterations: int) -> Circuit:
    """The paper's circuit for `model` (its phase oracle settings, or P = counter width and
    step 2*pi/2^P when the model uses the counter oracle)."""
    from fractions import Fraction

    from qbnnc.frontend.model import Angle

    if model.output_width != 1:
        raise ValueError("the authors' construction is built for single-output networks")
    precision = model.oracle.precision or max(1, model.num_examples.bit_length())
    step = model.oracle.step or Angle.of_pi(Fraction(2, 2**precision))
    layout = _Layout(model, precision)
    blocks = Blocks()

    def lines(layer_index: int, neuron: int) -> list[int]:
        if layer_index == 0:
            return layout.inputs[neuron]
        layer = model.layers[layer_index]
        return [q for s in layer.sources for q in layout.outputs[s.name]]

    forward: list[Gate] = []
    offset = 0
    for li, layer in enumerate(model.layers):
        for j in range(layer.width):
            qs = lines(li, j)
            spread = []
            if layer.trainable:
                spread = [Gate("x", (offset + i, q), 1) for i, q in enumerate(qs)]
                offset += layer.fan_in
            else:
                assert layer.fixed is not None
                spread = [Gate("x", (q,)) for q, b in zip(qs, layer.fixed[j], strict=True) if b]
            out = layout.outputs[layer.name][j]
            patterns = []
            for bits in itertools.product((0, 1), repeat=layer.fan_in):
                # xor encoding: a line matches when x xor w = 1; xnor: when it is 0.
                matches = sum(bits) if model.encoding == "xor" else layer.fan_in - sum(bits)
                if matches >= layer.threshold:
                    lits = [Lit(q, b == 0) for q, b in zip(qs, bits, strict=True)]
                    patterns += mcx(lits, out)
            # Later layers read shared outputs: restore them for the next neuron.
            forward += [*spread, *patterns] + (inverse(spread) if li else [])
    out = layout.outputs[model.layers[-1].name][0]

    def sweep(control: int, angle_units: int) -> list[Op]:
        ops: list[Op] = []
        angle = step.times(angle_units)
        for e in model.examples:
            load = [
                Gate("x", (control, q), 1)
                for copy in layout.inputs
                for q, b in zip(copy, e.inputs, strict=True)
                if b
            ]
            load += [Gate("x", (control, layout.desired), 1)] * e.label[0]
            both = Gate("p", (control, out, layout.desired), 2, angle)
            flips = [Gate("x", (out,)), Gate("x", (layout.desired,))]
            phase = [both, *flips, both, *flips]
            body = [*load, *forward, *phase, *inverse(forward), *load]
            ops.append(blocks.call("qnn_example", body))
        return ops

    estimate: list[Op] = [Gate("h", (q,)) for q in layout.phase]
    for j, q in enumerate(layout.phase):
        run = blocks.call(f"run_qnn_{j}", sweep(q, 1))
        estimate.append(Call(run.block, run.qubits, repeat=2**j))
    estimate += qft_dagger(layout.phase)
    qpe = blocks.call("phase_estimation", estimate)
    flip: list[Gate] = []
    for v in sorted(
        bit_reverse(v, precision)
        for v in phase_readout(_with_phase(model, precision, step), census)
    ):
        flip += mcx([Lit(q, not (v >> i) & 1) for i, q in enumerate(layout.phase)], layout.minus)
    oracle = blocks.call("oracle", [qpe, *flip, Call(qpe.block, qpe.qubits, inverse=True)])
    weights = list(range(model.num_weights))
    flips = [Gate("x", (q,)) for q in weights] + [Gate("h", (q,)) for q in weights]
    mcz = Gate("z", tuple(weights), len(weights) - 1)
    diffusion = blocks.call("diffusion", [*reversed(flips), mcz, *flips])
    iteration = blocks.call("grover_iteration", [oracle, diffusion])
    minus = [Gate("x", (layout.minus,)), Gate("h", (layout.minus,))]
    body: list[Op] = [*minus, *(Gate("h", (q,)) for q in weights)]
    if iterations:
        body.append(Call(iteration.block, iteration.qubits, repeat=iterations))
    body += [*reversed(minus), *(Measure(q, "weights", i) for i, q in enumerate(weights))]
    return Circuit(
        layout.size,
        tuple(blocks.blocks),
        tuple(body),
        layout.registers,
        (("weights", model.num_weights),),
    )


def _with_phase(model: Model, precision: int, step) -> Model:  # noqa: ANN001
    from dataclasses import replace

    from qbnnc.frontend.model import Oracle

    return replace(model, oracle=Oracle("phase", precision, step))


class _Layout:
    """The authors' qubit registers, in their order."""

    def __init__(self, model: Model, precision: int) -> None:
        n = model.num_weights
        first = model.layers[0]
        at = n
        self.inputs = []
        for _ in range(first.width):
            self.inputs.append(list(range(at, at + model.input_width)))
            at += model.input_width
        self.outputs: dict[str, list[int]] = {}
        for layer in model.layers:
            self.outputs[layer.name] = list(range(at, at + layer.width))
            at += layer.width
        self.desired, self.spare, self.minus = at, at + 1, at + 2
        self.phase = list(range(at + 3, at + 3 + precision))
        self.size = at + 3 + precision
        neurons = sum(layer.width for layer in model.layers)
        self.registers = (
            Register("w", 0, n, "weights"),
            Register("inputs", n, first.width * model.input_width, "input copies, one per neuron"),
            Register("neuron", n + first.width * model.input_width, neurons, "neuron outputs"),
            Register("desired", self.desired, 1, "desired output (the label)"),
            Register("spare", self.spare, 1, "target of the controlled global phase"),
            Register("minus", self.minus, 1, "|-> for the phase flip"),
            Register("phase_register", self.phase[0], precision, "phase-estimation register"),
        )
