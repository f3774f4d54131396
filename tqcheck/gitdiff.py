"""Pull-request mode (``--diff REF``): which lines of each file changed since a git ref.

Every check still reads the whole document (a name's first spelling may sit on an unchanged line);
only the report is narrowed to findings that touch an added or modified line.  A file that did not
exist at REF, or that git does not track yet, counts as changed throughout; so does a changed file that
git diffs as binary (UTF-16 text, to git), whose lines git does not count.

git numbers lines at LF only, tqcheck at CR, CRLF and LF (tqcheck.lines).  Each hunk's new lines are
git's numbers; ``changed_in`` converts them to the file's own lines through its line index, and where
bare CRs make one git line of several, compares the hunk's old and new text line by line (this model's
lines) so that only the lines whose text changed count, as in an LF file.  The diff is read as bytes:
decoded as text, a bare CR inside a changed line would become a line break, and the rest of the line
could pass for a hunk header.
"""
from __future__ import annotations

import difflib
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .errors import TqcheckError
from .lines import Lines, split_lines

_HUNK = re.compile(rb"@@ -\d+(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
_BINARY = re.compile(rb"^Binary files .* differ$", re.M)
ALL_LINES = None  # a whole file is new


@dataclass
class Hunk:
    """One change ``git diff -U0`` reports: git's lines ``start``..``start + count - 1`` of the new file
    replace ``old``; the texts are the raw bytes of those lines, line ends included."""

    start: int
    count: int
    old: bytes
    new: bytes


def _git(args: list[str], cwd: Path, text: bool = True) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=text, timeout=120,
                              **({"errors": "replace"} if text else {}))
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


def parse_hunks(diff: bytes) -> list[Hunk]:
    """The hunks of a one-file unified diff made with ``-U0``.  Each hunk's lines are taken by the counts
    its header gives (a removed line that starts with "--" is not a file header)."""
    rows = diff.split(b"\n")
    hunks: list[Hunk] = []
    i = 0
    while i < len(rows):
        m = _HUNK.match(rows[i])
        i += 1
        if not m:
            continue
        old_count = int(m.group(1) if m.group(1) is not None else 1)
        start, count = int(m.group(2)), int(m.group(3) if m.group(3) is not None else 1)
        texts = []
        for sign, n in ((b"-", old_count), (b"+", count)):
            parts = []
            while n and i < len(rows) and rows[i].startswith(sign):
                part = rows[i][1:] + b"\n"
                i += 1
                if i < len(rows) and rows[i].startswith(b"\\"):  # "\ No newline at end of file"
                    part = part[:-1]
                    i += 1
                parts.append(part)
                n -= 1
            texts.append(b"".join(parts))
        hunks.append(Hunk(start, count, texts[0], texts[1]))
    return hunks


def changed_in(hunks: list[Hunk], lines: Lines) -> set[int]:
    """The file's lines (tqcheck.lines numbers, through ``lines``, its index) that the hunks add or change."""
    out: set[int] = set()
    for h in hunks:
        covered = lines.lines_of_git_lines(h.start, h.count)
        old, new = split_lines(h.old, keepends=True), split_lines(h.new, keepends=True)
        if len(new) != len(covered):
            # Not the lines git diffed (the file changed since it was read, or a clean filter reshaped
            # them): count git's lines whole.
            out.update(covered)
            continue
        # One git line may hold many (bare CRs): only those whose text changed are changed lines.
        matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
        for tag, _, _, j1, j2 in matcher.get_opcodes():
            if tag != "equal":
                out.update(covered[j1:j2])
    return out


def changed_lines(paths: list[str], ref: str) -> dict[str, list[Hunk] | None]:
    """For each path, the hunks of its diff against ``ref`` (ALL_LINES: the whole file counts as changed)."""
    roots: dict[Path, Path] = {}
    out: dict[str, list[Hunk] | None] = {}
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
        # No external diff or textconv filter: they would number the lines of some other text.
        diff = _git(["diff", "--no-color", "--no-ext-diff", "--no-textconv", "-U0", ref, "--", rel], root,
                    text=False)
        if diff.returncode != 0:
            stderr = diff.stderr.decode("utf-8", "replace").strip()
            raise TqcheckError(f"--diff: git diff failed for {path}: {stderr}")
        out[path] = ALL_LINES if _BINARY.search(diff.stdout) else parse_hunks(diff.stdout)
    return out


def keep_changed(report, changed: dict[str, list[Hunk] | None]) -> None:
    """Drop the findings that touch no changed line (findings on files without history stay)."""
    for result in report.files:
        hunks = changed.get(result.path, ALL_LINES)
        if hunks is ALL_LINES or result.document is None:  # no text to convert with: keep, not drop
            continue
        lines = changed_in(hunks, result.document.lines)
        result.findings = [f for f in result.findings
                           if any(n in lines for n in range(f.line, max(f.line, f.end_line) + 1))]
