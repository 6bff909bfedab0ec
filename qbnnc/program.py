"""A compiled program: the model, its circuit, and every view of it a user asks for."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from qbnnc.diagnostics import CompileError, Diagnostic
from qbnnc.frontend.model import Model
from qbnnc.semantics import Census, success_probability
from qbnnc.synthesis.circuit import Circuit, flat_size
from qbnnc.synthesis.training import TrainingCircuit

if TYPE_CHECKING:
    import pytket

# A flat operation costs ~1 KB once printed or built as a pytket command; 20 million of
# them is already beyond what a reader of the program can load.
MAX_FLAT_OPERATIONS = 20_000_000


@dataclass(frozen=True)
class Program:
    model: Model
    training: TrainingCircuit
    census: Census | None  # None when the weights were too many to count
    iterations: int
    target: str = "generic"
    # A device target's circuit as compiled by its vendor's pytket extension (None otherwise):
    # what `pytket()`, `.json` output, `stats` and emulation use for that target.
    device: Any = field(default=None, compare=False, repr=False)

    @property
    def circuit(self) -> Circuit:
        return self.training.circuit

    @property
    def weight_names(self) -> list[str]:
        return self.model.weight_names

    @property
    def marked(self) -> int | None:
        return self.census.marked if self.census else None

    @property
    def success_probability(self) -> float | None:
        if self.census is None:
            return None
        return success_probability(self.census.marked, self.model.num_weights, self.iterations)

    def qasm3(self, flat: bool = False) -> str:
        """The OpenQASM 3 program: structured (gate definitions, a loop) unless `flat`."""
        from qbnnc.targets.qasm3 import emit

        if self.device is not None:
            from qbnnc.targets import get_target
            from qbnnc.targets.device import qasm3

            return qasm3(self, get_target(self.target))  # a device circuit is flat already
        if flat:
            self.require_flat_fits("--flat OpenQASM 3")
        return emit(self.circuit, self.training.header.lines(), flat=flat)

    def require_flat_fits(self, what: str) -> None:
        """Refuse to write out a flat circuit too big for memory, naming its size."""
        size = flat_size(self.circuit)
        if size > MAX_FLAT_OPERATIONS:
            where = self.model.spans.get("iterations") or self.model.spans.get("network")
            raise CompileError(
                [
                    Diagnostic.at(
                        where,
                        f"the flat circuit would have {size} operations (limit "
                        f"{MAX_FLAT_OPERATIONS}), too many for {what}; write the structured "
                        f"OpenQASM 3 (without --flat), or count it with `qbnnc stats`",
                        self.model.source,
                    )
                ]
            )

    def pytket(self, flat: bool = False) -> pytket.Circuit:
        """The pytket circuit: the device circuit for a device target; otherwise built from
        the IR, repeated blocks as CircBoxes unless `flat`."""
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

        return qir(self, binary)

    def stats(self) -> dict[str, Any]:
        from qbnnc.stats import stats

        return stats(self)
