"""Reading the files qbnnc is given as untrusted input, and knowing them afterwards.

Only regular files are read (a folder, a device, a FIFO or a socket is refused after
opening it without blocking, before reading a byte), and at most a limit of bytes, so no
file can hang qbnnc or fill its memory. Each file read is known by device and inode
(`FileId`), the same through every name and link, so that no output ever replaces one.
Failures are `Unreadable`, with a `Reason` that each caller puts in its own words.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from enum import Enum


@dataclass(frozen=True)
class FileId:
    """A file that was read: `path` as the user knows it, `role` what it was to qbnnc (shown
    when an output would replace it: "the training data"), and the file itself by device
    and inode."""

    path: str
    role: str
    device: int
    inode: int

    @classmethod
    def of(cls, path: str, role: str, info: os.stat_result) -> FileId:
        """The file `info` (`os.fstat` of the descriptor it was read from) describes."""
        return cls(path, role, info.st_dev, info.st_ino)

    def is_file(self, info: os.stat_result) -> bool:
        """Whether `info` (`os.stat` of some path) is this same file."""
        return (info.st_dev, info.st_ino) == (self.device, self.inode)


class Reason(Enum):
    """Why a file could not be read."""

    MISSING = "no such file"
    DIRECTORY = "it is a directory, not a file"
    SPECIAL = "it is not a regular file (a device, FIFO or socket)"
    TOO_LARGE = "it is too large"
    OTHER = "it cannot be read"


class Unreadable(Exception):
    """A file that was not read, and why (`reason`); `detail`: the system's words (for
    `Reason.OTHER` and `Reason.MISSING`), the size for `Reason.TOO_LARGE`. Callers say it
    in their own terms."""

    def __init__(self, reason: Reason, detail: str = "") -> None:
        super().__init__(detail or reason.value)
        self.reason = reason
        self.detail = detail


# Never blocks (a FIFO opens at once, and reads as no data), never becomes the controlling
# terminal, never leaks into a child process.
READ_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_CLOEXEC", 0)
)


def unreadable(error: OSError) -> Unreadable:
    """An `OSError` from opening or reading, as the reason it gives."""
    if error.errno == errno.ENOENT:
        return Unreadable(Reason.MISSING, str(error.strerror or error))
    if error.errno == errno.EISDIR:
        return Unreadable(Reason.DIRECTORY)
    return Unreadable(Reason.OTHER, str(error.strerror or error))


def open_regular(path: str) -> int:
    """A descriptor of the regular file `path` (links followed), for reading; a folder, a
    device, a FIFO or a socket is refused without reading it (`Unreadable`)."""
    if "\0" in path:
        raise Unreadable(Reason.OTHER, "a file name cannot contain a NUL character")
    try:
        fd = os.open(path, READ_FLAGS)
    except OSError as error:
        raise unreadable(error) from None
    try:
        require_regular(fd)
    except BaseException:
        os.close(fd)
        raise
    return fd


def require_regular(fd: int) -> os.stat_result:
    """The `fstat` of `fd`, if it is a regular file (else `Unreadable`)."""
    try:
        info = os.fstat(fd)
    except OSError as error:
        raise unreadable(error) from None
    if stat.S_ISDIR(info.st_mode):
        raise Unreadable(Reason.DIRECTORY)
    if not stat.S_ISREG(info.st_mode):
        raise Unreadable(Reason.SPECIAL)
    return info


def read_capped(fd: int, limit: int) -> bytes:
    """Everything `fd` holds, if that is at most `limit` bytes (else `Unreadable` with
    `Reason.TOO_LARGE`, its size in `detail`: the stated size, or "more than LIMIT bytes"
    for a file that grows while it is read)."""
    size = os.fstat(fd).st_size
    if size > limit:
        raise Unreadable(Reason.TOO_LARGE, f"{size} bytes")
    chunks: list[bytes] = []
    total = 0
    while total <= limit:
        try:
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
        except OSError as error:
            raise unreadable(error) from None
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    if total > limit:
        raise Unreadable(Reason.TOO_LARGE, f"more than {limit} bytes")
    return b"".join(chunks)


def read_regular(path: str, limit: int) -> tuple[bytes, os.stat_result]:
    """The bytes of the regular file `path`, at most `limit` of them, and which file it
    was (its `fstat`); `Unreadable` otherwise."""
    fd = open_regular(path)
    try:
        info = os.fstat(fd)
        return read_capped(fd, limit), info
    finally:
        os.close(fd)
