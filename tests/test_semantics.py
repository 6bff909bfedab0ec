"""The bit-parallel count (`correct_counts`) against direct evaluation, weight string by string.

Random small models cover what the count has to respect: depth, widths, several sources
per layer (the input among them), fixed layers, thresholds, both encodings, several output
bits, repeated rows and inputs with more than one label, and more than 64 distinct inputs
(several words). The same models are counted again with tiny chunks and axes, so that
neurons straddle chunks and axes and kept neurons are reused across chunks.
"""

from __future__ import annotations

import io
import random
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

import qbnnc.reference.census as semantics
from qbnnc.cli.progress import Status, counting
from qbnnc.cli.render import summary
from qbnnc.frontend.model import Model
from qbnnc.pipeline.compiler import load_model
from qbnnc.reference.census import MAX_COUNTED_WEIGHTS, census, correct_counts
from qbnnc.reference.evaluate import correct

AND221 = Path(__file__).resolve().parent.parent / "examples" / "paper" / "qbnn221_and.bnn"


def random_model(rng: random.Random, max_weights: int) -> Model:
    """A random valid model with at most `max_weights` trainable weights."""
    while True:
        text, weights = _random_text(rng)
        if 1 <= weights <= max_weights:
            return load_model(text)


def _random_text(rng: random.Random) -> tuple[str, int]:
    n = rng.randint(1, 7)
    encoding = rng.choice(["xnor", "xor"])
    lines = [f"network r {{\n    encoding {encoding}\n    input x[{n}]"]
    widths = {"x": n}
    weights = 0
    depth = rng.randint(1, 3)
    for i in range(depth):
        name = f"l{i}"
        known = list(widths)
        # The previous layer always feeds the next one; others (the input too) sometimes.
        sources = [known[-1]] + [s for s in known[:-1] if rng.random() < 0.3]
        rng.shuffle(sources)
        fan_in = sum(widths[s] for s in sources)
        width = rng.randint(1, 3)
        stmt = f"    layer {name}[{width}] from {', '.join(sources)}"
        if rng.random() < 0.7:
            stmt += f" threshold {rng.randint(1, fan_in)}"
        if rng.random() < 0.25 and (weights or i < depth - 1):
            stmt += " fixed " + "".join(str(rng.randint(0, 1)) for _ in range(width * fan_in))
        else:
            weights += width * fan_in
        lines.append(stmt)
        widths[name] = width
    lines.append("}\ndata {")
    out = widths[f"l{depth - 1}"]
    inputs = [rng.getrandbits(n) for _ in range(rng.randint(1, 2 ** min(n, 4)))]
    for _ in range(rng.randint(1, 140)):
        x = rng.choice(inputs) if rng.random() < 0.3 else rng.getrandbits(n)
        label = rng.getrandbits(out)
        lines.append(f"    {x:0{n}b} -> {label:0{out}b}")
    lines.append("}")
    if weights == 0:
        return "", 0
    return "\n".join(lines) + "\n", weights


def direct_counts(model: Model) -> np.ndarray:
    """The slow reference: `forward` on every example for every weight string."""
    return np.array([correct(model, w) for w in range(1 << model.num_weights)])


SEEDS = range(40)


@pytest.mark.parametrize("seed", SEEDS)
def test_count_equals_direct_evaluation(seed: int) -> None:
    model = random_model(random.Random(seed), max_weights=8)
    assert correct_counts(model).tolist() == direct_counts(model).tolist()


@pytest.mark.parametrize("seed", SEEDS)
def test_tiny_chunks_and_axes_count_the_same(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    model = random_model(random.Random(1000 + seed), max_weights=9)
    rng = random.Random(seed)
    monkeypatch.setattr(semantics, "_CHUNK_WORDS", rng.choice([1, 2, 4, 16]))
    monkeypatch.setattr(semantics, "_AXIS_BITS", rng.choice([1, 2, 3]))
    assert correct_counts(model).tolist() == direct_counts(model).tolist()


@pytest.mark.parametrize("seed", range(6))
def test_thresholds_the_checker_refuses_still_count_the_same(seed: int) -> None:
    # 0 (always fires) and fan-in + 1 (never fires): unreachable from .bnn text, but the
    # count must not depend on the checker's range.
    rng = random.Random(seed)
    model = random_model(rng, max_weights=7)
    i = rng.randrange(len(model.layers))
    layer = model.layers[i]
    odd = replace(layer, threshold=rng.choice([0, layer.fan_in + 1]))
    model = replace(model, layers=model.layers[:i] + (odd,) + model.layers[i + 1 :])
    assert correct_counts(model).tolist() == direct_counts(model).tolist()


def test_repeated_rows_and_second_labels_count_each_row() -> None:
    model = load_model(
        "network n {\n  input x[2]\n  layer h[2] from x\n  layer y[2] from h, x\n}\n"
        "data {\n  01 -> 10\n  01 -> 10\n  01 -> 01\n  11 -> 11\n  11 -> 11\n  11 -> 11\n"
        "  00 -> 00\n}\n"
    )
    counts = correct_counts(model)
    assert counts.tolist() == direct_counts(model).tolist()
    assert counts.max() == 6  # 01 -> 10 twice, 11 -> 11 three times and 00 -> 00 at best


@pytest.mark.parametrize("seed", range(5))
def test_more_than_64_inputs_count_the_same(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(seed)
    second = rng.choice(
        [
            "",
            "  layer y[1] from h\n",
            f"  layer y[2] from h, x threshold {rng.randint(1, 8)} fixed "
            + "".join(str(rng.randint(0, 1)) for _ in range(16))
            + "\n",
        ]
    )
    out = 2 if "y[2]" in second else 1
    rows = "\n".join(
        f"  {rng.getrandbits(7):07b} -> {rng.getrandbits(out):0{out}b}"
        for _ in range(rng.randint(70, 160))
    )
    model = load_model(
        f"network n {{\n  encoding {rng.choice(['xor', 'xnor'])}\n  input x[7]\n"
        f"  layer h[1] from x threshold {rng.randint(1, 7)}\n{second}}}\ndata {{\n{rows}\n}}\n"
    )
    monkeypatch.setattr(semantics, "_CHUNK_WORDS", rng.choice([2, 8, 1 << 19]))
    assert correct_counts(model).tolist() == direct_counts(model).tolist()


def test_several_words_of_inputs() -> None:
    rows = "\n".join(f"  {x:07b} -> {bin(x).count('1') % 2}" for x in range(128))
    model = load_model(
        f"network n {{\n  input x[7]\n  layer y[1] from x threshold 4\n}}\ndata {{\n{rows}\n}}\n"
    )
    assert correct_counts(model).tolist() == direct_counts(model).tolist()


def test_progress_reports_every_chunk(monkeypatch: pytest.MonkeyPatch) -> None:
    model = random_model(random.Random(7), max_weights=8)
    monkeypatch.setattr(semantics, "_CHUNK_WORDS", 4)
    seen: list[tuple[int, int]] = []
    tally = census(model, progress=lambda done, total: seen.append((done, total)))
    total = 1 << model.num_weights
    assert len(seen) > 1
    assert [t for _, t in seen] == [total] * len(seen)
    assert [d for d, _ in seen] == sorted({d for d, _ in seen}) and seen[-1][0] == total
    assert tally == census(model, counts=direct_counts(model))


def test_too_many_weights_are_refused() -> None:
    model = load_model(
        f"network n {{\n  input x[{MAX_COUNTED_WEIGHTS + 1}]\n  layer y[1] from x\n}}\n"
        f"data {{\n  {'0' * (MAX_COUNTED_WEIGHTS + 1)} -> 1\n}}\n"
    )
    with pytest.raises(ValueError, match="too many"):
        correct_counts(model)


def test_table_popcount_matches_bit_counting() -> None:
    rng = np.random.default_rng(0)
    words = rng.integers(0, 2**64, size=(3, 5, 7), dtype=np.uint64, endpoint=False)
    words[0, 0, :2] = [0, 2**64 - 1]
    expected = np.vectorize(lambda w: bin(int(w)).count("1"))(words)
    assert semantics._popcount_table(words).tolist() == expected.tolist()


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_check_draws_the_count_as_a_bar_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    model = load_model(AND221.read_text(), str(AND221))
    monkeypatch.setattr(semantics, "_CHUNK_WORDS", 2)
    tty = _Tty()
    with Status("checking", delay=0, stream=tty) as status:
        text = summary(model, counting(status))
        assert status.message == "checking"  # restored once the count is done
    assert text == summary(model)
    assert "qbnnc: checking: counting weight strings [" in tty.getvalue()
    pipe = io.StringIO()
    with Status("checking", delay=0, stream=pipe) as status:
        summary(model, counting(status))
    assert pipe.getvalue() == ""
