"""qbnnc/analysis/budget.py: estimates before the work, and the refusals they lead to."""

from __future__ import annotations

from pathlib import Path

from qbnnc.analysis.budget import (
    Estimate,
    Limits,
    ModelSize,
    estimate_compile,
    estimate_count,
    estimate_flat,
    estimate_plot,
    estimate_run,
    estimate_train,
    format_bytes,
    format_seconds,
    memory_limit,
    refusal,
    shows_progress,
    statevector_bytes,
)

GIB = 1 << 30
AND221 = (Path(__file__).resolve().parent.parent / "examples/paper/qbnn221_and.bnn").read_text()


def test_a_statevector_of_30_qubits_is_16_gib() -> None:
    assert statevector_bytes(30) == 16 * GIB
    assert estimate_run(30, 1000, 6).memory > 16 * GIB


def test_estimates_grow_with_the_work() -> None:
    assert estimate_run(20, 2000, 6).seconds > estimate_run(20, 1000, 6).seconds
    assert estimate_run(21, 1000, 6).seconds > estimate_run(20, 1000, 6).seconds
    assert estimate_plot(12, 6, 300, 100, 6).seconds > estimate_plot(12, 6, 300, 10, 6).seconds
    assert estimate_flat(10**6, pytket=True).seconds > estimate_flat(10**6).seconds
    small = estimate_train(12, 300, checks=231, shots_per_round=1)
    assert estimate_train(12, 300, 231, shots_per_round=10**9).memory > 100 * GIB > small.memory
    assert estimate_train(12, 300, 10**12, shots_per_round=1).seconds > 3600 > small.seconds


def test_absurd_sizes_still_estimate() -> None:
    huge = estimate_plot(12, 6, 300, 10**400, 6)
    assert "more than" in format_seconds(huge.seconds) or "years" in format_seconds(huge.seconds)
    assert format_bytes(huge.memory) == "more than 1 ZiB"


def test_refusal_names_the_estimate_the_limit_and_what_to_do() -> None:
    job = Estimate("simulating 28 qubits", 7200.0, 5 * GIB, "use a smaller model")
    assert refusal(job, Limits(seconds=10_000, memory=8 * GIB)) is None
    assert refusal(job, Limits(seconds=3600, memory=8 * GIB)) == (
        "simulating 28 qubits would take about 2 hours, over the limit of 60 minutes; "
        "use a smaller model"
    )
    assert refusal(job, Limits(seconds=10_000, memory=3 * GIB)) == (
        "simulating 28 qubits needs about 5 GiB of memory, more than the 3 GiB available; "
        "use a smaller model"
    )
    both = refusal(job, Limits(seconds=60, memory=GIB))
    assert both is not None and "of memory" in both and "would take" in both
    assert refusal(job, Limits(seconds=10_000, memory=None)) is None  # memory unknown


def test_memory_limit_is_the_smaller_known_one() -> None:
    assert memory_limit(8 * GIB, 3 * GIB) == 3 * GIB
    assert memory_limit(8 * GIB, None) == 8 * GIB
    assert memory_limit(None, None) is None


def test_progress_only_for_work_of_more_than_a_couple_of_seconds() -> None:
    assert not shows_progress(Estimate("quick", 0.5, 0, ""))
    assert shows_progress(Estimate("slow", 30.0, 0, ""))


def _size(**fields: int) -> ModelSize:
    base = dict(weights=6, rows=4, distinct_inputs=4, count_passes=1, top_threshold=1)
    base |= dict(lines=6, input_lines=16, data_bits=12)
    return ModelSize(**{**base, **fields})


def test_the_count_grows_with_weight_strings_and_words_of_distinct_inputs() -> None:
    small = estimate_count(_size(weights=20))
    assert estimate_count(_size(weights=21)).seconds > 1.9 * (small.seconds - 0.01)
    assert estimate_count(_size(weights=20, distinct_inputs=64)).seconds == small.seconds
    assert estimate_count(_size(weights=20, distinct_inputs=65)).seconds > small.seconds
    assert "1,048,576 weight strings" in small.task and "iterations K" in small.instead
    # Repeated rows with several multiplicities, and wide output thresholds, cost passes.
    assert estimate_count(_size(weights=20, count_passes=5)).seconds > 2 * small.seconds
    assert estimate_count(_size(weights=20, top_threshold=12)).seconds > 2 * small.seconds


def test_compiling_and_its_outputs_grow_with_lines_and_rows() -> None:
    size = _size(lines=50_000, rows=10_000, input_lines=500_000_000, data_bits=7_850_000)
    program, qasm = estimate_compile(size), estimate_compile(size, "qasm")
    stats = estimate_compile(size, "stats")
    assert qasm.seconds > program.seconds and stats.seconds > program.seconds
    # The structured program of 500 million masked input lines is gigabytes of text.
    assert qasm.memory > program.memory and qasm.memory > 10 * GIB
    assert "GiB of OpenQASM 3" in qasm.task
    assert "qbnnc stats" in qasm.instead and stats.task.startswith("counting the resources")
    assert estimate_compile(_size(lines=60_000)).seconds > estimate_compile(_size()).seconds


def test_model_size_reads_the_checked_model() -> None:
    import qbnnc

    model = qbnnc.load_model(AND221, "and.bnn")
    size = ModelSize.of(model)
    # 2-2-1: 4 lines into h (input bits), 2 into y; 4 rows of 2 inputs and 1 label, each
    # once; y's threshold 2 of 2 is one step of its count.
    assert size == _size()
