"""What the compiler takes from its caller, checked before any work: the model's text or
file (a regular file of bounded size) and where `data from` may read (the compiler checks
its options itself).

Bad values from a user (a missing file, a FIFO, a file too large, a data root that is not
a folder, an unknown target name) are `CompileError`s; arguments of the wrong type are
`TypeError`s and impossible option values `ValueError`s, each naming what is expected.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

from qbnnc.diagnostics import CompileError, Diagnostic, printable
from qbnnc.files.inputs import Reason, Unreadable, read_regular
from qbnnc.frontend.check import check
from qbnnc.frontend.model import Model
from qbnnc.frontend.parse import parse_recovering

# The largest model read, in bytes (UTF-8) or characters (text given directly). Statements
# parse at some ten thousand lines a second and inline data rows at about a hundred
# thousand (one core), so this bounds the front end to seconds; larger training sets
# belong in a CSV file (`data from "FILE.csv"`, up to `data.MAX_DATA_BYTES`).
MAX_SOURCE_BYTES = 4 * 1024 * 1024


def _error(path: str | None, message: str) -> CompileError:
    return CompileError([Diagnostic(path, 0, 0, message)])


def _too_large(path: str | None, size: str) -> CompileError:
    return _error(
        path,
        f"the model is {size}, above the limit of {MAX_SOURCE_BYTES} bytes "
        f"({MAX_SOURCE_BYTES >> 20} MiB): move its training data to a CSV file and read it "
        'with `data from "FILE.csv"`',
    )


def read_source(path: str | os.PathLike[str]) -> str:
    """A model file's text; a missing, unreadable, non-regular (FIFO, device), too large or
    non-UTF-8 file is a `CompileError` naming the file."""
    if not isinstance(path, str | os.PathLike):
        raise TypeError(f"path must be a str or os.PathLike, got {type(path).__name__}")
    shown = os.fspath(path)
    if not isinstance(shown, str):
        raise TypeError("path must name the file as text, not bytes")
    try:
        data, _ = read_regular(shown, MAX_SOURCE_BYTES)
    except Unreadable as e:
        if e.reason is Reason.DIRECTORY:
            raise _error(shown, "is a directory, not a .bnn file") from None
        if e.reason is Reason.SPECIAL:
            raise _error(
                shown,
                "cannot read the model: it is not a regular file (a device, FIFO or socket); "
                "save the model in a file",
            ) from None
        if e.reason is Reason.TOO_LARGE:
            raise _too_large(shown, e.detail) from None
        raise _error(shown, f"cannot read the file: {e}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        start = data.rfind(b"\n", 0, e.start) + 1
        column = len(data[start : e.start].decode("utf-8", "replace")) + 1
        raise CompileError(
            [Diagnostic(shown, line, column, "the file is not UTF-8 text (re-save it as UTF-8)")]
        ) from None


def check_source(source: object, path: object) -> None:
    """TypeError unless `source` is the model's text and `path` a path or None;
    CompileError when the text is larger than `MAX_SOURCE_BYTES` characters."""
    if not isinstance(source, str):
        kind = type(source).__name__
        hint = (
            "; decode it (source.decode('utf-8')) or use compile_file"
            if isinstance(source, bytes | bytearray | memoryview)
            else "; to compile a file use compile_file(path)"
        )
        raise TypeError(f"source must be str (the .bnn text), got {kind}{hint}")
    if path is not None and not isinstance(path, str | os.PathLike):
        raise TypeError(
            f"path must be a str, an os.PathLike or None (where the text came from), "
            f"got {type(path).__name__}"
        )
    if len(source) > MAX_SOURCE_BYTES:
        shown = os.fspath(path) if path is not None else None
        raise _too_large(shown if isinstance(shown, str) else None, f"{len(source)} characters")


def check_data_root(data_root: object) -> None:
    """TypeError unless `data_root` is a path or None; CompileError if it is not a folder."""
    if data_root is None:
        return
    if not isinstance(data_root, str | os.PathLike):
        raise TypeError(
            f"data_root must be a str, an os.PathLike or None, got {type(data_root).__name__}"
        )
    shown = os.fspath(data_root)
    if not isinstance(shown, str) or "\0" in shown or not os.path.isdir(shown):
        raise _error(
            None,
            f"the data root '{printable(str(shown))}' is not a folder: name the folder "
            "`data from` may read in",
        )


def load_model(
    source: str,
    path: str | os.PathLike[str] | None = None,
    *,
    data_root: str | os.PathLike[str] | None = None,
    data: tuple[object, object] | None = None,
) -> Model:
    """Parse and check: the checked model, or CompileError with every diagnostic.

    `data_root`: the folder `data from` may read inside; None: the model's folder (the
    current folder when `path` is None). `data`: the training set as arrays `(X, y)` (X
    rows x input bits, y rows x label bits or one bit per row, values 0 and 1) for a model
    written without a data source. Syntax errors and the checker's errors of the parts
    that could be read are reported together.
    """
    check_source(source, path)
    check_data_root(data_root)
    shown = os.fspath(path) if path is not None else None
    with _collection_paused():
        file, syntax_errors = parse_recovering(source, shown)
        return check(
            file, source, shown, data_root=data_root, syntax_errors=syntax_errors, data=data
        )


def load_named_model(
    path: str, data_root: str | os.PathLike[str] | None = None, fix: str = ""
) -> Model:
    """The model at `path` when someone other than the user named it (a job handle): read
    only if it is a `.bnn` file (a regular file, capped as `read_source` reads it), and
    quoted in diagnostics only if it parses as a model, so that naming another file of the
    machine shows nothing of it. `fix`: what the user can do instead, added to the one-line
    error for a file that is not a model. Otherwise as `load_model`."""
    if os.path.splitext(path)[1] != ".bnn":
        raise _error(path, f"is not a .bnn model, so it is not read{fix}")
    try:
        source = read_source(path)
    except CompileError as e:
        raise CompileError([replace(d, message=d.message + fix) for d in e.diagnostics]) from None
    with _collection_paused():
        file, syntax_errors = parse_recovering(source, path)
        if syntax_errors:  # the messages would quote the file's lines and words
            raise _error(path, f"does not parse as a .bnn model, so it is not shown{fix}")
        check_data_root(data_root)
        return check(file, source, path, data_root=data_root)


@contextmanager
def _collection_paused() -> Iterator[None]:
    """Parsing and checking make millions of small objects for large data and no reference
    cycles: the cyclic garbage collector, run again and again as they pile up, would
    double the time for nothing."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
