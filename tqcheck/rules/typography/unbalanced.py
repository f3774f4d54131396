"""Brackets and quotation marks opened and never closed (or the reverse)."""
from __future__ import annotations

import re
from functools import lru_cache

from ...findings import Category, Severity
from ...languages import profile, profiled
from ..registry import DocumentRule, register

_STRAIGHT = re.compile('"')
_BRACKETS = {"(": ")", "[": "]", "{": "}"}


def _check_pairs(text, start, end, pairs):
    """Yield (offset, char, kind) for each unmatched opener or closer in text[start:end].  A mark may
    close several openers (” closes “ and, in Polish, „) and be an opener too (German “ closes „)."""
    stack: list[tuple[int, str]] = []
    closes: dict[str, set[str]] = {}
    for o, c in pairs:
        closes.setdefault(c, set()).add(o)
    openers = {o for o, _ in pairs}
    marks = re.compile("[" + re.escape("".join(sorted({ch for pair in pairs for ch in pair}))) + "]")
    for m in marks.finditer(text, start, end):
        i, ch = m.start(), m.group()
        if ch in closes and stack and stack[-1][1] in closes[ch]:
            stack.pop()
        elif ch in openers:
            stack.append((i, ch))
        elif ch in closes:
            yield i, ch, "closer"
    for i, ch in stack:
        yield i, ch, "opener"


@lru_cache(maxsize=1)
def _all_quote_pairs() -> tuple[tuple[str, str], ...]:
    return tuple(dict.fromkeys(q for code in profiled() for q in profile(code).quotes))


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
        # Curly quotes pair by the language's marks first (German „…“ closes with the mark English opens
        # with), then by every other language's: “…” in German copy is balanced, only in the wrong style,
        # which is mixed-quotes' finding, not a second one here.
        own = list(profile(doc.lang).quotes)
        pairs = list(_BRACKETS.items()) + own + [q for q in _all_quote_pairs() if q not in own]
        openers = {o for o, _ in pairs} | {'"'}
        paras = doc.paragraphs
        for n, (start, end) in enumerate(paras):
            next_opens = n + 1 < len(paras) and doc.text[paras[n + 1][0]] in openers
            for i, ch, kind in _check_pairs(doc.text, start, end, pairs):
                if kind == "opener" and ch not in _BRACKETS and next_opens:
                    continue  # multi-paragraph quotation
                # The language's own partner first (pairs lists its marks before other languages').
                partner = next((c for o, c in pairs if o == ch), None) if kind == "opener" else \
                    next((o for o, c in pairs if c == ch), None)
                what = "opened" if kind == "opener" else "closed"
                yield self.finding(i, i + 1, f"'{ch}' {what} but no matching '{partner}' in this paragraph.",
                                   confidence=0.7)
            straight = [m.start() for m in _STRAIGHT.finditer(doc.text, start, end)]
            if len(straight) % 2 and not next_opens:
                i = straight[-1]
                yield self.finding(i, i + 1, "Odd number of straight double quotes in this paragraph.",
                                   confidence=0.6)
