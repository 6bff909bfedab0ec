"""A compiled program: the model, its circuit, and every view of it a user asks for."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from qbnnc.diagnostics import plural
from qbnnc.frontend.model import Model
from qbnnc.reference.census import Census
from qbnnc.reference.grover_formula import success_probability
from qbnnc.synthesis.circuit import Circuit, flat_size
from qbnnc.synthesis.training import TrainingCircuit

if TYPE_CHECKING:
    import pytket
    import qiskit

# A flat operation costs ~1 KB once printed or built as a pytket command; 20 million of
# them is already beyond what a reader of the program can load.
MAX_FLAT_OPERATIONS = 20_000_000


@dataclass(frozen=True)
class Program:
    """A compiled model: its training circuit and every view of it.

    Made by `qbnnc.compile`, `qbnnc.compile_file` or `qbnnc.compile_model`. The views:
    `qasm3()` (OpenQASM 3 text), `pytket()` (a pytket circuit), `qiskit()` (a Qiskit
    circuit that Aer runs as it is), `stats()` (resource counts). The weights are measured
    into the classical register `weights`, bit i = weight i of `weight_names` (canonical
    order: layers as declared, neurons 0..m-1, a neuron's lines in source order);
    `decode(key)` reads a Qiskit count key back into names.

    Fields: `model` (the checked model), `training` (the circuit and its parts' roles),
    `census` (the exact count of weight strings per correct count; None beyond 24 weights),
    `iterations` (Grover iterations compiled in), `target` (its name), `device` (a device
    target's pytket circuit, else None).
    """

    model: Model
    training: TrainingCircuit
    census: Census | None  # None when the weights were too many to count
    iterations: int
    target: str = "generic"
    # A device target's circuit as compiled by its vendor's pytket extension (None otherwise):
    # what `pytket()`, `.json` output, `stats` and emulation use for that target.
    device: Any = field(default=None, compare=False, repr=False)

    def __repr__(self) -> str:
        marked = "not counted" if self.census is None else self.census.marked
        return (
            f"<qbnnc.Program {self.model.name!r}: {plural(self.model.num_weights, 'weight')}, "
            f"{plural(self.model.num_examples, 'example')}, "
            f"{plural(self.circuit.num_qubits, 'qubit')}, "
            f"{plural(self.iterations, 'iteration')}, marked {marked}, target {self.target!r}>"
        )

    @property
    def circuit(self) -> Circuit:
        """The structured circuit IR (named blocks, calls and repeats)."""
        return self.training.circuit

    @property
    def weight_names(self) -> list[str]:
        """The trainable weights in canonical order, e.g. `h[1].x[0]`: layer h, neuron 1,
        the line from x[0]. Bit i of the measured register `weights` is weight i."""
        return self.model.weight_names

    @property
    def marked(self) -> int | None:
        """How many weight strings the oracle marks (None when too many to count)."""
        return self.census.marked if self.census else None

    @property
    def success_probability(self) -> float | None:
        """The chance that the measured weights are marked, from `marked` by Grover's
        formula (None when not counted)."""
        if self.census is None:
            return None
        return success_probability(self.census.marked, self.model.num_weights, self.iterations)

    def qasm3(self, flat: bool = False) -> str:
        """The OpenQASM 3 program: structured (gate definitions, a loop) unless `flat`
        (standard gates only). A device target's program is flat already. Raises
        CompileError when the flat program would be too large to write."""
        from qbnnc.targets.qasm3 import emit

        if self.device is not None:
            from qbnnc.targets.device import qasm3

            return qasm3(self.device, self.training.header)  # a device circuit is flat already
        if flat:
            self.require_flat_fits("--flat OpenQASM 3")
        return emit(self.circuit, self.training.header.lines(), flat=flat)

    def require_flat_fits(self, what: str) -> None:
        """Refuse to write out a flat circuit too big for memory, naming its size."""
        size = flat_size(self.circuit)
        if size > MAX_FLAT_OPERATIONS:
            origin = self.training.origin
            raise origin.error(
                origin.iterations or origin.network,
                f"the flat circuit would have {size} operations (limit "
                f"{MAX_FLAT_OPERATIONS}), too many for {what}; write the structured "
                f"OpenQASM 3 (without --flat), or count it with `qbnnc stats`",
            )

    def pytket(self, flat: bool = False) -> pytket.Circuit:
        """The pytket circuit: the device circuit for a device target; otherwise built from
        the IR, repeated blocks as CircBoxes unless `flat`. Raises CompileError when it
        would be too large to build (pytket has no loops)."""
        if self.device is not None:
            return self.device.copy()
        from qbnnc.targets.pytket_circuit import to_pytket

        # pytket has no loops (each repetition is a command) and `to_dict` writes a box's
        # body at every use, so boxed or not, the circuit is as large as the flat one.
        self.require_flat_fits("a pytket circuit (pytket has no loops)")
        return to_pytket(self.circuit, boxes=not flat, name=self.model.name)

    def qir(self, binary: bool = False) -> str | bytes:
        """The program as QIR through pytket-qir: LLVM text, or bitcode when `binary`."""
        from qbnnc.targets.qir import qir

        return qir(self.pytket(flat=True), self.model.name, self.training.measures_early, binary)

    def stats(self) -> dict[str, Any]:
        """The resource counts of `qbnnc stats --json` (docs/stats.md), counted through
        the structure without flattening: qubits, gates per name, two-qubit gates,
        Toffolis, T count, rotations, depth, the marked count, the classical baseline."""
        from qbnnc.analysis.stats import stats

        return stats(self.training, self.census, self.target, self.device)

    def qiskit(self) -> qiskit.QuantumCircuit:
        """The program as a flat Qiskit `QuantumCircuit` that `AerSimulator().run(circuit)`
        runs as it is (no `transpile`), as fast as the flat OpenQASM 3 program.

        Registers keep the program's names: `w` (the weights), `counter` or
        `phase_register`, `work`, the classical `weights` (and, with `uncompute measure`,
        the mid-circuit registers). `metadata` holds `weight_names`, `qubit_roles`
        (register -> role), `measured` (the weights' classical register) and
        `classical_registers`. Turn a count key into weights with `decode`.

        Raises CompileError when the flat circuit would be too large to build (see
        `qasm3(flat=True)`); a device target's circuit needs pytket-qiskit.
        """
        metadata: dict[str, Any] = {
            "model": self.model.name,
            "target": self.target,
            "iterations": self.iterations,
            "weight_names": list(self.weight_names),
            "qubit_roles": {r.name: r.role for r in self.circuit.registers},
            "measured": "weights",
        }
        if self.device is not None:
            from pytket.extensions.qiskit import tk_to_qiskit

            from qbnnc.targets.device import compacted

            circuit = tk_to_qiskit(compacted(self.device)[0], perm_warning=False)
            circuit.name = self.model.name
            roles = metadata["qubit_roles"]
            metadata["qubit_roles"] = {
                r.name: roles.get(r.name, "device qubits") for r in circuit.qregs
            }
        else:
            from qbnnc.targets.qiskit_circuit import to_qiskit

            self.require_flat_fits("a Qiskit circuit (flat)")
            circuit = to_qiskit(self.circuit, name=self.model.name)
        metadata["classical_registers"] = [[r.name, r.size] for r in circuit.cregs]
        circuit.metadata = metadata
        return circuit

    def decode(self, key: str) -> dict[str, int]:
        """The weights a Qiskit count key measured, by name in canonical order:
        `{"h[0].x[0]": 1, ...}`.

        `key` is a key of `get_counts()` from running `qiskit()` (or the loaded OpenQASM 3
        program): classical registers last-declared first, separated by spaces, each with
        its bit 0 rightmost, so weight 0 is the rightmost bit of the `weights` part.
        Raises ValueError for a key of another circuit.
        """
        from qbnnc.targets.qiskit_circuit import decode_key

        registers = self.circuit.clbits
        if self.device is not None:
            registers = tuple((r.name, r.size) for r in self.device.c_registers)
        bits = decode_key(key, registers)
        if len(bits) != self.model.num_weights:
            raise ValueError(f"count key {key!r} has no {self.model.num_weights}-bit weights")
        return {name: int(b) for name, b in zip(self.weight_names, bits, strict=True)}

    def decode_counts(self, counts: dict[str, int]) -> dict[str, int]:
        """Qiskit counts as canonical weight strings (weight 0 first) -> shots, summed over
        the other registers, most frequent first."""
        out: dict[str, int] = {}
        for key, shots in counts.items():
            string = "".join(str(b) for b in self.decode(key).values())
            out[string] = out.get(string, 0) + int(shots)
        return dict(sorted(out.items(), key=lambda item: (-item[1], item[0])))
