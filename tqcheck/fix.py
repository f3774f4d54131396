"""Applying suggestions to text, and showing the change as a word-level diff.

``apply_suggestions`` is what a fix means everywhere (``tqcheck fix``, the HTML
report's diff): the first suggestion of each confident finding, never two
edits on overlapping spans.  ``word_diff`` compares two texts word by word so a
reader sees "displacement" -> "visit", not two whole paragraphs.
"""
from __future__ import annotations

import difflib
import os
import re
import unicodedata
from dataclasses import dataclass
from typing import Iterable

from .findings import Finding

DEFAULT_MIN_CONFIDENCE = 0.7


def _conflicts(a: Finding, b: Finding) -> bool:
    """Overlapping spans, or two insertions at the same point (their order would be a guess)."""
    if a.start == b.start:
        return True
    return a.start < b.end and b.start < a.end


def apply_suggestions(text: str, findings: Iterable[Finding],
                      min_confidence: float = DEFAULT_MIN_CONFIDENCE) -> tuple[str, list[Finding]]:
    """Apply the first suggestion of each finding at or above ``min_confidence``.

    When spans overlap, the more confident (then more severe, then earlier)
    finding wins and the others are left for a person.  A finding whose quoted
    ``text`` no longer matches the span is stale and skipped.  Returns the new
    text and the findings applied, in text order.
    """
    candidates = []
    for f in findings:
        if not f.suggestions or f.confidence < min_confidence:
            continue
        if f.evidence.get("autofix") is False:  # a rule's rewrite that may change the meaning: a person decides
            continue
        if not 0 <= f.start <= f.end <= len(text):
            continue
        if f.text and text[f.start:f.end] != f.text:
            continue
        if f.suggestions[0] == text[f.start:f.end]:
            continue
        candidates.append(f)
    candidates.sort(key=lambda f: (-f.confidence, -f.severity.rank, f.start, f.end, f.rule))
    chosen: list[Finding] = []
    for f in candidates:
        if not any(_conflicts(f, g) for g in chosen):
            chosen.append(f)
    chosen.sort(key=lambda f: (f.start, f.end))
    parts: list[str] = []
    pos = 0
    for f in chosen:
        parts.append(text[pos:f.start])
        parts.append(f.suggestions[0])
        pos = f.end
    parts.append(text[pos:])
    return "".join(parts), chosen


def unified_diff(old: str, new: str, path: str, new_path: str | None = None) -> str:
    """A line-level unified diff, as ``tqcheck fix`` prints it."""
    out = []
    for line in difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True),
                                     fromfile=f"a/{path}", tofile=f"b/{new_path or path}"):
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
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
    # autojunk would treat common tokens (spaces, "the") as junk on long paragraphs.
    matcher = difflib.SequenceMatcher(None, ta[head:len(ta) - tail], tb[head:len(tb) - tail], autojunk=False)
    opcodes = [(tag, i1 + head, i2 + head, j1 + head, j2 + head) for tag, i1, i2, j1, j2 in matcher.get_opcodes()]
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
    la, lb = a.splitlines(keepends=True), b.splitlines(keepends=True)
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
    """Join neighbouring ops of the same kind, and a delete next to an insert into a replace."""
    out: list[DiffOp] = []
    for op in ops:
        if not op.old and not op.new:
            continue
        if out:
            prev = out[-1]
            same = prev.tag == op.tag
            pair = {prev.tag, op.tag} <= {"delete", "insert", "replace"}
            if same or (pair and prev.tag != "equal" and op.tag != "equal"):
                tag = prev.tag if same else "replace"
                out[-1] = DiffOp(tag, prev.old + op.old, prev.new + op.new, prev.a_start, op.a_end)
                continue
        out.append(op)
    return out


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
