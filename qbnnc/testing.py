"""Helpers for checking compiled circuits by what they do (used by the tests and benchmarks).

`run_classical` and `run_signed` simulate reversible (X-family) gates on basis states, for
checking a block's classical action: a basis state is an int whose bit q is qubit q.

`weight_distribution` simulates an OpenQASM 3 program exactly (Qiskit's importer, then Aer's
statevector) and returns the probability of each weight string; `expected_distribution`
is what Grover's formula and the classical count predict for it.
"""

from __future__ import annotations

import random
from collections.abc import Iterable

import numpy as np

from qbnnc.execution.simulate import inline, unroll, weight_distribution  # noqa: F401 - the simulation core
from qbnnc.frontend.model import Model
from qbnnc.reference.census import correct_counts
from qbnnc.reference.grover_formula import success_probability
from qbnnc.synthesis.circuit import Gate


def expected_distribution(model: Model, iterations: int) -> np.ndarray:
    """Marked strings share sin^2((2K+1) theta) equally; unmarked ones share the rest."""
    counts = correct_counts(model)
    marked = counts >= model.accept.min_correct
    m, n = int(marked.sum()), len(counts)
    p = success_probability(m, model.num_weights, iterations)
    unmarked = (1 - p) / (n - m) if n > m else 0.0
    return np.where(marked, p / m if m else 0.0, unmarked)


def random_source(rng: random.Random, max_weights: int = 6) -> str:
    """A random small model that compiles, as .bnn text: 1-2 layers, either encoding,
    random thresholds, maybe a fixed layer, maybe several outputs, labels from a random
    teacher network with noise, either oracle, any `accept` form that some weight string
    meets, and `iterations` auto or a small number."""
    return _random_accept(_random_network(rng, max_weights), rng)


def _random_accept(text: str, rng: random.Random) -> str:
    """Replace `accept all` by a random accept form that some weight string meets."""
    from qbnnc.pipeline.compiler import load_model
    from qbnnc.reference.census import census

    model = load_model(text)
    tally = census(model)
    k = rng.choice(tally.reachable)
    e = model.num_examples
    form = rng.choice(["all", "correct", "accuracy"])
    if form == "all" and tally.best == e:
        accept = "accept all"
    elif form == "accuracy":
        accept = f"accept accuracy >= {rng.randint(0, 100 * k // e)}%"
    else:
        accept = f"accept correct >= {k}"
    iterations = rng.choice(["", "    iterations auto\n", f"    iterations {rng.randint(0, 3)}\n"])
    return text.replace("    accept all\n", f"    {accept}\n{iterations}")


def _random_network(rng: random.Random, max_weights: int) -> str:
    while True:
        n = rng.randint(1, 3)
        depth = rng.randint(1, 2)
        widths = tuple(rng.randint(1, 2) for _ in range(depth))
        fixed = tuple(rng.random() < 0.3 for _ in range(depth))
        fans = [n] + list(widths[:-1])
        weights = sum(w * f for w, f, fx in zip(widths, fans, fixed, strict=True) if not fx)
        if 1 <= weights <= max_weights:
            break
    encoding = rng.choice(["xnor", "xor"])
    lines = [
        f"network random{rng.randint(0, 999)} {{",
        f"    encoding {encoding}",
        f"    input x[{n}]",
    ]
    source = "x"
    teacher: list[tuple[str, int, int, list[list[int]]]] = []
    for i, (width, fan, fx) in enumerate(zip(widths, fans, fixed, strict=True)):
        name = f"l{i}"
        t = rng.randint(1, fan)
        bits = [[rng.randint(0, 1) for _ in range(fan)] for _ in range(width)]
        stmt = f"    layer {name}[{width}] from {source} threshold {t}"
        if fx:
            stmt += " fixed " + "".join(str(b) for row in bits for b in row)
        lines.append(stmt)
        teacher.append((name, width, t, bits))
        source = name
    lines.append("}")
    rows = []
    inputs = [tuple(rng.randint(0, 1) for _ in range(n)) for _ in range(rng.randint(1, 6))]
    for x in inputs:
        values = list(x)
        for _, _, t, bits in teacher:
            values = [
                int(
                    sum(
                        (v == b) if encoding == "xnor" else (v != b)
                        for v, b in zip(values, row, strict=True)
                    )
                    >= t
                )
                for row in bits
            ]
        label = [v ^ int(rng.random() < 0.2) for v in values]
        rows.append("".join(map(str, x)) + " -> " + "".join(map(str, label)))
    lines += ["data {", *(f"    {r}" for r in rows), "}"]
    oracle = rng.choice(["oracle counter", "oracle phase"])
    lines += ["train {", f"    {oracle}", "    accept all", "}"]
    return "\n".join(lines) + "\n"


def sample_weights(qasm: str, num_weights: int, shots: int, seed: int = 1) -> np.ndarray:
    """How often each weight string is measured in `shots` runs of the program with Aer.

    For dynamic circuits (`uncompute measure`): gate definitions and loops are expanded,
    `if` blocks and mid-circuit measurements kept, and every shot simulated.
    """
    import qiskit.qasm3
    from qiskit import transpile
    from qiskit_aer import AerSimulator

    flat = unroll(qiskit.qasm3.loads(qasm))
    sim = AerSimulator(method="statevector")
    result = sim.run(transpile(flat, sim, optimization_level=0), shots=shots, seed_simulator=seed)
    names = [reg.name for reg in flat.cregs][::-1]  # Qiskit prints registers last first
    counts = np.zeros(2**num_weights, dtype=int)
    for key, n in result.result().get_counts().items():
        counts[int(key.split()[names.index("weights")], 2)] += n
    return counts


# --- reversible blocks on basis states --------------------------------------------------------

_PHASE_ONLY = frozenset({"z", "p", "s", "sdg", "t", "tdg", "rz"})


def run_classical(gates: Iterable[Gate], state: int) -> int:
    for g in gates:
        if g.name in _PHASE_ONLY:
            continue
        if g.name == "swap" and not g.controls:
            a, b = g.qubits
            if ((state >> a) ^ (state >> b)) & 1:
                state ^= (1 << a) | (1 << b)
            continue
        if g.name != "x":
            raise ValueError(f"{g.name} does not map basis states to basis states")
        *controls, target = g.qubits
        fires = all((state >> c) & 1 for c in controls)
        if g.temp is not None and ((state >> target) & 1) != (fires and g.temp == "uncompute"):
            raise ValueError(f"temporary AND {g} finds its target in the wrong state")
        if fires:
            state ^= 1 << target
    return state


def run_signed(gates: Iterable[Gate], state: int) -> tuple[int, int]:
    """The basis state and the sign (+1 or -1) that X-family gates and (controlled) Z give it.

    Checks phase oracles built from CZs and ANDs; other phase gates raise.
    """
    sign = 1
    for g in gates:
        if g.name == "z":
            if all((state >> q) & 1 for q in g.qubits):
                sign = -sign
            continue
        if g.name in _PHASE_ONLY:
            raise ValueError(f"{g.name} gives a phase other than -1")
        state = run_classical([g], state)
    return state, sign
