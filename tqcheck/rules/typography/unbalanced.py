"""Brackets and quotation marks opened and never closed (or the reverse)."""
from __future__ import annotations

import re

from ...findings import Category, Severity
from ...languages import profile
from ..registry import DocumentRule, register

_STRAIGHT = re.compile('"')
_BRACKETS = {"(": ")", "[": "]", "{": "}"}


def _check_pairs(text, start, end, pairs):
    """Yield (offset, char, kind) for each unmatched opener or closer in text[start:end]."""
    stack: list[tuple[int, str]] = []
    closers = {c: o for o, c in pairs}
    marks = re.compile("[" + re.escape("".join(sorted({ch for pair in pairs for ch in pair}))) + "]")
    for m in marks.finditer(text, start, end):
        i, ch = m.start(), m.group()
        if ch in closers and stack and stack[-1][1] == closers[ch]:
            stack.pop()
        elif ch in closers and ch not in dict(pairs):
            yield i, ch, "closer"
        elif ch in dict(pairs):
            stack.append((i, ch))
    for i, ch in stack:
        yield i, ch, "opener"


@register
class UnbalancedPairs(DocumentRule):
    id = "unbalanced-pairs"
    family = "typography"
    category = Category.TYPOGRAPHY
    severity = Severity.WARNING
    description = """A bracket or quotation mark without its partner in the same paragraph.

    Straight double quotes are counted per paragraph.  A quotation running over
    several paragraphs is allowed to leave each paragraph open when the next
    one starts with an opening quote, as news style does."""
    bad = ("He called the talks (candid and constructive.", "Qin said “this is not in line with interests.")
    good = ("He called the talks (candid) and constructive.",
            "“It is a long quote.\n\n“And it continues here,” he said.")

    def check(self, doc, ctx):
        # Curly quotes pair by the language's marks: German „…“ closes with the mark English opens with.
        pairs = list(_BRACKETS.items()) + list(profile(doc.lang).quotes)
        openers = {o for o, _ in pairs} | {'"'}
        paras = doc.paragraphs
        for n, (start, end) in enumerate(paras):
            next_opens = n + 1 < len(paras) and doc.text[paras[n + 1][0]] in openers
            for i, ch, kind in _check_pairs(doc.text, start, end, pairs):
                if kind == "opener" and ch not in _BRACKETS and next_opens:
                    continue  # multi-paragraph quotation
                partner = dict(pairs).get(ch) or {c: o for o, c in pairs}.get(ch)
                what = "opened" if kind == "opener" else "closed"
                yield self.finding(i, i + 1, f"'{ch}' {what} but no matching '{partner}' in this paragraph.",
                                   confidence=0.7)
            straight = [m.start() for m in _STRAIGHT.finditer(doc.text, start, end)]
            if len(straight) % 2 and not next_opens:
                i = straight[-1]
                yield self.finding(i, i + 1, "Odd number of straight double quotes in this paragraph.",
                                   confidence=0.6)
