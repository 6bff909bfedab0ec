"""The trained network leaves the tool: `train --save`, `run --save`, `predict`, Network."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import qbnnc
from qbnnc.cli import main
from qbnnc.diagnostics import CompileError
from qbnnc.reference.evaluate import correct, forward
from qbnnc.reference.network import Network

ROOT = Path(__file__).resolve().parent.parent
TASK2 = ROOT / "examples" / "paper" / "qbn31_task2.bnn"  # best 6 of 8: no perfect string
AND221 = ROOT / "examples" / "paper" / "qbnn221_and.bnn"


def load(path: Path) -> qbnnc.Model:
    return qbnnc.load_model(path.read_text(), str(path))


def training_csv(model: qbnnc.Model, path: Path) -> Path:
    rows = [",".join(map(str, (*e.inputs, *e.label))) for e in model.examples]
    path.write_text("\n".join(rows) + "\n")
    return path


def test_train_save_then_predict_round_trips(tmp_path: Path, capsys) -> None:
    saved = tmp_path / "trained.bnn"
    assert main(["train", str(TASK2), "--seed", "3", "--save", str(saved), "--json"]) == 0
    trained = json.loads(capsys.readouterr().out)
    # The saved model checks, every layer fixed at the weights `train` reported.
    assert main(["check", str(saved)]) == 0
    summary = capsys.readouterr().out
    assert "weights: 0 trainable" in summary and "evaluate it with `qbnnc predict`" in summary
    assert "accept: correct >= 6\n" in summary  # said once: it is the count it means
    model = load(saved)
    original = load(TASK2)
    assert all(layer.fixed is not None for layer in model.layers)
    assert trained["neurons"] == {"y[0]": trained["weights"]}
    assert model.layers[0].fixed == (tuple(int(b) for b in trained["weights"]),)
    assert (model.encoding, model.layers[0].threshold) == ("xor", 2)
    assert model.examples == original.examples
    # Its accuracy on the training data is the correct count `train` reported.
    data = training_csv(original, tmp_path / "train.csv")
    assert main(["predict", str(saved), str(data), "--json"]) == 0
    predicted = json.loads(capsys.readouterr().out)
    assert (predicted["correct"], predicted["examples"]) == (trained["correct"], 8)
    assert trained["correct"] == 6  # the optimum of QBN 3-1 task 2
    # The saved model compiles, and running it scores the one (empty) string it searches
    # at the same count.
    assert main(["run", str(saved), "--shots", "2", "--json"]) == 0
    (outcome,) = json.loads(capsys.readouterr().out)["outcomes"]
    assert (outcome["weights"], outcome["correct"]) == ("", trained["correct"])
    # The confusion table adds up, row by label.
    labels = [str(e.label[0]) for e in original.examples]
    assert [sum(row) for row in predicted["confusion"]] == [
        labels.count(lab) for lab in predicted["labels"]
    ]
    assert sum(predicted["confusion"][i][i] for i in range(len(predicted["labels"]))) == 6
    # Saving is deterministic, and the text output says the same.
    again = tmp_path / "again.bnn"
    assert main(["train", str(TASK2), "--seed", "3", "--save", str(again)]) == 0
    assert again.read_bytes() == saved.read_bytes()
    assert main(["predict", str(saved), str(data)]) == 0
    out = capsys.readouterr().out
    assert "6 of 8 correct (75.0%)" in out and "confusion (rows: label" in out


def test_a_saved_network_compiles_to_the_empty_search_and_scores_as_trained(
    tmp_path: Path, capsys
) -> None:
    import openqasm3
    import qiskit.qasm3

    for weights in ("111111", "000000"):  # a network that scores 2 and one that scores 4
        saved = tmp_path / f"{weights}.bnn"
        network = Network.of(load(AND221), weights)
        saved.write_text(network.bnn())
        score = correct(load(AND221), int(weights[::-1], 2))
        program = qbnnc.compile_file(saved)
        text = program.qasm3()
        # Both readers take the empty program: zero weight bits, no qubit, no gate.
        openqasm3.parse(text)
        circuit = qiskit.qasm3.loads(text)
        assert (circuit.num_qubits, [(r.name, r.size) for r in circuit.cregs]) == (
            0,
            [("weights", 0)],
        )
        stats = program.stats()
        assert (stats["qubits"], stats["gates"], stats["marked"]) == (0, {}, 1)
        assert stats["success_probability"] == 1.0
        # `run` measures the one (empty) string and scores it as `train` scored the weights.
        assert main(["run", str(saved), "--shots", "5", "--json"]) == 0
        (outcome,) = json.loads(capsys.readouterr().out)["outcomes"]
        assert outcome == {
            "weights": "",
            "count": 5,
            "frequency": 1.0,
            "correct": score,
            "marked": True,
        }
        # So does every target: no qubit for the device either.
        for target in ("clifford+t", "quantinuum-h2", "ibm-torino") if score == 4 else ():
            assert main(["run", str(saved), "--target", target, "--shots", "3", "--json"]) == 0
            (outcome,) = json.loads(capsys.readouterr().out)["outcomes"]
            assert (outcome["weights"], outcome["count"], outcome["correct"]) == ("", 3, 4)
        # Training it has nothing to search: no round, the same score.
        assert main(["train", str(saved), "--json"]) == 0
        trained = json.loads(capsys.readouterr().out)
        assert (trained["weights"], trained["correct"], trained["rounds"]) == ("", score, [])
        assert trained["stop"] == "nothing to search" and trained["oracle_calls"] == 0
        assert trained["cost"] == trained["budget"] == 1  # the one (empty) string, evaluated
    assert {correct(load(AND221), 0), correct(load(AND221), 63)} == {4, 2}


def test_a_saved_network_with_an_unreachable_accept_is_refused(tmp_path: Path) -> None:
    saved = tmp_path / "t.bnn"
    text = Network.of(load(AND221), "111111").bnn()
    assert "accept correct >= 2" in text  # what the network scores
    saved.write_text(text.replace("accept correct >= 2", "accept correct >= 3"))
    with pytest.raises(CompileError, match="no weight string meets `accept correct >= 3`"):
        qbnnc.compile_file(saved)


def test_run_save_writes_the_most_frequent_marked_string(tmp_path: Path, capsys) -> None:
    saved = tmp_path / "run.bnn"
    args = ["run", str(AND221), "--shots", "64", "--seed", "1", "--json", "--save", str(saved)]
    assert main(args) == 0
    result = json.loads(capsys.readouterr().out)
    best = next(o for o in result["outcomes"] if o["marked"])
    network = Network(load(saved))
    weights = "".join(network.neurons[n] for n in ("h[0]", "h[1]", "y[0]"))
    assert weights == best["weights"]
    model = load(AND221)
    x = np.array([e.inputs for e in model.examples])
    y = np.array([e.label[0] for e in model.examples])
    assert network.evaluate(x, y).correct == best["correct"] == 4


def test_run_save_without_a_marked_shot_shows_the_shots_and_writes_nothing(
    tmp_path: Path, capsys
) -> None:
    model = tmp_path / "it0.bnn"  # no iteration: 2 of the 8 strings marked, uniformly drawn
    model.write_text(TASK2.read_text().replace("iterations 1", "iterations 0"))
    saved = tmp_path / "never.bnn"
    args = ["run", str(model), "--shots", "1", "--seed", "0", "--json", "--save", str(saved)]
    assert main(args) == 1
    out, err = capsys.readouterr()
    (outcome,) = json.loads(out)["outcomes"]
    assert not outcome["marked"]
    assert "nothing to save: no shot (of 1 shot) measured" in err
    assert not saved.exists()


def test_predict_refuses_a_model_with_trainable_weights(tmp_path: Path, capsys) -> None:
    data = training_csv(load(AND221), tmp_path / "d.csv")
    assert main(["predict", str(AND221), str(data)]) == 1
    err = capsys.readouterr().err
    assert f"{AND221}:8:5: error: layer 'h' has trainable weights" in err
    assert "qbnnc train MODEL.bnn --save trained.bnn" in err
    assert "\n        ^" in err  # the caret under the layer


def test_save_needs_a_bnn_name_and_never_the_model_itself(tmp_path: Path, capsys) -> None:
    assert main(["train", str(AND221), "--save", str(tmp_path / "t.txt")]) == 2
    assert "--save writes a model: name it FILE.bnn" in capsys.readouterr().err
    model = tmp_path / "m.bnn"
    model.write_text(AND221.read_text())
    assert main(["train", str(model), "--save", str(model)]) == 1
    assert model.read_text() == AND221.read_text()


def test_network_predict_is_the_classical_forward_pass() -> None:
    model = load(AND221)
    network = Network.of(model, 0b101101)
    x = np.array([[a, b] for a in (0, 1) for b in (0, 1)] * 2, dtype=bool)
    out = network.predict(x)
    assert out.shape == (8,) and out.dtype == np.uint8
    assert out.tolist() == [forward(model, 0b101101, tuple(map(int, row)))[0] for row in x]
    ev = network.evaluate(x[:4], [0, 0, 0, 1])
    assert ev.correct == correct(model, 0b101101)
    with pytest.raises(ValueError, match=r"must have shape \(rows, 2\)"):
        network.predict(np.zeros((3, 3)))
    with pytest.raises(ValueError, match=r"holds 2 at row 1, column 0"):
        network.predict([[0, 1], [2, 0]])
    with pytest.raises(ValueError, match="has trainable layers: train it first"):
        Network(model)


def test_compile_from_numpy_arrays_equals_the_data_block(monkeypatch: pytest.MonkeyPatch) -> None:
    text = AND221.read_text()
    model = load(AND221)
    x = np.array([e.inputs for e in model.examples])
    y = np.array([e.label for e in model.examples])
    head, _, rest = text.partition("data {")
    without_data = head + rest.partition("}")[2]
    monkeypatch.chdir(ROOT)
    from_arrays = qbnnc.compile(without_data, path="examples/paper/qbnn221_and.bnn", data=(x, y))
    assert from_arrays.qasm3() == qbnnc.compile_file("examples/paper/qbnn221_and.bnn").qasm3()
    with pytest.raises(CompileError) as info:
        qbnnc.compile(text, path="m.bnn", data=(x, y))
    assert "the data is given twice" in info.value.diagnostics[0].message
    with pytest.raises(CompileError) as info:
        qbnnc.compile(without_data, path="m.bnn", data=(x[:, :1], y))
    assert info.value.render().startswith(
        "m.bnn: error: data=(X, y): the inputs (X) must have shape (rows, 2)"
    )


def test_a_saved_network_reads_data_by_its_column_names_only_from_a_header(
    tmp_path: Path, capsys
) -> None:
    parity = ROOT / "examples" / "csv" / "parity3.bnn"  # reads x0, x1, x2 -> parity by name
    saved = tmp_path / "p.bnn"
    saved.write_text(Network.of(load(parity), 0b00000101).bnn())
    assert "data x0, x1, x2 -> parity {" in saved.read_text()
    rows = np.array([[0, 0, 0, 0], [0, 1, 1, 0], [1, 0, 1, 0], [1, 1, 1, 1], [0, 0, 1, 1]])
    x, y = rows[:, :3], rows[:, 3]
    # Without a header, by position; with one, by name in any order (extra columns ignored);
    # .npy by position and .npz as X and y: the names help a header, they bind no format.
    lines = [",".join(map(str, r)) for r in rows]
    (tmp_path / "positional.csv").write_text("\n".join(lines) + "\n")
    named = ["parity,id,x2,x1,x0"] + [
        f"{r[3]},{i},{r[2]},{r[1]},{r[0]}" for i, r in enumerate(rows)
    ]
    (tmp_path / "named.csv").write_text("\n".join(named) + "\n")
    np.save(tmp_path / "d.npy", rows)
    np.savez(tmp_path / "d.npz", X=x, y=y)
    expected = Network(load(saved)).evaluate(x, y).correct
    assert 0 < expected < 5  # a network that is right on some rows and wrong on others
    for name in ("positional.csv", "named.csv", "d.npy", "d.npz"):
        assert main(["predict", str(saved), str(tmp_path / name), "--json"]) == 0, name
        result = json.loads(capsys.readouterr().out)
        assert (result["correct"], result["examples"]) == (expected, 5), name
    # A header without the model's names is an error at that header, not in the model.
    (tmp_path / "other.csv").write_text("a,b,c,d\n" + "\n".join(lines) + "\n")
    assert main(["predict", str(saved), str(tmp_path / "other.csv")]) == 1
    err = capsys.readouterr().err
    assert err.startswith(
        f"{tmp_path / 'other.csv'}:1:1: error: the header has no column named 'x0', 'x1', 'x2' "
        "or 'parity': the model reads its data by the names x0, x1, x2 -> parity"
    )
    assert "remove the header to read the columns by position" in err and str(saved) not in err


def test_predict_names_what_is_wrong_with_data(
    tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    saved = ROOT / "examples" / "trained" / "and221.bnn"
    monkeypatch.chdir(tmp_path)
    # DATA that is not a data file is a usage error by its suffix, before any reading.
    for data, message in [
        (
            "other.bnn",
            "'other.bnn' is a model, not a data file: DATA must be a .csv, .npy or "
            ".npz file (omit DATA to evaluate MODEL on its own examples)",
        ),
        ("x.json", "DATA must be a .csv, .npy or .npz file, not 'x.json'"),
        ("x.qasm", "DATA must be a .csv, .npy or .npz file, not 'x.qasm'"),
    ]:
        assert main(["predict", str(saved), str(tmp_path / data)]) == 2
        assert (
            capsys.readouterr().err
            == f"qbnnc predict: error: {message.replace(data, str(tmp_path / data))}\n"
        )
    # A missing file is relative to the current folder (the model's path plays no part).
    assert main(["predict", str(saved), "nosuch.csv"]) == 1
    assert capsys.readouterr().err == (
        "qbnnc: error: cannot read data file 'nosuch.csv': no such file (the path is "
        "relative to the current folder)\n"
    )
    # The advice is about the data file, never about naming columns in the model.
    (tmp_path / "short.csv").write_text("a,b\n0,1\n")
    assert main(["predict", str(saved), str(tmp_path / "short.csv")]) == 1
    err = capsys.readouterr().err
    assert "looks like a header but has 2 columns, expected 3" in err
    assert "remove it (a file without a header is read by position)" in err
    assert "in the model" not in err
