"""Fuzzing the whole compiler through its command line: no input may crash it.

Random valid models must compile; random mutations of the shipped examples (deleted,
duplicated and swapped tokens and lines, huge numbers, bad bytes, truncation, repeated
blocks, terminal escapes and bidi controls) must either compile or fail with located
diagnostics and exit 1, never a traceback or internal error, never a raw escape, and never
leave a partial output file. Outputs are fuzzed too: every kind of destination (existing
files, symlinks, the model itself, folders), standard output closed or full, and signals
in the middle of a write. Job handles are
fuzzed as hostile input to `qbnnc result`: one-line errors, never another file's content,
never a raw control character. A longer campaign:
QBNNC_FUZZ_EXAMPLES=20000 pytest tests/test_fuzz.py
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import qbnnc
import qbnnc.pipeline.compiler
from qbnnc.cli import main
from qbnnc.testing import random_source

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = {p.name: p.read_bytes() for p in sorted(ROOT.glob("examples/**/*.bnn"))}
CSV = (ROOT / "examples" / "csv" / "parity3.csv").read_bytes()
BUDGET = int(os.environ.get("QBNNC_FUZZ_EXAMPLES", "1500"))
LOCATED = re.compile(r"^\S.*?:(\d+:\d+:)? error: .+")
# What a terminal would act on: control characters (but the line breaks) and bidi controls.
CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
NOISE = [
    b"", b"{", b"}", b"->", b"#", b"9" * 40, b"-1", b"\xff\xfe", b"\x00", b"\r", b"\t",
    b"layer", b"from", b"x[0]", b"pi/0", b"0*pi", b"accept", b"\xe2\x80\xa8", b"%",
    b"# \x1b]0;t\x07", b"\x1b[2J", b"\xe2\x80\xae", b"# \xe2\x81\xa6", b"\x07", b"\xc2\x9b",
]  # fmt: skip


@st.composite
def mutants(draw: st.DrawFn) -> bytes:
    text = draw(st.sampled_from(sorted(EXAMPLES.values())))
    tokens = re.split(rb"(\s+)", text)
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, max(len(tokens) - 1, 0)))
        kind = draw(st.sampled_from(["delete", "duplicate", "swap", "noise", "number", "repeat"]))
        if kind == "delete" and tokens:
            del tokens[i]
        elif kind == "duplicate" and tokens:
            tokens.insert(i, tokens[i])
        elif kind == "swap" and len(tokens) > 1:
            j = draw(st.integers(0, len(tokens) - 1))
            tokens[i], tokens[j] = tokens[j], tokens[i]
        elif kind == "noise":
            tokens.insert(i, draw(st.sampled_from(NOISE)))
        elif kind == "number" and tokens:
            tokens[i] = re.sub(rb"\d+", str(draw(st.integers(0, 10**12))).encode(), tokens[i])
        elif kind == "repeat":
            lines = b"".join(tokens).split(b"\n")
            k = draw(st.integers(0, max(len(lines) - 1, 0)))
            lines[k:k] = [lines[k]] * draw(st.integers(2, 60)) if lines else []
            tokens = re.split(rb"(\s+)", b"\n".join(lines))
    out = b"".join(tokens)
    if draw(st.booleans()):
        out = out[: draw(st.integers(0, len(out)))]
    return out


def _run(tmp: Path, source: bytes, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    for old in tmp.iterdir():
        old.unlink()
    (tmp / "m.bnn").write_bytes(source)
    (tmp / "parity3.csv").write_bytes(CSV)
    code = main([str(tmp / "m.bnn"), "-o", str(tmp / "out.qasm")])
    return code, capsys.readouterr().err


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


ANY_HEALTH = list(HealthCheck)


@settings(max_examples=BUDGET, deadline=None, suppress_health_check=ANY_HEALTH)
@given(source=mutants())
def test_mutants_compile_or_fail_with_located_errors(
    source: bytes,
    scratch: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Valid but huge mutants (a width of 10^12) are refused by size, not compiled for minutes.
    monkeypatch.setattr(qbnnc.pipeline.compiler, "MAX_WEIGHTED_LINES", 2_000)
    tmp = scratch
    code, err = _run(tmp, source, capsys)
    files = sorted(p.name for p in tmp.iterdir())
    assert code in (0, 1), err
    assert "Traceback" not in err and "internal error" not in err
    assert not CONTROL.search(err), repr(err)  # a comment's ESC or U+202E is shown escaped
    if code == 0:
        assert "out.qasm" in files and (tmp / "out.qasm").read_text().startswith("OPENQASM 3.0;")
    else:
        assert files == ["m.bnn", "parity3.csv"], files  # nothing written, no temporaries
        first = err.splitlines()[0]
        assert LOCATED.match(first), err


@settings(max_examples=max(BUDGET // 10, 20), deadline=None, suppress_health_check=ANY_HEALTH)
@given(seed=st.integers(0, 2**32 - 1))
def test_random_valid_models_compile(seed: int) -> None:
    text = random_source(random.Random(seed))
    program = qbnnc.pipeline.compiler.compile(text, "random.bnn")
    assert program.qasm3().startswith("OPENQASM 3.0;")


# --- outputs: where the program goes, and what may go wrong there ----------------------------

AND221 = EXAMPLES["qbnn221_and.bnn"]
OUTPUT_KINDS = [
    "default", "new", "existing", "symlink", "dangling symlink", "symlink to the model",
    "hard link to the model", "the model", "directory", "missing folder", "symlink loop",
    "read-only folder",
]  # fmt: skip


def _snapshot(folder: Path) -> dict[str, tuple[str, object]]:
    """Every entry of `folder`: a link's target, a file's bytes, or a folder's entries."""
    out: dict[str, tuple[str, object]] = {}
    for p in sorted(folder.iterdir()):
        if p.is_symlink():
            out[p.name] = ("link", os.readlink(p))
        elif p.is_dir():
            out[p.name] = ("dir", sorted(q.name for q in p.iterdir()))
        else:
            out[p.name] = ("file", p.read_bytes())
    return out


def _lay_out(tmp: Path, model_name: str, kind: str, suffix: str) -> list[str]:
    """The files of one case, and the arguments that write to the output of `kind`."""
    model = tmp / model_name
    model.write_bytes(AND221)
    out = tmp / f"out{suffix}"
    if kind == "default":
        return [str(model)]
    if kind == "existing":
        out.write_text("precious")
    elif kind == "symlink":
        (tmp / f"real{suffix}").write_text("precious")
        out.symlink_to(f"real{suffix}")
    elif kind == "dangling symlink":
        out.symlink_to(f"created{suffix}")
    elif kind == "symlink to the model":
        out.symlink_to(model_name)
    elif kind == "hard link to the model":
        out.hardlink_to(model)
    elif kind == "the model":
        out = model
    elif kind == "directory":
        out.mkdir()
    elif kind == "missing folder":
        out = tmp / "missing" / out.name
    elif kind == "symlink loop":
        out.symlink_to(out.name)
    elif kind == "read-only folder":
        (tmp / "ro").mkdir()
        (tmp / "ro").chmod(0o555)
        out = tmp / "ro" / out.name
    return [str(model), "-o", str(out)]


@settings(max_examples=max(BUDGET // 30, 40), deadline=None, suppress_health_check=ANY_HEALTH)
@given(
    model_name=st.sampled_from(["m.bnn", "m.qasm"]),
    kind=st.sampled_from(OUTPUT_KINDS),
    suffix=st.sampled_from([".qasm", ".json"]),
    flat=st.booleans(),
)
def test_outputs_are_written_whole_or_not_at_all(
    model_name: str,
    kind: str,
    suffix: str,
    flat: bool,
    tmp_path_factory: pytest.TempPathFactory,
    capsys: pytest.CaptureFixture[str],
) -> None:
    tmp = tmp_path_factory.mktemp("out")
    args = _lay_out(tmp, model_name, kind, suffix) + (["--flat"] if flat else [])
    before = _snapshot(tmp)
    code = main(args)
    err = capsys.readouterr().err
    after = _snapshot(tmp)
    target = args[args.index("-o") + 1] if "-o" in args else None
    usage = target is not None and Path(target).suffix not in (".qasm", ".json")
    assert code == (2 if usage else code) and code in (0, 1, 2), err
    assert "Traceback" not in err and "internal error" not in err
    assert not [name for name in after if name.endswith(".tmp")], after
    assert (tmp / model_name).read_bytes() == AND221  # the model is never touched
    if code != 0:
        assert after == before, err  # nothing written, nothing removed
        assert LOCATED.match(err.splitlines()[0]), err
        return
    # Written: every link is still a link, and the file it leads to holds the program.
    for name, (what, value) in before.items():
        if what == "link":
            assert after[name] == (what, value)
    written = Path(os.path.realpath(target or (tmp / model_name).with_suffix(".qasm")))
    head = written.read_bytes()[:20]
    assert head.startswith(b"OPENQASM 3.0;" if written.suffix == ".qasm" else b"{"), written
    assert set(after) - set(before) <= {written.name}


def _child(args: list[str], cwd: Path, stdout: object) -> subprocess.CompletedProcess[str]:
    kwargs: dict[str, object] = {"stdout": stdout}
    if stdout == "closed":
        kwargs = {"stdout": None, "preexec_fn": lambda: os.close(1)}
    return subprocess.run(
        [sys.executable, "-P", "-m", "qbnnc", *args],
        stderr=subprocess.PIPE,
        text=True,
        cwd=cwd,
        **kwargs,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    ("args", "stream"),
    [
        (["m.bnn", "-o", "-"], "closed"),
        (["check", "m.bnn"], "closed"),
        (["stats", "m.bnn"], "closed"),
        (["--version"], "closed"),
        (["m.bnn", "-o", "-", "--flat"], "/dev/full"),
        (["check", "m.bnn"], "/dev/full"),
        (["targets"], "/dev/full"),
    ],
)
def test_a_standard_output_that_cannot_be_written_is_an_error(
    args: list[str], stream: str, tmp_path: Path
) -> None:
    (tmp_path / "m.bnn").write_bytes(AND221)
    if stream == "closed":
        run = _child(args, tmp_path, "closed")
        reason = "it is closed"
    else:
        with open(stream, "w") as full:
            run = _child(args, tmp_path, full)
        reason = "No space left on device"
    assert run.returncode == 1, run.stderr
    assert run.stderr == f"qbnnc: error: cannot write to standard output: {reason}\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.bnn"]  # nothing written


SLOW_WRITE = """\
import os, sys, time
marker = sys.argv[1]

def slow_fsync(fd):  # the write is under way: a temporary file holds half the program
    open(marker, "w").close()
    time.sleep(60)

os.fsync = slow_fsync
from qbnnc.cli import main
sys.exit(main(sys.argv[2:]))
"""


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_a_signal_during_a_write_leaves_the_old_file_and_no_temporary(
    signum: int, tmp_path: Path
) -> None:
    model = tmp_path / "m.bnn"
    model.write_bytes(AND221.replace(b"iterations 2", b"iterations 1000000"))
    out = tmp_path / "out.qasm"
    out.write_text("precious")
    marker = tmp_path / "writing"
    child = subprocess.Popen(
        [sys.executable, "-P", "-c", SLOW_WRITE, str(marker), str(model), "-o", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        for _ in range(1200):  # up to a minute for the child to reach the write
            if marker.exists() or child.poll() is not None:
                break
            time.sleep(0.05)
        assert marker.exists(), child.communicate(timeout=60)
        assert [p.name for p in tmp_path.glob(".out.qasm.*.tmp")], "no write under way"
        child.send_signal(signum)
        _, err = child.communicate(timeout=60)
    finally:
        child.kill()
        child.wait()
    name = signal.Signals(signum).name
    expected = 130 if signum == signal.SIGINT else 128 + signum
    assert child.returncode == expected, err
    assert "Traceback" not in err
    assert ("interrupted" if signum == signal.SIGINT else f"terminated ({name})") in err
    assert out.read_text() == "precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.bnn", "out.qasm", "writing"]


# --- job handles: untrusted input to `qbnnc result` -------------------------------------------

SECRET = "root:$6$Fuzz-Secret-Hash:19000"
JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats()
    | st.text(max_size=12)
    | st.sampled_from(["\x1b]0;x\x07", "\u202e", "000", "(1, 2)", "generic", "aer"]),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=10,
)
# Where a hostile handle's "model" may point ({dir}: the campaign's folder).
MODEL_PATHS = [
    "{dir}/m.bnn", "{dir}/secret", "{dir}/secret.bnn", "{dir}/link.bnn", "{dir}/fifo.bnn",
    "/dev/zero", "{dir}", "{dir}/missing.bnn", "m.bnn", "", "{dir}/m.bnn\x00",
]  # fmt: skip
HANDLE_EDITS = st.one_of(
    st.tuples(
        st.just("set"), st.sampled_from(["format", *qbnnc.Job.__dataclass_fields__]), JSON_VALUES
    ),
    st.tuples(st.just("delete"), st.sampled_from([*qbnnc.Job.__dataclass_fields__]), st.none()),
    st.tuples(st.just("add"), st.sampled_from(["data_root", "secret", SECRET, ""]), JSON_VALUES),
    st.tuples(st.just("model"), st.sampled_from(MODEL_PATHS), st.none()),
    st.tuples(
        st.just("counts"),
        st.dictionaries(
            st.text("01a\u202e", max_size=5), st.integers(-3, 2**70) | st.floats(), max_size=4
        ),
        st.none(),
    ),
)


@pytest.fixture(scope="module")
def job_scratch(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object]]:
    """A folder with a model, its real handle, and files a handle must never show."""
    folder = tmp_path_factory.mktemp("jobs")
    (folder / "m.bnn").write_bytes(EXAMPLES["qbn31_task1.bnn"])
    (folder / "secret").write_text(SECRET + "\n")
    (folder / "secret.bnn").write_text(f"network n {{\n    {SECRET}\n}}\n")
    (folder / "link.bnn").symlink_to(folder / "secret")
    os.mkfifo(folder / "fifo.bnn")
    program = qbnnc.compile_file(folder / "m.bnn")
    return folder, qbnnc.submit(program, "aer", shots=30, seed=0).to_json()


@settings(max_examples=max(BUDGET // 5, 50), deadline=None, suppress_health_check=ANY_HEALTH)
@given(edits=st.lists(HANDLE_EDITS, min_size=1, max_size=4), cut=st.none() | st.integers(0, 900))
def test_hostile_job_handles_are_one_line_errors_that_show_no_other_file(
    edits: list[tuple[str, object, object]],
    cut: int | None,
    job_scratch: tuple[Path, dict[str, object]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder, handle = job_scratch
    data = dict(handle)
    for kind, key, value in edits:
        if kind in ("set", "add"):
            data[key] = value  # type: ignore[index]
        elif kind == "delete":
            data.pop(key, None)  # type: ignore[call-overload]
        elif kind == "model":
            data["model"] = str(key).format(dir=folder)
        else:
            data["counts"] = key
    text = json.dumps(data)
    path = folder / "job.json"
    path.write_text(text if cut is None else text[:cut])
    before = sorted(p.name for p in folder.iterdir())
    code = main(["result", str(path)])
    out, err = capsys.readouterr()
    assert code in (0, 1), err
    assert "Traceback" not in err and "internal error" not in err
    assert "Fuzz-Secret" not in out + err  # no file but the model's own .bnn is ever shown
    assert not CONTROL.search(out + err), repr(out + err)
    assert sorted(p.name for p in folder.iterdir()) == before  # nothing written
    if code == 1:
        assert LOCATED.match(err.splitlines()[0]), err
