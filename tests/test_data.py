"""Loading `data from "PATH"`: CSV rows, headers, and errors located in the right file."""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
import pytest

import qbnnc
from qbnnc.diagnostics import CompileError, Diagnostic, Span
from qbnnc.frontend.data import MAX_DATA_BYTES, MAX_ERRORS, csv_path, load_csv, load_data_file
from qbnnc.pipeline.compiler import load_model

MODEL_SPAN = Span("m.bnn", 5, 1, 5, 20)
MODEL_TEXT = '\n\n\n\ndata from "d.csv"\n'


def write(folder: Path, content: str | bytes, name: str = "d.csv") -> Path:
    path = folder / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    return path


def load(folder: Path, n: int = 2, k: int = 1, name: str = "d.csv") -> list[tuple]:
    model = str(folder / "m.bnn")
    loaded = load_csv(name, model, n, k, MODEL_SPAN, MODEL_TEXT)
    return [(e.inputs, e.label) for e in loaded.examples]


def failures(folder: Path, n: int = 2, k: int = 1, name: str = "d.csv") -> list[Diagnostic]:
    with pytest.raises(CompileError) as info:
        load(folder, n, k, name)
    return info.value.diagnostics


def test_rows_with_a_header_blank_lines_and_spaces(tmp_path: Path) -> None:
    write(tmp_path, "x0, x1 ,label\n\n0,1,1\n 1 , 0 , 0 \r\n\n1,1,1")
    assert load(tmp_path) == [((0, 1), (1,)), ((1, 0), (0,)), ((1, 1), (1,))]


def test_a_numeric_first_row_is_data(tmp_path: Path) -> None:
    write(tmp_path, "0,1,1\n1,0,0\n")
    assert load(tmp_path) == [((0, 1), (1,)), ((1, 0), (0,))]


def test_a_numeric_row_that_is_not_bits_is_not_a_header(tmp_path: Path) -> None:
    write(tmp_path, "2,3,4\n1,0,0\n")
    (found,) = failures(tmp_path)  # not a header; and the first data row is not bits
    assert (found.line, found.column, found.source_line) == (1, 1, None)
    assert found.message.startswith("this file does not look like CSV data of 0s and 1s")


def test_byte_order_mark_and_multiple_labels(tmp_path: Path) -> None:
    write(tmp_path, "\ufeffa,b,c,d\n1,0,0,1\n".encode())
    assert load(tmp_path, 2, 2) == [((1, 0), (0, 1))]


def test_example_spans_point_into_the_csv(tmp_path: Path) -> None:
    write(tmp_path, "a,b,c\n\n0,1,1\n")
    examples = load_csv("d.csv", str(tmp_path / "m.bnn"), 2, 1, MODEL_SPAN).examples
    span = examples[0].span
    assert span is not None
    assert (span.path, span.line, span.column) == (str(tmp_path / "d.csv"), 3, 1)


def test_row_errors_are_located_in_the_csv_and_all_reported(tmp_path: Path) -> None:
    write(tmp_path, "a,b,c\n0,1\n0, 2 ,1\n1,,1\n0,1,1,0\n1,1,1\n")
    found = failures(tmp_path)
    shown = str(tmp_path / "d.csv")
    assert [(d.path, d.line, d.column) for d in found] == [
        (shown, 2, 1),
        (shown, 3, 4),
        (shown, 4, 3),
        (shown, 5, 1),
    ]
    assert re.fullmatch(
        r"this row has 2 values, expected 3: 2 input bits then 1 label bit, "
        r"separated by commas",
        found[0].message,
    )
    assert re.fullmatch(r"'2' is not 0 or 1: each value of a row is one bit", found[1].message)
    assert re.fullmatch(r"this value is empty: write 0 or 1", found[2].message)
    assert found[1].source_line == "0, 2 ,1"


def test_errors_are_capped(tmp_path: Path) -> None:
    write(tmp_path, "0,1\n" * (MAX_ERRORS + 7))
    found = failures(tmp_path)
    assert len(found) == MAX_ERRORS + 1
    assert found[-1].line == 0
    assert re.fullmatch(r"\.\.\. and 7 more errors in this file", found[-1].message)


def test_an_empty_file_has_no_examples(tmp_path: Path) -> None:
    write(tmp_path, "a,b,c\n\n")
    assert load(tmp_path) == []


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda p: None, r"no such file \(the path is relative to the model's folder\)"),
        (lambda p: (p / "d.csv").mkdir(), r"it is a directory, not a file"),
        (lambda p: os.mkfifo(p / "d.csv"), r"it is not a regular file \(a device, .*"),
    ],
    ids=["missing", "directory", "fifo"],
)
def test_unreadable_files_are_reported_at_the_data_line(tmp_path: Path, make, reason) -> None:
    make(tmp_path)
    (found,) = failures(tmp_path)
    assert (found.path, found.line, found.column) == ("m.bnn", 5, 1)
    shown = re.escape(str(tmp_path / "d.csv"))
    assert re.fullmatch(f"cannot read data file '{shown}': {reason}", found.message)
    assert found.source_line == 'data from "d.csv"'


@pytest.mark.parametrize(
    ("content", "line", "column"),
    [(b"0,1,1\n\xff\xfe,1\n", 2, 1), (b"0,1,1\n1,0,\xc3", 2, 5), (b"a,\xc3\xa9\n0,1,\xff", 2, 5)],
    ids=["bad-bytes", "truncated-mid-character", "after-a-non-ascii-header"],
)
def test_text_that_is_not_utf8_is_located_in_the_csv(
    tmp_path: Path, content: bytes, line: int, column: int
) -> None:
    write(tmp_path, content)
    (found,) = failures(tmp_path)
    assert (found.path, found.line, found.column) == (str(tmp_path / "d.csv"), line, column)
    assert found.message == "this line is not UTF-8 text: re-save the file as UTF-8"
    assert found.source_line is None


def test_a_path_through_a_file_cannot_be_read(tmp_path: Path) -> None:
    # An OSError that root gets too (file permissions would not stop root).
    write(tmp_path, "0,1,1\n", name="plain")
    (found,) = failures(tmp_path, name="plain/d.csv")
    assert re.fullmatch(r"cannot read data file '.*plain/d\.csv': .*", found.message)


def test_paths_are_relative_to_the_model_and_shown_that_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "models" / "sets").mkdir(parents=True)
    write(tmp_path / "models" / "sets", "0,1,1\n0,1\n")
    monkeypatch.chdir(tmp_path)
    assert csv_path("sets/d.csv", "models/m.bnn") == os.path.join("models", "sets/d.csv")
    with pytest.raises(CompileError) as info:
        load_csv("sets/d.csv", "models/m.bnn", 2, 1, MODEL_SPAN)
    assert info.value.diagnostics[0].path == os.path.join("models", "sets/d.csv")
    assert info.value.diagnostics[0].line == 2


def test_without_a_model_path_the_current_folder_is_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, "0,1,1\n")
    monkeypatch.chdir(tmp_path)
    examples = load_csv("d.csv", None, 2, 1, None).examples
    assert [(e.inputs, e.label) for e in examples] == [((0, 1), (1,))]
    assert csv_path("/abs/d.csv", "models/m.bnn") == "/abs/d.csv"


def test_large_files_are_streamed(tmp_path: Path) -> None:
    write(tmp_path, "a,b,c\n" + "0,1,1\n1,0,0\n" * 50_000)
    assert len(load(tmp_path)) == 100_000


# ---- confinement, disclosure, truncation and size (issue 13) -------------------------------


def model_in(folder: Path, data_line: str, n: int = 2) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "m.bnn"
    path.write_text(
        f"network n {{\n    input x[{n}]\n    layer y[1] from x\n}}\n{data_line}\n"
        "train {\n    iterations 1\n}\n"
    )
    return str(path)


def load_errors(model: str, data_root: str | None = None) -> list[Diagnostic]:
    with pytest.raises(CompileError) as info:
        load_model(Path(model).read_text(), model, data_root=data_root)
    return info.value.diagnostics


SECRET = "root:x:0:0:root:/root:/bin/bash\nsecret-token-1234,0,1\nhunter2\n"


@pytest.mark.parametrize(
    "written",
    ["../outside/secret.csv", "{outside}/secret.csv", "link.csv", "../outside/missing.csv"],
    ids=["relative", "absolute", "symlink-out", "missing-outside"],
)
def test_data_outside_the_models_folder_is_refused_unread(tmp_path: Path, written: str) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.csv").write_text(SECRET)
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "link.csv").symlink_to(outside / "secret.csv")
    written = written.format(outside=outside)
    model = model_in(tmp_path / "models", f'data from "{written}"')
    (found,) = load_errors(model)
    assert (found.path, found.line, found.column) == (model, 5, 1)
    root = tmp_path / "models"
    assert found.message.endswith(
        f"it is outside the model's folder '{root}': a model may only read data inside that "
        "folder; move the file there, or allow a wider folder with `--data-root DIR` "
        "(`data_root=` in the library)"
    )
    rendered = CompileError([found]).render()
    assert "secret" not in rendered.replace("secret.csv", "") and "root:" not in rendered
    # Whether the file exists outside is not told either.
    assert "no such file" not in found.message


def test_a_data_root_allows_a_wider_folder(tmp_path: Path) -> None:
    (tmp_path / "sets").mkdir()
    (tmp_path / "sets" / "d.csv").write_text("0,1,1\n")
    model = model_in(tmp_path / "models", 'data from "../sets/d.csv"')
    assert len(load_model(Path(model).read_text(), model, data_root=tmp_path).examples) == 1
    program = qbnnc.compile_file(model, data_root=str(tmp_path))
    assert program.model.num_examples == 1
    (found,) = load_errors(model, data_root=str(tmp_path / "models"))
    assert "it is outside the data root" in found.message
    # Links inside the folder to files inside it are fine.
    (tmp_path / "models" / "link.csv").symlink_to(tmp_path / "sets" / "d.csv")
    model = model_in(tmp_path / "models", 'data from "link.csv"')
    (found,) = load_errors(model)  # the link resolves outside the model's folder
    assert "outside the model's folder" in found.message
    assert load_model(Path(model).read_text(), model, data_root=tmp_path).num_examples == 1


def test_without_a_model_path_data_is_read_in_the_current_folder_and_said_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    text = 'network n {\n    input x[2]\n    layer y[1] from x\n}\ndata from "%s"\n'
    with pytest.raises(CompileError) as info:
        load_model(text % "d.csv")
    (found,) = info.value.diagnostics
    assert found.message == (
        "cannot read data file 'd.csv': no such file (the path is relative to the current "
        "folder, as the model has no path)"
    )
    with pytest.raises(CompileError) as info:
        load_model(text % "../d.csv")
    assert f"outside the current folder '{tmp_path}'" in info.value.diagnostics[0].message
    write(tmp_path, "0,1,1\n")
    assert load_model(text % "d.csv").num_examples == 1


def test_a_device_is_not_read_even_inside_the_data_root(tmp_path: Path) -> None:
    model = model_in(tmp_path, 'data from "/dev/zero"')
    (found,) = load_errors(model, data_root="/")
    assert found.message == (
        "cannot read data file '/dev/zero': it is not a regular file (a device, FIFO or "
        "socket): save the data in one"
    )


def test_a_file_that_is_not_data_is_not_quoted(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text(SECRET)
    model = model_in(tmp_path, 'data from "notes.txt"')
    (found,) = load_errors(model)
    # Its first line is neither the header the model needs nor data: refused at that line.
    assert (found.path, found.line, found.column) == (str(tmp_path / "notes.txt"), 1, 1)
    assert found.source_line is None
    assert found.message.startswith("this first row looks like a header but has 1 column")
    assert "secret" not in found.render() and "hunter" not in found.render()


def test_rows_that_are_not_numbers_are_located_but_not_quoted(tmp_path: Path) -> None:
    write(tmp_path, "a,b,c\n0,1,1\n0,1,password\nsecret text\n0,2,1\n")
    found = failures(tmp_path)
    assert [(d.line, d.column) for d in found] == [(3, 5), (4, 1), (5, 3)]
    assert found[0].message == "this value is not 0 or 1: each value of a row is one bit"
    assert found[0].source_line is None and found[1].source_line is None
    assert "password" not in found[0].render() and "secret" not in found[1].render()
    assert (found[2].message, found[2].source_line) == (
        "'2' is not 0 or 1: each value of a row is one bit",
        "0,2,1",
    )


@pytest.mark.parametrize(
    ("content", "line", "column", "message"),
    [
        ("0,1,1\n1,0,1\n1,0", 3, 1, r"this row has 2 values, expected 3: .*"),
        ("0,1,1\n1,0,", 2, 5, r"this value is empty: write 0 or 1"),
        ("0,1,1\n1", 2, 1, r"this row has 1 value, expected 3: .*"),
        # A first row cut short is data with an empty value, not a header skipped in silence.
        ("0,1,\n", 1, 5, r"this value is empty: write 0 or 1"),
        ("x0,x1,y\n0,1", 2, 1, r"this row has 2 values, expected 3: .*"),
    ],
    ids=["short-last-row", "cut-after-comma", "one-value", "first-row-cut", "after-header"],
)
def test_a_truncated_file_is_an_error_at_the_cut_row(
    tmp_path: Path, content: str, line: int, column: int, message: str
) -> None:
    write(tmp_path, content)
    (found,) = failures(tmp_path)
    assert (found.path, found.line, found.column) == (str(tmp_path / "d.csv"), line, column)
    assert re.fullmatch(message, found.message), found.message


def test_a_file_above_the_size_limit_is_refused_with_its_size(tmp_path: Path) -> None:
    write(tmp_path, "0,1,1\n" * (MAX_DATA_BYTES // 6 + 1))
    size = (tmp_path / "d.csv").stat().st_size
    (found,) = failures(tmp_path)
    assert (found.path, found.line) == ("m.bnn", 5)
    assert found.message == (
        f"cannot read data file '{tmp_path / 'd.csv'}': it is {size} bytes, above the limit "
        f"of {MAX_DATA_BYTES} bytes (64 MiB): a data set this large would not compile in useful "
        "time; use fewer rows"
    )


def test_a_nul_character_in_a_file_name_is_an_error_not_a_crash(tmp_path: Path) -> None:
    model = model_in(tmp_path, 'data from "a\x00b.csv"')
    (found,) = load_errors(model)
    assert found.message == (
        f"cannot read data file '{tmp_path}/a\\x00b.csv': a file name cannot contain a NUL "
        "character"
    )
    (found,) = load_errors(model, data_root="/tmp/\x00")
    assert found.render().startswith("qbnnc: error: the data root '/tmp/\\x00' is not a folder")
    with pytest.raises(
        CompileError, match=r"cannot read the file: a file name cannot contain a NUL"
    ):
        qbnnc.compile_file(str(tmp_path / "m\x00.bnn"))


# ---- named columns, the first row, arrays ---------------------------------------------------

PARITY = Path(__file__).resolve().parent.parent / "examples" / "csv"


def test_named_columns_in_another_order_compile_to_the_same_circuit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = (PARITY / "parity3.bnn").read_text()
    rows = [line.split(",") for line in (PARITY / "parity3.csv").read_text().split()[1:]]
    # The label first, the inputs reversed, and a column the model does not read.
    shuffled = ["parity,x2,id,x1,x0"] + [
        f"{p},{c},{i},{b},{a}" for i, (a, b, c, p) in enumerate(rows)
    ]
    (tmp_path / "named").mkdir()
    (tmp_path / "named" / "parity3.csv").write_text("\n".join(shuffled) + "\n")
    named = model.replace("x0, x1, x2 -> parity", 'x0, x1, "x2" -> parity')
    positional = model.replace(" x0, x1, x2 -> parity", "")
    assert named != model and 'data from "parity3.csv"\n' in positional
    monkeypatch.chdir(tmp_path / "named")
    by_name = qbnnc.compile(named, path="m.bnn").qasm3()
    monkeypatch.chdir(PARITY)
    by_position = qbnnc.compile(positional, path="m.bnn").qasm3()
    assert by_name.encode() == by_position.encode()


def test_a_named_column_missing_from_the_header_is_located_in_the_model(tmp_path: Path) -> None:
    write(tmp_path, "a,b,y,b\n0,1,1,0\n")
    model = model_in(tmp_path, 'data from "d.csv" a, c -> b')
    found = load_errors(model)
    assert [(d.path, d.line, d.column) for d in found] == [(model, 5, 22), (model, 5, 27)]
    assert found[0].message == (
        f"column 'c' is not in the header of '{tmp_path / 'd.csv'}' (line 1): name a column "
        "that its header has once"
    )
    assert found[1].message.startswith("column 'b' is 2 times in the header of")
    assert found[0].render().endswith('data from "d.csv" a, c -> b\n                         ^')


def test_named_columns_must_match_the_widths_and_need_a_header(tmp_path: Path) -> None:
    write(tmp_path, "0,1,1\n")
    (found,) = load_errors(model_in(tmp_path, 'data from "d.csv" a, b, c -> y'))
    assert (found.line, found.column) == (5, 25)
    assert found.message == "3 input columns named, expected 2 (one per input bit)"
    (found,) = load_errors(model_in(tmp_path, 'data from "d.csv" a, b -> y'))
    assert (found.path, found.line, found.column) == (str(tmp_path / "d.csv"), 1, 1)
    assert found.message.startswith("the model names the columns to read, so the first row")


@pytest.mark.parametrize(
    ("first", "column", "message"),
    [
        (
            "x0;x1;y",
            1,
            "this first row has 1 value, expected 3: values are separated by "
            "commas, and this row has semicolons: save the file with commas",
        ),
        (
            "0\t1\t1",
            1,
            "this first row has 1 value, expected 3: values are separated by "
            "commas, and this row has tabs",
        ),
        ("x0,x1", 1, "this first row looks like a header but has 2 columns, expected 3"),
        ("O,1,1", 1, "this first row is neither a header (names only"),
        ("x0,,y", 4, "this first row looks like a header but a name in it is empty"),
        ("x0,1,y", 1, "this first row is neither a header (names only"),
    ],
    ids=["semicolons", "tabs", "short-header", "letter-O-for-zero", "empty-name", "mixed"],
)
def test_a_first_row_that_is_neither_header_nor_data_is_located(
    tmp_path: Path, first: str, column: int, message: str
) -> None:
    write(tmp_path, f"{first}\n0,1,1\n")
    (found,) = failures(tmp_path)
    assert (found.path, found.line, found.column) == (str(tmp_path / "d.csv"), 1, column)
    assert found.message.startswith(message), found.message
    assert found.source_line is None  # a row with letters is never quoted


def test_npy_and_npz_arrays(tmp_path: Path) -> None:
    rows = np.array([[0, 1, 1], [1, 0, 0], [1, 1, 1]], dtype=np.int8)
    expected = [((0, 1), (1,)), ((1, 0), (0,)), ((1, 1), (1,))]
    np.save(tmp_path / "d.npy", rows)
    assert load(tmp_path, name="d.npy") == expected
    np.savez_compressed(tmp_path / "d.npz", X=rows[:, :2].astype(bool), y=rows[:, 2])
    assert load(tmp_path, name="d.npz") == expected
    np.savez(tmp_path / "named.npz", pixels=rows[:, :2], digit=rows[:, 2:].astype(float))
    model = model_in(tmp_path, 'data from "named.npz" pixels -> digit')
    loaded = load_model(Path(model).read_text(), model)
    assert [(e.inputs, e.label) for e in loaded.examples] == expected


@pytest.mark.parametrize(
    ("save", "message"),
    [
        (
            lambda p: np.save(p / "d.npy", np.zeros((2, 4))),
            r"the array must have shape \(rows, 3\)",
        ),
        (
            lambda p: np.save(p / "d.npy", np.array([[0, 1, 2]])),
            r"the array holds 2 at row 0, column 2",
        ),
        (
            lambda p: np.save(p / "d.npy", np.array([[0, 1, None]])),
            r"it holds Python objects, which are never loaded",
        ),
        (
            lambda p: (p / "d.npy").write_bytes(b"0,1,1\n"),
            r"this is not a NumPy \.npy file \(it does not start like one\)",
        ),
    ],
    ids=["shape", "value", "pickle", "not-npy"],
)
def test_bad_npy_files_are_errors_naming_the_file(tmp_path: Path, save, message: str) -> None:
    save(tmp_path)
    (found,) = failures(tmp_path, name="d.npy")
    assert (found.path, found.line) == (str(tmp_path / "d.npy"), 0)
    assert re.search(message, found.message), found.message


def test_an_npz_without_its_arrays_or_unpacking_too_large_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    np.savez(tmp_path / "d.npz", inputs=np.zeros((2, 2)), y=np.zeros(2))
    (found,) = failures(tmp_path, name="d.npz")
    assert found.message.startswith(
        "the archive has no array named 'X' (it has 2 arrays: 'inputs' and 'y'): it needs"
    )
    np.savez_compressed(tmp_path / "d.npz", X=np.zeros((40_000, 2)), y=np.zeros(40_000))
    import qbnnc.frontend.data as data

    monkeypatch.setattr(data, "MAX_DATA_BYTES", 100_000)  # the file itself is small
    (found,) = failures(tmp_path, name="d.npz")
    assert re.match(r"it is \d+ bytes unpacked, above the limit of 100000 bytes", found.message)


def test_the_columns_syntax_and_its_errors() -> None:
    from qbnnc.frontend import syntax
    from qbnnc.frontend.parse import parse

    head = "network n {\n    input x[2]\n    layer y[1] from x\n}\n"
    (_, source) = parse(head + 'data from "d.csv" a, "b c" -> input\n', "m.bnn").blocks
    assert source == syntax.DataFrom(
        "d.csv",
        columns=syntax.Columns((syntax.Name("a"), syntax.Name("b c")), (syntax.Name("input"),)),
    )
    with pytest.raises(CompileError) as info:
        parse(head + 'data from "d.csv" a b -> y\n', "m.bnn")
    (found,) = info.value.diagnostics
    assert (found.line, found.column) == (5, 21)
    assert found.message.startswith("unexpected 'b': after the file name, name the columns")


def test_a_data_block_may_name_its_columns() -> None:
    head = "network n {\n    input x[2]\n    layer y[1] from x\n}\n"
    model = load_model(head + "data a, b -> y {\n    01 -> 1\n}\n", "m.bnn")
    assert model.columns is not None
    assert [c.text for c in (*model.columns.inputs, *model.columns.labels)] == ["a", "b", "y"]
    with pytest.raises(CompileError) as info:
        load_model(head + "data a -> y {\n    01 -> 1\n}\n", "m.bnn")
    (found,) = info.value.diagnostics
    assert (found.line, found.column, found.message) == (
        5,
        6,
        "1 input column named, expected 2 (one per input bit)",
    )


def test_quoted_values_are_read_as_csv_quoting_reads_them(tmp_path: Path) -> None:
    write(tmp_path, '"x0","x1","y"\n"0","1","1"\n "1" ,0, "0"\n')
    assert load(tmp_path) == [((0, 1), (1,)), ((1, 0), (0,))]
    # A quoted header name is its text, so a model can read it by name.
    write(tmp_path, '"label","age > 60",fever\n1,0,1\n0,1,"1"\n')
    model = model_in(tmp_path, 'data from "d.csv" fever, "age > 60" -> label')
    loaded = load_model(Path(model).read_text(), model)
    assert [(e.inputs, e.label) for e in loaded.examples] == [((1, 0), (1,)), ((1, 1), (0,))]
    write(tmp_path, '0,1,1\n0,"2",1\n')
    (found,) = failures(tmp_path)
    assert (found.line, found.column, found.message) == (
        2,
        4,
        "'2' is not 0 or 1: each value of a row is one bit",
    )


def test_a_row_separated_by_semicolons_says_so(tmp_path: Path) -> None:
    write(tmp_path, "0,1,1\n0;1;1\n0,1\n")
    first, second = failures(tmp_path)
    assert first.message.endswith("separated by commas, not semicolons")
    assert second.message.endswith("1 label bit, separated by commas")


def test_a_data_file_the_user_names_reads_names_only_from_a_header(tmp_path: Path) -> None:
    """`qbnnc predict`'s DATA: the model's column names read a CSV header, and no other
    file needs them (`load_data_file`)."""
    from qbnnc.frontend.syntax import Columns, Name

    names = Columns((Name("a"), Name("b")), (Name("y"),))
    expected = [((0, 1), (1,)), ((1, 1), (0,))]
    files = {
        "by_name.csv": "y,b,id,a\n1,1,7,0\n0,1,8,1\n",
        "by_position.csv": "0,1,1\n1,1,0\n",
        "quoted.csv": '"a","b","y"\n"0","1","1"\n1,1,0\n',
    }
    for name, text in files.items():
        write(tmp_path, text, name)
    np.save(tmp_path / "d.npy", np.array([[0, 1, 1], [1, 1, 0]]))
    np.savez(tmp_path / "d.npz", X=np.array([[0, 1], [1, 1]]), y=np.array([1, 0]))
    for name in (*files, "d.npy", "d.npz"):
        examples = load_data_file(str(tmp_path / name), 2, 1, names)
        assert [(e.inputs, e.label) for e in examples] == expected, name
    # A .npz file whose arrays the model names (`data from "f.npz" ab -> y`) is read by them.
    arrays = Columns((Name("ab"),), (Name("y"),))
    np.savez(tmp_path / "e.npz", ab=np.array([[0, 1], [1, 1]]), y=np.array([1, 0]))
    examples = load_data_file(str(tmp_path / "e.npz"), 2, 1, arrays)
    assert [(e.inputs, e.label) for e in examples] == expected
    # A header that lacks a name is an error at the header, saying how to read by position.
    write(tmp_path, "a,c,y\n0,1,1\n", "other.csv")
    with pytest.raises(CompileError) as info:
        load_data_file(str(tmp_path / "other.csv"), 2, 1, names)
    (found,) = info.value.diagnostics
    assert (found.path, found.line, found.column) == (str(tmp_path / "other.csv"), 1, 1)
    assert found.message.startswith(
        "the header has no column named 'b': the model reads its data by the names a, b -> y"
    )
