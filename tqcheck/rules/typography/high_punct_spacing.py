"""The space a language requires before ; : ! ? and inside « » (French), missing or breakable."""
from __future__ import annotations

import re

from ...findings import Category, Severity
from ...languages import profile
from ..registry import DocumentRule, register

# A high mark ends a clause only when whitespace, a closing mark or the end follows it: that leaves
# URLs (https://), times (12:30), ratios (3:1) and "a:b" alone.  The first of a run ("?!", "!!!")
# carries the space.
_HIGH = re.compile(r"(?<![;:!?])([ \t\u00a0\u202f\u2009]*)([;:!?])(?=[;:!?]*(?:[\s»”’\")\]]|$))")
# Emoticons and their kin: ":)", ";-)", ":D", ":-(" .
_EMOTICON = re.compile(r"[;:]-?[()DPp]")
_GUILLEMETS = re.compile(r"(«)([ \t\u00a0\u202f\u2009]*)|([ \t\u00a0\u202f\u2009]*)(»)")


def _accepted(gap, ok):
    return len(gap) == 1 and gap in ok


@register
class HighPunctuationSpacing(DocumentRule):
    id = "high-punctuation-spacing"
    family = "typography"
    category = Category.TYPOGRAPHY
    severity = Severity.INFO
    description = """No space, or a breakable one, before ; : ! ? or inside « » where the language wants one.

    French typography puts a narrow no-break space (U+202F) before ; : ! ? and
    inside « »; a no-break space (U+00A0) is accepted too.  An ordinary space
    lets the line break before the mark.  Languages without that rule (English)
    are never asked for a space here."""
    example_lang = "fr"
    bad = ("Il a déclaré: la situation est stable.", "Vraiment ?", "Il a dit «non».")
    good = ("Il a déclaré\u202f: la situation est stable.", "Rendez-vous à 12:30 sur https://example.org.",
            "Il a dit «\u202fnon\u202f».", "Merci :)")

    def check(self, doc, ctx):
        lang = profile(doc.lang)
        space = lang.space_before_high_punct
        if space is None:
            return
        ok = space + lang.space_before_high_punct_also
        text = doc.text
        for m in _HIGH.finditer(text):
            gap, mark = m.group(1), m.group(2)
            at = m.start(2)
            if at == 0 or (not gap and not (text[at - 1].isalnum() or text[at - 1] in "»”’\")]")):
                continue  # a mark opening the line, or after a mark of its own kind
            if _EMOTICON.match(text, at) or (gap and m.start() > 0 and text[m.start() - 1] in "\n"):
                continue
            if _accepted(gap, ok):
                continue
            yield self._finding(m.start(), m.end(), gap, mark, space + mark, lang.name)
        for m in _GUILLEMETS.finditer(text):
            if m.group(1):
                gap, start, end, fix = m.group(2), m.start(), m.end(), "«" + space
            else:
                gap, start, end, fix = m.group(3), m.start(), m.end(), space + "»"
                if start == 0 or text[start - 1] == "\n":
                    continue
            if not _accepted(gap, ok):
                mark = "«" if m.group(1) else "»"
                yield self._finding(start, end, gap, mark, fix, lang.name)

    def _finding(self, start, end, gap, mark, fix, language):
        if gap:
            return self.finding(start, end, f"Ordinary space at '{mark}'; {language} typography wants a "
                                "narrow no-break space there: an ordinary one lets the line break at the mark.", [fix], confidence=0.6)
        return self.finding(start, end, f"No space at '{mark}'; {language} typography wants a narrow "
                            "no-break space there.", [fix], confidence=0.8)
