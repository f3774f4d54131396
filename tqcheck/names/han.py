"""What a Chinese source text writes: the pinyin keys of its personal names and of its places.

Analyses of the source document (kept on it, read by the name ledger's source evidence).
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..analysis.declared import analysis
from .data import chinese_surname_hanzi

if TYPE_CHECKING:  # pragma: no cover
    from ..document import Document

_HAN = re.compile(r"[\u4e00-\u9fff]{2,}")


def han_names(text: str) -> list[tuple[str, int, str]]:
    """(family pinyin, offset, full pinyin key) of each family-name-led run of 2-3 Han characters.

    A run that starts with a family name gives candidates with one- and two-character given
    names; they are only matched against spellings in the translation, so over-generating
    costs nothing.  秦刚 -> ("qin", offset, "qingang").
    """
    try:
        from pypinyin import lazy_pinyin
    except ImportError:  # pragma: no cover
        return []
    surnames = chinese_surname_hanzi()
    out = []
    for m in _HAN.finditer(text):
        run = m.group(0)
        for i in range(len(run) - 1):
            for fam_len in (2, 1):
                fam = run[i:i + fam_len]
                if fam not in surnames:
                    continue
                for given_len in (2, 1):
                    given = run[i + fam_len:i + fam_len + given_len]
                    if len(given) == given_len:
                        out.append((surnames[fam], m.start() + i,
                                    surnames[fam] + "".join(lazy_pinyin(given)).replace("ü", "v")))
    return out


@analysis()
class ChineseSourceNames(frozenset):
    """Pinyin keys of the Chinese personal names in a source text (an analysis of the source document)."""


def chinese_source_names(source: "Document") -> frozenset[str]:
    """Pinyin keys of the Chinese personal names in a source text: 秦刚 -> 'qingang'."""
    return source.analysis(ChineseSourceNames, lambda: ChineseSourceNames(k for _, _, k in han_names(source.text)))


def han_runs(text: str, lo: int = 2, hi: int = 4) -> set[str]:
    """Every run of lo..hi Han characters in the text (candidate transliterations)."""
    out = set()
    for m in _HAN.finditer(text):
        run = m.group(0)
        for n in range(lo, hi + 1):
            out.update(run[i:i + n] for i in range(len(run) - n + 1))
    return out


# Official spellings that are not plain toneless pinyin.
_PLACE_PINYIN = {"陕西": "shaanxi"}


def place_keys(text: str) -> set[str]:
    """Pinyin keys of every run of 2-4 Han characters of a source sentence."""
    from pypinyin import lazy_pinyin

    out = set()
    for run in han_runs(text, 2, 4):
        out.add(_PLACE_PINYIN.get(run) or "".join(lazy_pinyin(run)).replace("ü", "v"))
        if run[-1] in "省市县区州" and len(run) > 2:  # 湖南省 -> hunan (the spelling drops "province")
            out.add("".join(lazy_pinyin(run[:-1])).replace("ü", "v"))
    return out


@analysis()
class SourcePlaceKeys(frozenset):
    """Pinyin keys of the place names a Chinese source writes (an analysis of the source document)."""


def source_place_keys(source: "Document") -> frozenset[str]:
    return source.analysis(SourcePlaceKeys, lambda: SourcePlaceKeys(place_keys(source.text)))
