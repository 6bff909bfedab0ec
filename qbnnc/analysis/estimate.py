"""Physical resources of a training circuit on fault-tolerant hardware, from its logical counts.

The counts are `stats.logical_counts` of the compiled (generic) circuit, taken through its
structure; the physical estimate is Microsoft's resource estimator (the `qdk` package,
`qdk.estimator.LogicalCounts(...).estimate(...)`), which runs offline from those counts
with its own layout (Parallel Synthesis Sequential Pauli Computation), magic-state
factories and qubit models. qbnnc only picks the configurations and reads the answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from qbnnc.analysis.stats import LogicalCounts, logical_counts
from qbnnc.synthesis.training import TrainingCircuit

# The estimator's standard qubit models (`qdk.estimator.QubitParams`), gate-based then
# Majorana; the first is its default.
GATE_BASED = ("qubit_gate_ns_e3", "qubit_gate_ns_e4", "qubit_gate_us_e3", "qubit_gate_us_e4")
MAJORANA = ("qubit_maj_ns_e4", "qubit_maj_ns_e6")
QUBIT_PARAMS = GATE_BASED + MAJORANA
# Its standard codes (`qdk.estimator.QECScheme`): the Floquet code needs Majorana qubits
# (measurement-based instructions); the surface code runs on both.
SURFACE, FLOQUET = "surface_code", "floquet_code"
QEC_SCHEMES = (SURFACE, FLOQUET)
DEFAULT_ERROR_BUDGET = 1e-3  # the estimator's own default


@dataclass(frozen=True)
class Configuration:
    qubit_params: str
    qec_scheme: str

    def params(self, error_budget: float) -> dict[str, Any]:
        """The estimator's input parameters for this configuration."""
        return {
            "qubitParams": {"name": self.qubit_params},
            "qecScheme": {"name": self.qec_scheme},
            "errorBudget": error_budget,
        }


def default_scheme(qubit_params: str) -> str:
    """The estimator's default code for a qubit model: Floquet on Majorana, else surface."""
    return FLOQUET if qubit_params in MAJORANA else SURFACE


def supported(qubit_params: str, qec_scheme: str) -> bool:
    return qec_scheme == SURFACE or qubit_params in MAJORANA


def configurations(qubit_params: str, qec_scheme: str | None) -> tuple[Configuration, ...]:
    """The configurations `--qubit-params NAME|all [--qec-scheme S]` asks for; ValueError
    for a combination the estimator does not support (Floquet on gate-based qubits)."""
    names = QUBIT_PARAMS if qubit_params == "all" else (qubit_params,)
    if qec_scheme is not None and qubit_params != "all" and not supported(qubit_params, qec_scheme):
        raise ValueError(
            f"the {qec_scheme} needs Majorana qubits ({', '.join(MAJORANA)}), not {qubit_params}"
        )
    out = []
    for name in names:
        schemes = (
            QEC_SCHEMES
            if qec_scheme is None and qubit_params == "all"
            else ((qec_scheme or default_scheme(name),))
        )
        out += [Configuration(name, s) for s in schemes if supported(name, s)]
    return tuple(out)


@dataclass(frozen=True)
class PhysicalEstimate:
    """What the estimator answers for one configuration (its own numbers, unrounded)."""

    configuration: Configuration
    physical_qubits: int
    runtime_ns: int
    code_distance: int
    t_factories: int
    physical_qubits_for_t_factories: int
    logical_qubits: int  # after the layout (algorithmic logical qubits)
    logical_depth: int
    t_states: int
    logical_cycle_time_ns: int
    rqops: int

    def to_json(self) -> dict[str, Any]:
        return {
            "qubit_params": self.configuration.qubit_params,
            "qec_scheme": self.configuration.qec_scheme,
            "physical_qubits": self.physical_qubits,
            "runtime_ns": self.runtime_ns,
            "code_distance": self.code_distance,
            "t_factories": self.t_factories,
            "physical_qubits_for_t_factories": self.physical_qubits_for_t_factories,
            "logical_qubits": self.logical_qubits,
            "logical_depth": self.logical_depth,
            "t_states": self.t_states,
            "logical_cycle_time_ns": self.logical_cycle_time_ns,
            "rqops": self.rqops,
        }


@dataclass(frozen=True)
class EstimateResult:
    model: str
    estimator: str  # e.g. "Microsoft Resource Estimator (qdk 1.33.1)"
    error_budget: float
    counts: LogicalCounts
    estimates: tuple[PhysicalEstimate, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "estimator": self.estimator,
            "error_budget": self.error_budget,
            "logical_counts": self.counts.to_estimator(),
            "estimates": [e.to_json() for e in self.estimates],
        }


def estimate(
    training: TrainingCircuit,
    configs: tuple[Configuration, ...] = (Configuration(GATE_BASED[0], SURFACE),),
    error_budget: float = DEFAULT_ERROR_BUDGET,
) -> EstimateResult:
    """Physical resources of `training` (a generic target's: `program.training`) under each
    configuration (CompileError when the estimator finds none, e.g. a budget no code
    distance it allows can meet)."""
    from importlib.metadata import version

    from qdk.estimator import EstimatorError
    from qdk.estimator import LogicalCounts as QdkLogicalCounts

    origin = training.origin
    if training.header.weights == 0:
        raise origin.error(
            origin.network,
            "every layer is fixed, so the training circuit is empty and needs no resources "
            "to estimate; remove `fixed` from a layer to estimate training it",
        )
    counts = logical_counts(training.circuit)
    logical = QdkLogicalCounts(counts.to_estimator())
    out = []
    for config in configs:
        try:
            result = logical.estimate(config.params(error_budget))
        except EstimatorError as e:  # a BaseException in qdk: caught here, by name
            message = " ".join(str(e).split())
            raise origin.error(
                None,
                f"the resource estimator found no estimate for {config.qubit_params} "
                f"with the {config.qec_scheme} and error budget {error_budget:g}: {message}",
            ) from None
        out.append(_read(config, result))
    return EstimateResult(
        model=training.header.model,
        estimator=f"Microsoft Resource Estimator (qdk {version('qdk')})",
        error_budget=error_budget,
        counts=counts,
        estimates=tuple(out),
    )


def _read(config: Configuration, result: Any) -> PhysicalEstimate:
    physical = result["physicalCounts"]
    breakdown = physical["breakdown"]
    logical_qubit = result["logicalQubit"]
    return PhysicalEstimate(
        configuration=config,
        physical_qubits=int(physical["physicalQubits"]),
        runtime_ns=int(physical["runtime"]),
        code_distance=int(logical_qubit["codeDistance"]),
        t_factories=int(breakdown["numTfactories"]),
        physical_qubits_for_t_factories=int(breakdown["physicalQubitsForTfactories"]),
        logical_qubits=int(breakdown["algorithmicLogicalQubits"]),
        logical_depth=int(breakdown["logicalDepth"]),
        t_states=int(breakdown["numTstates"]),
        logical_cycle_time_ns=int(logical_qubit["logicalCycleTime"]),
        rqops=int(physical["rqops"]),
    )


# --- the human table ---------------------------------------------------------------------------


def format_ns(ns: int) -> str:
    """A duration in nanoseconds, in the largest unit that keeps it at least 1."""
    units = (("days", 86_400e9), ("h", 3_600e9), ("min", 60e9), ("s", 1e9), ("ms", 1e6))
    for unit, scale in (*units, ("us", 1e3)):
        if ns >= scale:
            value = ns / scale
            return f"{value:,.0f} {unit}" if value >= 1000 else f"{value:.3g} {unit}"
    return f"{ns} ns"


def render(result: EstimateResult) -> str:
    """`qbnnc estimate` without --json: the assumptions, the logical counts, then one
    column per configuration."""
    c = result.counts
    lines = [
        f"estimate for {result.model}: {result.estimator}",
        "  layout: Parallel Synthesis Sequential Pauli Computation; error budget "
        f"{result.error_budget:g} split by the estimator",
        f"  logical counts (qbnnc's circuit): {c.num_qubits:,} qubits, {c.ccz_count:,} CCZ "
        f"(full Toffolis), {c.ccix_count:,} CCiX (temporary ANDs), {c.t_count:,} T, "
        f"{c.rotation_count:,} rotations (depth taken as {c.rotation_depth:,}), "
        f"{c.measurement_count:,} measurements",
    ]
    rows: list[tuple[str, list[str]]] = [
        ("qubit model", [e.configuration.qubit_params for e in result.estimates]),
        ("QEC scheme", [e.configuration.qec_scheme for e in result.estimates]),
        ("physical qubits", [f"{e.physical_qubits:,}" for e in result.estimates]),
        ("runtime", [format_ns(e.runtime_ns) for e in result.estimates]),
        ("code distance", [str(e.code_distance) for e in result.estimates]),
        ("T factories", [str(e.t_factories) for e in result.estimates]),
        ("  their qubits", [f"{e.physical_qubits_for_t_factories:,}" for e in result.estimates]),
        ("logical qubits", [f"{e.logical_qubits:,}" for e in result.estimates]),
        ("logical depth", [f"{e.logical_depth:,}" for e in result.estimates]),
        ("T states", [f"{e.t_states:,}" for e in result.estimates]),
        ("logical cycle", [format_ns(e.logical_cycle_time_ns) for e in result.estimates]),
    ]
    label = max(len(k) for k, _ in rows)
    widths = [max(len(v[i]) for _, v in rows) for i in range(len(result.estimates))]
    for key, values in rows:
        cells = "  ".join(v.rjust(w) for v, w in zip(values, widths, strict=True))
        lines.append(f"  {key.ljust(label)}  {cells}".rstrip())
    return "\n".join(lines)
