"""Where tqcheck writes: checked before any work, so an output never replaces an input.

An output path is refused when it is, or leads to, a file tqcheck reads (a
target, a source or reference file, the config): the same real path after
symlinks, or the same inode (a hard link).  Writes go through
``textio.atomic_write``; an OS failure becomes an ``OutputError`` naming the
path, not a traceback.
"""
from __future__ import annotations

import os
import stat
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


def _through_fd_folder(path: Path) -> bool:
    """Whether ``path``, or a link on the way to it, is one of /dev/fd/N, /proc/PID/fd/N: a descriptor
    this process already has open (/dev/stdout is one).  Renaming a new file over its name would leave
    the descriptor on the old file, so what is written there goes into the open file itself."""
    p = os.path.abspath(path)
    for _ in range(40):  # the kernel's own limit on a chain of links
        if p.startswith(("/dev/fd/", "/proc/")):
            return True
        if not os.path.islink(p):
            return False
        p = os.path.normpath(os.path.join(os.path.dirname(p), os.readlink(p)))
    return False


def _kind(path: Path, option: str) -> str:
    """How an output is written: "new" or "file" (atomically, beside its real path), "stream" (into
    it, as a shell's > does: a terminal, a pipe, a FIFO, /dev/null, /dev/stdout); OutputError for
    anything else that exists (a socket, a block device), which a rename would destroy."""
    try:
        st = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):  # the folders are checked (or made) later
        return "new"
    except OSError as exc:
        raise OutputError(str(path), f"{option}: {exc.strerror or exc}") from None
    if stat.S_ISDIR(st.st_mode):
        raise OutputError(str(path), f"{option} names a directory, not a file")
    if stat.S_ISCHR(st.st_mode) or stat.S_ISFIFO(st.st_mode):
        return "stream"
    if stat.S_ISREG(st.st_mode):
        return "stream" if _through_fd_folder(path) else "file"
    what = "a socket" if stat.S_ISSOCK(st.st_mode) else "a block device" if stat.S_ISBLK(st.st_mode) else \
        "not a regular file"
    raise OutputError(str(path), f"{option} names {what}; tqcheck writes only regular files, "
                                 "terminals and pipes, and will not replace it")


def check_writable(path: str | Path, option: str, directory_ok: bool = False) -> None:
    """Fail now, before the check runs, when ``path`` cannot be written."""
    p = Path(path)
    if p.is_dir() and not directory_ok:
        raise OutputError(str(p), f"{option} names a directory, not a file")
    if not p.is_dir():
        kind = _kind(p, option)
        if kind == "stream":
            if not os.access(p, os.W_OK):
                raise OutputError(str(p), f"{option}: cannot write to it (permission denied)")
            return
        if kind == "file":  # a link to a file is followed: the file it leads to is replaced, not the link
            p = Path(os.path.realpath(p))
    parent = p if (directory_ok and p.is_dir()) else p.parent
    # The nearest existing folder must accept new files (atomic_write creates the rest).
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        raise OutputError(str(p), f"{option}: {parent} is not a directory")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise OutputError(str(p), f"{option}: cannot write in {parent} (permission denied)")


def write(path: str | Path, data: str | bytes, protected: Protected | None = None, option: str = "output") -> None:
    """Write an output after the input check, with OS errors as one-line OutputErrors.

    A regular file (or a new one) is written atomically by ``atomic_write`` at its real path, so a
    symlink stays a link and the file it leads to is the one corrected; a terminal, pipe or FIFO is
    written into; anything else is refused (see ``_kind``).
    """
    if protected is not None:
        protected.refuse(path, option)
    path = Path(path)
    kind = _kind(path, option)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    try:
        if kind == "stream":
            # O_APPEND: after a shell's `>` the file is empty anyway, after `>>` its content is kept.
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | getattr(os, "O_CLOEXEC", 0))
            with os.fdopen(fd, "wb") as fh:
                fh.write(raw)
        else:
            atomic_write(os.path.realpath(path), raw)
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
