"""Load the training examples of `data from "PATH"` from a CSV file.

The path is relative to the model's folder (to the current folder for a model compiled
from text without a path), and the file must resolve, symbolic links followed, inside the
data root: the model's folder unless the caller names a wider one. So a model from an
untrusted source cannot make the compiler read, or quote in its messages, any file of the
machine. Only regular files are opened, never blocking (no FIFO or device), and at most
`MAX_DATA_BYTES` are read.

Errors inside the file are located in the file itself; a file that cannot be read at all
is reported at the `data from` line of the model. A file whose first data row is not made
of 0s and 1s is refused as a whole without quoting it, and a row is shown (and its values
quoted) only when it holds nothing but numbers and separators, so that pointing `data from`
at some other file reveals nothing of its content.
"""

from __future__ import annotations

import errno
import os
import re
import stat

from qbnnc.diagnostics import CompileError, Diagnostic, Span, printable
from qbnnc.frontend.model import Example

MAX_ERRORS = 20

# The largest data file read. Compiling grows with rows x input bits (10,000 rows of 784
# pixels, 16 MB of CSV, count in about a minute: docs/performance.md), so a file much
# larger could not be compiled in useful time; the cap keeps reading it to seconds.
MAX_DATA_BYTES = 64 * 1024 * 1024

_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
# A row that may be shown in a message: numbers and separators only.
_SHOWABLE = re.compile(r"[0-9.eE+\- \t,]*")
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
) -> list[Example]:
    """Examples of the CSV file, each row `n_inputs` input bits then `n_labels` label bits.

    `span` is the `data from` statement and `source` the model text (for the caret);
    `data_root` the folder the file must be inside (None: see `data_root_of`).
    Raises `CompileError` with every bad row (up to `MAX_ERRORS`).
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
    data = _read(real, model_path, fail)
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
    examples = _rows(shown, text, n_inputs, n_labels, errors)
    if errors.found:
        raise CompileError(errors.capped(shown))
    return examples


def _read(real: str, model_path: str | None, fail) -> bytes:  # noqa: ANN001
    """The bytes of the regular file `real`, at most `MAX_DATA_BYTES`. Opened without
    blocking and checked after opening, so a FIFO or a device is never read."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(real, flags | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        raise fail(f"no such file (the path is relative to {_relative_to(model_path)})") from None
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


def _rows(path: str, text: str, n_inputs: int, n_labels: int, errors: _Errors) -> list[Example]:
    """The examples of the file; bad rows go to `errors` instead."""
    examples: list[Example] = []
    maybe_header = True
    checked = False
    interned: dict[str, tuple[tuple[int, ...], tuple[int, ...]]] = {}
    width = n_inputs + n_labels
    for number, line in enumerate(_LINE_BREAK.split(text), start=1):
        if checked and len(line) == 2 * width - 1 and _BITS.fullmatch(line):
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
        if maybe_header:
            maybe_header = False
            if _is_header(cells):
                continue
        if not checked:
            checked = True
            bad = next(((t, c) for t, c in cells if t not in ("0", "1", "")), None)
            if bad is not None:
                message = (
                    "this file does not look like CSV data of 0s and 1s (this value is not "
                    "0 or 1): check the path in `data from`; each row holds the input bits "
                    "then the label bits, separated by commas"
                )
                errors.append(Diagnostic(path, number, bad[1], message))
                return []
        example = _row(path, number, line, cells, n_inputs, n_labels, errors, interned)
        if example is not None:
            examples.append(example)
    return examples


def _is_header(cells: list[tuple[str, int]]) -> bool:
    """A first row of names: no value in it is a number (so a truncated or mistyped first
    row of data is an error, not a header skipped in silence)."""
    return any(text for text, _ in cells) and not any(_NUMBER.fullmatch(t) for t, _ in cells)


def _cells(line: str) -> list[tuple[str, int]]:
    """Each comma-separated value, stripped, with the 1-based column where it starts."""
    cells = []
    start = 0
    for part in line.split(","):
        stripped = part.strip()
        lead = len(part) - len(part.lstrip())
        cells.append((stripped, start + lead + 1))
        start += len(part) + 1
    return cells


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


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
    showable = _SHOWABLE.fullmatch(line) is not None
    shown = line if showable else None
    width = n_inputs + n_labels
    if len(cells) != width:
        message = (
            f"this row has {_plural(len(cells), 'value')}, expected {width}: "
            f"{_plural(n_inputs, 'input bit')} then {_plural(n_labels, 'label bit')}, "
            "separated by commas"
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
