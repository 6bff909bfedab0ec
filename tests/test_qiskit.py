"""`program.qiskit()`: a flat Qiskit circuit that Aer runs as it is, with named registers,
metadata, and count keys that decode to weight names; the library's decoded results."""

from __future__ import annotations

import inspect
from pathlib import Path

import numpy as np
import pytest
from qiskit_aer import AerSimulator
from qiskit_aer.library import SaveProbabilities

import qbnnc
from qbnnc.reference.evaluate import correct
from qbnnc.targets.qiskit_circuit import decode_key
from qbnnc.testing import expected_distribution

ROOT = Path(__file__).resolve().parent.parent
QBN31 = ROOT / "examples" / "paper" / "qbn31_task1.bnn"
TWO_OUTPUTS = ROOT / "examples" / "two_outputs.bnn"  # uncompute measure: two registers


def _as_int(s: str) -> int:
    return sum(int(b) << i for i, b in enumerate(s))


def test_aer_runs_the_qiskit_circuit_without_transpile_and_it_is_exact() -> None:
    program = qbnnc.compile_file(QBN31)
    circuit = program.qiskit()
    # The program's registers, in its order (the weights, the shared neuron values, ...).
    assert [r.name for r in circuit.qregs] == ["w", "table", "phase_register"]
    assert [r.name for r in circuit.cregs] == ["weights"]
    assert circuit.metadata["weight_names"] == program.weight_names
    assert set(circuit.metadata["qubit_roles"]) == {"w", "table", "phase_register"}
    # Exact: the weights' probabilities (qubit i = weight i) are Grover's, string by string.
    exact = circuit.copy()
    exact.remove_final_measurements()
    exact.append(SaveProbabilities(3, label="p"), circuit.qregs[0])
    data = AerSimulator().run(exact).result().data(0)
    want = expected_distribution(program.model, program.iterations)
    assert np.allclose(np.asarray(data["p"]), want, atol=1e-9)
    # Sampled as a Qiskit user would, the count keys decode to named, correct weights.
    counts = AerSimulator().run(circuit, shots=400, seed_simulator=5).result().get_counts()
    decoded = program.decode_counts(counts)
    assert sum(decoded.values()) == 400
    best = next(iter(decoded))
    assert correct(program.model, _as_int(best)) == program.model.num_examples
    top = max(counts, key=counts.get)
    assert program.decode(top) == dict(zip(program.weight_names, map(int, best), strict=True))
    assert top == best[::-1]  # one register: the key is the weights, weight 0 rightmost


def test_dynamic_circuits_decode_the_weights_among_other_registers() -> None:
    program = qbnnc.compile_file(TWO_OUTPUTS)
    circuit = program.qiskit()
    assert [r.name for r in circuit.cregs][0] == "weights" and len(circuit.cregs) > 1
    counts = AerSimulator().run(circuit, shots=200, seed_simulator=2).result().get_counts()
    assert all(" " in key for key in counts)
    decoded = program.decode_counts(counts)
    assert sum(decoded.values()) == 200
    marked = [w for w in decoded if correct(program.model, _as_int(w)) == 4]
    assert sum(decoded[w] for w in marked) > 150  # success probability 0.96


def test_decode_key_reads_registers_last_declared_first() -> None:
    registers = (("weights", 3), ("and_bit", 2))
    assert decode_key("10 011", registers) == "110"
    assert decode_key("10011", registers) == "110"  # registers run together
    with pytest.raises(ValueError, match="does not match"):
        decode_key("1 0 011", registers)


def test_run_results_are_decoded_and_short_to_print() -> None:
    program = qbnnc.compile_file(QBN31)
    result = qbnnc.run(program, shots=100, seed=1)
    for o in result.outcomes:
        assert list(o.bits) == program.weight_names
        assert "".join(map(str, o.bits.values())) == o.weights
    assert result.best.correct == program.model.num_examples and result.best.marked
    assert result.to_json()["weight_names"] == program.weight_names
    for shown in (program, program.model, result, result.best):
        assert len(repr(shown)) < 200, repr(shown)
    assert "qbn31" in repr(program) and "3 weights" in repr(program)


def test_every_public_name_is_documented() -> None:
    for name in qbnnc.__all__:
        if name != "__version__":
            assert inspect.getdoc(getattr(qbnnc, name)), name
    for method in ("qasm3", "pytket", "qiskit", "stats", "decode", "decode_counts"):
        assert inspect.getdoc(getattr(qbnnc.Program, method)), method
    doc = inspect.getdoc(qbnnc.compile_file)
    assert doc is not None
    for part in ("path", "target", "optimize_for", "data_root", "Returns", "Raises"):
        assert part in doc, part
