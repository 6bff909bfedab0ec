"""Load the training examples of `data from "PATH"` from a CSV file.

The file is streamed once, line by line (it may be large). Errors inside the file are
located in the file itself; a file that cannot be read at all is reported at the
`data from` line of the model.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator

from qbnnc.diagnostics import CompileError, Diagnostic, Span
from qbnnc.frontend.model import Example

MAX_ERRORS = 20

_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def csv_path(path_as_written: str, model_path: str | None) -> str:
    """The CSV path as opened and as shown: relative to the model's folder, like the model."""
    if model_path is None or os.path.isabs(path_as_written):
        return path_as_written
    return os.path.join(os.path.dirname(model_path), path_as_written)


def load_csv(
    path_as_written: str,
    model_path: str | None,
    n_inputs: int,
    n_labels: int,
    span: Span | None,
    source: str | None = None,
) -> list[Example]:
    """Examples of the CSV file, each row `n_inputs` input bits then `n_labels` label bits.

    `span` is the `data from` statement and `source` the model text (for the caret).
    Raises `CompileError` with every bad row (up to `MAX_ERRORS`).
    """
    shown = csv_path(path_as_written, model_path)
    problem = _unreadable(shown)
    if problem is not None:
        raise CompileError.single(span, f"cannot read data file '{shown}': {problem}", source)
    examples: list[Example] = []
    errors: list[Diagnostic] = []
    try:
        examples.extend(_rows(shown, n_inputs, n_labels, errors))
    except UnicodeDecodeError as error:
        message = f"cannot read data file '{shown}': it is not UTF-8 text ({error.reason})"
        errors.append(Diagnostic.at(span, message, source))
    except OSError as error:
        message = f"cannot read data file '{shown}': {error.strerror or error}"
        errors.append(Diagnostic.at(span, message, source))
    if errors:
        raise CompileError(_capped(errors, shown))
    return examples


def _unreadable(path: str) -> str | None:
    """Why `path` is not a regular file we may read, or None. Checked before opening, so a
    FIFO or a device is never opened (opening a FIFO would block)."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return "no such file (the path is relative to the model's folder)"
    except OSError as error:
        return str(error.strerror or error)
    if stat.S_ISDIR(info.st_mode):
        return "it is a directory, not a file"
    if not stat.S_ISREG(info.st_mode):
        return "it is not a regular file"
    return None


def _read_lines(path: str) -> Iterator[tuple[int, str]]:
    # utf-8-sig: spreadsheets often start their CSV with a byte-order mark.
    with open(path, encoding="utf-8-sig", newline="") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):  # swapped since the stat
            raise OSError("it is not a regular file")
        for number, line in enumerate(handle, start=1):
            yield number, line.rstrip("\r\n")


def _rows(path: str, n_inputs: int, n_labels: int, errors: list[Diagnostic]) -> Iterator[Example]:
    """The examples of the file; bad rows go to `errors` instead."""
    maybe_header = True
    for number, line in _read_lines(path):
        if not line.strip():
            continue
        cells = _cells(line)
        if maybe_header:
            maybe_header = False
            if not all(_NUMBER.fullmatch(text) for text, _ in cells):
                continue
        example = _row(path, number, line, cells, n_inputs, n_labels, errors)
        if example is not None:
            yield example


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
    errors: list[Diagnostic],
) -> Example | None:
    width = n_inputs + n_labels
    if len(cells) != width:
        message = (
            f"this row has {_plural(len(cells), 'value')}, expected {width}: "
            f"{_plural(n_inputs, 'input bit')} then {_plural(n_labels, 'label bit')}, "
            "separated by commas"
        )
        errors.append(Diagnostic(path, number, 1, message, line))
        return None
    bad = [(text, column) for text, column in cells if text not in ("0", "1")]
    for text, column in bad:
        if text:
            message = f"'{text}' is not 0 or 1: each value of a row is one bit"
        else:
            message = "this value is empty: write 0 or 1"
        errors.append(Diagnostic(path, number, column, message, line))
    if bad:
        return None
    bits = tuple(int(text) for text, _ in cells)
    span = Span(path, number, 1, number, len(line) + 1)
    return Example(bits[:n_inputs], bits[n_inputs:], span)


def _capped(errors: list[Diagnostic], path: str) -> list[Diagnostic]:
    if len(errors) <= MAX_ERRORS:
        return errors
    more = len(errors) - MAX_ERRORS
    return errors[:MAX_ERRORS] + [
        Diagnostic(path, 0, 0, f"... and {more} more errors in this file")
    ]
