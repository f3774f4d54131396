"""A target sentence with no source counterpart."""
from __future__ import annotations

from ...analysis.source import SourceSide, source_side
from ...findings import Category, Severity
from ..registry import DocumentRule, register

MIN_CHARS = 20


@register
class SourceAddition(DocumentRule):
    id = "source-addition"
    family = "source"
    category = Category.ACCURACY
    severity = Severity.WARNING
    requires = (SourceSide,)
    description = """A target sentence has no counterpart in the source (addition).

    The sentence alignment pairs every target sentence with source sentences;
    one left alone was added by the translator or the MT system.
    """
    bad = ("El tren llegó tarde. Los pasajeros protestaron. => The train arrived late. The railway company "
           "has promised a full refund to everyone on board. The passengers complained.",)
    good = ("El tren llegó tarde. Los pasajeros protestaron. => The train arrived late. The passengers "
            "complained.",)

    def check(self, doc, ctx):
        al = source_side(doc, ctx).alignment
        for bead in al.beads:
            if bead.src or not bead.tgt:
                continue
            s, e = al.target_span(bead)
            if len(doc.text[s:e].strip()) < MIN_CHARS:
                continue
            yield self.finding(s, e, "this sentence has no counterpart in the source", confidence=0.6)
