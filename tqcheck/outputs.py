"""Where tqcheck writes: checked before any work, so an output never replaces an input.

An output path is refused when it is, or leads to, a file tqcheck reads (a
target, a source or reference file, the config): the same real path after
symlinks, or the same inode (a hard link).  Writes go through
``textio.atomic_write``; an OS failure becomes an ``OutputError`` naming the
path, not a traceback.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable

from .errors import OutputError
from .textio import atomic_write


def _identity(path: Path) -> tuple[str, tuple[int, int] | None]:
    """The real path (symlinks resolved) and, for an existing file, its (device, inode)."""
    real = os.path.realpath(path)
    try:
        st = os.stat(real)
        return real, (st.st_dev, st.st_ino)
    except OSError:
        return real, None


class Protected:
    """The files a run reads; ``refuse`` raises when an output would land on one of them."""

    def __init__(self, paths: Iterable[str | Path] = ()):
        self._reals: dict[str, str] = {}
        self._inodes: dict[tuple[int, int], str] = {}
        for p in paths:
            self.add(p)

    def add(self, path: str | Path) -> None:
        if str(path) in ("", "-"):
            return
        real, inode = _identity(Path(path))
        self._reals.setdefault(real, str(path))
        if inode is not None:
            self._inodes.setdefault(inode, str(path))

    def owner(self, output: str | Path) -> str | None:
        """The protected file that ``output`` resolves to, if any."""
        real, inode = _identity(Path(output))
        if real in self._reals:
            return self._reals[real]
        if inode is not None and inode in self._inodes:
            return self._inodes[inode]
        return None

    def refuse(self, output: str | Path, option: str) -> None:
        hit = self.owner(output)
        if hit is not None:
            raise OutputError(str(output), f"{option} would overwrite the input file {hit}; "
                                           "choose another output path")


def check_writable(path: str | Path, option: str, directory_ok: bool = False) -> None:
    """Fail now, before the check runs, when ``path`` cannot be written."""
    p = Path(path)
    if p.is_dir() and not directory_ok:
        raise OutputError(str(p), f"{option} names a directory, not a file")
    parent = p if (directory_ok and p.is_dir()) else p.parent
    # The nearest existing folder must accept new files (atomic_write creates the rest).
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        raise OutputError(str(p), f"{option}: {parent} is not a directory")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise OutputError(str(p), f"{option}: cannot write in {parent} (permission denied)")


def write(path: str | Path, data: str | bytes, protected: Protected | None = None, option: str = "output") -> None:
    """``atomic_write`` after the input check, with OS errors as one-line OutputErrors."""
    if protected is not None:
        protected.refuse(path, option)
    try:
        atomic_write(path, data)
    except IsADirectoryError:
        raise OutputError(str(path), f"{option} names a directory, not a file") from None
    except OSError as exc:
        raise OutputError(str(path), f"cannot write {option}: {exc.strerror or exc}") from None


def inputs_of(docs, config=None) -> list[str]:
    """Every file a run has read: the targets, their source and reference files, the config."""
    out = [getattr(config, "path", None) or ""]
    for doc in docs:
        out.append(doc.path)
        for companion in (doc.source, doc.reference):
            if companion is not None and companion.path:
                out.append(companion.path)
    return out
