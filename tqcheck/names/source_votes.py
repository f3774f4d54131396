"""The source's vote on a name's spelling: which of the translation's spellings the source text supports.

Each vote reads the source document and the spellings of one entity and names the spelling it finds
there, or abstains.  They are listed here, in the order they are asked (``VOTES``), rather than
registered from other modules as they are imported: what decides a spelling is read in one place.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Optional

from .compare import key
from .han import _HAN, chinese_source_names, source_place_keys

if TYPE_CHECKING:  # pragma: no cover
    from ..document import Document

# vote(source_document, spellings) -> the spelling the source supports, or None
SourceVote = Callable[["Document", list[str]], Optional[str]]


def chinese_person(source: "Document", spellings: list[str]) -> str | None:
    """The one spelling whose pinyin is a personal name the Chinese source writes (秦刚 -> 'Qin Gang')."""
    if not _HAN.search(source.text):
        return None
    keys = chinese_source_names(source)
    hits = [s for s in spellings if key(s).replace("ü", "v") in keys]
    return hits[0] if len(hits) == 1 else None



def transliterated(source: "Document", spellings: list[str]) -> str | None:
    """Sources without Han characters: the spelling closest to a name in the source.

    Latin-script sources ("Qin Gang" in a Spanish original) are compared as they are,
    other scripts through anyascii (tqcheck.source.names).  Pinyin is left to the
    Chinese votes above: read as pinyin, Korean and Vietnamese names mislead.
    """
    if _HAN.search(source.text):
        return None
    from ..source.names import source_name_candidates

    scored = []
    for spelling in spellings:
        found = source_name_candidates(source, spelling, min_score=0.9, limit=1)
        scored.append((found[0].score if found else 0.0, spelling))
    scored.sort(reverse=True)
    if scored and scored[0][0] >= 0.95 and (len(scored) == 1 or scored[0][0] - scored[1][0] >= 0.05):
        return scored[0][1]
    return None


def chinese_place(source, spellings: list[str]) -> str | None:
    """The one spelling whose pinyin a Chinese source writes (a place: 湖南 -> 'Hunan', not 'Henan')."""
    if not _HAN.search(source.text):
        return None
    keys = source_place_keys(source)
    hits = [s for s in spellings if key(s) in keys]
    return hits[0] if len(hits) == 1 else None


# Asked in this order; the first spelling named wins.
VOTES: tuple[SourceVote, ...] = (chinese_person, transliterated, chinese_place)


def preferred_from_source(source: "Document", spellings: list[str]) -> str | None:
    """The spelling that the source text supports, or None."""
    for vote in VOTES:
        choice = vote(source, spellings)
        if choice:
            return choice
    return None
