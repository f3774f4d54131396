"""The name ledger of a document: its entities, their spellings, and the spelling chosen."""
from __future__ import annotations

from typing import TYPE_CHECKING

from .canonical import choose
from .cluster import Entity, cluster
from .mentions import extract_mentions
from .source_align import merge_by_source, merge_transliterations

if TYPE_CHECKING:  # pragma: no cover
    from ..document import Document
    from ..engine import Context


def entities(doc: "Document", ctx: "Context | None" = None) -> list[Entity]:
    """Entities of a document with their canonical spelling, computed once per document."""
    cached = doc.extras.get("_name_entities")
    if cached is not None:
        return cached
    ents = merge_transliterations(merge_by_source(cluster(extract_mentions(doc, ctx), doc.lang), doc), doc)
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


def corpus_ledger(docs: "list[Document]", ctx: "Context | None" = None, min_mentions: int = 1) -> list[dict]:
    """One row per entity across all documents: its spellings with counts and files, the chosen one.

    Entities of different files join when their chosen spellings are one entity
    (same_entity); the corpus spelling is the one used by most files, then most often.
    """
    from collections import Counter, defaultdict

    from .compare import same_entity

    rows: list[dict] = []
    for doc in docs:
        for e in entities(doc, ctx):
            for row in rows:
                if same_entity(row["entity"], e.canonical, doc.lang) or row["entity"] == e.canonical:
                    break
            else:
                row = {"entity": e.canonical, "_spellings": defaultdict(lambda: {"count": 0, "files": set()}),
                       "_files": Counter(), "_why": []}
                rows.append(row)
            for f in e.spellings + e.short + [f for f, _ in e.short_variants] + [f for f, _ in e.given_only]:
                sp = row["_spellings"][f.surface]
                sp["count"] += f.count
                sp["files"].add(doc.path)
            row["_files"][e.canonical] += 1
            if e.has_variants or e.given_only:
                row["_why"].append(f"{doc.path}: {'; '.join(e.evidence)} ({e.decided_by})")
    out = []
    for row in rows:
        spellings = row["_spellings"]
        total = sum(s["count"] for s in spellings.values())
        if total < min_mentions:
            continue
        chosen = max(row["_files"], key=lambda s: (row["_files"][s], spellings[s]["count"] if s in spellings else 0))
        n_files = len({p for s in spellings.values() for p in s["files"]})
        why = row["_why"] or ([f"used in {row['_files'][chosen]} of {n_files} file(s)"] if n_files > 1 else
                              ["only spelling"])
        out.append({
            "entity": chosen,
            "mentions": total,
            "spellings": [{"spelling": s, "count": v["count"], "files": sorted(v["files"])}
                          for s, v in sorted(spellings.items(), key=lambda kv: -kv[1]["count"])],
            "consistent": len(row["_files"]) == 1 and not row["_why"],
            "why": why,
        })
    return out
