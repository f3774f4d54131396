"""A space before a comma, full stop or other closing punctuation."""
from __future__ import annotations

import re

from ...findings import Applicability, Category, Severity
from ...languages import profile
from ..registry import DocumentRule, register

# French puts a (narrow) space before ; : ! ? and inside « » by rule (the profile's
# space_before_high_punct; high-punctuation-spacing checks it), so those are only checked where the
# profile has none; , . ) ] are checked everywhere.  The narrow and thin spaces count: a translation
# from French carries them into English copy.
_ALWAYS = re.compile(r"(?<=\S)[ \t\u00a0]+([,.)\]](?![.\d]))")
_NOT_FRENCH = re.compile(r"(?<=\w)[ \t\u00a0\u202f\u2009]+([;:!?])(?!\S)")
# Chinese and Japanese full-width marks never take a space before them, the ideographic space (U+3000)
# included: MT and copy-paste leave "会谈了 。" and "布林肯 ，".  Offered, not applied unattended: in
# MLQE-PE en-zh the MT leaves such spaces in 444 of 1,000 dev sentences and the post-editors kept them in
# 426 (their edits were scored on tokenised text), so applying the fix took corpus TER against their
# post-edits from 47.1 to 66.5 on 200 sentences; the data cannot say what a Chinese copy desk wants.
_FULL_WIDTH = re.compile(r"(?<=\S)[ \t\u00a0\u3000]+([。，、；：！？）」』】])")


@register
class SpaceBeforePunctuation(DocumentRule):
    id = "space-before-punctuation"
    family = "typography"
    category = Category.TYPOGRAPHY
    severity = Severity.WARNING
    description = """Whitespace before a comma, full stop, colon, semicolon, ! or ?.

    Machine translation and copy-paste leave "counterpart , Qing Gang". French
    typography puts a space before ; : ! ? and is not flagged for those.  Chinese
    and Japanese full-width marks (。，、；：！？ and closing brackets) take no space,
    ideographic or not."""
    bad = ("with his Chinese counterpart , Qing Gang.", "They agreed .", "Why ?")
    good = ("with his Chinese counterpart, Qing Gang.", "It rose by .5 points.", "He wrote ... and left.")

    def check(self, doc, ctx):
        spaced = profile(doc.lang).space_before_high_punct is not None
        patterns = [_ALWAYS, _FULL_WIDTH] if spaced else [_ALWAYS, _NOT_FRENCH, _FULL_WIDTH]
        for pattern in patterns:
            for m in pattern.finditer(doc.text):
                start, end = m.start(), m.end()
                yield self.finding(start, end, f"Space before '{m.group(1)}'.", [m.group(1)],
                                   applicability=Applicability.SUGGEST if pattern is _FULL_WIDTH
                                   else Applicability.SAFE)
