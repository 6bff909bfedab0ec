"""Load the training examples of `data from "PATH"`: a CSV file (by position, or by the
header's column names), a `.npy` or `.npz` file, or arrays handed over from Python.

The path is relative to the model's folder (to the current folder for a model compiled
from text without a path), and the file must resolve, symbolic links followed, inside the
data root: the model's folder unless the caller names a wider one. So a model from an
untrusted source cannot make the compiler read, or quote in its messages, any file of the
machine. Only regular files are opened, never blocking (no FIFO or device), and at most
`MAX_DATA_BYTES` are read.

`load_data_file` reads a file the user names instead (`qbnnc predict MODEL DATA`): relative
to the current folder, anywhere, and by the model's column names only when a CSV file has
a header (every other file by position, or as the arrays `X` and `y`).

Errors inside the file are located in the file itself; a file that cannot be read at all
is reported at the `data from` line of the model. A file whose first data row is not made
of 0s and 1s is refused as a whole without quoting it, and a row is shown (and its values
quoted) only when it holds nothing but numbers and separators, so that pointing `data from`
at some other file reveals nothing of its content.
"""

from __future__ import annotations

import errno
import io
import os
import re
import stat
import zipfile
from dataclasses import dataclass

import numpy as np

from qbnnc.diagnostics import CompileError, Diagnostic, Span, plural, printable
from qbnnc.frontend import syntax
from qbnnc.frontend.model import Example

MAX_ERRORS = 20

# The largest data file read. Compiling grows with rows x input bits (10,000 rows of 784
# pixels, 16 MB of CSV, count in about a minute: docs/performance.md), so a file much
# larger could not be compiled in useful time; the cap keeps reading it to seconds.
MAX_DATA_BYTES = 64 * 1024 * 1024

_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
# A row that may be shown in a message: numbers and separators only.
_SHOWABLE = re.compile(r"[0-9.eE+\- \t,\"]*")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_BITS = re.compile(r"[01](?:,[01])*")


def csv_path(path_as_written: str, model_path: str | None) -> str:
    """The CSV path as opened and as shown: relative to the model's folder, like the model
    (to the current folder when the model has no path)."""
    if model_path is None or os.path.isabs(path_as_written):
        return path_as_written
    return os.path.join(os.path.dirname(model_path), path_as_written)


def data_root_of(model_path: str | None, data_root: str | os.PathLike[str] | None) -> str:
    """The folder `data from` may read inside: `data_root`, else the model's folder, else
    (no model path) the current folder."""
    if data_root is not None:
        return os.fspath(data_root)
    if model_path is None:
        return os.curdir
    return os.path.dirname(model_path) or os.curdir


def _relative_to(model_path: str | None) -> str:
    if model_path is None:
        return "the current folder, as the model has no path"
    return "the model's folder"


def load_csv(
    path_as_written: str,
    model_path: str | None,
    n_inputs: int,
    n_labels: int,
    span: Span | None,
    source: str | None = None,
    data_root: str | os.PathLike[str] | None = None,
    columns: syntax.Columns | None = None,
) -> list[Example]:
    """Examples of the data file, each `n_inputs` input bits then `n_labels` label bits.

    A CSV file is read by position, or by the header's names when `columns` names them; a
    `.npy` or `.npz` file as arrays (see `array_examples`). `span` is the `data from`
    statement and `source` the model text (for the caret); `data_root` the folder the file
    must be inside (None: see `data_root_of`). Raises `CompileError` with every bad row (up
    to `MAX_ERRORS`).
    """
    shown = csv_path(path_as_written, model_path)

    def fail(problem: str) -> CompileError:
        return CompileError.single(
            span, f"cannot read data file '{printable(shown)}': {problem}", source
        )

    if "\0" in shown:
        raise fail("a file name cannot contain a NUL character")
    root = data_root_of(model_path, data_root)
    real = os.path.realpath(shown)
    real_root = os.path.realpath(root)
    if os.path.commonpath([real, real_root]) != real_root:
        if data_root is not None:
            where = "the data root"
        elif model_path is None:
            where = "the current folder"
        else:
            where = "the model's folder"
        raise fail(
            f"it is outside {where} '{printable(os.path.abspath(root))}': a model may only "
            "read data inside that folder; move the file there, or allow a wider folder with "
            "`--data-root DIR` (`data_root=` in the library)"
        )
    data = _read(real, fail, f"the path is relative to {_relative_to(model_path)}")
    return _examples(data, shown, n_inputs, n_labels, columns, source, by_model=True)


DATA_SUFFIXES = (".csv", ".npy", ".npz")  # the data files `qbnnc predict` reads


def load_data_file(
    path: str, n_inputs: int, n_labels: int, names: syntax.Columns | None = None
) -> list[Example]:
    """Examples of a data file that the user names (`qbnnc predict MODEL DATA`), not a
    model: relative to the current folder, wherever it is. Read as `data from` reads it,
    but `names` (the column names of the model's data) are a help, not a requirement: a
    CSV file with a header is read by them (when they name every column the model reads),
    one without a header by position; a `.npy` file by position; a `.npz` file by the
    arrays `X` and `y`, or by `names` when they name one array on each side and the
    archive has both. Raises `CompileError` as `load_csv` does."""

    def fail(problem: str) -> CompileError:
        return CompileError.single(
            None, f"cannot read data file '{printable(path)}': {problem}", None
        )

    data = _read(os.path.realpath(path), fail, "the path is relative to the current folder")
    return _examples(data, path, n_inputs, n_labels, names, None, by_model=False)


def _examples(
    data: bytes,
    shown: str,
    n_inputs: int,
    n_labels: int,
    columns: syntax.Columns | None,
    source: str | None,
    by_model: bool,
) -> list[Example]:
    """The examples of the bytes of a data file, by its suffix (`.npy`, `.npz`, else CSV).
    `by_model`: a model's `data from` names the file and `columns` must be read (else the
    user does, on `qbnnc predict`'s command line, and `columns` are read when they fit)."""
    suffix = os.path.splitext(shown)[1].lower()
    if suffix in (".npy", ".npz"):
        return _array_file(data, shown, suffix, n_inputs, n_labels, columns, source, by_model)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = (
            len(
                data[data.rfind(b"\n", 0, error.start) + 1 : error.start].decode("utf-8", "replace")
            )
            + 1
        )
        message = "this line is not UTF-8 text: re-save the file as UTF-8"
        raise CompileError([Diagnostic(shown, line, column, message)]) from None
    if text.startswith("\ufeff"):  # spreadsheets often start their CSV with a byte-order mark
        text = text[1:]
    errors = _Errors()
    select = None
    if columns is not None and by_model:
        select = _header_columns(shown, text, columns, source)
    elif columns is not None and (len(columns.inputs), len(columns.labels)) == (
        n_inputs,
        n_labels,
    ):  # column names (not a .npz file's two array names): read a header by them
        select = _named_header(shown, text, columns)
    examples = _rows(shown, text, n_inputs, n_labels, errors, select, by_model)
    if errors.found:
        raise CompileError(errors.capped(shown))
    return examples


def _read(real: str, fail, relative: str) -> bytes:
    """The bytes of the regular file `real`, at most `MAX_DATA_BYTES`. Opened without
    blocking and checked after opening, so a FIFO or a device is never read. `relative`:
    what a missing file's path is relative to, as the message says it."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(real, flags | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        raise fail(f"no such file ({relative})") from None
    except IsADirectoryError:
        raise fail("it is a directory, not a file") from None
    except OSError as error:
        if error.errno == errno.ELOOP:  # swapped for a link since it was resolved
            raise fail("it is not a regular file") from None
        raise fail(str(error.strerror or error)) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise fail("it is a directory, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise fail("it is not a regular file (a device, FIFO or socket): save the data in one")
        if info.st_size > MAX_DATA_BYTES:
            raise fail(_too_large(f"{info.st_size} bytes"))
        chunks: list[bytes] = []
        size = 0
        while size <= MAX_DATA_BYTES:
            try:
                chunk = os.read(fd, min(1 << 20, MAX_DATA_BYTES + 1 - size))
            except OSError as error:
                raise fail(str(error.strerror or error)) from None
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > MAX_DATA_BYTES:  # it grew while being read
            raise fail(_too_large(f"more than {MAX_DATA_BYTES} bytes"))
        return b"".join(chunks)
    finally:
        os.close(fd)


def _too_large(size: str) -> str:
    return (
        f"it is {size}, above the limit of {MAX_DATA_BYTES} bytes ({MAX_DATA_BYTES >> 20} MiB): "
        "a data set this large would not compile in useful time; use fewer rows"
    )


class _Errors:
    """The first `MAX_ERRORS` row errors, and how many more there are."""

    def __init__(self) -> None:
        self.kept: list[Diagnostic] = []
        self.found = 0

    def append(self, diagnostic: Diagnostic) -> None:
        self.found += 1
        if len(self.kept) < MAX_ERRORS:
            self.kept.append(diagnostic)

    def capped(self, path: str) -> list[Diagnostic]:
        more = self.found - len(self.kept)
        if not more:
            return self.kept
        return [*self.kept, Diagnostic(path, 0, 0, f"... and {more} more errors in this file")]


def _rows(
    path: str,
    text: str,
    n_inputs: int,
    n_labels: int,
    errors: _Errors,
    select: _Select | None = None,
    by_model: bool = True,
) -> list[Example]:
    """The examples of the file; bad rows go to `errors` instead. `select`: the header's
    columns to read (by name), else every value of a row by position. `by_model`: a
    model's `data from` names the file (else the user, on `qbnnc predict`'s command line)."""
    examples: list[Example] = []
    first = True
    checked = False
    interned: dict[str, tuple[tuple[int, ...], tuple[int, ...]]] = {}
    width = n_inputs + n_labels
    for number, line in enumerate(_LINE_BREAK.split(text), start=1):
        if checked and select is None and len(line) == 2 * width - 1 and _BITS.fullmatch(line):
            # The common row, plain bits and commas: read without splitting into cells.
            key = line[::2]
            pair = interned.get(key)
            if pair is None:
                bits = tuple(map(int, key))
                pair = interned[key] = (bits[:n_inputs], bits[n_inputs:])
            examples.append(Example(pair[0], pair[1], Span(path, number, 1, number, len(line) + 1)))
            continue
        if not line.strip():
            continue
        cells = _cells(line)
        if first:
            first = False
            if select is not None:
                continue  # the header, read by `_header_columns`
            if _is_header(cells, width):
                continue
            if not _first_row_is_data(
                path, number, line, cells, n_inputs, n_labels, errors, by_model
            ):
                return []
        if select is not None:
            if len(cells) != select.width:
                message = (
                    f"this row has {plural(len(cells), 'value')}, expected {select.width} "
                    f"(the columns of the header){_separator(line) and ', ' + _commas(line)}"
                )
                errors.append(Diagnostic(path, number, 1, message, _shown(line)))
                continue
            cells = [cells[i] for i in select.indices]
        if not checked:
            checked = True
            bad = next(((t, c) for t, c in cells if t not in ("0", "1", "")), None)
            if bad is not None:
                which = "the path in `data from`" if by_model else "that DATA is the data file"
                message = (
                    "this file does not look like CSV data of 0s and 1s (this value is not "
                    f"0 or 1): check {which}; each row holds the input bits then the label "
                    f"bits, {_commas(line)}"
                )
                errors.append(Diagnostic(path, number, bad[1], message))
                return []
        example = _row(path, number, line, cells, n_inputs, n_labels, errors, interned)
        if example is not None:
            examples.append(example)
    return examples


def _shown(line: str) -> str | None:
    """The row as it may be quoted in a message: only numbers and separators."""
    return line if _SHOWABLE.fullmatch(line) is not None else None


def _first_row_is_data(
    path: str,
    number: int,
    line: str,
    cells: list[tuple[str, int]],
    n_inputs: int,
    n_labels: int,
    errors: _Errors,
    by_model: bool,
) -> bool:
    """A first row that is not a header must read as data: a row of names that is not the
    header the model needs, or names mixed with numbers, is an error at that row (a header
    with a typo, or data with one, is never skipped in silence)."""
    width = n_inputs + n_labels
    words = [(t, c) for t, c in cells if t and not _NUMBER.fullmatch(t)]
    if not words:
        return True  # numbers (and empty values): data, checked as any row
    empty = [c for t, c in cells if not t]
    separator = _separator(line)
    if len(cells) < width and separator:  # "0;1;1" or "a;b;y" is one value, not a header
        message = (
            f"this first row has {plural(len(cells), 'value')}, expected {width}: values are "
            f"separated by commas, and this row has {separator}: save the file with commas"
        )
        errors.append(Diagnostic(path, number, 1, message))
    elif len(words) + len(empty) == len(cells) and len(cells) == width:
        message = "this first row looks like a header but a name in it is empty: name every column"
        errors.append(Diagnostic(path, number, empty[0], message))
    elif len(words) + len(empty) == len(cells):
        fix = (
            'name the columns to read in the model: `data from "FILE.csv" IN1, IN2, ... -> LABEL`'
            if by_model
            else "remove it (a file without a header is read by position)"
        )
        message = (
            f"this first row looks like a header but has {plural(len(cells), 'column')}, "
            f"expected {width} ({plural(n_inputs, 'input bit')} then "
            f"{plural(n_labels, 'label bit')}): fix the header, or {fix}"
        )
        errors.append(Diagnostic(path, number, 1, message))
    else:
        message = (
            "this first row is neither a header (names only, no value empty or a number) nor "
            "a row of data (0s and 1s): this value is not 0 or 1"
        )
        errors.append(Diagnostic(path, number, words[0][1], message))
    return False


@dataclass(frozen=True)
class _Select:
    """The columns to read by name: their places in each row, and the header's width."""

    indices: tuple[int, ...]
    width: int


def _header_columns(
    path: str,
    text: str,
    columns: syntax.Columns,
    source: str | None,
) -> _Select:
    """Where the header (the first line that is not blank) puts each column the model names.
    A name missing from the header, or found twice, is an error at the name in the model."""
    number, line = next(
        ((i, line) for i, line in enumerate(_LINE_BREAK.split(text), 1) if line.strip()),
        (0, ""),
    )
    if not line:
        raise CompileError([Diagnostic(path, 0, 0, "the file is empty: it needs a header row")])
    cells = _cells(line)
    wanted = len(columns.inputs) + len(columns.labels)
    if len(cells) < wanted and _separator(line):
        message = (
            f"this first row has {plural(len(cells), 'value')}, expected a header of at least "
            f"{wanted} names: values are separated by commas, and this row has "
            f"{_separator(line)}: save the file with commas"
        )
        raise CompileError([Diagnostic(path, number, 1, message)])
    if not _is_header(cells, len(cells)):
        message = (
            "the model names the columns to read, so the first row must be a header: names "
            "only, none empty or a number"
        )
        bad = next((c for t, c in cells if not t or _NUMBER.fullmatch(t)), 1)
        raise CompileError([Diagnostic(path, number, bad, message)])
    places: dict[str, list[int]] = {}
    for index, (name, _) in enumerate(cells):
        places.setdefault(name, []).append(index)
    found: list[int] = []
    problems: list[Diagnostic] = []
    for name in (*columns.inputs, *columns.labels):
        where = places.get(name.text, [])
        if len(where) == 1:
            found.append(where[0])
            continue
        problem = "is not in the header" if not where else f"is {len(where)} times in the header"
        problems.append(
            Diagnostic.at(
                name.span,
                f"column '{printable(name.text)}' {problem} of '{printable(path)}' "
                f"(line {number}): name a column that its header has once",
                source,
            )
        )
    if problems:
        raise CompileError(problems)
    return _Select(tuple(found), len(cells))


def _named_header(path: str, text: str, columns: syntax.Columns) -> _Select | None:
    """For a file the user names (`qbnnc predict`): where its header puts each column the
    model's data names, or None when the file has no header (it is read by position).
    The header must have every name once: an error at the header, not in the model."""
    number, line = next(
        ((i, line) for i, line in enumerate(_LINE_BREAK.split(text), 1) if line.strip()),
        (0, ""),
    )
    cells = _cells(line)
    if not line or not _is_header(cells, len(cells)):
        return None
    if len(cells) < len(columns.inputs) + len(columns.labels) and _separator(line):
        return None  # one value separated by semicolons or tabs: `_first_row_is_data` says so
    places: dict[str, list[int]] = {}
    for index, (name, _) in enumerate(cells):
        places.setdefault(name, []).append(index)
    names = [name.text for name in (*columns.inputs, *columns.labels)]
    missing = [name for name in names if name not in places]
    if missing:
        wanted = ", ".join(printable(n) for n in names[: len(columns.inputs)])
        wanted += " -> " + ", ".join(printable(n) for n in names[len(columns.inputs) :])
        message = (
            f"the header has no column named {_quoted(missing)}: the model reads its data by "
            f"the names {wanted} (in any order); name the header's columns so, or remove the "
            "header to read the columns by position"
        )
        raise CompileError([Diagnostic(path, number, 1, message)])
    twice = next((name for name in names if len(places[name]) > 1), None)
    if twice is not None:
        message = (
            f"the header has the column '{printable(twice)}' {len(places[twice])} times: the "
            "model reads it by name, so name it once"
        )
        raise CompileError([Diagnostic(path, number, cells[places[twice][1]][1], message)])
    return _Select(tuple(places[name][0] for name in names), len(cells))


def _quoted(names: list[str], last: str = "or") -> str:
    """`'a', 'b' or 'c'`: the names quoted, `last` (`or`, `and`) before the last one."""
    quoted = [f"'{printable(name)}'" for name in names]
    return " ".join([", ".join(quoted[:-1]), last, quoted[-1]]) if quoted[1:] else quoted[0]


def _separator(line: str) -> str:
    """'semicolons' or 'tabs' when the row holds them, as some spreadsheets separate the
    values of a CSV file, else ''."""
    return "semicolons" if ";" in line else "tabs" if "\t" in line else ""


def _commas(line: str) -> str:
    """`separated by commas`, then `, not semicolons` (or tabs) when the row holds them: the
    hint for a row that was split into too few values."""
    separator = _separator(line)
    return f"separated by commas, not {separator}" if separator else "separated by commas"


def _is_header(cells: list[tuple[str, int]], width: int) -> bool:
    """A header: `width` names, none empty and none a number (so a truncated or mistyped
    first row of data is an error, not a header skipped in silence)."""
    return len(cells) == width and all(t and not _NUMBER.fullmatch(t) for t, _ in cells)


def _cells(line: str) -> list[tuple[str, int]]:
    """Each comma-separated value, stripped, with the 1-based column where it starts. A
    value in double quotes (CSV quoting: `"0"`, `"age > 60"`) is the text between them, a
    doubled quote inside read as one; it cannot hold a comma, which always separates."""
    cells = []
    start = 0
    for part in line.split(","):
        stripped = part.strip()
        lead = len(part) - len(part.lstrip())
        if len(stripped) >= 2 and stripped[0] == stripped[-1] == '"':
            stripped = stripped[1:-1].replace('""', '"')
            lead += 1
        cells.append((stripped, start + lead + 1))
        start += len(part) + 1
    return cells


def _row(
    path: str,
    number: int,
    line: str,
    cells: list[tuple[str, int]],
    n_inputs: int,
    n_labels: int,
    errors: _Errors,
    interned: dict[str, tuple[tuple[int, ...], tuple[int, ...]]],
) -> Example | None:
    shown = _shown(line)
    showable = shown is not None
    width = n_inputs + n_labels
    if len(cells) != width:
        message = (
            f"this row has {plural(len(cells), 'value')}, expected {width}: "
            f"{plural(n_inputs, 'input bit')} then {plural(n_labels, 'label bit')}, "
            f"{_commas(line)}"
        )
        errors.append(Diagnostic(path, number, 1, message, shown))
        return None
    bad = [(text, column) for text, column in cells if text not in ("0", "1")]
    for text, column in bad:
        if not text:
            message = "this value is empty: write 0 or 1"
        elif showable:
            message = f"'{text}' is not 0 or 1: each value of a row is one bit"
        else:
            message = "this value is not 0 or 1: each value of a row is one bit"
        errors.append(Diagnostic(path, number, column, message, shown))
    if bad:
        return None
    # Rows repeat in large data sets: one tuple per distinct row keeps the memory small.
    key = "".join(text for text, _ in cells)
    pair = interned.get(key)
    if pair is None:
        bits = tuple(map(int, key))
        pair = interned[key] = (bits[:n_inputs], bits[n_inputs:])
    return Example(pair[0], pair[1], Span(path, number, 1, number, len(line) + 1))


# ---- arrays: .npy, .npz, and numpy arrays handed over from Python ---------------------------


def bit_matrix(values: object, width: int, name: str) -> np.ndarray:
    """`values` as a rows x `width` uint8 array of 0s and 1s (a 1-D array is one column when
    `width` is 1). Booleans, integers and floats equal to 0 or 1 are accepted; anything
    else is a `ValueError` naming `name`, the shape or the first bad value (row, column)."""
    try:
        array = np.asarray(values)
    except Exception as error:  # ragged lists and the like
        raise ValueError(f"{name} is not an array of 0s and 1s: {error}") from None
    if array.ndim == 1 and width == 1:
        array = array.reshape(-1, 1)
    if array.ndim != 2 or array.shape[1] != width:
        raise ValueError(
            f"{name} must have shape (rows, {width}): {width} bit{'s' if width != 1 else ''} "
            f"per row, got shape {array.shape}"
        )
    if array.dtype.kind not in "biuf":
        raise ValueError(f"{name} must hold numbers 0 and 1, got an array of {array.dtype}")
    bad = np.argwhere((array != 0) & (array != 1))
    if len(bad):
        row, column = (int(i) for i in bad[0])
        more = f"; {len(bad) - 1} more values are not 0 or 1" if len(bad) > 1 else ""
        raise ValueError(
            f"{name} holds {array[row, column].item()!r} at row {row}, column {column}: every "
            f"value must be 0 or 1{more}"
        )
    return array.astype(np.uint8)


def array_examples(
    inputs: object, labels: object, n_inputs: int, n_labels: int, path: str | None = None
) -> list[Example]:
    """The examples of two arrays, inputs (rows x `n_inputs`) and labels (rows x `n_labels`,
    or one value per row for one label bit). `ValueError` names what is wrong."""
    x = bit_matrix(inputs, n_inputs, "the inputs (X)")
    y = bit_matrix(labels, n_labels, "the labels (y)")
    if len(x) != len(y):
        raise ValueError(f"the inputs have {len(x)} rows but the labels have {len(y)}")
    rows = np.concatenate([x, y], axis=1)
    if not len(rows):
        return []
    # One pair of tuples per distinct row keeps large data sets small.
    distinct, inverse = np.unique(rows, axis=0, return_inverse=True)
    pairs = [(tuple(r[:n_inputs]), tuple(r[n_inputs:])) for r in distinct.tolist()]
    return [
        Example(*pairs[i], Span(path, number, 0) if path else None)
        for number, i in enumerate(inverse.reshape(-1).tolist(), 1)
    ]


NPZ_KEYS = ("X", "y")  # the arrays of a .npz file unless the model names others


def _array_file(
    data: bytes,
    path: str,
    suffix: str,
    n_inputs: int,
    n_labels: int,
    columns: syntax.Columns | None,
    source: str | None,
    by_model: bool,
) -> list[Example]:
    """The examples of a `.npy` file (one rows x (inputs + labels) array) or a `.npz` file
    (inputs and labels under the keys `X` and `y`, or the two names of `columns`). For a
    file the user names (not `by_model`), `columns` are only a help: a `.npy` file is read
    by position, and a `.npz` file by the two names when it has both arrays, else `X`, `y`."""

    def fail(message: str) -> CompileError:
        return CompileError([Diagnostic(path, 0, 0, message)])

    keys = NPZ_KEYS
    named = None  # the two arrays `columns` name, if they name one on each side
    if columns is not None and len(columns.inputs) == len(columns.labels) == 1:
        named = (columns.inputs[0].text, columns.labels[0].text)
    if columns is not None and by_model:
        names = (*columns.inputs, *columns.labels)
        if suffix == ".npy" or len(columns.inputs) != 1 or len(columns.labels) != 1:
            what = (
                "a .npy file has no named columns: remove the names after the file name"
                if suffix == ".npy"
                else "a .npz file is read by the names of two arrays, `INPUTS -> LABELS`: name "
                "one array on each side"
            )
            raise CompileError([Diagnostic.at(names[0].span, what, source)])
        keys = (columns.inputs[0].text, columns.labels[0].text)
    magic = b"\x93NUMPY" if suffix == ".npy" else b"PK"
    if not data.startswith(magic):
        saved = "numpy.save" if suffix == ".npy" else "numpy.savez"
        raise fail(
            f"this is not a NumPy {suffix} file (it does not start like one): save it with {saved}"
        )
    try:
        if suffix == ".npy":
            array = np.load(io.BytesIO(data), allow_pickle=False)
            try:
                matrix = bit_matrix(array, n_inputs + n_labels, "the array")
            except ValueError as error:
                widths = f"{plural(n_inputs, 'input bit')} then {plural(n_labels, 'label bit')}"
                raise fail(f"{error} ({widths})") from None
            return array_examples(
                matrix[:, :n_inputs], matrix[:, n_inputs:], n_inputs, n_labels, path
            )
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            # Compressed members could unpack to far more than the file: capped like the file.
            unpacked = sum(info.file_size for info in archive.infolist())
            if unpacked > MAX_DATA_BYTES:
                raise fail(_too_large(f"{unpacked} bytes unpacked"))
            # The arrays' names may be listed in a message, never other members of a zip.
            arrays = sorted(n[: -len(".npy")] for n in archive.namelist() if n.endswith(".npy"))
        if not by_model and named is not None and all(k in arrays for k in named):
            keys = named
        missing = [k for k in keys if k not in arrays]
        if missing:
            has = "it has no array"
            if len(arrays) > 10:  # the first ten are enough to see the naming
                listed = ", ".join(f"'{printable(name)}'" for name in arrays[:10])
                has = f"it has {len(arrays)} arrays: {listed}, ..."
            elif arrays:
                has = f"it has {plural(len(arrays), 'array')}: {_quoted(arrays, 'and')}"
            how = (
                'or name them in the model: `data from "FILE.npz" INPUTS -> LABELS`'
                if by_model
                else "as `numpy.savez(path, X=X, y=y)` saves them"
            )
            raise fail(
                f"the archive has no array named {_quoted(missing)} ({has}): it needs the "
                f"inputs and the labels under {_quoted(list(keys), 'and')} ({how})"
            )
        with np.load(io.BytesIO(data), allow_pickle=False) as archive:
            inputs, labels = archive[keys[0]], archive[keys[1]]
        return array_examples(inputs, labels, n_inputs, n_labels, path)
    except CompileError:
        raise
    except ValueError as error:
        if "allow_pickle" in str(error):
            raise fail(
                "it holds Python objects, which are never loaded (they could run code): save "
                "an array of numbers (bool or int)"
            ) from None
        raise fail(str(error)) from None
    except (OSError, EOFError, zipfile.BadZipFile, KeyError) as error:
        kind = "NumPy .npy" if suffix == ".npy" else "NumPy .npz"
        raise fail(f"this is not a readable {kind} file ({error})") from None
