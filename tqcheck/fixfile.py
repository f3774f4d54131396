"""Where ``tqcheck fix`` may write, and writing the corrected file without losing the original.

With several inputs (or a directory), ``-o`` is a folder: each corrected copy goes to the file's
place under the input it came from, as a ``--source`` folder mirrors the tree.  ``--in-place`` keeps the file's permissions, writes FILE.bak (with the same
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
from .readers import place_under
from .textio import decode_as, read_bytes


def _read_only(path: Path) -> bool:
    # root may write anything: the mode bits say what the owner meant.
    mode = path.stat().st_mode
    return not (mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)) or not os.access(path, os.W_OK)


def output_is_folder(given: list[str], output: Path) -> bool:
    """``-o`` names a folder when fix has several inputs or a directory among them, or when it names an
    existing folder; else it is the one corrected file."""
    return len(given) > 1 or any(Path(g).is_dir() for g in given) or output.is_dir()


def check_output_folder(given: list[str], output: Path) -> None:
    """The folder ``-o`` mirrors the inputs into: not a file, not inside a folder being fixed (the next
    run would read the copies as inputs), and writable."""
    if output.exists() and not output.is_dir():
        raise OutputError(str(output), "-o names a file, but fix has several inputs (or a directory): give a "
                                       "folder, where each corrected copy keeps its path under the input it "
                                       "came from")
    real = os.path.realpath(output)
    for g in given:
        if Path(g).is_dir():
            folder = os.path.realpath(g)
            if real == folder or real.startswith(folder + os.sep):
                raise OutputError(str(output), f"-o is inside {g}, the folder being fixed, where a later run "
                                               "would read the corrected copies as inputs; choose a folder "
                                               "outside it")
    check_writable(output, "--output", directory_ok=True)


def plan_targets(paths: list[str], given: list[str], output: Path | None, in_place: bool, force: bool,
                 warn=lambda message: None) -> tuple[dict[str, Path | None], list[TqcheckError]]:
    """Where each file's corrected copy goes (the file itself with ``--in-place``, a file or a place in
    the ``-o`` folder, None when nothing is written), and the files that cannot be fixed (each problem
    names its file).  A file reached twice (a symlink beside its target, a hard link) is fixed once."""
    folder = output is not None and output_is_folder(given, output)
    targets: dict[str, Path | None] = {}
    problems: list[TqcheckError] = []
    seen = Protected()
    written: dict[Path, str] = {}
    for path in paths:
        first = seen.owner(path)
        if first is not None:
            warn(f"{path}: the same file as {first}; fixed once, as {first}")
            continue
        seen.add(path)
        if in_place:
            try:
                check_in_place(Path(path), force)
            except TqcheckError as exc:
                problems.append(exc)
                continue
            targets[path] = Path(path)
        elif folder:
            target = output / place_under(path, given)
            if target in written:
                raise OutputError(str(target), f"-o would get both {written[target]} and {path} here; fix "
                                               "them separately, or give the folder that holds both")
            written[target] = path
            targets[path] = target
        else:
            targets[path] = output
    return targets, problems


def check_in_place(path: Path, force: bool) -> None:
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
