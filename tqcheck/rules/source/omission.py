"""A source sentence with no translation."""
from __future__ import annotations

from ...analysis.source import SourceSide, source_side
from ...findings import Category, Severity
from ..registry import DocumentRule, register

MIN_CHARS = 12  # bylines, "(完)" and headings this short are often dropped on purpose


def _size(text: str) -> int:
    # Count a CJK character as two letters, so short Chinese sentences are not ignored.
    return sum(2 if "\u3400" <= c <= "\u9fff" else 1 for c in text if not c.isspace())


@register
class SourceOmission(DocumentRule):
    id = "source-omission"
    family = "source"
    category = Category.ACCURACY
    severity = Severity.WARNING
    requires = (SourceSide,)
    description = """A source sentence has no counterpart in the translation (omission).

    The sentence alignment pairs every source sentence with target sentences;
    one left alone is reported at the place where its translation would be.
    """
    bad = ("El tren llegó tarde. Nadie sabe por qué se detuvo durante una hora en el túnel. Los pasajeros "
           "protestaron. => The train arrived late. The passengers complained.",)
    good = ("El tren llegó tarde. Nadie sabe por qué se detuvo durante una hora en el túnel. Los pasajeros "
            "protestaron. => The train arrived late. Nobody knows why it stopped for an hour in the tunnel. "
            "The passengers complained.",)

    def check(self, doc, ctx):
        al = source_side(doc, ctx).alignment
        last_end = 0
        for k, bead in enumerate(al.beads):
            if bead.tgt:
                last_end = al.target_span(bead)[1]
                continue
            text = al.source_text(bead)
            if _size(text) < MIN_CHARS:
                continue
            nxt = next((al.target_span(b)[0] for b in al.beads[k + 1:] if b.tgt), None)
            at = last_end if last_end or nxt is None else nxt
            shown = text if len(text) <= 90 else text[:87] + "..."
            yield self.finding(at, at, f"source sentence not translated: {shown!r}", confidence=0.6,
                               source=text)
