"""Straight and typographic double quotes mixed in one document."""
from __future__ import annotations

import re

from ...findings import Category, Severity
from ...languages import profile
from ..registry import DocumentRule, register

_STRAIGHT_PAIR = re.compile(r'"([^"\n]{1,400})"')
_CURLY = "“”„«»"


@register
class MixedQuotes(DocumentRule):
    id = "mixed-quotes"
    family = "typography"
    category = Category.LOCALE
    severity = Severity.INFO
    description = """Straight "…" quotes in a document that otherwise uses typographic quotes.

    In German, straight quotes are flagged even alone: German typography
    expects „…“.  The suggestion uses the document language's quote marks."""
    bad = ('Qin said “no” and Blinken said "yes".',)
    good = ('Qin said “no” and Blinken said “yes”.', 'Qin said "no" and Blinken said "yes".')

    def check(self, doc, ctx):
        curly = sum(doc.text.count(c) for c in _CURLY)
        pairs = list(_STRAIGHT_PAIR.finditer(doc.text))
        lang = profile(doc.lang)
        if not pairs or (curly == 0 and not lang.straight_quotes_wrong_alone):
            return
        open_q, close_q = lang.quote_marks
        why = (f"{lang.name} typography uses {lang.quotes[0][0]}…{lang.quotes[0][1]}" if curly == 0
               else "the rest of the document uses typographic quotes")
        # Flag each mark, not the quotation: the fix is one character at each end.
        for m in pairs:
            yield self.finding(m.start(), m.start() + 1, f"Straight opening quote; {why}.", [open_q],
                               confidence=0.8)
            yield self.finding(m.end() - 1, m.end(), f"Straight closing quote; {why}.", [close_q],
                               confidence=0.8)
