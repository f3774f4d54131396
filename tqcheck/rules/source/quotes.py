"""A quotation in the source that the translation does not mark as one."""
from __future__ import annotations

import re

from ...analysis.source import SourceSide, source_side
from ...findings import Category, Severity
from ..registry import DocumentRule, register

# Opening/closing pairs across languages; straight quotes count when they come in pairs.
_QUOTED = re.compile(r"“[^”]{2,}”|‘[^’]{2,}’|«[^»]{2,}»|»[^«]{2,}«|„[^“”]{2,}[“”]|「[^」]{2,}」|『[^』]{2,}』|"
                     r"\"[^\"]{2,}\"|‹[^›]{2,}›")
_ANY_QUOTE = re.compile(r"[\"“”‘’«»„「」『』‹›]|(?<![A-Za-z])'|'(?![A-Za-z])")


@register
class SourceQuoteMissing(DocumentRule):
    id = "source-quote-missing"
    family = "source"
    category = Category.TYPOGRAPHY
    severity = Severity.INFO
    requires = (SourceSide,)
    description = """The source sentence quotes someone; its translation has no quotation marks.

    Dropping the marks turns a quotation into the writer's own words.  Reported
    on the translated sentence.
    """
    bad = ("«Es un día histórico», dijo la ministra. => It is a historic day, the minister said.",
           "他表示：“这是历史性的一天。” => He said this was a historic day.")
    good = ("«Es un día histórico», dijo la ministra. => “It is a historic day,” the minister said.",
            "El día fue histórico, dijo la ministra. => It was a historic day, the minister said.")

    def check(self, doc, ctx):
        al = source_side(doc, ctx).alignment
        for bead in al.beads:
            if not bead.src or not bead.tgt:
                continue
            quoted = _QUOTED.findall(al.source_text(bead))
            if not quoted:
                continue
            s, e = al.target_span(bead)
            if _ANY_QUOTE.search(doc.text, s, e):
                continue
            q = quoted[0] if len(quoted[0]) <= 60 else quoted[0][:57] + "..."
            yield self.finding(s, e, f"the source quotes {q}; the translation has no quotation marks",
                               confidence=0.5)
