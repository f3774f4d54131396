"""The source side of a document: the source text and one alignment of it with the target.

Whatever produced the pairing (a bilingual file's units, the sentence aligner behind ``--source``,
or the evaluation's gold segments, which arrive as units), every source-aware check reads this one
object: the numbers and omission rules read its sentence beads, the name checks its segments.
"""
from __future__ import annotations

import bisect
import logging
import os
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from ..align import Alignment, align_documents
from ..context import Resource
from .declared import Needs, analysis

if TYPE_CHECKING:  # pragma: no cover
    from ..context import Context
    from ..document import Document

log = logging.getLogger(__name__)
Span = tuple[int, int]


@analysis(needs=[Needs.SOURCE])
@dataclass
class SourceSide:
    document: "Document"
    alignment: Alignment
    _starts: list[int] = field(default_factory=list, repr=False)

    @property
    def text(self) -> str:
        return self.document.text

    @cached_property
    def segments(self) -> list[tuple[Span, Span]]:
        """(target span, source span) of each bead with both sides, in target order."""
        out = []
        for bead in self.alignment.beads:
            t, s = self.alignment.target_span(bead), self.alignment.source_span(bead)
            if t is not None and s is not None:
                out.append((t, s))
        out.sort()
        self._starts = [t[0] for t, _ in out]
        return out

    def segment_at(self, offset: int) -> int | None:
        """Index (into ``segments``) of the segment whose target side holds ``offset``, or None."""
        segs = self.segments
        i = bisect.bisect_right(self._starts, offset) - 1
        if i < 0 or offset >= segs[i][0][1]:
            return None
        return i

    def source_text_of(self, i: int) -> str:
        s, e = self.segments[i][1]
        return self.document.text[s:e]


# The sentence encoder's embed function (multilingual-e5-small), or None when it cannot be had.
SENTENCE_ENCODER: Resource = Resource("sentence encoder")


def _embedder(ctx: "Context | None"):
    """The sentence encoder's ``embed`` when the model may be used and is installed, else None."""
    if ctx is None or not ctx.use_model or os.environ.get("TQCHECK_ALIGN_ENCODER", "1") == "0":
        return None

    def build():
        try:
            from ..align.encoder import load_encoder

            return load_encoder(device=ctx.device).embed
        except Exception as exc:  # not installed, or failed to load: the length+anchor aligner still works
            log.info("sentence encoder unavailable (%s); aligning by length and anchors", exc)
            return None

    return ctx.resource(SENTENCE_ENCODER, build)


def source_side(doc: "Document", ctx: "Context | None" = None) -> SourceSide | None:
    """The document's source side, aligned once per document; None without a source."""
    if doc.source is None:
        return None
    return doc.analysis(SourceSide, lambda: SourceSide(doc.source, align_documents(doc, doc.source, _embedder(ctx))))
