"""Where ``tqcheck fix`` may write, and writing the corrected file without losing the original.

``--in-place`` keeps the file's permissions, writes FILE.bak (with the same
permissions) only when something changes, and refuses a read-only file unless
``--force`` is given.  ``-o`` never lands on the file being fixed or the config.
"""
from __future__ import annotations

import os
import stat
from pathlib import Path

from .errors import OutputError, TqcheckError
from .outputs import Protected, check_writable, write


def _read_only(path: Path) -> bool:
    # root may write anything: the mode bits say what the owner meant.
    mode = path.stat().st_mode
    return not (mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)) or not os.access(path, os.W_OK)


def check_fix_paths(path: Path, output: Path | None, in_place: bool, force: bool, config=None) -> None:
    if not path.exists():
        raise TqcheckError(f"{path}: no such file")
    if path.is_dir():
        raise TqcheckError(f"{path}: is a directory; fix corrects one file at a time")
    if output is not None:
        Protected([path, getattr(config, "path", None) or ""]).refuse(output, "--output")
        check_writable(output, "--output")
    if in_place:
        if _read_only(path) and not force:
            raise OutputError(str(path), "is read-only; pass --force to correct it anyway")
        check_writable(path.parent / (path.name + ".bak"), "--in-place")


def free_backup(path: Path) -> Path:
    candidate = path.with_name(path.name + ".bak")
    n = 1
    while candidate.exists():
        candidate = path.with_name(f"{path.name}.bak.{n}")
        n += 1
    return candidate


def write_fixed(path: Path, target: Path, original: str, fixed: str, in_place: bool) -> Path | None:
    """Write the corrected text; returns the backup made (None when nothing changed or not in place)."""
    if not in_place:
        write(target, fixed, option="--output")
        return None
    if fixed == original:
        return None
    mode = stat.S_IMODE(path.stat().st_mode)
    backup = free_backup(path)
    write(backup, path.read_bytes(), option="the backup")
    os.chmod(backup, mode)
    write(target, fixed, option="--in-place")
    os.chmod(target, mode)
    return backup
