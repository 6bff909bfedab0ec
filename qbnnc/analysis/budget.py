"""Work budgets: what simulating, flattening or training will cost, known before it starts.

Pure functions of sizes the compiled program already knows (qubits, flat operations, the
operations of one Grover iteration, weights, examples). Each returns an `Estimate` of the
wall-clock time and the peak memory; `refusal` compares it with the `Limits` and returns
the message to print (the estimate, the limit, and what to write instead), or None. The
command line refuses work over the limits before starting it, and shows a status line
when an accepted job will take more than `PROGRESS_SECONDS`.

The constants were measured on the development machine (2 cores, shared) with
`python bench/budget.py`, which prints estimate against measurement for every shipped
example and the bench models; docs/performance.md has the tables. Counting and compiling
are estimated from the checked model alone (`ModelSize`), before either starts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from qbnnc.analysis.stats import DEPTH_BUDGET
from qbnnc.frontend.model import Model
from qbnnc.reference.evaluate import example_groups

# --- measured constants (bench/budget.py, bench/budget_compile.py) ---------------------------

# `run`: emit the structured OpenQASM 3, load it in Qiskit, unroll and inline it, transpile
# for Aer: per flat operation, independent of the width.
RUN_SECONDS_PER_OPERATION = 3.0e-4
# Aer's statevector, fusion off, one thread: per flat operation per amplitude (2^qubits).
RUN_SECONDS_PER_AMPLITUDE_OPERATION = 7.5e-9
# Fixed cost of a simulation (transpiling for Aer, starting it, drawing shots, tabulating).
RUN_SECONDS_FIXED = 0.5
# The sparse simulator (qbnnc/execution/sparse.py): per flat operation (flattening it, numpy's
# overhead), and per operation per amplitude held (2^(weights + phase qubits)).
SPARSE_SECONDS_PER_OPERATION = 1.0e-4
SPARSE_SECONDS_PER_AMPLITUDE_OPERATION = 6.0e-9
# An amplitude of the sparse state: its complex128, its key words (one per 64 qubits), and
# the copies an H and its merge hold at once.
SPARSE_AMPLITUDE_BYTES = 96
# Writing a flat program: per operation, OpenQASM 3 text and pytket JSON.
FLAT_QASM_SECONDS_PER_OPERATION = 9.5e-5
FLAT_PYTKET_SECONDS_PER_OPERATION = 1.9e-4
# `train`: checking one measured weight string on one example, classically (measured
# 26-43 us on the paper's tasks and parity3).
CHECK_SECONDS_PER_EXAMPLE = 4.0e-5

# Counting every weight string (`semantics.correct_counts`): per weight string per word of
# 64 distinct inputs (the bit-parallel planes), a base cost, one per popcount pass over the
# grid (a label slot's distinct multiplicities) and one per step of the output neurons'
# threshold count (the planes that span every weight); per row (grouping the examples by
# input, in Python); and a fixed cost.
COUNT_SECONDS_PER_ROW = 5e-6
COUNT_SECONDS_PER_WORD = 2.8e-9
COUNT_SECONDS_PER_WORD_PASS = 5.0e-9
COUNT_SECONDS_PER_WORD_THRESHOLD = 2.35e-9
COUNT_SECONDS_FIXED = 0.004
# Compiling (dataflow, passes, lowering, the oracle's sweep): per weighted line, per input
# line of a row (the masks a row's input bits set on the first layers), per data bit read.
COMPILE_SECONDS_FIXED = 0.02
COMPILE_SECONDS_PER_LINE = 3.0e-4
COMPILE_SECONDS_PER_INPUT_LINE = 6.5e-7
COMPILE_SECONDS_PER_DATA_BIT = 9e-7
# Printing the structured OpenQASM 3: per weighted line (gate definitions) and per input
# line of a row (a row's masks are X gates in its block); about 11 bytes per mask gate.
QASM_SECONDS_FIXED = 0.1
QASM_SECONDS_PER_LINE = 1.2e-4
QASM_SECONDS_PER_INPUT_LINE = 1.0e-7
QASM_BYTES_PER_INPUT_LINE = 11
QASM_BYTES_PER_LINE = 300
# `stats`: gate counts memoised per block (per weighted line), and the depth walk, which
# visits a few operations per distinct row and line until it gives up at DEPTH_BUDGET.
STATS_SECONDS_FIXED = 0.05
STATS_SECONDS_PER_LINE = 2.5e-4
STATS_SECONDS_PER_WALKED = 2e-6
STATS_WALKED_PER_ROW_LINE = 1
# Memory of a compiled program: the dataflow graph and the lowered blocks per weighted line,
# the data as a matrix, and the interpreter with its imports.
COMPILE_BYTES_PER_LINE = 12_000
COMPILE_BYTES_PER_DATA_BIT = 40
COMPILE_BYTES_PER_INPUT_LINE = 40
PROCESS_BYTES = 100 * 2**20

# Memory: a statevector amplitude is a complex128; Qiskit holds each operation of an
# unrolled circuit as Python objects (twice: the circuit and its transpiled copy); a flat
# operation printed or built as a pytket command is about 1 KB (see qbnnc/pipeline/program.py).
AMPLITUDE_BYTES = 16
QISKIT_OPERATION_BYTES = 2_000
FLAT_OPERATION_BYTES = 1_000
# `train`: a measured shot held as a numpy int, a Python int, its canonical string and score.
SHOT_BYTES = 200

# Work longer than this shows a status line (on a terminal); longer than the time limit
# is refused.
PROGRESS_SECONDS = 2.0
DEFAULT_SECONDS_LIMIT = 3600.0


@dataclass(frozen=True)
class Limits:
    """What one command may spend: seconds of wall-clock time, bytes of memory (None: no
    memory limit known)."""

    seconds: float = DEFAULT_SECONDS_LIMIT
    memory: int | None = None


@dataclass(frozen=True)
class Estimate:
    """The cost of one job, and what the user can do instead when it is too large."""

    task: str  # what is estimated, e.g. "simulating 20 qubits x 4,567 operations"
    seconds: float
    memory: int  # bytes at the peak
    instead: str  # advice when refused, e.g. "use fewer iterations"
    # Advice for when only the time, or only the memory, is over (default: `instead`).
    instead_time: str | None = None
    instead_memory: str | None = None

    def describe(self) -> str:
        return f"{self.task}: about {format_seconds(self.seconds)}, {format_bytes(self.memory)}"


def format_seconds(seconds: float) -> str:
    if seconds >= 1e12:
        return "more than 30,000 years"
    if seconds < 1:
        return "under a second"
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} minutes"
    if seconds < 2 * 86400:
        return f"{seconds / 3600:.0f} hours"
    if seconds < 2 * 365 * 86400:
        return f"{seconds / 86400:.0f} days"
    return f"{seconds / (365 * 86400):.2g} years"


def format_bytes(size: float) -> str:
    if size >= 2**70:
        return "more than 1 ZiB"
    for unit, scale in (("TiB", 2**40), ("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if size >= scale:
            return f"{size / scale:.3g} {unit}"
    return f"{int(size)} bytes"


def statevector_bytes(qubits: int) -> int:
    return AMPLITUDE_BYTES << qubits


def simulation_seconds(qubits: int, operations: int) -> float:
    """Loading, unrolling and simulating `operations` flat operations on `qubits`."""
    per_operation = RUN_SECONDS_PER_OPERATION + RUN_SECONDS_PER_AMPLITUDE_OPERATION * 2.0**qubits
    return RUN_SECONDS_FIXED + _float(operations) * per_operation


def _float(count: int) -> float:
    """A count as a float, capped far beyond any limit (10^400 does not fit a float)."""
    return float(min(count, 10**60))


@dataclass(frozen=True)
class ModelSize:
    """What counting and compiling a model cost depends on, known from the checked model."""

    weights: int  # trainable weights: 2^weights strings to count
    rows: int  # training examples
    distinct_inputs: int  # distinct input rows (the count evaluates each once)
    count_passes: int  # popcounts per weight string: per label slot, distinct multiplicities
    top_threshold: int  # output neurons x the steps of their threshold count
    lines: int  # weighted lines, into every neuron
    input_lines: int  # distinct inputs x lines that read an input bit (a row's masks)
    data_bits: int  # rows x (input + label bits)

    @classmethod
    def of(cls, model: Model) -> ModelSize:
        reads_input = sum(
            layer.width * s.width
            for layer in model.layers
            for s in layer.sources
            if s.name == model.input_name
        )
        groups = example_groups(model)
        slots = max((len(labels) for _, labels in groups), default=0)
        last = model.layers[-1]
        return cls(
            weights=model.num_weights,
            rows=model.num_examples,
            distinct_inputs=len(groups),
            count_passes=sum(
                len({labels[r][1] for _, labels in groups if r < len(labels)}) for r in range(slots)
            ),
            top_threshold=last.width
            * max(1, min(last.threshold, last.fan_in - last.threshold + 1)),
            lines=model.weighted_lines,
            # Rows that repeat are merged before lowering: each distinct input is lowered once.
            input_lines=len(groups) * reads_input,
            data_bits=model.num_examples * (model.input_width + model.output_width),
        )


def estimate_count(size: ModelSize) -> Estimate:
    """Counting how many examples each of the 2^weights strings classifies correctly
    (`qbnnc check`, `iterations auto`, the marked count): bit-parallel over words of 64
    distinct inputs, one chunk of weight strings at a time (flat memory, plus a count per
    weight string)."""
    words = max(1, -(-size.distinct_inputs // 64))
    strings = 1 << size.weights
    return Estimate(
        f"counting {power_of_two_text(size.weights)} weight strings on "
        f"{size.distinct_inputs:,} distinct inputs",
        COUNT_SECONDS_FIXED
        + size.rows * COUNT_SECONDS_PER_ROW
        + _float(strings * words)
        * (
            COUNT_SECONDS_PER_WORD
            + size.count_passes * COUNT_SECONDS_PER_WORD_PASS
            + size.top_threshold * COUNT_SECONDS_PER_WORD_THRESHOLD
        ),
        strings * 8 + 64 * 2**20,  # the counts, their sorted copy, the chunk's planes
        "write `iterations K` or `expect M` in the train block, so nothing is counted",
    )


def power_of_two_text(n: int) -> str:
    return f"{1 << n:,}" if n <= 40 else f"2^{n}"


Output = Literal["qasm", "stats", "program"]


def estimate_compile(size: ModelSize, output: Output = "program") -> Estimate:
    """Compiling the model (dataflow, passes, lowering) and then, by `output`: printing its
    structured OpenQASM 3 ("qasm"), counting its resources ("stats"), or nothing
    ("program"). The count of weight strings, when one is made, is `estimate_count`."""
    seconds = (
        COMPILE_SECONDS_FIXED
        + size.lines * COMPILE_SECONDS_PER_LINE
        + size.input_lines * COMPILE_SECONDS_PER_INPUT_LINE
        + size.data_bits * COMPILE_SECONDS_PER_DATA_BIT
    )
    memory = (
        PROCESS_BYTES
        + size.lines * COMPILE_BYTES_PER_LINE
        + size.data_bits * COMPILE_BYTES_PER_DATA_BIT
        + size.input_lines * COMPILE_BYTES_PER_INPUT_LINE
    )
    task = f"compiling {size.lines:,} weighted lines on {size.rows:,} rows"
    instead = "use smaller layers or fewer rows"
    if output == "qasm":
        text = size.lines * QASM_BYTES_PER_LINE + size.input_lines * QASM_BYTES_PER_INPUT_LINE
        seconds += (
            QASM_SECONDS_FIXED
            + size.lines * QASM_SECONDS_PER_LINE
            + size.input_lines * QASM_SECONDS_PER_INPUT_LINE
        )
        memory += 3 * text  # the pieces, the joined text, its encoding on the way out
        task += f" into about {format_bytes(text)} of OpenQASM 3"
        instead += ", or count the circuit without writing it with `qbnnc stats`"
    elif output == "stats":
        walked = min(size.distinct_inputs * size.lines * STATS_WALKED_PER_ROW_LINE, DEPTH_BUDGET)
        seconds += (
            STATS_SECONDS_FIXED
            + size.lines * STATS_SECONDS_PER_LINE
            + walked * STATS_SECONDS_PER_WALKED
        )
        task = "counting the resources of " + task.removeprefix("compiling ")
    return Estimate(task, seconds, memory, instead)


def sparse_seconds(amplitudes_log2: int, operations: int) -> float:
    """Simulating `operations` flat operations on 2^amplitudes_log2 sparse amplitudes."""
    amplitudes = 2.0**amplitudes_log2
    per = SPARSE_SECONDS_PER_OPERATION + SPARSE_SECONDS_PER_AMPLITUDE_OPERATION * amplitudes
    return RUN_SECONDS_FIXED + _float(operations) * per


def sparse_bytes(qubits: int, amplitudes_log2: int) -> int:
    return (SPARSE_AMPLITUDE_BYTES + 8 * (qubits // 64)) << amplitudes_log2


def estimate_sparse_run(
    qubits: int, operations: int, weights: int, amplitudes_log2: int
) -> Estimate:
    """`qbnnc run` on the sparse simulator: cost grows with the weights, not the qubits."""
    others = amplitudes_log2 - weights
    held = f"{weights} weights" + (f" and {others} phase qubits" if others else "")
    return Estimate(
        f"simulating {qubits} qubits sparsely (2^{amplitudes_log2} amplitudes: {held} in "
        f"superposition) x {operations:,} operations",
        sparse_seconds(amplitudes_log2, operations),
        sparse_bytes(qubits, amplitudes_log2) + (8 << weights),
        "use fewer weights (the sparse simulator's cost doubles with each), fewer iterations "
        "(`iterations K`), or count the circuit without simulating it with `qbnnc stats`",
    )


def estimate_run(qubits: int, operations: int, weights: int) -> Estimate:
    """`qbnnc run` on the statevector: the whole flat circuit, simulated once."""
    memory = (
        statevector_bytes(qubits)
        + (8 << weights)  # the weights' probabilities
        + operations * QISKIT_OPERATION_BYTES
    )
    return Estimate(
        f"simulating {qubits} qubits x {operations:,} operations",
        simulation_seconds(qubits, operations),
        memory,
        "use fewer iterations (`iterations K`), a smaller model, or count the circuit "
        "without simulating it with `qbnnc stats`",
    )


def estimate_plot(
    qubits: int,
    prep_operations: int,
    iteration_operations: int,
    iterations: int,
    weights: int,
    sparse_log2: int | None = None,
) -> Estimate:
    """`run --plot`: the preparation, then `iterations` Grover iterations one at a time,
    saving the weights' probabilities after each (on the sparse simulator when
    `sparse_log2`, its amplitudes' logarithm, is given)."""
    operations = prep_operations + iterations * iteration_operations
    if sparse_log2 is None:
        seconds = simulation_seconds(qubits, operations)
        state = 2 * statevector_bytes(qubits)  # the state, and the saved copy to continue from
    else:
        seconds = sparse_seconds(sparse_log2, operations)
        state = sparse_bytes(qubits, sparse_log2)
    memory = state + (iterations + 1) * (8 << weights) + operations * QISKIT_OPERATION_BYTES
    return Estimate(
        f"simulating {iterations:,} iterations of {qubits} qubits for the plot",
        seconds,
        memory,
        "plot fewer iterations (--plot-iterations K)",
    )


def estimate_flat(operations: int, pytket: bool = False) -> Estimate:
    """Writing the flat program: OpenQASM 3 text (`--flat`) or a pytket circuit (`.json`)."""
    per = FLAT_PYTKET_SECONDS_PER_OPERATION if pytket else FLAT_QASM_SECONDS_PER_OPERATION
    what = "a pytket circuit" if pytket else "flat OpenQASM 3"
    return Estimate(
        f"writing {what} of {operations:,} operations",
        _float(operations) * per,
        operations * FLAT_OPERATION_BYTES * (2 if pytket else 1),
        "write the structured OpenQASM 3 (a .qasm file without --flat), or count the circuit "
        "with `qbnnc stats`",
    )


def estimate_train(
    weights: int,
    examples: int,
    checks: int,
    shots_per_round: int,
    count: Estimate | None = None,
    qubits: int = 0,
    iteration_operations: int = 0,
    oracle_calls: int = 0,
) -> Estimate:
    """`qbnnc train`: the census of every weight string when it runs (`count`: the exact
    sampler and enumeration need it), at most `checks` measured strings checked on the data,
    and on a pytket backend (`iteration_operations`, `qubits`: its circuits) the circuits of
    at most `oracle_calls` Grover iterations built and sent (the backend's own time and
    memory are its own)."""
    searching = _float(checks * examples) * CHECK_SECONDS_PER_EXAMPLE
    emitting = _float(oracle_calls * iteration_operations) * RUN_SECONDS_PER_OPERATION
    seconds = (count.seconds if count else 0.0) + searching + emitting
    memory = (
        (count.memory + (1 << weights) if count else PROCESS_BYTES)  # and a mark per string
        + shots_per_round * SHOT_BYTES
        + iteration_operations * QISKIT_OPERATION_BYTES
    )
    parts = [f"at most {checks:,} candidate checks"]
    if count is not None:
        parts.insert(0, f"counting {power_of_two_text(weights)} weight strings")
    if iteration_operations:
        parts.append(f"circuits of {qubits} qubits")
    counting = count is not None and count.seconds >= searching + emitting
    time = "raise the time limit (--max-minutes), or " + (
        "use fewer weights (counting them doubles with each)" if counting else "a smaller --budget"
    )
    # Whatever holds the most memory, of what the user can shrink.
    held = {"use a smaller model": 0}
    if count is not None:
        held["use fewer weights (the count holds 9 bytes per weight string)"] = count.memory
    if shots_per_round > 1:
        held["use fewer --shots-per-round"] = shots_per_round * SHOT_BYTES
    if iteration_operations:
        held["use a smaller model (its iteration is held as Qiskit objects)"] = (
            iteration_operations * QISKIT_OPERATION_BYTES
        )
    space = max(held, key=lambda k: held[k])
    return Estimate(
        f"training {weights} weights on {examples} examples ({', '.join(parts)})",
        seconds,
        memory,
        f"{time}; to use less memory, {space.removeprefix('use ')}",
        instead_time=time,
        instead_memory=space,
    )


def estimate_amplitude_count(
    qubits: int,
    prep_operations: int,
    iteration_operations: int,
    most_power: int,
    weights: int,
    examples: int,
    shots: int,
    sparse_log2: int | None = None,
) -> Estimate:
    """`qbnnc count` on qbnnc's simulation: the preparation, then up to `most_power` Grover
    iterations one at a time (the probabilities kept after each), and at most `shots`
    measured strings checked on the data (on the sparse simulator when `sparse_log2`, its
    amplitudes' logarithm, is given)."""
    operations = prep_operations + most_power * iteration_operations
    if sparse_log2 is None:
        seconds = simulation_seconds(qubits, operations)
        state = 2 * statevector_bytes(qubits)
    else:
        seconds = sparse_seconds(sparse_log2, operations)
        state = sparse_bytes(qubits, sparse_log2)
    checks = min(shots, 1 << min(weights, 62))
    return Estimate(
        f"counting by amplitude estimation (up to {most_power:,} Grover iterations of "
        f"{qubits} qubits, {weights} weights)",
        seconds + _float(checks * examples) * CHECK_SECONDS_PER_EXAMPLE,
        state + (most_power + 1) * (8 << weights) + operations * QISKIT_OPERATION_BYTES,
        "use a larger --epsilon (fewer iterations), or a smaller model",
    )


def machine_limits(seconds: float = DEFAULT_SECONDS_LIMIT) -> Limits:
    """This machine's limits: `seconds`, and the memory available and left under `ulimit -v`."""
    return Limits(seconds, memory_limit(_available_memory(), _address_space_left()))


def _available_memory() -> int | None:
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def _address_space_left() -> int | None:
    try:
        import resource

        soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    except (ImportError, OSError, ValueError):
        return None
    if soft == resource.RLIM_INFINITY:
        return None
    used = 0
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmSize:"):
                    used = int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return max(soft - used, 0)


def memory_limit(available: int | None, address_space_left: int | None) -> int | None:
    """The memory one job may use: the smaller of the machine's available memory and what
    is left under the process's address-space limit (`ulimit -v`); None if neither is known."""
    known = [m for m in (available, address_space_left) if m is not None]
    return min(known) if known else None


def refusal(estimate: Estimate, limits: Limits) -> str | None:
    """The message refusing `estimate` under `limits` (each limit it exceeds, with the
    estimate and what to do instead), or None when it fits."""
    over = []
    memory = limits.memory is not None and estimate.memory > limits.memory
    if memory:
        over.append(
            f"needs about {format_bytes(estimate.memory)} of memory, more than the "
            f"{format_bytes(limits.memory or 0)} available"
        )
    time = estimate.seconds > limits.seconds
    if time:
        over.append(
            f"would take about {format_seconds(estimate.seconds)}, over the limit of "
            f"{format_seconds(limits.seconds)}"
        )
    if not over:
        return None
    instead = estimate.instead
    if time and not memory and estimate.instead_time:
        instead = estimate.instead_time
    elif memory and not time and estimate.instead_memory:
        instead = estimate.instead_memory
    return f"{estimate.task} {' and '.join(over)}; {instead}"


def shows_progress(estimate: Estimate) -> bool:
    """Whether the job takes long enough to deserve a status line."""
    return estimate.seconds > PROGRESS_SECONDS
