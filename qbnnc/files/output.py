"""Writing what the command line produces without ever losing data.

A file is written whole or not at all: a temporary file beside the destination, flushed
and fsynced, then renamed over it (and the folder fsynced), so a crash, a full disk, a
signal or an error leaves either the old file or the new one, never a mix, and no
temporary behind. The new file gets the mode a plain `open(path, "w")` would give it
(the old file's mode, or 0666 less the umask), and the old file's owner and group where
this process may set them (root always). A symlink is written through to its target, as
`open` would, instead of being replaced by a regular file. A hard link is not: the file
is replaced, not rewritten in place (which a crash could leave half written), so its other
names keep the old content. An output that is one of the inputs (the same file, by device
and inode) is refused before any work.

Standard output is checked the same way: closed, full or failing, it is an error (exit 1),
not a silent success.
"""

from __future__ import annotations

import os
import signal
import stat
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from qbnnc.diagnostics import CompileError, Diagnostic, printable
from qbnnc.files.inputs import FileId

Content = str | bytes | Callable[[BinaryIO], None]


def failure(message: str) -> CompileError:
    """A one-line error about the environment, not the model: `qbnnc: error: message`."""
    return CompileError([Diagnostic("qbnnc", 0, 0, message)])


class Terminated(BaseException):
    """SIGTERM or SIGHUP, raised where the program is, so that cleanups run (as on SIGINT).

    A BaseException, like KeyboardInterrupt, so that no `except Exception` swallows it.
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


@contextmanager
def signals_as_exceptions() -> Iterator[None]:
    """Turn SIGTERM and SIGHUP into `Terminated` for the duration (main thread only), as
    Python turns SIGINT into KeyboardInterrupt.

    A signal the caller ignores (`nohup` ignores SIGHUP) stays ignored; the previous
    handlers come back afterwards.
    """

    def raise_terminated(signum: int, frame: object) -> None:
        raise Terminated(signum)

    previous: dict[int, object] = {}
    try:
        for signum in (signal.SIGTERM, signal.SIGHUP):
            if signal.getsignal(signum) is signal.SIG_IGN:
                continue
            previous[signum] = signal.signal(signum, raise_terminated)
    except ValueError:  # not the main thread: leave the signals alone
        pass
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)  # type: ignore[arg-type]


def destination(path: str | os.PathLike[str]) -> Path:
    """Where writing `path` lands: a symlink's final target, as `open(path, "w")` would."""
    p = Path(path)
    if not p.is_symlink():
        return p
    try:
        return Path(os.path.realpath(p, strict=True))
    except FileNotFoundError:  # a dangling link: open() would create its target
        return Path(os.path.realpath(p))
    except OSError as e:  # a loop of links
        raise failure(f"cannot write '{path}': {e.strerror}") from None


def check_output(
    path: str | os.PathLike[str],
    inputs: Iterable[str | os.PathLike[str] | FileId] = (),
    option: str | None = None,
) -> Path:
    """Refuse, before any work, an output that cannot or must not be written: a folder, a
    missing folder, or one of the `inputs` itself (the same file by device and inode,
    through any link or name). `inputs`: the files read, a plain path being the model.
    `option`: the command-line option that named `path`, which the refusal advises on.

    Returns where the output will land (see `destination`).
    """
    dest = destination(path)
    if dest.is_dir():
        raise failure(f"cannot write '{printable(str(path))}': it is a directory")
    for source in inputs:
        clash = _replaces(dest, source)
        if clash is not None:
            advice = f"; name another output file with {option}" if option else ""
            raise failure(
                f"refusing to write '{printable(str(path))}': it is {clash}, which the output "
                f"would replace{advice}"
            )
    folder = dest.parent
    if not folder.is_dir():
        raise failure(
            f"cannot write '{printable(str(path))}': the folder '{printable(str(folder))}' "
            "does not exist"
        )
    if dest.exists() and not os.access(dest, os.W_OK):
        raise failure(f"cannot write '{printable(str(path))}': Permission denied")
    return dest


def _replaces(dest: Path, source: str | os.PathLike[str] | FileId) -> str | None:
    """What writing `dest` would replace of `source` (`the model 'm.bnn' itself`), or None
    when `dest` is another file (or none yet)."""
    try:
        info = os.stat(dest)
    except OSError:  # no file there (yet): nothing to replace
        return None
    if isinstance(source, FileId):
        if not source.is_file(info):
            return None
        return f"{source.role} '{printable(source.path)}'"
    try:
        same = os.path.samestat(info, os.stat(source))
    except OSError:
        return None
    return f"the model '{printable(os.fspath(source))}' itself" if same else None


def _new_file_mode(old: os.stat_result | None) -> int:
    """The mode `open(dest, "w")` leaves: an existing file (`old`) keeps its own, a new one
    gets 0666 less the umask."""
    if old is not None:
        return stat.S_IMODE(old.st_mode)
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def _keep_owner(fd: int, old: os.stat_result) -> None:
    """Give the new file the old one's owner and group, as `open(dest, "w")` would leave
    them, where this process may (root always; others their own groups): else it stays
    the writer's, as any new file is."""
    for uid in (old.st_uid, -1):
        try:
            os.fchown(fd, uid, old.st_gid)
            return
        except PermissionError:
            continue


def write_atomically(
    path: str | os.PathLike[str],
    content: Content,
    inputs: Iterable[str | os.PathLike[str] | FileId] = (),
) -> None:
    """Write the whole file or nothing (see the module docstring).

    `content`: text (written as UTF-8 with `\\n` line ends), bytes, or a function that
    writes into the binary file it is given. `inputs`: files the output must not replace.
    Failures are `CompileError`s naming the path and the reason. SIGINT, SIGTERM and
    SIGHUP during the write (`signals_as_exceptions`, installed for the write only, so that
    outside it they still end the process at once, even inside a long C call) and any
    other exception remove the temporary file, then propagate.
    """
    dest = check_output(path, inputs)
    with signals_as_exceptions():
        _write_and_rename(path, dest, content)


def _write_and_rename(path: str | os.PathLike[str], dest: Path, content: Content) -> None:
    folder = dest.parent
    try:
        old: os.stat_result | None = os.stat(dest)
    except OSError:
        old = None
    mode = _new_file_mode(old)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=folder)
    except OSError as e:
        raise failure(
            f"cannot write '{path}': {e.strerror} (check that the folder is writable)"
        ) from None
    try:
        try:
            if old is not None:
                _keep_owner(fd, old)  # before the mode: a chown clears set-id bits
            os.fchmod(fd, mode)
            f = os.fdopen(fd, "wb")
        except BaseException:
            os.close(fd)
            raise
        with f:
            if isinstance(content, str):
                _write_text(f, content)
            elif isinstance(content, bytes):
                f.write(content)
            else:
                content(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, dest)
    except OSError as e:
        Path(tmp).unlink(missing_ok=True)
        raise failure(f"cannot write '{path}': {e.strerror or e}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_folder(folder)


def _write_text(f: BinaryIO, text: str, chunk: int = 1 << 22) -> None:
    """UTF-8 in chunks: a flat program can be hundreds of MB, not to be encoded twice over."""
    for start in range(0, len(text), chunk):
        f.write(text[start : start + chunk].encode("utf-8"))


def _fsync_folder(folder: Path) -> None:
    """Make the rename durable; file systems that cannot fsync a folder are not an error."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# --- standard output ------------------------------------------------------------------------


def require_stdout() -> None:
    """Refuse up front to do work whose only result would go to a closed standard output."""
    if sys.stdout is None:
        raise failure("cannot write to standard output: it is closed")


def write_stdout(text: str) -> None:
    """Write and flush `text` to standard output; a failure is an error, not a silent 0.

    BrokenPipeError (the reader went away, as with `| head`) is passed on to the caller.
    """
    require_stdout()
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        discard_stdout()
        raise
    except OSError as e:
        discard_stdout()
        raise failure(f"cannot write to standard output: {e.strerror or e}") from None


def discard_stdout() -> None:
    """Point standard output at /dev/null, so that the interpreter's last flush of what is
    still buffered cannot fail again (and print a traceback) on the way out."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
    except OSError:
        return
    try:
        os.dup2(devnull, 1)
    except OSError:
        pass
    finally:
        os.close(devnull)


def guard_standard_streams() -> None:
    """Open /dev/null on any of fds 0-2 that is closed, so that no file this process opens
    becomes fd 1 and receives what a library prints (the streams themselves stay None)."""
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            try:
                opened = os.open(os.devnull, os.O_RDWR)
            except OSError:
                return
            if opened != fd:
                os.dup2(opened, fd)
                os.close(opened)
