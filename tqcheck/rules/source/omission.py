"""A source sentence with no translation."""
from __future__ import annotations

import bisect

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
        paragraph_starts = [s for s, _ in doc.source.paragraphs]

        def paragraph(offset: int) -> int:
            return bisect.bisect_right(paragraph_starts, offset) - 1

        last_end, last_source = 0, None
        for k, bead in enumerate(al.beads):
            if bead.tgt:
                last_end = al.target_span(bead)[1]
                last_source = al.source_span(bead)
                continue
            text = al.source_text(bead)
            if _size(text) < MIN_CHARS:
                continue
            nxt = next((al.target_span(b)[0] for b in al.beads[k + 1:] if b.tgt), None)
            # Where its translation would be: after the sentence before it, unless the missing one opens a
            # new paragraph of the source, whose translation then starts with it.
            opens = last_source is not None and paragraph(last_source[0]) != paragraph(al.source_span(bead)[0])
            at = nxt if nxt is not None and (not last_end or opens) else last_end
            shown = text if len(text) <= 90 else text[:87] + "..."
            yield self.finding(at, at, f"source sentence not translated: {shown!r}", confidence=0.6,
                               source=text)
