"""Local simulation: what a compiled program measures, exactly and in sampled shots.

The generic target is simulated through the program it writes: the OpenQASM 3 text is
loaded with `qiskit.qasm3.loads`, its loops unrolled and its gate definitions inlined
(`inline`, far faster than letting Qiskit's transpiler unroll nested definitions), and run
on Aer's statevector (its GPU build where installed). Programs too wide for a statevector
but with few weights run on qbnnc's exact sparse simulator (`tools/sparse.py`), which holds
only the non-zero amplitudes; `choose_simulator` picks. The result is the probability of
every weight string (index bit i = weight i); shots are drawn from it with a seeded
generator, so a seed fixes the counts.

Device targets run on the target's local emulator (a pytket backend, noisy where the
vendor provides a noise model) through `targets.emulator`.
"""

from __future__ import annotations

import warnings
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from qbnnc.diagnostics import CompileError, Diagnostic, plural
from qbnnc.frontend.model import Model
from qbnnc.reference.census import correct_counts
from qbnnc.reference.evaluate import weight_string
from qbnnc.synthesis.circuit import Circuit

if TYPE_CHECKING:
    from pytket.backends import Backend

    from qbnnc.execution.sparse import SparseGroverSimulator
    from qbnnc.pipeline.program import Program

# A statevector of 30 qubits is 16 GiB: wider programs go to the sparse simulator.
MAX_QUBITS = 30
# The sparse simulator (qbnnc/execution/sparse.py) holds 2^(weights + phase qubits) amplitudes,
# whatever the width: at most 2^this (about 6 GiB).
MAX_SPARSE_LOG2 = 26
# Aer's statevector is the reference simulator: kept for every program it simulates in
# under this long (estimated by qbnnc/analysis/budget.py), else the faster of the two is used.
DENSE_PREFERRED_SECONDS = 10.0

Progress = Callable[[str], None]

# With no weight (every layer fixed) the one string measured is the empty one; Aer saves no
# probabilities of zero qubits, so this is its distribution.
_ONE_STRING = np.ones(1)

Simulator = Literal["aer", "sparse"]


def _refuse(program: Program, message: str) -> CompileError:
    return CompileError([Diagnostic(program.model.path, 0, 0, message)])


def choose_simulator(program: Program, iterations: int | None = None) -> Simulator:
    """The simulator for a generic (or clifford+t) program, by its structure: Aer's dense
    statevector when the width allows it and it is quick or the faster; the sparse simulator
    when the qubits are many but the weights few. Refuses (naming the weights' limit) a
    program neither can simulate.

    `iterations`: for `grover_simulator` (train, plots), the most iterations it will run
    one at a time; the choice weighs the preparation and that many iterations in place of
    the program's own body.
    """
    from qbnnc.analysis.budget import simulation_seconds, sparse_seconds
    from qbnnc.execution.sparse import amplitudes_log2, supports
    from qbnnc.synthesis.circuit import flat_size

    width = program.circuit.num_qubits
    log2 = amplitudes_log2(program)
    sparse = log2 <= MAX_SPARSE_LOG2 and supports(program.circuit)
    if width <= MAX_QUBITS:
        if iterations is None:
            ops = flat_size(program.circuit)
        else:
            prep, step = iteration_circuits(program)
            ops = flat_size(prep) + iterations * flat_size(step)
        dense_seconds = simulation_seconds(width, ops)
        if not sparse or dense_seconds <= max(DENSE_PREFERRED_SECONDS, sparse_seconds(log2, ops)):
            return "aer"
    if sparse:
        return "sparse"
    n = program.model.num_weights
    others = log2 - n
    if not sparse and log2 <= MAX_SPARSE_LOG2:
        what = "gates the sparse simulator does not model"
    else:
        extra = f" and {others} more qubits an H puts in superposition" if others else ""
        room = max(MAX_SPARSE_LOG2 - others, 0)
        what = (
            f"{n} weights{extra}, too many for the sparse simulator: it would hold 2^{log2} "
            f"amplitudes, over its limit of 2^{MAX_SPARSE_LOG2} (at most {room} weights"
            + (" beside those qubits)" if others else ")")
        )
    raise _refuse(
        program,
        f"the circuit cannot be simulated here: it has {what}, and its {width} qubits are "
        f"over the statevector's limit of {MAX_QUBITS}; `qbnnc stats` counts its resources "
        "without simulating it",
    )


def check_width(program: Program, limit: int = MAX_QUBITS) -> None:
    """Refuse programs no local simulator can hold: a device circuit wider than a
    statevector (its emulators are dense), a generic one by `choose_simulator`."""
    device = getattr(program, "device", None)
    if device is None:
        choose_simulator(program)
        return
    width = device.n_qubits
    if width > limit:
        raise _refuse(
            program,
            f"the device circuit has {width} qubits, too many to simulate here (the "
            f"limit of its emulator's statevector is {limit}); `qbnnc stats` counts its "
            "resources without simulating it",
        )


def aer_device(available: tuple[str, ...] | None = None) -> str:
    """ "GPU" where Aer's GPU build (qiskit-aer-gpu) is installed and sees a GPU, else "CPU".
    `available`: Aer's `available_devices()` (asked when not given)."""
    if available is None:
        from qiskit_aer import AerSimulator

        available = tuple(AerSimulator().available_devices())
    return "GPU" if "GPU" in available else "CPU"


def backend_name(simulator: Simulator, device: str = "CPU") -> str:
    """How `run` names the simulator it used."""
    if simulator == "sparse":
        return "qbnnc sparse simulator (exact)"
    return "aer statevector" + (" on GPU" if device == "GPU" else "") + " (via OpenQASM 3)"


# --- Qiskit: load, unroll, simulate ----------------------------------------------------------

STANDARD_GATES = frozenset(
    {"x", "y", "z", "h", "s", "sdg", "t", "tdg", "p", "rz", "cx", "cz", "cp", "ccx", "ccz"}
    | {"mcx", "mcphase", "swap", "measure", "barrier", "reset"}
)


def inline(circuit):  # qiskit types stay out of this module's imports
    """Unroll constant `for` loops and inline gate definitions, leaving standard gates.

    Qiskit's transpiler re-synthesises nested definitions inside a loop body from scratch
    (minutes for the paper's 3-2-1 task); inlining first takes a fraction of a second.
    """
    out = circuit.copy_empty_like()
    for inst in circuit.data:
        op = inst.operation
        if op.name == "for_loop":
            indexset, loop_parameter, body = op.params
            if loop_parameter is not None:
                body = body.assign_parameters({loop_parameter: 0})
            qubits = [circuit.find_bit(q).index for q in inst.qubits]
            clbits = [circuit.find_bit(c).index for c in inst.clbits]
            for _ in indexset:
                out.compose(inline(body), qubits=qubits, clbits=clbits, inplace=True)
        else:
            out.append(inst)
    while names := {i.operation.name for i in out.data} - STANDARD_GATES - {"if_else"}:
        out = out.decompose(gates_to_decompose=sorted(names))
    return out


def unroll(circuit):
    """The loaded program as Qiskit would run it flat: loops unrolled, and only the program's
    own gate definitions inlined (also inside `if` branches); library gates (mcx, c3z...)
    and `if` statements stay as loaded.

    Its `count_ops()` and `depth()` are what `qbnnc stats` must report.
    """
    from qiskit.circuit import Gate as QiskitGate

    out = circuit.copy_empty_like()

    def place(source, qubits, clbits) -> None:
        for inst in source.data:
            op = inst.operation
            qs = [qubits[source.find_bit(q).index] for q in inst.qubits]
            cs = [clbits[source.find_bit(c).index] for c in inst.clbits]
            if op.name == "for_loop":
                indexset, loop_parameter, body = op.params
                if loop_parameter is not None:
                    body = body.assign_parameters({loop_parameter: 0})
                for _ in indexset:
                    place(body, qs, cs)
            elif type(op) is QiskitGate and op.definition is not None:
                place(op.definition, qs, cs)  # a `gate` the program defines (or its inverse)
            elif op.name == "if_else":  # `uncompute measure`: unroll inside the branch too
                (branch,) = op.blocks
                out.append(op.replace_blocks([unroll(branch)]), qs, cs)
            else:
                out.append(op, qs, cs)

    place(circuit, list(out.qubits), list(out.clbits))
    return out


def statevector_probabilities(qasm: str, num_weights: int) -> np.ndarray:
    """P(weights = w) for every weight string w (index bit i = weight i), simulated exactly."""
    import qiskit.qasm3
    from qiskit_aer.library import SaveProbabilities

    if num_weights == 0:
        return _ONE_STRING
    circuit = inline(qiskit.qasm3.loads(qasm))
    circuit.remove_final_measurements()
    # The weights are the first register: qubits 0..n-1, the low bits of the index.
    circuit.append(SaveProbabilities(num_weights, label="weights"), range(num_weights))
    return _aer_run(circuit)["weights"]


def _aer():
    """Aer's statevector simulator, set for these circuits.

    Gate fusion merges runs of Toffolis and CNOTs into dense unitaries on up to 5 qubits,
    which costs more than it saves here (about 5x slower on the paper's 3-2-1 task); one
    thread is as fast as two on small states and leaves the other core free.
    """
    from qiskit_aer import AerSimulator

    return AerSimulator(
        method="statevector", device=aer_device(), fusion_enable=False, max_parallel_threads=1
    )


def _aer_run(circuit) -> dict[str, Any]:
    from qiskit import transpile

    sim = _aer()
    compiled = transpile(circuit, sim, optimization_level=0)
    data = sim.run(compiled, shots=1).result().data(0)
    return {k: np.asarray(v, dtype=float) for k, v in data.items() if k != "counts"}


def weight_distribution(qasm: str, num_weights: int) -> np.ndarray:
    """P(weights = w) for every weight string w of an OpenQASM 3 program, simulated exactly."""
    return statevector_probabilities(qasm, num_weights)


def distribution(program: Program) -> np.ndarray:
    """The exact probability of each weight string the program measures, on the simulator
    `choose_simulator` picks."""
    if choose_simulator(program) == "sparse":
        from qbnnc.execution.sparse import sparse_distribution

        return sparse_distribution(program)
    return statevector_probabilities(program.qasm3(), program.model.num_weights)


def sample(probabilities: np.ndarray, shots: int, seed: int | None) -> Counter[int]:
    """`shots` weight strings drawn from `probabilities` (fixed by `seed`)."""
    rng = np.random.default_rng(seed)
    p = np.clip(probabilities, 0, None)
    counts = rng.multinomial(shots, p / p.sum())
    return Counter({int(w): int(c) for w, c in enumerate(counts) if c})


# --- iterations one at a time, for plots ------------------------------------------------------


def iteration_circuits(program: Program) -> tuple[Circuit, Circuit]:
    """(preparation, one Grover iteration) of `program`'s circuit, without measurements."""
    training = program.training
    circuit = training.circuit
    # Classical registers stay declared: a measuring iteration writes its own bits.
    return (
        replace(circuit, body=training.preparation),
        replace(circuit, body=training.iteration_ops),
    )


class GroverSimulator:
    """The weights' distribution after k Grover iterations of one program, for any k.

    The preparation and one iteration are loaded from the program's OpenQASM 3 once; the
    state is then evolved one iteration at a time on Aer's statevector, saving the weights'
    probabilities after each, and continued from the saved state when a larger k is asked.
    """

    def __init__(self, program: Program) -> None:
        import qiskit.qasm3
        from qiskit import transpile

        from qbnnc.targets.qasm3 import emit

        if program.circuit.num_qubits > MAX_QUBITS:  # `grover_simulator` picks the sparse one
            check_width(program)  # refused when it cannot either
            raise _refuse(
                program,
                f"the circuit has {program.circuit.num_qubits} qubits, too many for Aer's "
                f"statevector (the limit is {MAX_QUBITS}); use `grover_simulator(program)`",
            )
        prep_ir, step_ir = iteration_circuits(program)
        self.num_weights = program.model.num_weights
        self._sim = _aer()
        self._prep = transpile(inline(qiskit.qasm3.loads(emit(prep_ir))), self._sim)
        self._step = transpile(inline(qiskit.qasm3.loads(emit(step_ir))), self._sim)
        self._probabilities: list[np.ndarray] = []
        self._state: np.ndarray | None = None

    @property
    def simulated(self) -> int:
        """Iterations simulated so far."""
        return len(self._probabilities) - 1

    def probabilities(self, k: int) -> np.ndarray:
        """P(weights = w) after `k` iterations (index bit i = weight i)."""
        if k >= len(self._probabilities):
            self._extend(k)
        return self._probabilities[k]

    def _extend(self, k: int) -> None:
        from qiskit_aer.library import SaveProbabilities, SaveStatevector, SetStatevector

        n = self.num_weights
        if n == 0:
            self._probabilities += [_ONE_STRING] * (k + 1 - len(self._probabilities))
            return
        circuit = self._prep.copy_empty_like()
        first = len(self._probabilities)
        if self._state is None:
            circuit.compose(self._prep, inplace=True)
            circuit.append(SaveProbabilities(n, label="k0"), range(n))
            first = 1
        else:
            circuit.append(SetStatevector(self._state), circuit.qubits)
        for i in range(first, k + 1):
            circuit.compose(self._step, inplace=True)
            circuit.append(SaveProbabilities(n, label=f"k{i}"), range(n))
        circuit.append(SaveStatevector(circuit.num_qubits, label="state"), circuit.qubits)
        data = self._sim.run(circuit, shots=1).result().data(0)
        start = 0 if self._state is None else first
        self._probabilities += [np.asarray(data[f"k{i}"], dtype=float) for i in range(start, k + 1)]
        self._state = np.asarray(data["state"])


def grover_simulator(
    program: Program, iterations: int | None = None
) -> GroverSimulator | SparseGroverSimulator:
    """A simulator of `program`'s iterations one at a time, on the simulator
    `choose_simulator` picks for up to `iterations` of them (both answer
    `probabilities(k)`)."""
    if choose_simulator(program, iterations) == "sparse":
        from qbnnc.execution.sparse import SparseGroverSimulator

        return SparseGroverSimulator(program)
    return GroverSimulator(program)


def iteration_distributions(
    model: Model, iterations: int, progress: Progress | None = None
) -> np.ndarray:
    """P(weights = w) after k = 0..iterations Grover iterations, one row per k."""
    from qbnnc.pipeline.compiler import compile_model

    program = compile_model(replace(model, iterations=1))
    if progress:
        progress(f"simulating iterations 0..{iterations}")
    sim = grover_simulator(program, iterations)
    return np.stack([sim.probabilities(k) for k in range(iterations + 1)])


# --- run: the user's view --------------------------------------------------------------------


SCHEMA_RUN = "qbnnc.run/1"


@dataclass(frozen=True)
class Outcome:
    """One measured weight string and what it is worth on the data.

    `weights`: the string in canonical order, weight 0 first; `bits`: the same, by weight
    name (`{"h[0].x[0]": 1, ...}`); `count` shots of `frequency`; `correct` examples
    classified; `marked` whether it meets the model's `accept`.
    """

    weights: str
    count: int
    frequency: float
    correct: int
    marked: bool
    bits: dict[str, int] = field(default_factory=dict, compare=False)

    def __repr__(self) -> str:
        return (
            f"Outcome({self.weights}: {plural(self.count, 'shot')}, {self.correct} correct, "
            f"{'marked' if self.marked else 'not marked'})"
        )


@dataclass(frozen=True)
class RunResult:
    """What `qbnnc.run` measured: `outcomes` (most frequent first, each decoded by weight
    name), the model's `weight_names`, the `shots`, `seed`, `iterations`, `marked` count
    and expected `success_probability`, and `marked_frequency` measured. `best` is the most
    frequent outcome with the most correct examples; `to_json()` is `qbnnc run --json`.
    """

    model: str
    target: str
    backend: str
    shots: int
    seed: int | None
    iterations: int
    marked: int | None
    success_probability: float | None
    outcomes: tuple[Outcome, ...]  # most frequent first
    weight_names: tuple[str, ...] = ()

    def __repr__(self) -> str:
        best = self.best
        return (
            f"<RunResult {self.model!r}: {plural(self.shots, 'shot')}, "
            f"{plural(len(self.outcomes), 'weight string')}, marked {self.marked_frequency:.4f}, "
            f"best {best.weights or '(none)'} "
            f"({best.correct} correct)>"
        )

    @property
    def marked_frequency(self) -> float:
        """The fraction of shots that measured a marked weight string."""
        return sum(o.frequency for o in self.outcomes if o.marked)

    @property
    def best(self) -> Outcome:
        """The measured outcome with the most correct examples (the most frequent of those)."""
        return max(self.outcomes, key=lambda o: (o.correct, o.count))

    def to_json(self) -> dict[str, Any]:
        """`qbnnc run --json`: every key documented in docs/cli.md."""
        return {
            "schema": SCHEMA_RUN,
            "model": self.model,
            "weight_names": list(self.weight_names),
            "target": self.target,
            "backend": self.backend,
            "shots": self.shots,
            "seed": self.seed,
            "iterations": self.iterations,
            "marked": self.marked,
            "success_probability": self.success_probability,
            "marked_frequency": self.marked_frequency,
            "outcomes": [
                {
                    "weights": o.weights,
                    "count": o.count,
                    "frequency": o.frequency,
                    "correct": o.correct,
                    "marked": o.marked,
                }
                for o in self.outcomes
            ],
        }


def run(
    program: Program,
    shots: int = 1024,
    seed: int | None = None,
    progress: Progress | None = None,
    backend: str | Backend | None = None,
) -> RunResult:
    """Simulate `program` locally (or run it on `backend`) and tabulate what it measures.

    Arguments: `program` (from `qbnnc.compile_file` ...), `shots` (at least 1), `seed` (the
    sampling seed; None: random), `progress` (called with a status line before long work).
    Returns a `RunResult` whose outcomes are decoded: weight string, bits by weight name,
    shots, examples correct, marked or not.

    The generic (and clifford+t) programs run exactly (Aer's statevector or the sparse
    simulator, `choose_simulator`) and the shots are drawn with `seed`; a device target runs
    its device circuit on the target's emulator (`targets.emulator`), `shots` times, with
    `seed`. `backend`: a pytket `Backend` object or a name (`qbnnc.execution.backends`, e.g.
    `ibm:fake_torino`, `quantinuum:H2-1E`) runs the program's pytket circuit there instead:
    a device circuit as it is (optimisation level 0), any other compiled by the backend
    (level 1). Raises ValueError for `shots < 1`, CompileError for a circuit too large to
    simulate.
    """
    from qbnnc.execution.backends import describe, is_built_in, resolve

    if shots < 1:
        raise ValueError("shots must be at least 1")
    model = program.model
    if not is_built_in(backend):
        assert backend is not None
        resolved = resolve(backend)
        if progress:
            progress(f"running {shots} shots on {describe(resolved)}")
        level = 0 if getattr(program, "device", None) is not None else 1
        counts = run_pytket(resolved, program.pytket(), model.num_weights, shots, seed, level)
        name = backend if isinstance(backend, str) else describe(resolved)
    elif getattr(program, "device", None) is not None:
        check_width(program)
        counts, name = _emulate(program, shots, seed, progress)
    else:
        simulator = choose_simulator(program)
        if progress:
            how = " sparsely" if simulator == "sparse" else ""
            progress(f"simulating {program.circuit.num_qubits} qubits{how}")
        counts = sample(distribution(program), shots, seed)
        name = backend_name(simulator, aer_device() if simulator == "aer" else "CPU")
    return tabulate(
        model,
        counts,
        backend=name,
        seed=seed,
        target=program.target,
        iterations=program.iterations,
        marked=program.marked,
        success_probability=program.success_probability,
    )


def tabulate(
    model: Model,
    counts: Counter[int],
    *,
    backend: str,
    seed: int | None,
    target: str,
    iterations: int,
    marked: int | None,
    success_probability: float | None,
) -> RunResult:
    """What `run` prints for measured weight strings (bit i of a key = weight i): each with
    its count, frequency, examples correct (checked classically) and whether it is marked."""
    shots = sum(counts.values())
    scores = _scores(model, counts)
    k = model.accept.min_correct

    def _canonical(w: int) -> str:
        return weight_string(w, model.num_weights)

    names = tuple(model.weight_names)

    def _outcome(w: int, c: int) -> Outcome:
        string = _canonical(w)
        bits = {name: int(b) for name, b in zip(names, string, strict=True)}
        return Outcome(string, c, c / shots, scores[w], scores[w] >= k, bits)

    outcomes = tuple(
        _outcome(w, c)
        for w, c in sorted(counts.items(), key=lambda wc: (-wc[1], _canonical(wc[0])))
    )
    return RunResult(
        model=model.name,
        target=target,
        backend=backend,
        shots=shots,
        seed=seed,
        iterations=iterations,
        marked=marked,
        success_probability=success_probability,
        outcomes=outcomes,
        weight_names=names,
    )


def _scores(model: Model, counts: Counter[int]) -> dict[int, int]:
    """Correct examples of each measured weight string (all at once when they are few)."""
    from qbnnc.reference.census import MAX_COUNTED_WEIGHTS
    from qbnnc.reference.evaluate import correct

    if model.num_weights <= min(MAX_COUNTED_WEIGHTS, 16):
        table = correct_counts(model)
        return {w: int(table[w]) for w in counts}
    return {w: correct(model, w) for w in counts}


def _emulate(
    program: Program, shots: int, seed: int | None, progress: Progress | None
) -> tuple[Counter[int], str]:
    """Shots of the device circuit on the target's local emulator (`targets.emulator`), or
    on pytket-qiskit's noiseless AerBackend where the target has none."""
    from qbnnc.targets import emulator

    backend = emulator(program.target)
    name = type(backend).__name__ + " (the target's emulator)"
    if backend is None:
        try:
            from pytket.extensions.qiskit import AerBackend
        except ImportError:
            raise CompileError.single(
                None,
                f"target '{program.target}' has no local emulator, and running its device "
                "circuit noiselessly needs pytket-qiskit: pip install pytket-qiskit",
            ) from None
        backend = AerBackend()
        name = "AerBackend (noiseless: the target has no local emulator)"
    if progress:
        progress(f"running {shots} shots on {type(backend).__name__}")
    counts = run_pytket(
        backend, program.device, program.model.num_weights, shots, seed, optimisation_level=0
    )
    return counts, name


def run_pytket(
    backend: Any,  # a pytket Backend
    circuit: Any,  # a pytket Circuit
    num_weights: int,
    shots: int,
    seed: int | None,
    optimisation_level: int = 1,
) -> Counter[int]:
    """Shots of a pytket circuit on a pytket backend, as weight strings (bit i = weight i).

    A device circuit is already valid for its device: level 0 only makes it valid for the
    emulator, without re-optimising what the vendor's compiler produced.
    """
    compiled = backend.get_compiled_circuit(circuit, optimisation_level=optimisation_level)
    kwargs: dict[str, Any] = {"n_shots": shots}
    if seed is not None:
        kwargs["seed"] = seed
    with measuring_nothing_expected(num_weights):
        result = backend.run_circuit(compiled, **kwargs)
    return weight_counts(result, num_weights)


@contextmanager
def measuring_nothing_expected(num_weights: int) -> Iterator[None]:
    """Around a pytket backend's run: a network with no trainable weight measures nothing
    by design, which pytket's backends would warn about on the user's terminal."""
    with warnings.catch_warnings():
        if num_weights == 0:
            warnings.filterwarnings("ignore", "Circuit with index .* does not contain a measure")
        yield


def weight_counts(result: Any, num_weights: int) -> Counter[int]:  # BackendResult
    """The measured weight strings of a pytket BackendResult (bit i = weight i)."""
    from pytket.circuit import Bit

    bits = [Bit("weights", i) for i in range(num_weights)]
    out: Counter[int] = Counter()
    for key, c in result.get_counts(cbits=bits).items():
        out[sum(int(b) << i for i, b in enumerate(key))] += int(c)
    return out
