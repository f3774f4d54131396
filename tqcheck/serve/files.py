"""The files `tqcheck serve PATH` may open and save: PATH itself (a file) or the text files under it.

Every name a request gives is untrusted, and the listing is the one source of truth: ``resolve``
accepts a name only if ``files`` would list it, and ``files`` lists exactly the names ``resolve``
accepts (it runs it on each file it walks past).  A name is accepted when

- it is spelled as the listing spells it: "/"-separated plain parts, no "", ".", "..", backslash,
  colon, control character, or part ending in a dot or space (Windows would drop those);
- no part starts with "." (.git, .env, .tqcheck_cache, editors' temp files) and no folder is one of
  the tools' folders of ``IGNORED_FOLDERS`` (node_modules, venv, __pycache__...);
- it ends in one of the text types of ``EDITABLE``;
- it is the file's own name: followed through links, it names itself, so a link is never opened
  under its own name (a link inside PATH is reached under its target's name, if that one is listed;
  a link out of PATH is not reached at all);
- and the file is a regular file (not a FIFO, a device or a folder) that is already there.

Writing a `.git/config` can run a command on the next `git` use (core.fsmonitor), so these rules
must hold for every spelling a request tries; tests/test_reliability_desk.py tries them.  The desk
creates no file but the backup it keeps beside a saved one.
"""
from __future__ import annotations

import hashlib
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import TqcheckError
from ..readers import DEFAULT_EXCLUDE
from ..fixfile import free_backup
from ..textio import NotARegularFile, atomic_write, decode_as, keep_line_breaks, read_bytes, read_regular_file

MAX_LISTED = 5000  # a home directory given by mistake should not make the page list a million files
# The desk edits prose: plain text and Markdown (bilingual XLIFF/PO/TMX files are for `tqcheck check`).
EDITABLE = (".txt", ".text", ".md", ".markdown")
# Folders of tools and caches, never the user's prose (dot-folders are refused by their dot already).
# Compared case-folded: on a case-insensitive disk NODE_MODULES is node_modules.
IGNORED_FOLDERS = frozenset(name.casefold() for name in DEFAULT_EXCLUDE)
MAX_NAME = 1024
# A file named with its language: story.en.txt is "story", "en", ".txt".
_TAGGED = re.compile(r"(?P<stem>.+)\.(?P<tag>[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*)(?P<ext>\.[A-Za-z]+)")


def _plain_part(part: str) -> bool:
    """A path part the listing can produce: not hidden, nothing a file system reads specially."""
    return (bool(part) and not part.startswith(".") and not part.endswith((".", " "))
            and not any(c in "\\:" or ord(c) < 0x20 or ord(c) == 0x7F for c in part))


def _listable_folder(part: str) -> bool:
    return _plain_part(part) and part.casefold() not in IGNORED_FOLDERS


def listable(name: str) -> bool:
    """Whether ``name`` (relative to PATH, "/"-separated) is spelled as the desk lists files: the name test
    that ``Workspace.resolve`` and ``Workspace.files`` share.  The file system tests come after."""
    parts = name.split("/")
    return (len(name) <= MAX_NAME and all(_listable_folder(p) for p in parts[:-1]) and _plain_part(parts[-1])
            and parts[-1].lower().endswith(EDITABLE))


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
        """The text files the desk may open, as names relative to ``base`` ("/" separated), each real file once."""
        if self.root is None:
            return []
        if self.root.is_file():
            return [self.root.name]
        names = []
        # Links to folders are not followed: the files behind them are listed under their own names or
        # not at all.  Files are only stat'ed, never opened: a FIFO named story.txt must not hang the list.
        for folder, dirs, found in os.walk(self.root):
            rel = Path(folder).relative_to(self.root).as_posix()
            prefix = "" if rel == "." else rel + "/"
            dirs[:] = sorted(d for d in dirs if _listable_folder(d))  # only a shortcut: resolve() refuses them too
            for name in sorted(found):
                try:
                    names.append(self.resolve(prefix + name)[0])
                except PathRefused:
                    continue
                if len(names) >= MAX_LISTED:
                    return names
        return names

    def source_beside(self, name: str, source_lang: str | None = None) -> tuple[str, str] | None:
        """(the listed name, its language tag) of the source found beside the listed file ``name``: the same
        name with another language tag, as ``story.zh.txt`` beside ``story.en.txt``.  With several, the one
        in ``source_lang`` (the config's source-lang), else none: the desk does not guess."""
        from ..langtag import valid_language

        folder, _, own = name.rpartition("/")
        m = _TAGGED.fullmatch(own)
        if m is None or self.root is None or self.root.is_file():
            return None
        try:
            entries = sorted(os.listdir(self.base / folder if folder else self.base))
        except OSError:
            return None
        found = []
        for entry in entries:
            other = _TAGGED.fullmatch(entry)
            if (other is None or entry == own or other["stem"] != m["stem"] or other["ext"] != m["ext"]
                    or not valid_language(other["tag"])):
                continue
            try:
                found.append((self.resolve(f"{folder}/{entry}" if folder else entry)[0], other["tag"]))
            except PathRefused:
                continue
        if source_lang:
            found = [f for f in found if f[1].lower().split("-")[0] == source_lang.lower().split("-")[0]] or found
        return found[0] if len(found) == 1 else None

    def resolve(self, name: object) -> tuple[str, Path]:
        """(the name, the real file) for a name the listing would give; PathRefused for any other name."""
        if self.root is None:
            raise PathRefused("this desk was started without PATH: there are no files to open", 404)
        if not isinstance(name, str) or not name or len(name) > MAX_NAME or "\x00" in name or "\\" in name:
            raise PathRefused("not a file name")
        parts = name.split("/")
        if name.startswith("/") or ".." in parts or (len(name) > 1 and name[1] == ":"):
            raise PathRefused(f"{name}: only names relative to PATH, without '..', are allowed")
        base = self.base
        if self.root.is_file():  # the desk was started on this one file: its name alone is accepted
            if name != self.root.name:
                raise PathRefused(f"{name}: outside PATH")
        elif not listable(name):
            raise PathRefused(f"{name}: not a file the desk lists (text files under PATH, no hidden file or "
                              "folder, as /api/files names them)")
        try:
            real = (base / name).resolve(strict=True)
        except (FileNotFoundError, NotADirectoryError):
            raise PathRefused(f"{name}: no such file under PATH", 404) from None
        except (OSError, RuntimeError):  # a symlink loop
            raise PathRefused(f"{name}: cannot be resolved") from None
        inside = real == self.root if self.root.is_file() else real.is_relative_to(self.root)
        if not inside:
            raise PathRefused(f"{name}: outside PATH")
        own = real.relative_to(base).as_posix()
        if own != name:  # a link, or a path through a linked folder: the file is listed under its own name
            hint = f": open {own}" if not self.root.is_file() and listable(own) else ""
            raise PathRefused(f"{name}: a link; the desk opens files under their own names only{hint}")
        if not real.is_file():
            raise PathRefused(f"{name}: not a regular file", 404)
        return name, real

    def save_as(self, name: object, text: str) -> str:
        """Write ``text`` to a new file ``name`` (the editor's "save as"), which must be a name the listing
        could give, in a folder under PATH that is already there, and not yet taken: nothing is replaced,
        and nothing is written through a link."""
        if self.root is None or self.root.is_file():
            raise PathRefused("save as needs the desk started on a folder (tqcheck serve FOLDER)")
        if not isinstance(name, str) or not listable(name) or name.startswith("/") or ".." in name.split("/"):
            raise PathRefused(f"{str(name)[:200]}: not a name the desk can save to (a text file under PATH, "
                              f"ending in {', '.join(EDITABLE)}, no hidden file or folder)")
        folder, _, own = name.rpartition("/")
        try:
            parent = (self.root / folder).resolve(strict=True) if folder else self.root
        except (OSError, RuntimeError):
            raise PathRefused(f"{name}: its folder is not there under PATH", 404) from None
        if parent != (self.root / folder if folder else self.root):
            raise PathRefused(f"{name}: its folder is a link; save under the folder's own name")
        target = parent / own
        try:
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o666)
        except FileExistsError:
            raise PathRefused(f"{name} is already there: choose another name", 409) from None
        except OSError as exc:
            raise PathRefused(f"{name}: cannot be created ({exc.strerror})") from None
        os.close(fd)  # the name is ours now; the text replaces the empty file in one step
        atomic_write(target, text.encode("utf-8"))
        return name

    def read(self, name: object) -> tuple[str, bytes]:
        rel, real = self.resolve(name)
        # Read without following a link and without blocking: the file checked above may have been
        # swapped for a link or a FIFO since; what is read is what was checked, or nothing.
        try:
            return rel, read_regular_file(real)
        except NotARegularFile:
            raise PathRefused(f"{rel}: not a regular file", 404) from None
        except OSError as exc:
            raise PathRefused(f"{rel}: cannot be opened ({exc.strerror})") from None

    def save(self, name: object, text: str, expected_digest: str | None,
             overwrite: bool = False) -> tuple[str, str | None]:
        """Write ``text`` over the file atomically, after keeping its earlier content in a backup.

        ``expected_digest`` is the SHA-256 of the bytes the desk opened: when the file no longer has
        them, someone else changed it and the save is refused rather than overwriting their work,
        unless ``overwrite`` (the editor's "keep mine"): their text is then kept in a backup of its own.
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
        theirs = expected_digest is not None and digest(current) != expected_digest
        if theirs and not overwrite:
            raise SaveConflict(f"{rel} changed on disk since it was opened: keep yours (overwrite it; "
                               "their text is kept in a backup), take theirs, or save yours under another name")
        # The desk opened it as `decode` reads it; a file it cannot read is one it did not open.
        held, enc = decode_as(current, rel)
        text = keep_line_breaks(held, text)
        # Someone else's text is not the one the first backup holds: it gets a backup of its own.
        backup = None if theirs else self._backups.get(real)
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
