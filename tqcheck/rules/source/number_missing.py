"""A number of the source sentence that its translation leaves out."""
from __future__ import annotations

from ...analysis.source import SourceSide, source_side
from ...findings import Category, Severity
from ...source.numbers import extract_numbers, format_number, value_set
from ..registry import DocumentRule, register


@register
class SourceNumberMissing(DocumentRule):
    id = "source-number-missing"
    family = "source"
    category = Category.ACCURACY
    severity = Severity.INFO
    requires = (SourceSide,)
    description = """A number in the source sentence appears nowhere in its translation.

    The whole translated sentence is marked, since the missing number has no
    place in it.  Number words and month names in the target count as present
    ("three", "March"); a number the target replaces with another is reported by
    source-number-mismatch instead.
    """
    bad = ("Se vendieron 1.200 coches en 2022. => Cars sold well in 2022.",)
    good = ("Se vendieron 1.200 coches en 2022. => 1,200 cars were sold in 2022.",
            "Llegaron tres trenes el 3 de marzo. => Three trains arrived on March 3.")

    def check(self, doc, ctx):
        al = source_side(doc, ctx).alignment
        tvals = [value_set(extract_numbers(al.target_text(b), doc.lang)) if b.tgt else set() for b in al.beads]
        for k, bead in enumerate(al.beads):
            if not bead.tgt or not bead.src:
                continue
            near = set().union(*tvals[max(0, k - 1):k + 2])
            target_mentions = extract_numbers(al.target_text(bead), doc.lang, words=False)
            src = [n for n in extract_numbers(al.source_text(bead), al.source.lang, words=False)
                   if n.kind != "code" and (n.text[0].isdigit() or len(n.text) > 1)]
            lost = [n for n in src if not n.matches(near)]
            # A target number of its own is a substitution, reported by source-number-mismatch.
            if not lost or any(not m.matches(set().union(*(s.values for s in src))) and m.kind != "code"
                               for m in target_mentions):
                continue
            ts, te = al.target_span(bead)
            shown = ", ".join(format_number(min(n.values), doc.lang) for n in lost[:4])
            yield self.finding(ts, te, f"the source sentence has {shown}; its translation does not",
                               confidence=0.5, source=al.source_text(bead))
