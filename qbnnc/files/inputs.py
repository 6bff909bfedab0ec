"""Reading the files qbnnc is given as untrusted input, and knowing them afterwards.

Only regular files are read (a folder, a device, a FIFO or a socket is refused after
opening it without blocking, before reading a byte), and at most a limit of bytes, so no
file can hang qbnnc or fill its memory. A file that a model names is opened only if it
resolves inside a given folder (`open_beneath`), one path component at a time, so that no
folder swapped for a link while it is opened can lead outside. Each file read is known by
device and inode (`FileId`), the same through every name and link, so that no output ever
replaces one. Failures are `Unreadable`, with a `Reason` that each caller puts in its own
words.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
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
    OUTSIDE = "it is outside the folder it must be in"
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


# Links followed in one path before giving up, as Linux's path walk allows.
MAX_LINKS = 40
# Folders on the way are opened only to resolve names in them: O_PATH (Linux) needs no
# read permission on them, as a path walk needs none.
_FOLDER_FLAGS = (
    (getattr(os, "O_PATH", 0) or getattr(os, "O_SEARCH", 0) or os.O_RDONLY)
    | getattr(os, "O_DIRECTORY", 0)
    | getattr(os, "O_CLOEXEC", 0)
)
# What opening a link with O_NOFOLLOW fails with: ELOOP for a file; ENOTDIR as a folder
# (O_PATH | O_DIRECTORY), and EMLINK on FreeBSD.
_A_LINK = (errno.ELOOP, errno.ENOTDIR, errno.EMLINK)


def open_beneath(path: str, root: str) -> tuple[int, str]:
    """A descriptor of the regular file `path` (absolute, or relative to the current
    folder), opened only if it resolves, links followed, inside the folder `root`; and the
    file's real path.

    The path is resolved one component at a time from `/`, each opened relative to its
    folder's descriptor with O_NOFOLLOW: a link is read and its target resolved in turn,
    so the file opened is the one resolved, however the folders on the way change
    meanwhile (a folder swapped for a link to elsewhere is met as that link). Only folders
    are opened before the path is known to end inside `root`; the opened file's real path
    is then checked again through its descriptor. `Unreadable` with `Reason.OUTSIDE` for a
    path that ends outside `root`, whether the file exists or not (so nothing tells), else
    as `open_regular`.
    """
    if "\0" in path or "\0" in root:
        raise Unreadable(Reason.OTHER, "a file name cannot contain a NUL character")
    real_root = os.path.realpath(root)
    try:
        start = path if os.path.isabs(path) else os.path.join(os.getcwd(), path)
        folders = [os.open("/", _FOLDER_FLAGS)]
    except OSError as error:
        raise unreadable(error) from None
    names: list[str] = []  # the real path of folders[-1], one name per folder
    todo = _components(start)  # what is left to resolve, the next component last
    links = 0
    try:
        while todo:
            name = todo.pop()
            if name == "..":
                if names:
                    os.close(folders.pop())
                    names.pop()
                continue
            last = not todo
            here = "/" + "/".join([*names, name])
            try:
                if last and not _inside(here, real_root):
                    # Never opened: only a link here may still lead inside.
                    opened: int | str = _link_or_outside(folders[-1], name)
                else:
                    opened = _open_or_read_link(folders[-1], name, last)
            except OSError as error:
                if not _inside(_where(names, name, todo), real_root):
                    raise Unreadable(Reason.OUTSIDE) from None
                raise unreadable(error) from None
            if isinstance(opened, str):  # a link: resolve its target in its place
                links += 1
                if links > MAX_LINKS:
                    raise Unreadable(Reason.OTHER, "Too many levels of symbolic links")
                if opened.startswith("/"):
                    while names:
                        os.close(folders.pop())
                        names.pop()
                todo += _components(opened)
            elif last:
                return _checked(opened, here, real_root), here
            else:
                folders.append(opened)
                names.append(name)
        where = "/" + "/".join(names)
        raise Unreadable(Reason.DIRECTORY if _inside(where, real_root) else Reason.OUTSIDE)
    finally:
        for fd in folders:
            os.close(fd)


def _components(path: str) -> list[str]:
    """The names of `path` to resolve, the first one last (`.` and empty names dropped)."""
    return [name for name in reversed(path.split("/")) if name not in ("", ".")]


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip("/") + "/")


def _where(names: list[str], name: str, todo: list[str]) -> str:
    """Where a path that cannot be resolved further would be: the names resolved, then the
    rest as written (no link is left to follow in what does not exist)."""
    return os.path.normpath("/" + "/".join([*names, name, *reversed(todo)]))


def _link_or_outside(folder: int, name: str) -> str:
    """The target of the link `name` in `folder`; `Unreadable(Reason.OUTSIDE)` if it is no
    link (a file outside, which is not opened)."""
    try:
        return os.readlink(name, dir_fd=folder)
    except OSError as error:
        if error.errno == errno.EINVAL:
            raise Unreadable(Reason.OUTSIDE) from None
        raise


def _open_or_read_link(folder: int, name: str, last: bool) -> int | str:
    """`name` in `folder`, opened (to read, if `last`, else as a folder to resolve names
    in) without following a link: its descriptor, or the link's target if it is one."""
    flags = (READ_FLAGS if last else _FOLDER_FLAGS) | getattr(os, "O_NOFOLLOW", 0)
    try:
        return os.open(name, flags, dir_fd=folder)
    except OSError as error:
        if error.errno not in _A_LINK:
            raise
        try:
            return os.readlink(name, dir_fd=folder)
        except OSError:  # not a link after all (a file where a folder is named)
            raise error from None


def _checked(fd: int, path: str, root: str) -> int:
    """`fd`, once it is known to be a regular file whose real path, asked of the system
    through the descriptor, is still inside `root` (else closed, and `Unreadable`)."""
    try:
        require_regular(fd)
        real = _real_path(fd)
        if real is None:  # no way to ask the descriptor: compare with the path resolved
            same = os.path.samestat(os.fstat(fd), os.stat(path, follow_symlinks=False))
            real = path if same else None
        if real is None or not _inside(real, root):
            raise Unreadable(Reason.OUTSIDE)
    except OSError as error:
        os.close(fd)
        raise unreadable(error) from None
    except BaseException:
        os.close(fd)
        raise
    return fd


def _real_path(fd: int) -> str | None:
    """The path the system has for the file open as `fd`: /proc on Linux, F_GETPATH on
    macOS; None where neither answers."""
    try:
        return os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        pass
    if sys.platform == "darwin":
        import fcntl

        try:
            raw = fcntl.fcntl(fd, fcntl.F_GETPATH, bytes(1024))  # type: ignore[attr-defined]
        except OSError:
            return None
        return os.fsdecode(raw.split(b"\0", 1)[0])
    return None
