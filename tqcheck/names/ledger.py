"""The name ledger of a document: its entities, their spellings, and the spelling chosen."""
from __future__ import annotations

from typing import TYPE_CHECKING

from .canonical import choose
from .cluster import Entity, cluster
from .mentions import extract_mentions

if TYPE_CHECKING:  # pragma: no cover
    from ..document import Document
    from ..engine import Context


def entities(doc: "Document", ctx: "Context | None" = None) -> list[Entity]:
    """Entities of a document with their canonical spelling, computed once per document."""
    cached = doc.extras.get("_name_entities")
    if cached is not None:
        return cached
    ents = cluster(extract_mentions(doc, ctx), doc.lang)
    for e in ents:
        choose(e, doc, ctx)
    doc.extras["_name_entities"] = ents
    # Where renderers find it (the engine copies report_extras into the file's result).
    doc.extras.setdefault("report_extras", {})["names"] = ledger_rows(ents)
    return ents


def ledger_rows(ents: list[Entity], min_mentions: int = 1) -> list[dict]:
    rows = []
    for e in ents:
        n = len(e.mentions)
        if n < min_mentions:
            continue
        spellings = [{"spelling": f.surface, "count": f.count} for f in e.spellings]
        spellings += [{"spelling": f.surface, "count": f.count, "short_form": True} for f in e.short]
        spellings += [{"spelling": f.surface, "count": f.count, "misspelt_short_form": True}
                      for f, _ in e.short_variants]
        spellings += [{"spelling": f.surface, "count": f.count, "given_name_alone": True} for f, _ in e.given_only]
        rows.append({
            "entity": e.canonical,
            "mentions": n,
            "spellings": spellings,
            "consistent": not e.has_variants and not e.given_only,
            "decided_by": e.decided_by,
            "evidence": "; ".join(e.evidence),
        })
    return rows
