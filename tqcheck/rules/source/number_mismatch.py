"""A number in the target that its source sentence does not have (3.5 million for 35 million)."""
from __future__ import annotations

import re

from ...analysis.source import SourceSide, source_side
from ...findings import Category, Severity
from ...source.numbers import NumberMention, extract_numbers, format_number, value_set
from ..registry import DocumentRule, register


def source_values(al, lang: str) -> list[set[float]]:
    """Values each bead's source side may denote (digits, numerals, number words, months)."""
    return [value_set(extract_numbers(al.source_text(b), lang)) if b.src else set() for b in al.beads]


def excused(n: NumberMention, values: set[float], text_after: str) -> bool:
    """Readings a faithful translation may use that are not the same value."""
    for v in n.values:
        if v.is_integer() and 1900 <= v <= 2099 and (v % 100) in values:
            return True  # 上世纪80年代 -> the 1980s; 九二共识 -> the 1992 Consensus
        if 1 <= v <= 12 and (v + 12) in values:
            return True  # 15时 -> 3 pm
    return False


@register
class SourceNumberMismatch(DocumentRule):
    id = "source-number-mismatch"
    family = "source"
    category = Category.ACCURACY
    severity = Severity.WARNING
    requires = (SourceSide,)
    description = """A number in the target is not in the aligned source sentence.

    Numbers, amounts, percentages and dates are compared as values, so notation
    may differ ("3,5 millones" = "3.5 million", "13,75 %" = "13.75%", "3.5万" =
    "35,000", "百分之十三点七五" = "13.75%").  A value that the source sentence
    does not have, nor its neighbours, is a likely mistranslation (35 million
    written as 3.5 million).  Numbers glued to letters (G20, COVID-19) are names.
    """
    bad = ("El paro bajó al 13,75 % en marzo. => Unemployment fell to 13.57% in March.",
           "La empresa ganó 3,5 millones de euros. => The company earned 35 million euros.",
           "约3.5万人参加了活动。 => About 3,500 people took part.")
    good = ("El paro bajó al 13,75 % en marzo. => Unemployment fell to 13.75% in March.",
            "La empresa ganó 3,5 millones de euros. => The company earned €3.5 million.",
            "约3.5万人参加了活动。 => About 35,000 people took part.")

    def check(self, doc, ctx):
        al = source_side(doc, ctx).alignment
        src_lang = al.source.lang
        values = source_values(al, src_lang)
        for k, bead in enumerate(al.beads):
            if not bead.tgt or not bead.src:
                continue
            ts, te = al.target_span(bead)
            text = doc.text[ts:te]
            mentions = extract_numbers(text, doc.lang)
            target_values = value_set(mentions)
            near = set().union(*values[max(0, k - 1):k + 2])
            for n in mentions:
                if n.kind in ("code", "word", "month") or n.matches(values[k]) or n.matches(near):
                    continue
                if excused(n, near, text[n.end:]):
                    continue
                missing = sorted(v for v in values[k] if not any(abs(v - t) < 1e-9 for t in target_values))
                digits_in_source = [m for m in extract_numbers(al.source_text(bead), src_lang, words=False)
                                    if m.kind != "code"]
                if not digits_in_source:
                    # The source sentence writes no number here: an addition, less certain.
                    msg = f"{n.text!r} has no counterpart in the source sentence"
                    yield self.finding(ts + n.start, ts + n.end, msg, confidence=0.5,
                                       source=al.source_text(bead))
                    continue
                unmatched = [m.text for m in digits_in_source if not m.matches(target_values)]
                shown = ", ".join(repr(t) for t in unmatched[:4])
                msg = f"{n.text!r} is not in the source sentence" + (f" (it has {shown})" if shown else "")
                yield self.finding(ts + n.start, ts + n.end, msg, _suggest(n, missing, doc.lang), confidence=0.8,
                                   source=al.source_text(bead))


def _suggest(n: NumberMention, missing: list[float], lang: str) -> list[str]:
    """The source's value in the target's notation, when exactly one source value is unaccounted for."""
    if len(missing) != 1 or len(n.values) != 1:
        return []
    m = re.match(r"[\d.,\u00a0\u202f\u2009']*\d", n.text)
    plain = value_set(extract_numbers(m.group(0), lang, words=False)) if m else set()
    if len(plain) != 1:
        return []
    (value,), (base,) = n.values, plain
    scale = value / base if base else 1.0
    return [format_number(missing[0] / scale, lang) + n.text[m.end():]]
