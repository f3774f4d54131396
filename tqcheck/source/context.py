"""What source-aware rules share within one run: the alignment of each document with its source."""
from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING

from ..align import Alignment, align_documents

if TYPE_CHECKING:  # pragma: no cover
    from ..document import Document
    from ..engine import Context

log = logging.getLogger(__name__)


def source_of(doc: "Document") -> "Document | None":
    return doc.extras.get("source")


def _embedder(ctx: "Context"):
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

    return ctx.resource("align.encoder", build)


def alignment_for(doc: "Document", ctx: "Context | None" = None) -> Alignment:
    """The document's sentence alignment with ``doc.extras["source"]``, computed once per document."""
    cached = doc.extras.get("alignment")
    if isinstance(cached, Alignment):
        return cached
    source = doc.extras["source"]
    al = align_documents(doc, source, _embedder(ctx))
    doc.extras["alignment"] = al
    return al
