"""A subheading run into the end of the previous paragraph."""
from __future__ import annotations

import re

from ...findings import Category, Severity
from ..registry import DocumentRule, register

_END = re.compile(r"[.!?…。！？][\"'”’»)]*$")
_WORD = re.compile(r"[^\W\d_][\w'’-]*")


@register
class RunInHeading(DocumentRule):
    id = "run-in-heading"
    family = "typography"
    category = Category.STYLE
    severity = Severity.WARNING
    description = """A short unpunctuated phrase after the last full stop of a paragraph.

    When a layout is flattened, a subheading ("New Biden-Xi meeting") ends up
    glued to the paragraph before it.  The suggestion puts it on its own line."""
    bad = ("Blinken was scheduled to visit China in February but changed plans. New Biden-Xi meeting\n\n"
           "Biden said he looks forward to meeting Xi.",)
    good = ("Blinken was scheduled to visit China in February but changed plans.\n\nNew Biden-Xi meeting\n\n"
            "Biden said he looks forward to meeting Xi.",
            "He left at noon. Then he came back.\n\nThe talks went on.",)

    def check(self, doc, ctx):
        for inside in doc.sentences_by_paragraph()[:-1]:
            if len(inside) < 2:
                continue
            last_start, last_end = inside[-1]
            last = doc.text[last_start:last_end]
            before = doc.text[inside[-2][0]:inside[-2][1]]
            words = _WORD.findall(last)
            if _END.search(last) or not _END.search(before) or not (1 <= len(words) <= 8):
                continue
            # A heading starts with a capital and is not a clause ending in a comma/colon.
            if not last[0].isupper() or last.rstrip()[-1] in ",:;":
                continue
            gap_start = inside[-2][1]
            yield self.finding(gap_start, last_end, f"'{last}' looks like a subheading run into this paragraph.",
                               ["\n\n" + last], confidence=0.75)
