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


def vietnamese_person(source: "Document", spellings: list[str]) -> str | None:
    """The Sino-Vietnamese reading of the characters behind a Vietnamese name (阮富仲 -> 'Nguyen Phu Trong').

    Asked before the pinyin vote: a source that writes 阮富仲 where the translation has 'Nguyen Phu Trong'
    and 'Ruan Fuzhong' names a Vietnamese person, whom pinyin misreads.  When no spelling is the reading
    but every spelling is a few letters from it (Nguyen Phu Trung, Nguyen Phu Thong), the reading itself is
    the spelling, without diacritics where the translation writes none.
    """
    from rapidfuzz import fuzz

    from .compare import name_style, tokens
    from .data import strip_marks
    from .sino import vietnamese_source_names

    vi = [s for s in spellings if name_style(tokens(s)) == "vi"]
    if not vi or not _HAN.search(source.text):
        return None
    readings = vietnamese_source_names(source)
    hits = [s for s in vi if key(s) in readings]
    if hits:
        return hits[0] if len({key(s) for s in hits}) == 1 else None
    if len(vi) != len(spellings):
        return None
    near = {r for s in vi for k, r in readings.items() if len(tokens(r)) == len(tokens(s))
            and fuzz.ratio(key(s), k) >= 85}
    if len(near) != 1:
        return None
    reading = next(iter(near))
    return reading if any(strip_marks(s) != s for s in spellings) else strip_marks(reading)


def korean_person(source: "Document", spellings: list[str]) -> str | None:
    """A Korean name against its pinyin: 尹锡悦 behind 'Yoon Suk-yeol' and 'Yin Xiyue' names a Korean, whom
    pinyin misreads.  A spelling is Korean when its given name is not pinyin (suk, yeol); the vote needs one
    such spelling and another that is the pinyin of a name the source writes."""
    from .compare import family_given, name_style, tokens
    from .data import fold, pinyin_syllables

    if not _HAN.search(source.text):
        return None

    def korean(s: str) -> bool:
        toks = tokens(s)
        if name_style(toks) != "ko":
            return False
        syllables = [fold(x) for g in family_given(toks)[1] for x in g.split("-") if x]
        return not all(x in pinyin_syllables() for x in syllables)

    ko = {s for s in spellings if korean(s)}
    keys = chinese_source_names(source)
    if len(ko) == 1 and any(key(s).replace("ü", "v") in keys for s in spellings if s not in ko):
        return next(iter(ko))
    return None


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
VOTES: tuple[SourceVote, ...] = (vietnamese_person, korean_person, chinese_person, transliterated,
                                 chinese_place)


def preferred_from_source(source: "Document", spellings: list[str]) -> str | None:
    """The spelling that the source text supports, or None."""
    for vote in VOTES:
        choice = vote(source, spellings)
        if choice:
            return choice
    return None
