"""Quotation marks that are not the document language's, or not the convention the rest of it uses."""
from __future__ import annotations

import re
from collections import Counter

from ...findings import Applicability, Category, Severity
from ...languages import profile
from ..registry import DocumentRule, register

_STRAIGHT_PAIR = re.compile(r'"([^"\n]{1,400})"')
_CURLY = "“”„«»"
# Double-quote conventions met in wire copy, (opening, closing), beside those a profile lists: a
# translation may carry the source language's marks over.
_KNOWN = (("“", "”"), ("„", "“"), ("„", "”"), ("«", "»"), ("»", "«"))


def quotations(text, start, end, pairs):
    """(opening offset, closing offset, pair, nested) for each typographic quotation in text[start:end].

    A stack, because one mark can open in one convention and close in another (“ opens in English and
    closes German „…“): a mark closes the open quotation when the two make a pair, and opens otherwise."""
    closes = {pair for pair in pairs}
    opens = {o for o, _ in pairs}
    marks = re.compile("[" + re.escape("".join(sorted({ch for pair in pairs for ch in pair}))) + "]")
    stack: list[tuple[int, str]] = []
    for m in marks.finditer(text, start, end):
        i, ch = m.start(), m.group()
        if stack and (stack[-1][1], ch) in closes:
            j, o = stack.pop()
            yield j, i, (o, ch), bool(stack)
        elif ch in opens:
            stack.append((i, ch))


def _mark_span(text, i, opening, pad):
    """The mark at ``i`` with the whitespace on its inner side, where the language pads quotations:
    French “ citation ” becomes « citation », never «  citation »."""
    if not pad:
        return i, i + 1
    if opening:
        end = i + 1
        while end < len(text) and text[end] in " \u00a0\u202f":
            end += 1
        return i, end
    start = i
    while start > 0 and text[start - 1] in " \u00a0\u202f":
        start -= 1
    return start, i + 1


@register
class MixedQuotes(DocumentRule):
    id = "mixed-quotes"
    family = "typography"
    category = Category.LOCALE
    severity = Severity.INFO
    description = """Quotation marks that are not the language's, or not the rest of the document's.

    Straight "…" quotes in a document that otherwise uses typographic quotes.  In
    German and French, straight quotes and other languages' marks (“…” for
    „…“ or « … ») are flagged even alone; a second convention the language
    accepts (German »…«) is flagged only where the document mixes it with the
    first, at the minority.  The suggestion uses the language's own marks."""
    bad = ('Qin said “no” and Blinken said "yes".',)
    good = ('Qin said “no” and Blinken said “yes”.', 'Qin said "no" and Blinken said "yes".')

    def check(self, doc, ctx):
        lang = profile(doc.lang)
        accepted = set(lang.quotes)
        pairs = tuple(dict.fromkeys(_KNOWN + lang.quotes))
        found = [q for start, end in doc.paragraphs for q in quotations(doc.text, start, end, pairs)]
        # Nested quotations take the other marks by rule (French « … “…” … »): only the outer ones count.
        outer = [q for q in found if not q[3]]
        used = Counter(pair for _, _, pair, _ in outer if pair in accepted)
        ranked = sorted(used, key=lambda pair: (-used[pair], lang.quotes.index(pair)))
        style = ranked[0] if ranked else lang.quotes[0]
        yield from self._straight(doc, lang, style)
        for i, j, pair, _ in outer:
            if pair == style or (pair not in accepted and not lang.strict_quotes):
                continue
            why = (f"the rest of the document uses {style[0]}…{style[1]}" if pair in accepted
                   else f"{lang.name} typography uses {style[0]}…{style[1]}")
            yield from self._marks(doc.text, i, j, pair, style, lang.quote_padding, why)

    def _straight(self, doc, lang, style):
        curly = sum(doc.text.count(c) for c in _CURLY)
        pairs = list(_STRAIGHT_PAIR.finditer(doc.text))
        if not pairs or (curly == 0 and not lang.strict_quotes):
            return
        why = (f"{lang.name} typography uses {style[0]}…{style[1]}" if curly == 0
               else "the rest of the document uses typographic quotes")
        # A document set wholly in straight quotes follows a house style, common on screen: in MLQE-PE
        # en-de, post-editors kept the MT's straight quotes in 446 of 575 sentences (train and dev)
        # and converting them raised TER against their edits.  Only a mix is an error to fix unattended.
        applicability = Applicability.SUGGEST if curly == 0 else Applicability.SAFE
        for m in pairs:
            yield from self._marks(doc.text, m.start(), m.end() - 1, ('"', '"'), style, lang.quote_padding,
                                   why, label="Straight", applicability=applicability)

    def _marks(self, text, i, j, pair, style, pad, why, label=None, applicability=Applicability.SAFE):
        # Flag each mark, not the quotation: the fix is one mark (with its padding) at each end.
        for at, opening in ((i, True), (j, False)):
            start, end = _mark_span(text, at, opening, pad)
            mark = pair[0] if opening else pair[1]
            what = f"{label} {'opening' if opening else 'closing'} quote" if label else \
                f"Quotation {'opened' if opening else 'closed'} with {mark}"
            fix = style[0] + pad if opening else pad + style[1]
            yield self.finding(start, end, f"{what}; {why}.", [fix], confidence=0.8,
                               applicability=applicability)
