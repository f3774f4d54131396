"""Pull-request mode (``--diff REF``): which lines of each file changed since a git ref.

Every check still reads the whole document (a name's first spelling may sit on an unchanged line);
only the report is narrowed to findings that touch an added or modified line.  A file that did not
exist at REF, or that git does not track yet, counts as changed throughout.
"""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

from .errors import TqcheckError

_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@", re.M)
ALL_LINES = None  # a whole file is new


def _git(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=120)
    except FileNotFoundError:
        raise TqcheckError("--diff needs git, which is not installed") from None


def _repo_root(folder: Path) -> Path:
    out = _git(["rev-parse", "--show-toplevel"], folder)
    if out.returncode != 0:
        raise TqcheckError(f"--diff: {folder} is not inside a git repository")
    return Path(out.stdout.strip())


def _check_ref(root: Path, ref: str) -> None:
    if ref.startswith("-"):
        raise TqcheckError(f"--diff: {ref!r} is not a git ref")
    out = _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], root)
    if out.returncode != 0:
        raise TqcheckError(f"--diff: no commit {ref!r} in the repository at {root}")


def added_lines(diff_text: str) -> set[int]:
    """1-based line numbers of the new side that a unified diff (``-U0``) adds or changes."""
    lines: set[int] = set()
    for m in _HUNK.finditer(diff_text):
        start, count = int(m.group(1)), int(m.group(2) if m.group(2) is not None else 1)
        lines.update(range(start, start + count))
    return lines


def changed_lines(paths: list[str], ref: str) -> dict[str, set[int] | None]:
    """For each path, the lines changed since ``ref`` (None: the whole file is new)."""
    roots: dict[Path, Path] = {}
    out: dict[str, set[int] | None] = {}
    for path in paths:
        if path == "-":
            raise TqcheckError("--diff cannot be used with standard input (it has no history)")
        folder = Path(path).resolve().parent
        if folder not in roots:
            roots[folder] = _repo_root(folder)
            _check_ref(roots[folder], ref)
        root = roots[folder]
        rel = Path(path).resolve().relative_to(root).as_posix()
        existed = _git(["cat-file", "-e", f"{ref}:{rel}"], root).returncode == 0
        if not existed:
            out[path] = ALL_LINES
            continue
        diff = _git(["diff", "--no-color", "--no-ext-diff", "-U0", ref, "--", rel], root)
        if diff.returncode != 0:
            raise TqcheckError(f"--diff: git diff failed for {path}: {diff.stderr.strip()}")
        out[path] = added_lines(diff.stdout)
    return out


def keep_changed(report, changed: dict[str, set[int] | None]) -> None:
    """Drop the findings that touch no changed line (findings on files without history stay)."""
    for result in report.files:
        lines = changed.get(result.path, ALL_LINES)
        if lines is ALL_LINES:
            continue
        result.findings = [f for f in result.findings
                           if any(n in lines for n in range(f.line, max(f.line, f.end_line) + 1))]
