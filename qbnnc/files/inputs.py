"""The files qbnnc reads, as it knows them afterwards: which file each one was (its device
and inode, the same through every name and link), so that no output ever replaces one."""

from __future__ import annotations

import os
from dataclasses import dataclass


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
