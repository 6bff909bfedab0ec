"""A compiled program: the model, its circuit, and every view of it a user asks for."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from qbnnc.circuit import Circuit
from qbnnc.model import Model
from qbnnc.semantics import Census, success_probability

if TYPE_CHECKING:
    import pytket


@dataclass(frozen=True)
class Program:
    model: Model
    circuit: Circuit
    census: Census | None  # None when the weights were too many to count
    iterations: int
    target: str = "generic"

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

        return emit(self.circuit, flat=flat)

    def pytket(self) -> pytket.Circuit:
        from qbnnc.targets.pytket_circuit import to_pytket

        return to_pytket(self.circuit)

    def stats(self) -> dict[str, Any]:
        from qbnnc.stats import stats

        return stats(self)
