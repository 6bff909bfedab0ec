"""Targets: every output form does the same thing, and every device accepts what it gets.

- OpenQASM 3 (structured and flat) and the pytket circuit simulate to the same weight
  distribution, Grover's; the OpenQASM 3 text is exactly what `openqasm3` prints back.
- `clifford+t` writes only `h s sdg t tdg x z cx` and measurements, and still trains.
- Device targets compile offline through the vendor's pytket extension; the vendor's own
  `valid_circuit` accepts the result, and it simulates to the same distribution.
- Braket's local simulator runs the programs given a Braket `stdgates.inc` (docs/braket/).
"""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path

import numpy as np
import openqasm3
import pytest
import qiskit.qasm3
from pytket.circuit import Bit, Circuit, OpType, Qubit

import qbnnc.targets as targets
from qbnnc.cli import main
from qbnnc.diagnostics import CompileError
from qbnnc.pipeline.compiler import compile, compile_file
from qbnnc.pipeline.program import Program
from qbnnc.reference.evaluate import correct
from qbnnc.synthesis.circuit import Gate, Measure, flatten
from qbnnc.targets.device import two_qubit_gates
from qbnnc.testing import expected_distribution, random_source, weight_distribution

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted(ROOT.joinpath("examples").rglob("*.bnn"))
PAPER = sorted(ROOT.joinpath("examples", "paper").glob("*.bnn"))
SMALL = ROOT / "examples" / "paper" / "qbn31_task2.bnn"  # 7 qubits, one iteration
# Examples whose statevector is cheap enough to simulate three ways here (<= 14 qubits:
# xnor_fixed, 16 qubits, took over a minute); the larger ones are compared gate by gate.
SIMULATED_MAX = 14
WIDTHS = {p: compile_file(p).circuit.num_qubits for p in EXAMPLES}
# A trained network (every layer fixed) compiles to an empty circuit: no qubit to simulate
# or print compactly; tests/test_predict.py runs it.
CIRCUITS = [p for p in EXAMPLES if WIDTHS[p] > 0]
SIMULATED = [
    p for p in CIRCUITS if WIDTHS[p] <= SIMULATED_MAX and "uncompute measure" not in p.read_text()
]
LARGER = [p for p in EXAMPLES if WIDTHS[p] > SIMULATED_MAX]
RANDOM = [random_source(random.Random(4000 + seed), max_weights=5) for seed in range(8)]


# --- simulating a pytket circuit exactly ----------------------------------------------------


def pytket_distribution(circuit: Circuit, num_weights: int) -> np.ndarray:
    """P(weights = w) for a pytket circuit whose `weights` bits are measured at the end.

    Boxes are decomposed and implicit wire swaps made explicit (the SWAPs come after the
    measurements, so the measurements are delayed past them); the qubits are renamed to
    one compact register (a device circuit lives on node[38], node[53]...); then Qiskit's
    Aer statevector, marginalised onto the qubits each `weights[i]` is measured from.
    """
    from pytket.extensions.qiskit import tk_to_qiskit
    from pytket.passes import DecomposeBoxes, DelayMeasures

    c = circuit.copy()
    DecomposeBoxes().apply(c)
    c.replace_implicit_wire_swaps()
    DelayMeasures().apply(c)
    c.rename_units({q: Qubit("q", i) for i, q in enumerate(c.qubits)})
    return qiskit_distribution(tk_to_qiskit(c), num_weights)


def qiskit_distribution(qc, num_weights: int) -> np.ndarray:  # a Qiskit circuit
    """P(weights = w) for a Qiskit circuit measuring `weights` at the end, by statevector."""
    from qiskit import transpile
    from qiskit_aer import AerSimulator

    where: dict[int, int] = {}
    for inst in qc.data:
        if inst.operation.name == "measure":
            register, index = qc.find_bit(inst.clbits[0]).registers[0]
            if register.name == "weights":
                where[index] = qc.find_bit(inst.qubits[0]).index
    assert sorted(where) == list(range(num_weights))
    qc = qc.copy()
    qc.remove_final_measurements()
    qc.save_statevector()
    sim = AerSimulator(method="statevector", fusion_enable=False, max_parallel_threads=1)
    state = np.asarray(sim.run(transpile(qc, sim, optimization_level=0)).result().get_statevector())
    n = qc.num_qubits
    probs = (np.abs(state) ** 2).reshape([2] * n)  # axis j is qubit n-1-j
    axes = [n - 1 - where[i] for i in reversed(range(num_weights))]  # weight n-1 first
    marginal = probs.sum(axis=tuple(a for a in range(n) if a not in axes))
    kept = sorted(axes)
    return np.transpose(marginal, [kept.index(a) for a in axes]).reshape(-1)


# --- the registry -----------------------------------------------------------------------------


def test_targets_lists_every_target_with_gate_set_limit_and_package() -> None:
    text = targets.describe_targets()
    for t in targets.TARGETS.values():
        row = next(line for line in text.splitlines() if line.startswith(t.name + " "))
        assert t.gate_set in row
        assert (str(t.max_qubits) if t.max_qubits else "any") in row
        assert t.package in row
        if t.requires:
            assert "(installed)" in row


def test_cli_targets(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["targets"]) == 0
    out = capsys.readouterr().out
    assert "quantinuum-h2" in out and "ibm-torino" in out and "clifford+t" in out


def test_vendor_libraries_load_only_for_their_target() -> None:
    code = (
        "import sys, qbnnc\n"
        "from qbnnc.targets import describe_targets\n"
        "describe_targets()\n"
        f"p = qbnnc.compile_file({str(SMALL)!r})\n"
        "p.qasm3(); p.pytket()\n"
        "vendor = ('pytket.extensions.quantinuum', 'pytket.extensions.qiskit', "
        "'qiskit_ibm_runtime', 'qiskit_aer')\n"
        "assert not [m for m in sys.modules if m.startswith(vendor)]\n"
        f"qbnnc.compile_file({str(SMALL)!r}, target='quantinuum-h2')\n"
        "assert 'pytket.extensions.quantinuum' in sys.modules\n"
        "assert 'qiskit_ibm_runtime' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-P", "-c", code], check=True)


def test_unknown_target_lists_the_valid_names(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(CompileError, match=r"unknown target 'h2'; the targets are: generic, "):
        compile_file(SMALL, target="h2")
    assert main([str(SMALL), "-o", "-", "--target", "h2"]) == 1
    assert "quantinuum-h2" in capsys.readouterr().err


def test_missing_vendor_package_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    absent = targets.Requirement("pytket-quantinuum", "qbnnc_no_such_module.quantinuum")
    entry = replace(targets.TARGETS["quantinuum-h2"], requires=(absent,))
    monkeypatch.setitem(targets.TARGETS, "quantinuum-h2", entry)
    message = r"needs the package pytket-quantinuum: pip install pytket-quantinuum"
    with pytest.raises(CompileError, match=message):
        compile_file(SMALL, target="quantinuum-h2")
    with pytest.raises(CompileError, match=re.escape("pip install 'qbnnc[quantinuum]'")):
        targets.emulator("quantinuum-h2")
    assert "(missing)" in targets.describe_targets()


def test_circuit_wider_than_the_device_names_both_numbers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(
        targets.TARGETS, "ibm-torino", replace(targets.TARGETS["ibm-torino"], max_qubits=5)
    )
    want = r"needs 7 qubits \(w 3, table 1, phase_register 3\) but target 'ibm-torino' .* has 5"
    with pytest.raises(CompileError, match=want) as error:
        compile_file(SMALL, target="ibm-torino")
    # At the line the widest register (the weights, `w`) comes from: the network block.
    (where,) = error.value.diagnostics
    assert (where.line, where.column, where.source_line) == (5, 1, "network qbn31 {")


def test_registry_limits_are_the_vendors() -> None:
    from pytket.extensions.quantinuum import QuantinuumAPIOffline
    from qiskit_ibm_runtime import fake_provider

    machines = {m["name"]: m["n_qubits"] for m in QuantinuumAPIOffline().get_machine_list()}
    for t in targets.TARGETS.values():
        if t.module == "quantinuum":
            assert machines[t.device] == t.max_qubits
        elif t.module == "ibm":
            assert getattr(fake_provider, t.device)().num_qubits == t.max_qubits


# --- OpenQASM 3 and pytket: the same distribution -------------------------------------------


def _three_ways(program: Program) -> list[np.ndarray]:
    n = program.model.num_weights
    return [
        weight_distribution(program.qasm3(), n),
        weight_distribution(program.qasm3(flat=True), n),
        pytket_distribution(program.pytket(), n),
    ]


@pytest.mark.parametrize("path", SIMULATED, ids=lambda p: p.stem)
def test_examples_structured_flat_and_pytket_agree(path: Path) -> None:
    program = compile_file(path)  # (mid-circuit measurements: test_pytket_dynamic_circuit)
    want = expected_distribution(program.model, program.iterations)
    for got in _three_ways(program):
        assert np.abs(got - want).max() < 1e-9


@pytest.mark.parametrize("path", LARGER, ids=lambda p: p.stem)
def test_larger_examples_are_the_same_gates_in_every_form(path: Path) -> None:
    """Too wide to simulate quickly: the structured program, inlined, is the flat one, and
    the pytket circuit has the same gates (CircBoxes decomposed)."""
    from pytket.passes import DecomposeBoxes

    from qbnnc.execution.simulate import unroll
    from qbnnc.synthesis.circuit import flat_size

    program = compile_file(path)
    structured = unroll(qiskit.qasm3.loads(program.qasm3()))
    flat = qiskit.qasm3.loads(program.qasm3(flat=True))
    assert [(i.operation.name, [flat.find_bit(q).index for q in i.qubits]) for i in flat.data] == [
        (i.operation.name, [structured.find_bit(q).index for q in i.qubits])
        for i in structured.data
    ]
    circuit = program.pytket()
    DecomposeBoxes().apply(circuit)
    assert circuit.n_gates == flat_size(program.circuit) == len(flat.data)


@pytest.mark.parametrize("text", RANDOM)
def test_random_models_structured_flat_and_pytket_agree(text: str) -> None:
    program = compile(text)
    want = expected_distribution(program.model, program.iterations)
    for got in _three_ways(program):
        assert np.abs(got - want).max() < 1e-9, text


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
@pytest.mark.parametrize("flat", [False, True], ids=["structured", "flat"])
def test_qasm_round_trips_through_openqasm3(path: Path, flat: bool) -> None:
    text = compile_file(path).qasm3(flat=flat)
    assert text.startswith('OPENQASM 3.0;\ninclude "stdgates.inc";\n// generated by qbnnc')
    # The AST has no node for comments: the reprint is the text without the header.
    uncommented = "".join(line + "\n" for line in text.splitlines() if not line.startswith("//"))
    assert openqasm3.dumps(openqasm3.parse(text), indent="  ") == uncommented


def test_iterations_cost_lines_not_size() -> None:
    source = PAPER[-1].read_text()
    texts = [
        compile(re.sub(r"iterations \w+", f"iterations {k}", source)).qasm3() for k in (1, 1000)
    ]
    lines = [len(t.splitlines()) for t in texts]
    assert abs(lines[1] - lines[0]) <= 3, lines
    for text in texts:
        loaded = qiskit.qasm3.loads(text)
        assert loaded.num_qubits == compile(source).circuit.num_qubits


# --- pytket --------------------------------------------------------------------------------


def test_pytket_registers_boxes_and_json() -> None:
    program = compile_file(PAPER[-1])  # qbnn321_task2: 4 iterations
    circuit = program.pytket()
    registers = {reg.name: reg.size for reg in circuit.q_registers}
    assert registers == {r.name: r.size for r in program.circuit.registers}
    assert {reg.name: reg.size for reg in circuit.c_registers} == {"weights": 8}
    boxes = Counter(c.op.get_circuit().name for c in circuit if c.op.type == OpType.CircBox)
    assert boxes == {"grover_iteration": program.iterations}
    again = Circuit.from_dict(json.loads(json.dumps(circuit.to_dict())))
    assert again == circuit
    flat = program.pytket(flat=True)
    assert not any(c.op.type == OpType.CircBox for c in flat)
    assert [Bit("weights", i) for i in range(8)] == sorted(flat.bits)


def test_cli_json_is_the_pytket_circuit_with_stable_box_ids(tmp_path: Path) -> None:
    from pytket.passes import DecomposeBoxes

    from qbnnc.targets.pytket_circuit import to_json

    path = PAPER[-1]  # boxes (CircBox ids are random UUIDs in pytket)
    out = tmp_path / "out.json"
    assert main([str(path), "-o", str(out)]) == 0
    text = out.read_text()
    loaded = Circuit.from_dict(json.loads(text))
    fresh = compile_file(path).pytket()
    assert to_json(fresh) == text == to_json(loaded)
    DecomposeBoxes().apply(loaded)
    DecomposeBoxes().apply(fresh)
    assert loaded == fresh


def test_pytket_dynamic_circuit() -> None:
    """`uncompute measure`: mid-circuit measurements and classically controlled gates."""
    from pytket.extensions.qiskit import AerBackend

    path = ROOT / "examples" / "two_outputs.bnn"
    program = compile_file(path)
    assert program.model.uncompute == "measure"
    circuit = program.pytket()
    assert any(c.op.type == OpType.Conditional for c in circuit)
    backend = AerBackend()
    compiled = backend.get_compiled_circuit(circuit, 0)
    shots = 4000
    result = backend.run_circuit(compiled, n_shots=shots, seed=11)
    counts = result.get_counts(cbits=[Bit("weights", i) for i in range(4)])
    got = np.zeros(16)
    for key, c in counts.items():
        got[sum(b << i for i, b in enumerate(key))] += c / shots
    want = expected_distribution(program.model, program.iterations)
    assert np.abs(got - want).max() < 0.04


# --- clifford+t ------------------------------------------------------------------------------


def _clifford_t_name(op: Gate | Measure) -> str:
    if isinstance(op, Measure):
        return "measure"
    return "c" * op.controls + op.name


CLIFFORD_T_SOURCES = [
    ROOT / "examples" / "paper" / "qbnn221_and.bnn",  # phase oracle, step pi/4
    *[
        text
        for text in (random_source(random.Random(6000 + s), max_weights=4) for s in range(12))
        if "oracle counter" in text
    ][:3],
]


@pytest.mark.parametrize("source", CLIFFORD_T_SOURCES, ids=lambda s: getattr(s, "stem", "random"))
def test_clifford_t_gates_only_and_same_distribution(source: Path | str) -> None:
    if isinstance(source, Path):
        program = compile_file(source, target="clifford+t")
    else:
        program = compile(source, target="clifford+t")
    names = Counter(_clifford_t_name(op) for op in flatten(program.circuit))
    assert set(names) <= {"h", "s", "sdg", "t", "tdg", "x", "z", "cx", "measure"}, names
    text = program.qasm3(flat=True)
    written = set(re.findall(r"^([a-z]+)\b", text, flags=re.M)) - {"qubit", "bit", "include"}
    assert written <= {"h", "s", "sdg", "t", "tdg", "x", "z", "cx", "weights"}, written
    want = expected_distribution(program.model, program.iterations)
    got = weight_distribution(program.qasm3(), program.model.num_weights)
    assert np.abs(got - want).max() < 1e-9
    assert program.stats()["t_count"] == names["t"] + names["tdg"]


def test_clifford_t_rejects_fine_phases_at_the_oracle_line() -> None:
    path = ROOT / "examples" / "paper" / "qbn31_task1.bnn"  # step pi/8
    line = next(
        i for i, text in enumerate(path.read_text().split("\n"), 1) if "oracle phase" in text
    )
    with pytest.raises(CompileError) as info:
        compile_file(path, target="clifford+t")
    (d,) = info.value.diagnostics
    assert (d.path, d.line, d.column) == (str(path), line, 5)
    assert "pi/8 is not a multiple of pi/4" in d.message
    assert "step that is a multiple of pi/4" in d.message


# --- device targets -------------------------------------------------------------------------


# Each device program is compiled once per module (a fixture), on the smallest paper task,
# which exercises every property checked here; the bench (bench/device_compare.py) compiles
# every paper task for both vendors and checks `valid_circuit` on each.


@pytest.fixture(scope="module")
def quantinuum() -> Program:
    return compile_file(SMALL, target="quantinuum-h2")


@pytest.fixture(scope="module")
def ibm() -> Program:
    return compile_file(SMALL, target="ibm-torino")


@pytest.fixture()
def segment_wise(monkeypatch: pytest.MonkeyPatch) -> None:
    """Device targets compile segment by segment, as past the flat limit."""
    import qbnnc.targets.device as device

    monkeypatch.setattr(device, "FLAT_LIMIT", 0)


def test_quantinuum_h2_valid_and_same_distribution(quantinuum: Program) -> None:
    from qbnnc.targets.quantinuum import backend

    program = quantinuum
    device = program.pytket()
    assert backend("H2-1").valid_circuit(device)
    kinds = {c.op.type for c in device}
    assert kinds <= {OpType.PhasedX, OpType.Rz, OpType.ZZPhase, OpType.ZZMax, OpType.Measure}
    want = expected_distribution(program.model, program.iterations)
    got = pytket_distribution(device, program.model.num_weights)
    assert np.abs(got - want).max() < 1e-9
    assert program.stats()["two_qubit_gates"] == two_qubit_gates(device) > 0


def test_ibm_torino_valid_on_the_coupling_map(ibm: Program) -> None:
    from pytket.architecture import Architecture
    from pytket.predicates import ConnectivityPredicate, GateSetPredicate

    from qbnnc.targets.ibm import backend

    program = ibm
    device = program.pytket()
    b = backend("FakeTorino")
    assert b.valid_circuit(device)
    coupling = b.fake.configuration().coupling_map
    assert ConnectivityPredicate(Architecture([tuple(e) for e in coupling])).verify(device)
    isa = {OpType.CZ, OpType.Rz, OpType.SX, OpType.X, OpType.Measure}
    assert GateSetPredicate(isa).verify(device)
    assert two_qubit_gates(device) > 0
    want = expected_distribution(program.model, program.iterations)
    got = pytket_distribution(device, program.model.num_weights)
    assert np.abs(got - want).max() < 1e-9


def test_ibm_no_worse_than_qiskits_own_compilation(ibm: Program) -> None:
    """qbnnc keeps the best candidate: no run of Qiskit's preset pass managers (levels 2 and
    3, each seed) on the flat circuit has fewer two-qubit gates, or as few and less depth."""
    from qbnnc.targets.device import cost, flat_body, measured
    from qbnnc.targets.ibm import QISKIT_RUNS, backend, qiskit_compiled

    body = flat_body(ibm.training)
    assert body is not None
    flat = measured(body, ibm.training)
    ours = cost(ibm.device)
    theirs = [cost(qiskit_compiled(flat, backend("FakeTorino"), *run)) for run in QISKIT_RUNS]
    assert all(ours <= other for other in theirs), (ours, theirs)
    assert ours[0] < min(theirs)[0]  # pytket's re-synthesis helps on this task


def test_ibm_brisbane_segment_wise_directed_ecr_valid(segment_wise: None) -> None:
    """pytket's route (past the flat limit): directed ECR on Brisbane's coupling map."""
    from qbnnc.targets.ibm import backend

    program = compile_file(SMALL, target="ibm-brisbane")
    assert backend("FakeBrisbane").valid_circuit(program.pytket())  # ECR in its direction
    assert OpType.ECR in {c.op.type for c in program.pytket()}
    got = pytket_distribution(program.pytket(), program.model.num_weights)
    assert np.abs(got - expected_distribution(program.model, program.iterations)).max() < 1e-9


def test_quantinuum_h1_segment_wise_valid_and_same_distribution(segment_wise: None) -> None:
    from qbnnc.targets.quantinuum import backend

    program = compile_file(SMALL, target="quantinuum-h1")
    assert backend("H1-1").valid_circuit(program.pytket())
    got = pytket_distribution(program.pytket(), program.model.num_weights)
    assert np.abs(got - expected_distribution(program.model, program.iterations)).max() < 1e-9


def test_stats_report_the_device_two_qubit_gates(quantinuum: Program, ibm: Program) -> None:
    for program in (quantinuum, ibm):
        stats = program.stats()
        assert stats["two_qubit_gates"] == two_qubit_gates(program.device)
        assert stats["target"] == program.target
        used = {q for c in program.device.get_commands() for q in c.qubits}
        loaded = qiskit.qasm3.loads(program.qasm3())  # what `-o` writes, counted
        active = {q for inst in loaded.data for q in inst.qubits}
        assert stats["qubits"] == len(used) == len(active)
        assert stats["gates"] == dict(sorted(loaded.count_ops().items()))
        assert stats["depth"] == loaded.depth()


def test_device_qasm_is_valid_openqasm3_that_trains(quantinuum: Program) -> None:
    program = quantinuum
    text = program.qasm3()
    assert text.startswith('OPENQASM 3.0;\ninclude "stdgates.inc";\n// generated by qbnnc')
    assert "// target: quantinuum-h2 (H2-1)" in text
    assert "bit[3] weights;" in text
    openqasm3.parse(text)
    loaded = qiskit.qasm3.loads(text)
    assert loaded.num_qubits == program.device.n_qubits
    got = qiskit_distribution(loaded, program.model.num_weights)
    assert np.abs(got - expected_distribution(program.model, program.iterations)).max() < 1e-9


def test_routed_qasm_names_physical_qubits_qiskit_reads_back(ibm: Program) -> None:
    """An IBM program acts on OpenQASM 3 physical qubits ($53): the device's own, read back
    by Qiskit with that layout, every two-qubit gate on a coupling-map edge."""
    from qbnnc.targets.ibm import backend

    text = ibm.qasm3()
    openqasm3.parse(text)
    assert "qubit[" not in text  # physical qubits are not declared
    physical = {q.index[0] for c in ibm.device.get_commands() for q in c.qubits}
    assert {int(i) for i in re.findall(r"\$(\d+)", text)} == physical
    loaded = qiskit.qasm3.loads(text)
    assert loaded.layout is not None and loaded.num_qubits == max(physical) + 1
    edges = {tuple(e) for e in backend("FakeTorino").fake.configuration().coupling_map}
    for inst in loaded.data:
        if len(inst.qubits) == 2:
            pair = tuple(loaded.find_bit(q).index for q in inst.qubits)
            assert pair in edges or pair[::-1] in edges, pair
    where = dict(re.findall(r"//   weights\[(\d+)\] <- \$(\d+)", text))
    assert len(where) == ibm.model.num_weights


def test_cli_writes_the_device_circuit_byte_identical(
    tmp_path: Path, quantinuum: Program, ibm: Program
) -> None:
    """`-o` writes the fixture's circuit again: a second compilation, the same bytes."""
    out = tmp_path / "h2.json"
    assert main([str(SMALL), "--target", "quantinuum-h2", "-o", str(out)]) == 0
    loaded = Circuit.from_dict(json.loads(out.read_text()))
    assert loaded == quantinuum.pytket()
    out = tmp_path / "torino.qasm"
    assert main([str(SMALL), "--target", "ibm-torino", "-o", str(out)]) == 0
    assert out.read_text() == ibm.qasm3()


def test_a_device_circuit_in_qiskit_runs_on_aer_and_decodes(quantinuum: Program) -> None:
    """`program.qiskit()` of a device target: its native gates, run as they are, and count
    keys that decode to the weights."""
    from qiskit_aer import AerSimulator

    program = quantinuum
    circuit = program.qiskit()
    assert circuit.metadata["weight_names"] == program.weight_names
    counts = AerSimulator().run(circuit, shots=200, seed_simulator=3).result().get_counts()
    decoded = program.decode_counts(counts)
    assert sum(decoded.values()) == 200
    best = next(iter(decoded))  # the most frequent: a marked string, as without the device
    weights = int(best[::-1], 2)  # canonical strings list weight 0 first
    assert correct(program.model, weights) >= program.model.accept.min_correct
    assert decoded[best] >= 0.9 * 200 * program.success_probability / program.marked


def test_ibm_rejects_mid_circuit_feedforward() -> None:
    path = ROOT / "examples" / "two_outputs.bnn"
    with pytest.raises(CompileError, match=r"no fast feed-forward\); use `uncompute unitary`"):
        compile_file(path, target="ibm-torino")


def test_emulators(ibm: Program) -> None:
    from pytket.extensions.qiskit import AerBackend

    assert targets.emulator("generic") is None
    from qbnnc.targets.pecos import PecosBackend

    pecos = targets.emulator("quantinuum-h2")
    assert isinstance(pecos, PecosBackend) and pecos.noise is not None
    assert pecos.backend_info is not None and pecos.backend_info.device_name == "H2-1"
    backend = targets.emulator("ibm-torino")
    assert isinstance(backend, AerBackend)
    # The device circuit runs on it as it is (same coupling map); `qbnnc run` samples it.
    assert backend.valid_circuit(ibm.pytket())


# --- Amazon Braket ------------------------------------------------------------------------


BRAKET = [p for p in SIMULATED if WIDTHS[p] <= 14]  # Braket's simulator: ~10 s at 20 qubits


@pytest.mark.parametrize("path", BRAKET, ids=lambda p: p.stem)
@pytest.mark.parametrize("flat", [False, True], ids=["structured", "flat"])
def test_braket_local_simulator(path: Path, flat: bool) -> None:
    """Braket runs the written program with its stdgates include swapped for Braket's."""
    from braket.devices import LocalSimulator
    from braket.ir.openqasm import Program as BraketProgram

    from qbnnc.targets.braket import source

    program = compile_file(path)
    n = program.model.num_weights
    # Exact probabilities need shots=0, which Braket allows only without measurements.
    text = "".join(
        line + "\n" for line in source(program.qasm3(flat)).splitlines() if "measure" not in line
    )
    text += "#pragma braket result probability w\n"
    result = LocalSimulator().run(BraketProgram(source=text), shots=0).result()
    probs = np.asarray(result.values[0]).reshape([2] * n)  # w[0] is the most significant
    got = probs.transpose(list(reversed(range(n)))).reshape(-1)
    want = expected_distribution(program.model, program.iterations)
    assert np.abs(got - want).max() < 1e-9


def test_braket_source_needs_the_include() -> None:
    from qbnnc.targets.braket import source, stdgates

    text = compile_file(SMALL).qasm3()
    spliced = source(text)
    assert 'include "stdgates.inc"' not in spliced and stdgates() in spliced
    with pytest.raises(ValueError, match="includes stdgates.inc"):
        source(spliced)


def test_pytket_of_a_circuit_without_a_name() -> None:
    """Library users may build IR circuits of their own: without a name, none is set."""
    from qbnnc.targets.pytket_circuit import to_pytket

    program = compile_file(SMALL)
    circuit = to_pytket(program.circuit)
    assert circuit.name is None
    assert circuit.n_gates == program.pytket().n_gates
    assert program.pytket().name == program.model.name


def test_run_on_the_noisy_ibm_emulator(capsys: pytest.CaptureFixture[str]) -> None:
    """`qbnnc run --target ibm-torino` samples the device circuit with FakeTorino's noise:
    the marked strings still dominate, but noise puts some shots elsewhere."""
    args = ["run", str(SMALL), "--target", "ibm-torino", "--shots", "300", "--seed", "3"]
    assert main([*args, "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["backend"] == "AerBackend (the target's emulator)"
    assert result["target"] == "ibm-torino"
    assert sum(o["count"] for o in result["outcomes"]) == 300
    assert 0.5 < result["marked_frequency"] < 1.0


@pytest.mark.parametrize("path", CIRCUITS, ids=lambda p: p.stem)
def test_the_fast_printer_writes_what_the_ast_printer_writes(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Long gate bodies are printed without building AST nodes: forced on every body, the
    text is byte for byte what `openqasm3.dumps` prints from the AST."""
    import qbnnc.targets.qasm3 as qasm3

    program = compile_file(path)
    reference = openqasm3.dumps(qasm3.program(program.circuit), indent="  ")
    monkeypatch.setattr(qasm3, "LONG", -1)
    fast = qasm3.emit(program.circuit)
    assert fast == reference
    # Wide gates get compact parameter names and comma-only argument lists: the same AST.
    monkeypatch.setattr(qasm3, "WIDE", 2)
    compact = qasm3.emit(program.circuit)
    assert compact != reference
    assert openqasm3.parse(compact) == openqasm3.parse(
        openqasm3.dumps(qasm3.program(program.circuit), indent="  ")
    )
    qiskit.qasm3.loads(compact)  # no parameter name collides with a keyword or a gate


@pytest.mark.parametrize("target", ["generic", "clifford+t"])
def test_a_rewritten_circuit_keeps_its_roles(target: str) -> None:
    """`uncompute measure` and the clifford+t expansion rewrite the circuit; the roles still
    name one Grover iteration (repeated `iterations` times in the body), the preparation
    and the measurements, as the simulator and the device targets read them."""
    program = compile_file(ROOT / "examples" / "two_outputs.bnn", target=target)
    training = program.training
    assert training.iteration.repeat == 1 and training.iterations == 3
    k = len(training.preparation)
    loop = training.circuit.body[k]
    assert (loop.block, loop.repeat) == (training.iteration.block, 3)
    assert len(training.measurement) == program.model.num_weights
    assert training.circuit.body[:k] == training.preparation
