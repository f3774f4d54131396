"""Use a sentence-aligned Chinese source to join renderings that spelling cannot join.

"Wang Yanming" and "Wang Yining" are too far apart to be one name by their letters.  But
when the source sentence behind "Wang Yanming" names exactly one person of the family
王 (Wang), and that person's pinyin is "Wang Yining", which the translation uses
elsewhere, both are renderings of one source name.  Needs ``doc.extras["source"]`` and
``doc.extras["segment_alignment"]`` ([((target start, end), (source start, end)), ...]).
"""
from __future__ import annotations

import bisect
from typing import TYPE_CHECKING

from .canonical import _HAN, han_names
from .cluster import Entity
from .compare import family_given, key, name_style
from .data import chinese_surnames, fold

if TYPE_CHECKING:  # pragma: no cover
    from ..document import Document


def _source_person(f, fam: str, source, alignment, starts) -> frozenset[str] | None:
    """Pinyin keys of the one source person of family ``fam`` behind every mention of ``f``, or None."""
    candidates = set()
    for m in f.mentions:
        i = bisect.bisect_right(starts, m.start) - 1
        if i < 0:
            return None
        (_ts, _te), (ss, se) = alignment[i]
        fam_py = chinese_surnames().get(fold(fam), fold(fam))
        found = [(pos, k) for p, pos, k in han_names(source.text[ss:se]) if p == fam_py]
        if len({pos for pos, _ in found}) != 1:
            return None  # no person of that family there, or several: no single rendering
        candidates.add(frozenset(k for _, k in found))
    return next(iter(candidates)) if len(candidates) == 1 else None


def merge_by_source(ents: list[Entity], doc: "Document") -> list[Entity]:
    source = doc.extras.get("source")
    alignment = doc.extras.get("segment_alignment")
    if source is None or not alignment or not _HAN.search(source.text):
        return ents
    starts = [t[0] for t, _ in alignment]
    by_key: dict[str, Entity] = {}
    for e in ents:
        for f in e.spellings:
            by_key.setdefault(key(f.surface), e)
    persons: dict[int, frozenset[str]] = {}
    for e in ents:
        if len(e.spellings) != 1:
            continue
        f = e.spellings[0]
        toks = f.tokens
        if len(toks) < 2 or name_style(toks) != "zh" or not f.is_person:
            continue
        person = _source_person(f, family_given(toks)[0], source, alignment, starts)
        if person and key(f.surface) not in person:
            persons[id(e)] = person  # this spelling is not the source's pinyin
    merged: set[int] = set()

    def absorb(home: Entity, e: Entity) -> None:
        home.spellings.extend(e.spellings)
        home.short.extend(e.short)
        home.given_only.extend(e.given_only)
        home.kind = home.kind or "source"
        merged.add(id(e))

    for e in ents:
        person = persons.get(id(e))
        if person is None or id(e) in merged:
            continue
        # 1. The translation spells the source's name right elsewhere: this is a variant of it.
        homes = {id(by_key[k]): by_key[k] for k in person if k in by_key and by_key[k] is not e}
        if len(homes) == 1:
            absorb(next(iter(homes.values())), e)
            continue
        # 2. Two wrong renderings of the same source person are still one entity.
        for other in ents:
            if other is not e and id(other) not in merged and persons.get(id(other)) == person:
                absorb(e, other)
    return [e for e in ents if id(e) not in merged]
