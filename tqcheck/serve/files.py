"""The files `tqcheck serve PATH` may open and save: PATH itself (a file) or the text files under it.

Every name a request gives is untrusted.  A name is taken only as a relative path of plain parts
(no "..", no absolute path, no drive, no NUL), and what it resolves to, symlinks followed, must
still lie under PATH and be a regular file that is already there: the desk opens and saves the
files it lists, and creates none but the backup it keeps beside a saved file.
"""
from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ..errors import TqcheckError
from ..readers import DEFAULT_EXCLUDE, collect_paths
from ..fixfile import free_backup
from ..textio import atomic_write, decode_as, keep_line_breaks, read_bytes

MAX_LISTED = 5000  # a home directory given by mistake should not make the page list a million files
# The desk edits prose: plain text and Markdown (bilingual XLIFF/PO/TMX files are for `tqcheck check`).
EDITABLE = ["*.txt", "*.text", "*.md", "*.markdown"]


class PathRefused(TqcheckError):
    """A name outside PATH, or not a file the desk may open (answered with 403 or 404)."""

    def __init__(self, message: str, status: int = 403):
        super().__init__(message)
        self.status = status


class SaveConflict(TqcheckError):
    """The file changed on disk since the desk opened it (answered with 409)."""


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class Workspace:
    """PATH, resolved once at start; ``None`` root means the desk has no files (pasted text only)."""

    root: Path | None
    # The backup each file got on its first save in this session: later saves keep that one, the text
    # as it was before the desk touched it, rather than filling the folder with FILE.bak.N.
    _backups: dict[Path, Path] = field(default_factory=dict, repr=False)

    @classmethod
    def open(cls, path: str | Path | None) -> "Workspace":
        if path is None:
            return cls(None)
        p = Path(path)
        if not p.exists():
            raise TqcheckError(f"{path}: no such file or directory")
        return cls(p.resolve())

    @property
    def base(self) -> Path | None:
        """The folder names are relative to: PATH, or the folder of PATH when it is a file."""
        if self.root is None:
            return None
        return self.root if self.root.is_dir() else self.root.parent

    def files(self) -> list[str]:
        """The text files the desk may open, as names relative to ``base`` ("/" separated)."""
        if self.root is None:
            return []
        if self.root.is_file():
            return [self.root.name]
        found, _ = collect_paths([str(self.root)], EDITABLE, DEFAULT_EXCLUDE)
        names = []
        for f in found:
            try:
                names.append(self.resolve(os.path.relpath(f, self.root).replace(os.sep, "/"))[0])
            except PathRefused:  # a symlink out of PATH met while walking: not listed
                continue
            if len(names) >= MAX_LISTED:
                break
        return names

    def resolve(self, name: object) -> tuple[str, Path]:
        """(the canonical relative name, the real file) for a name a request gave; PathRefused otherwise."""
        if self.root is None:
            raise PathRefused("this desk was started without PATH: there are no files to open", 404)
        if not isinstance(name, str) or not name or len(name) > 1024 or "\x00" in name or "\\" in name:
            raise PathRefused("not a file name")
        pure = PurePosixPath(name)
        if pure.is_absolute() or ".." in pure.parts or (len(name) > 1 and name[1] == ":"):
            raise PathRefused(f"{name}: only names relative to PATH, without '..', are allowed")
        base = self.base
        candidate = base / Path(*pure.parts) if pure.parts else base
        try:
            real = candidate.resolve(strict=True)
        except (FileNotFoundError, NotADirectoryError):
            raise PathRefused(f"{name}: no such file under PATH", 404) from None
        except (OSError, RuntimeError):  # a symlink loop
            raise PathRefused(f"{name}: cannot be resolved") from None
        inside = real == self.root if self.root.is_file() else real.is_relative_to(self.root)
        if not inside:
            raise PathRefused(f"{name}: outside PATH")
        if not real.is_file():
            raise PathRefused(f"{name}: not a regular file", 404)
        return real.relative_to(base).as_posix(), real

    def read(self, name: object) -> tuple[str, bytes]:
        rel, real = self.resolve(name)
        return rel, read_bytes(real)

    def save(self, name: object, text: str, expected_digest: str | None) -> tuple[str, str | None]:
        """Write ``text`` over the file atomically, after keeping its earlier content in a backup.

        ``expected_digest`` is the SHA-256 of the bytes the desk opened: when the file no longer has
        them, someone else changed it and the save is refused rather than overwriting their work.
        The text is written in the file's own encoding (codec, BOM) and line ends, so only what was
        edited changes; text that is what the file holds writes nothing.
        Returns (the name saved, the backup's name, None when nothing was written).
        """
        rel, real = self.resolve(name)
        mode = stat.S_IMODE(real.stat().st_mode)
        if not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) or not os.access(real, os.W_OK):
            # As `tqcheck fix --in-place` without --force: a read-only file says its owner wants it kept.
            raise PathRefused(f"{rel} is read-only")
        current = read_bytes(real)
        if expected_digest is not None and digest(current) != expected_digest:
            raise SaveConflict(f"{rel} changed on disk since it was opened; open it again before saving")
        # The desk opened it as `decode` reads it; a file it cannot read is one it did not open.
        held, enc = decode_as(current, rel)
        text = keep_line_breaks(held, text)
        backup = self._backups.get(real)
        if text == held:
            return rel, backup.relative_to(self.base).as_posix() if backup else None
        raw = enc.encode(text, rel)
        if backup is None:
            backup = free_backup(real)
            atomic_write(backup, current)
            os.chmod(backup, mode)  # a backup as private as the file it keeps
            self._backups[real] = backup
        atomic_write(real, raw)
        return rel, backup.relative_to(self.base).as_posix()
