"""Where ``tqcheck fix`` may write, and writing the corrected file without losing the original.

``--in-place`` keeps the file's permissions, writes FILE.bak (with the same
permissions) only when something changes, and refuses a read-only file unless
``--force`` is given; a symlink stays a link and the file it leads to is corrected.
``-o`` never lands on a file the run reads (the file, its source, the config).
The corrected file is encoded as the file was (codec, BOM; line ends are in the
text), so only the fixed characters differ.
"""
from __future__ import annotations

import os
import stat
from pathlib import Path

from .errors import OutputError, TqcheckError
from .outputs import Protected, check_writable, write
from .textio import decode_as, read_bytes


def _read_only(path: Path) -> bool:
    # root may write anything: the mode bits say what the owner meant.
    mode = path.stat().st_mode
    return not (mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)) or not os.access(path, os.W_OK)


def check_fix_paths(path: Path, output: Path | None, in_place: bool, force: bool, config=None,
                    source: str | None = None) -> None:
    if not path.exists():
        raise TqcheckError(f"{path}: no such file")
    if path.is_dir():
        raise TqcheckError(f"{path}: is a directory; fix corrects one file at a time")
    if output is not None:
        Protected([path, getattr(config, "path", None) or "", source or ""]).refuse(output, "--output")
        check_writable(output, "--output")
    if in_place:
        if not path.is_file():
            raise OutputError(str(path), "--in-place corrects a regular file; use -o for this one")
        if _read_only(path) and not force:
            raise OutputError(str(path), "is read-only; pass --force to correct it anyway")
        check_writable(path.parent / (path.name + ".bak"), "--in-place")
        check_writable(path, "--in-place")  # a symlink's target is replaced in its own folder


def free_backup(path: Path) -> Path:
    candidate = path.with_name(path.name + ".bak")
    n = 1
    while candidate.exists():
        candidate = path.with_name(f"{path.name}.bak.{n}")
        n += 1
    return candidate


def write_fixed(path: Path, target: Path, original: str, fixed: str, in_place: bool,
                encoding: str | None = None) -> Path | None:
    """Write the corrected text in the file's own encoding; returns the backup made (None when nothing
    changed or not in place).

    The file is read again for its bytes: the text checked must still be what they decode to (else
    the file changed during the check and the fix would undo that change), and re-encoding it must
    give those bytes back (else more than the fixed characters would change).  Either way nothing is
    written.
    """
    data = read_bytes(path)
    text, enc = decode_as(data, str(path), encoding)
    if text != original:
        raise OutputError(str(path), "changed while it was being checked; nothing was written, run fix again")
    if enc.encode(text, str(path)) != data:
        raise OutputError(str(path), f"its bytes do not come back the same when re-encoded in {enc.codec}, "
                                     "so fix would change more than the fixed characters; nothing was written")
    raw = enc.encode(fixed, str(target))
    if not in_place:
        write(target, raw, option="--output")
        return None
    if fixed == original:
        return None
    mode = stat.S_IMODE(path.stat().st_mode)
    backup = free_backup(path)
    write(backup, data, option="the backup")
    os.chmod(backup, mode)
    write(target, raw, option="--in-place")  # through a symlink, the file it leads to; its mode is kept
    return backup
