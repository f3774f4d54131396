"""A translated sentence much shorter or longer than its source suggests (partial omission or addition)."""
from __future__ import annotations

from ...analysis.source import SourceSide, source_side
from ...findings import Category, Severity
from ..registry import DocumentRule, register

LOW, HIGH = 0.45, 2.2  # target/expected length outside this band is an outlier
MIN_EXPECTED = 40  # expected target characters; shorter pairs vary too much


def _len(text: str) -> int:
    return sum(1 for c in text if not c.isspace())


@register
class SourceLengthRatio(DocumentRule):
    id = "source-length-ratio"
    family = "source"
    category = Category.ACCURACY
    severity = Severity.INFO
    requires = (SourceSide,)
    description = """A translated sentence is far shorter or longer than its source.

    The expected length is the source length times this document pair's own
    target/source length ratio; a sentence under 45 % or over 220 % of it
    probably drops or adds content.
    """
    bad = ("El tren llegó tarde. Nadie sabe por qué se detuvo durante más de una hora en el túnel de la sierra, "
           "sin luz ni aire acondicionado. Los pasajeros protestaron. => The train arrived late. Nobody knows "
           "why. The passengers complained.",)
    good = ("El tren llegó tarde. Nadie sabe por qué se detuvo durante más de una hora en el túnel de la sierra. "
            "Los pasajeros protestaron. => The train arrived late. Nobody knows why it stopped for more than an "
            "hour in the mountain tunnel. The passengers complained.",)

    def check(self, doc, ctx):
        al = source_side(doc, ctx).alignment
        paired = [(b, _len(al.source_text(b)), _len(al.target_text(b))) for b in al.beads if b.src and b.tgt]
        total_s = sum(s for _, s, _ in paired)
        total_t = sum(t for _, _, t in paired)
        if not total_s or not total_t:
            return
        ratio = total_t / total_s
        for bead, ls, lt in paired:
            expected = ls * ratio
            if max(expected, lt) < MIN_EXPECTED:
                continue
            r = lt / expected
            if LOW <= r <= HIGH:
                continue
            s, e = al.target_span(bead)
            what = "shorter" if r < LOW else "longer"
            yield self.finding(s, e, f"translation is {r:.0%} of the length its source suggests; "
                               f"much {what} than expected", confidence=0.4, ratio=round(r, 3))
