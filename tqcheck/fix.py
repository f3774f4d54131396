"""Applying fixes to text, and showing the change as a word-level diff.

``apply_fixes`` is what a fix means everywhere (``tqcheck fix``, the HTML
report's diff, the desk): the first fix of each confident finding when it is
safe to apply unattended, never two fixes on overlapping spans.  ``word_diff`` compares two texts word by word so a
reader sees "displacement" -> "visit", not two whole paragraphs.
"""
from __future__ import annotations

import bisect
import difflib
import os
import re
import unicodedata
from dataclasses import dataclass
from typing import Iterable

from .findings import Applicability, Edit, Finding, Fix
from .lines import split_lines

# What `tqcheck fix` applies by default: suggestions at least this confident (--fix-confidence).
DEFAULT_FIX_CONFIDENCE = 0.7
# Above this product of changed tokens on each side, a changed stretch is one replacement (see _word_ops).
MAX_MATCHED_TOKENS = 250_000


@dataclass(frozen=True)
class _Candidate:
    finding: Finding
    fix: Fix

    @property
    def start(self) -> int:
        return min(self.fix.start, self.finding.start)

    @property
    def end(self) -> int:
        return max(self.fix.end, self.finding.end)


def _conflicts(a: _Candidate, b: _Candidate) -> bool:
    """Overlapping spans, or two insertions at the same point (their order would be a guess)."""
    if a.start == b.start:
        return True
    return a.start < b.end and b.start < a.end


def apply_fixes(text: str, findings: Iterable[Finding],
                fix_confidence: float = DEFAULT_FIX_CONFIDENCE) -> tuple[str, list[Finding]]:
    """Apply the first fix of each finding at or above ``fix_confidence`` (``clears_the_bar``), when that
    fix is safe.

    A fix that may change the meaning (``Applicability.SUGGEST``) is left for a person, whatever its
    confidence.  When two fixes overlap, the more confident (then more severe, then earlier) finding's
    wins and the other is left for a person.  A finding whose quoted ``text`` no longer matches the span
    is stale and skipped.  Returns the new text and the findings applied, in text order.
    """
    candidates = []
    for f in findings:
        if not clears_the_bar(f, fix_confidence):
            continue
        fix = f.autofix
        c = _Candidate(f, fix)
        if not 0 <= c.start <= c.end <= len(text):
            continue
        if f.text and text[f.start:f.end] != f.text:
            continue
        if all(text[e.start:e.end] == e.replacement for e in fix.edits):
            continue  # changes nothing
        candidates.append(c)
    chosen: list[_Candidate] = []
    for group in _conflict_groups(candidates):
        chosen.extend(_choose(group))
    chosen.sort(key=lambda c: (c.start, c.end))
    return apply_edits(text, [e for c in chosen for e in c.fix.edits]), [c.finding for c in chosen]


def clears_the_bar(f: Finding, fix_confidence: float = DEFAULT_FIX_CONFIDENCE) -> bool:
    """Whether ``tqcheck fix`` may apply the finding's first fix unattended: safe, and at least
    ``fix_confidence`` confident (the autofix bar): the fix's own probability where it has one (a
    model's rewrite), else its finding's confidence."""
    return f.autofix is not None and f.autofix.confidence(f.confidence) >= fix_confidence


def left_because(f: Finding, fix: Fix, applied: bool, fix_confidence: float = DEFAULT_FIX_CONFIDENCE) -> str | None:
    """Why ``fix`` (one of ``f.fixes``) is left for a person, in a reader's words; None when it is the
    fix ``tqcheck fix`` applies (``applied``: ``apply_fixes`` applied the finding).  Every renderer
    labels a suggestion with this, so a fix below the bar never reads as applied."""
    first = bool(f.fixes) and fix is f.fixes[0]
    if applied and first:
        return None
    if fix.applicability is Applicability.SUGGEST:
        return "may change the meaning: for a person to accept"
    if not first:
        return "an alternative to the first suggestion"
    if fix.confidence(f.confidence) < fix_confidence:
        return f"below the fix confidence {fix_confidence}"
    return "overlaps a more confident fix, or changes nothing"


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """``text`` with ``edits`` made (in text order, none overlapping another)."""
    parts: list[str] = []
    pos = 0
    for e in sorted(edits, key=lambda e: (e.start, e.end)):
        parts.append(text[pos:e.start])
        parts.append(e.replacement)
        pos = e.end
    parts.append(text[pos:])
    return "".join(parts)


def _priority(c: _Candidate) -> tuple:
    f = c.finding
    return (-f.confidence, -f.severity.rank, c.start, c.end, f.rule)


def _conflict_groups(candidates: list[_Candidate]) -> list[list[_Candidate]]:
    """Candidates in runs that conflict only among themselves (a sweep in text order).

    Which of two conflicting fixes wins depends only on the fixes it conflicts with, so choosing within
    each run gives what choosing over all of them would, without comparing every pair of a long file's
    findings.
    """
    groups: list[list[_Candidate]] = []
    reach = -1
    for c in sorted(candidates, key=lambda c: (c.start, c.end)):
        if groups and (c.start < reach or c.start == groups[-1][-1].start):
            groups[-1].append(c)
            reach = max(reach, c.end)
        else:
            groups.append([c])
            reach = c.end
    return groups


def _choose(group: list[_Candidate]) -> list[_Candidate]:
    """The most confident (then most severe, then earliest) candidates of ``group`` that do not conflict.

    The chosen stay sorted and never overlap, so only the two around a candidate can conflict with it.
    """
    chosen: list[_Candidate] = []
    starts: list[int] = []
    for c in sorted(group, key=_priority):
        i = bisect.bisect_left(starts, c.start)
        if any(_conflicts(c, chosen[j]) for j in (i - 1, i) if 0 <= j < len(chosen)):
            continue
        chosen.insert(i, c)
        starts.insert(i, c.start)
    return chosen


def unified_diff(old: str, new: str, path: str, new_path: str | None = None) -> str:
    """A line-level unified diff, as ``tqcheck fix`` prints it."""
    out = []
    for line in difflib.unified_diff(split_lines(old, keepends=True), split_lines(new, keepends=True),
                                     fromfile=f"a/{path}", tofile=f"b/{new_path or path}"):
        if line.endswith("\n"):
            out.append(line)
        elif line.endswith("\r"):  # a bare-CR line end: the line ends, the diff's row needs its LF
            out.append(line + "\n")
        else:
            out.append(line + "\n\\ No newline at end of file\n")
    return "".join(out)


# Han, kana, Thai, Lao, Khmer and Myanmar are written without spaces between
# words: one character per token keeps their diffs word-sized, not clause-sized.
_UNSPACED = "\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_UNSPACED_RE = re.compile(f"[{_UNSPACED}]")
_TOKEN = re.compile(rf"[{_UNSPACED}]|[^\W{_UNSPACED}]+|\s+|[^\w\s]", re.UNICODE)


def tokenize(text: str) -> list[str]:
    """Words, runs of whitespace and single punctuation marks; concatenated they give ``text`` back.

    Combining marks (Devanagari vowel signs, Arabic harakat) are not ``\\w`` to
    ``re``; they stay with the word they belong to.
    """
    out: list[str] = []
    for tok in _TOKEN.findall(text):
        if out and not out[-1].isspace() and (
                _is_mark(tok[0]) or (_is_mark(out[-1][-1]) and tok.isalnum() and not _UNSPACED_RE.match(tok))):
            out[-1] += tok
        else:
            out.append(tok)
    return out


def _is_mark(ch: str) -> bool:
    return unicodedata.category(ch).startswith("M")


@dataclass(frozen=True)
class DiffOp:
    """One piece of a diff: ``tag`` is equal, delete, insert or replace.

    ``a_start``/``a_end`` locate ``old`` in the original text, so a change can
    be traced back to the finding that made it.
    """

    tag: str
    old: str
    new: str
    a_start: int
    a_end: int


def _word_ops(a: str, b: str, offset: int) -> list[DiffOp]:
    ta, tb = tokenize(a), tokenize(b)
    starts = [0]
    for t in ta:
        starts.append(starts[-1] + len(t))
    # Most edits touch a word or two of a long paragraph: match only between the
    # common head and tail, which keeps the quadratic matcher on a few tokens.
    head = 0
    while head < min(len(ta), len(tb)) and ta[head] == tb[head]:
        head += 1
    tail = 0
    while tail < min(len(ta), len(tb)) - head and ta[-1 - tail] == tb[-1 - tail]:
        tail += 1
    mid_a, mid_b = ta[head:len(ta) - tail], tb[head:len(tb) - tail]
    if len(mid_a) * len(mid_b) > MAX_MATCHED_TOKENS:
        # The matcher is quadratic: past this size (a rewrite of a whole paragraph) the middle is
        # shown as one replacement, which is what a reader makes of it anyway.
        middle = [("replace", 0, len(mid_a), 0, len(mid_b))] if mid_a or mid_b else []
    else:
        # autojunk would treat common tokens (spaces, "the") as junk on long paragraphs.
        middle = difflib.SequenceMatcher(None, mid_a, mid_b, autojunk=False).get_opcodes()
    opcodes = [(tag, i1 + head, i2 + head, j1 + head, j2 + head) for tag, i1, i2, j1, j2 in middle
               if i1 < i2 or j1 < j2]
    if head:
        opcodes.insert(0, ("equal", 0, head, 0, head))
    if tail:
        opcodes.append(("equal", len(ta) - tail, len(ta), len(tb) - tail, len(tb)))
    ops = []
    for tag, i1, i2, j1, j2 in opcodes:
        old, new, a0, a1 = "".join(ta[i1:i2]), "".join(tb[j1:j2]), offset + starts[i1], offset + starts[i2]
        if tag == "replace" and old.isspace() and new.isspace():
            # "  " -> " " is one deleted space, not a replaced run.
            k = len(os.path.commonprefix([old, new]))
            if k:
                ops.append(DiffOp("equal", old[:k], new[:k], a0, a0 + k))
                old, new, a0 = old[k:], new[k:], a0 + k
                tag = "delete" if not new else "insert" if not old else "replace"
        ops.append(DiffOp(tag, old, new, a0, a1))
    return ops


def word_diff(a: str, b: str) -> list[DiffOp]:
    """A word-level diff of two texts, as a list of operations covering both.

    Lines are matched first and words only within changed lines, which keeps
    a long article fast and stops a word match from pairing distant paragraphs.
    Joining ``old`` of all ops gives ``a``; joining ``new`` gives ``b``.
    """
    la, lb = split_lines(a, keepends=True), split_lines(b, keepends=True)
    line_starts = [0]
    for line in la:
        line_starts.append(line_starts[-1] + len(line))
    ops: list[DiffOp] = []
    matcher = difflib.SequenceMatcher(None, la, lb, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        old, new = "".join(la[i1:i2]), "".join(lb[j1:j2])
        if tag == "equal":
            ops.append(DiffOp("equal", old, new, line_starts[i1], line_starts[i2]))
        else:
            ops.extend(_word_ops(old, new, line_starts[i1]))
    return _merge(ops)


def _merge(ops: list[DiffOp]) -> list[DiffOp]:
    """Join neighbouring ops of the same kind, and a delete next to an insert into a replace.

    Runs are collected and joined once, so a long run of merges stays linear.
    """
    out: list[DiffOp] = []
    run: list[DiffOp] = []

    def flush():
        if run:
            tags = {op.tag for op in run}
            tag = run[0].tag if len(tags) == 1 else "replace"
            out.append(DiffOp(tag, "".join(op.old for op in run), "".join(op.new for op in run),
                              run[0].a_start, run[-1].a_end))
            run.clear()

    for op in ops:
        if not op.old and not op.new:
            continue
        if run and not (run[-1].tag == op.tag or (run[-1].tag != "equal" and op.tag != "equal")):
            flush()
        run.append(op)
    flush()
    return out


def _in_word(ch: str) -> bool:
    return (ch.isalnum() or _is_mark(ch)) and not _UNSPACED_RE.match(ch)


def edit_diff(text: str, edits: Iterable[tuple[int, int, str]]) -> list[DiffOp]:
    """The word diff of applying ``edits`` ((start, end, replacement), in order, not overlapping) to ``text``.

    Built from the edits themselves, not by matching the two texts: each edit is widened to the
    whole words it touches ("colour" -> "color" reads as a word) and compared word by word within
    that window only, so the cost is linear in the text and the edits.  Joining ``old`` of all ops
    gives ``text``; joining ``new`` gives the edited text.
    """
    edits = list(edits)
    ops: list[DiffOp] = []
    pos = 0
    for i, (start, end, new) in enumerate(edits):
        limit = edits[i + 1][0] if i + 1 < len(edits) else len(text)
        lo, hi = start, end
        while lo > pos and _in_word(text[lo - 1]):
            lo -= 1
        while hi < limit and _in_word(text[hi]):
            hi += 1
        if pos < lo:
            ops.append(DiffOp("equal", text[pos:lo], text[pos:lo], pos, lo))
        ops.extend(_word_ops(text[lo:hi], text[lo:start] + new + text[end:hi], lo))
        pos = hi
    if pos < len(text):
        ops.append(DiffOp("equal", text[pos:], text[pos:], pos, len(text)))
    return _merge(ops)


def unified_word_diff(a: str, b: str) -> str:
    """Plain-text rendering for terminals: ``[-old-]{+new+}`` as git's --word-diff shows it."""
    parts = []
    for op in word_diff(a, b):
        if op.tag == "equal":
            parts.append(op.old)
            continue
        if op.old:
            parts.append(f"[-{op.old}-]")
        if op.new:
            parts.append(f"{{+{op.new}+}}")
    return "".join(parts)
