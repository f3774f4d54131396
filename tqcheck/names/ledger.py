"""The name ledger: a document's entities, their spellings with counts and offsets, the spelling chosen
and the typed reasons for it.  The name rules, ``tqcheck names``, the JSON and the HTML report all read it.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .canonical import choose
from .cluster import cluster
from .entity import Entity, Reason
from .mentions import extract_mentions
from .model_evidence import merge_by_model
from .source_align import merge_by_characters, merge_by_source, merge_places_by_source, merge_transliterations
from ..analysis.declared import analysis
from ..analysis.parse import Parse
from ..analysis.source import SourceSide, source_side
from .mentions import Mentions

if TYPE_CHECKING:  # pragma: no cover
    from ..context import Context
    from ..document import Document

# How a spelling stands in its entity (the v1 JSON writes each as a flag on the spelling).
FULL, SHORT, MISSPELT_SHORT, GIVEN_ALONE = "full", "short_form", "misspelt_short_form", "given_name_alone"


@dataclass
class Spelling:
    text: str
    count: int
    role: str = FULL
    offsets: list[tuple[int, int]] = field(default_factory=list)
    files: list[str] = field(default_factory=list)  # in a corpus ledger: the files that use it

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"spelling": self.text, "count": self.count}
        if self.role != FULL:
            out[self.role] = True
        if self.offsets:
            out["offsets"] = [list(o) for o in self.offsets]
        if self.files:
            out["files"] = list(self.files)
        return out


@dataclass
class LedgerEntry:
    """One entity as a reader sees it: the chosen spelling, every spelling used, and why."""

    chosen: str
    mentions: int
    spellings: list[Spelling]
    consistent: bool
    decided_by: str
    reasons: list[Reason]

    @property
    def why(self) -> str:
        return "; ".join(r.text for r in self.reasons)

    def to_dict(self) -> dict[str, Any]:
        # The v1 shape ("evidence" as one string), plus the typed reasons (an additive field).
        return {"entity": self.chosen, "mentions": self.mentions,
                "spellings": [s.to_dict() for s in self.spellings], "consistent": self.consistent,
                "decided_by": self.decided_by, "evidence": self.why,
                "reasons": [{"kind": r.kind, "text": r.text} for r in self.reasons]}


def _spellings(e: Entity) -> list[Spelling]:
    forms = [(f, FULL) for f in e.spellings] + [(f, SHORT) for f in e.short]
    forms += [(f, MISSPELT_SHORT) for f, _ in e.short_variants] + [(f, GIVEN_ALONE) for f, _ in e.given_only]
    return [Spelling(f.surface, f.count, role, sorted((m.start, m.end) for m in f.mentions)) for f, role in forms]


@analysis(reads=[Mentions, Parse, SourceSide])
@dataclass
class NameLedger:
    """The entities of one document (``entities`` are what the rules read; ``entries`` what readers see)."""

    entities: list[Entity]

    def entries(self, min_mentions: int = 1) -> list[LedgerEntry]:
        return [LedgerEntry(e.canonical, len(e.mentions), _spellings(e), not e.has_variants and not e.given_only,
                            e.decided_by, list(e.evidence))
                for e in self.entities if len(e.mentions) >= min_mentions]

    def settle(self, doc, outcome) -> None:
        """Once the document's rules have run: the report's names table."""
        outcome.names = self.entries()


def _model(ctx: "Context"):
    from ..lm import get_language_model

    return get_language_model(ctx)


def name_ledger(doc: "Document", ctx: "Context | None" = None) -> NameLedger:
    """The document's ledger, computed once: mentions, clusters, source merges, chosen spellings."""

    def build() -> NameLedger:
        side = source_side(doc, ctx)
        ents = cluster(extract_mentions(doc, ctx), doc.lang, doc)
        if side is not None:
            ents = merge_by_characters(merge_by_source(ents, side), side)
            ents = merge_places_by_source(merge_transliterations(ents, side), side)
        if ctx is not None and ctx.use_model and (lm := _model(ctx)) is not None:
            ents = merge_by_model(ents, doc, lm)
        for e in ents:
            choose(e, doc, ctx)
        return NameLedger(ents)

    return doc.analysis(NameLedger, build)


def corpus_ledger(files: "list[tuple[str, str, list[LedgerEntry]]]", min_mentions: int = 1) -> list[LedgerEntry]:
    """One entry per entity across all files, from each file's (path, language, ledger entries): its
    spellings with counts and files, and the chosen one.

    Built from the per-file entries (which the results cache keeps), so a corpus ledger costs no name
    work on unchanged files.  Entries of different files join when their chosen spellings are one entity
    (same_entity, compared only within a blocking key); the corpus spelling is the one used by most
    files, then most often.
    """
    from collections import defaultdict

    from ..names.compare import blocking_keys, same_entity

    groups: list[dict] = []
    by_block: dict[str, list[dict]] = defaultdict(list)
    for path, lang, entries in files:
        for e in entries:
            candidates = {id(g): g for b in blocking_keys(e.chosen) for g in by_block[b]}
            g = next((g for g in sorted(candidates.values(), key=lambda g: g["order"])
                      if g["entity"] == e.chosen or same_entity(g["entity"], e.chosen, lang)), None)
            if g is None:
                g = {"entity": e.chosen, "order": len(groups), "spellings": {}, "files": Counter(), "why": []}
                groups.append(g)
                for b in blocking_keys(e.chosen):
                    by_block[b].append(g)
            for sp in e.spellings:
                count, paths = g["spellings"].get(sp.text, (0, set()))
                paths.add(path)
                g["spellings"][sp.text] = (count + sp.count, paths)
            g["files"][e.chosen] += 1
            if not e.consistent:
                g["why"].append(Reason(e.decided_by or "evidence", f"{path}: {e.why} ({e.decided_by})"))
    out = []
    for g in groups:
        spellings = g["spellings"]
        total = sum(c for c, _ in spellings.values())
        if total < min_mentions:
            continue
        chosen = max(g["files"], key=lambda s: (g["files"][s], spellings[s][0] if s in spellings else 0))
        n_files = len({p for _, paths in spellings.values() for p in paths})
        why = g["why"] or [Reason("files", f"used in {g['files'][chosen]} of {n_files} file(s)") if n_files > 1
                           else Reason("only", "only spelling")]
        out.append(LedgerEntry(
            chosen, total,
            [Spelling(s, c, files=sorted(paths)) for s, (c, paths) in sorted(spellings.items(), key=lambda kv: -kv[1][0])],
            len(g["files"]) == 1 and not g["why"], "corpus", why))
    return out
