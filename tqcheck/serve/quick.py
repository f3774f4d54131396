"""The quick re-check after an edit: answer at once, and let the model catch up.

On a CPU the model needs a second or more to read even one edited paragraph, while the model-free
checks of a whole article take a fraction of that.  So after an edit the desk first answers with:

- in every paragraph whose text did not change, the findings of the last full check, moved to where
  that paragraph now sits (what the model said about it still holds: its reading is per paragraph);
- in the paragraphs that changed, what the model-free checks find now;
- the model's per-sentence fluency of the unchanged paragraphs (the edited one's bars come back with
  the full check);

and the page asks for the full check straight after, which replaces this answer.
"""
from __future__ import annotations

import copy
from difflib import SequenceMatcher

from ..document import Document
from ..engine import _drop_shadowed  # the engine's rule: a hint inside a stronger finding is left out
from ..findings import Finding, fingerprint
from ..report import FileResult
from ..rules import all_rules

Span = tuple[int, int]


def unchanged_paragraphs(old: Document, new: Document) -> list[tuple[Span, Span]]:
    """(old span, new span) of each paragraph whose text is the same in both, matched in order."""
    old_paras, new_paras = list(old.paragraphs), list(new.paragraphs)
    matcher = SequenceMatcher(None, [old.raw[s:e] for s, e in old_paras], [new.raw[s:e] for s, e in new_paras],
                              autojunk=False)
    pairs = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pairs.extend(zip(old_paras[i1:i2], new_paras[j1:j2]))
    return pairs


def _moved(f: Finding, shift: int, doc: Document) -> Finding:
    g = copy.copy(f)
    g.start, g.end, g.path = f.start + shift, f.end + shift, doc.path
    g.line, g.column = doc.line_col(g.start)
    g.end_line, g.end_column = doc.line_col(g.end)
    g.fingerprint = fingerprint(g.rule, doc.raw, g.start, g.end)
    return g


def _inside(f: Finding, span: Span) -> bool:
    return span[0] <= f.start and f.end <= span[1]


def merge(previous: FileResult, quick: FileResult) -> list[Span]:
    """Give ``quick`` (the model-free check of the edited text) what still holds of ``previous`` (the last
    full check): its findings and per-sentence fluency in the unchanged paragraphs, moved.  Returns the
    paragraphs (spans in the new text) still waiting for the model."""
    old, new = previous.document, quick.document
    pairs = unchanged_paragraphs(old, new)

    def shift(start: int, end: int) -> int | None:
        return next((n[0] - o[0] for o, n in pairs if o[0] <= start and end <= o[1]), None)

    out: list[Finding] = []
    for f in previous.findings:
        delta = shift(f.start, f.end)
        if delta is not None:
            out.append(_moved(f, delta, new))
    kept = [n for _, n in pairs]
    out.extend(f for f in quick.findings if not any(_inside(f, n) for n in kept))
    generic = {rule_id for rule_id, rule in all_rules().items() if rule.generic}
    quick.findings = _drop_shadowed(sorted(out, key=lambda f: (f.start, f.end, f.rule)), generic)
    if previous.fluency:
        rows = []
        for row in previous.fluency:
            delta = shift(row.start, row.end)
            if delta is not None:
                rows.append(row.moved(delta))
        quick.fluency = rows or None
    unchanged = set(kept)
    return [p for p in new.paragraphs if p not in unchanged and new.raw[p[0]:p[1]].strip()]
