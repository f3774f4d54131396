"""Name-order data shipped with the package: family-name lists and romanisation tables."""
from __future__ import annotations

import unicodedata
from functools import lru_cache
from importlib import resources


def _lines(name: str) -> list[str]:
    text = resources.files("tqcheck.data.names").joinpath(name).read_text("utf-8")
    return [ln.rstrip("\n") for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


@lru_cache(maxsize=65536)
def fold(s: str) -> str:
    """Case- and diacritic-insensitive form: 'Nguyễn' -> 'nguyen', 'Đặng' -> 'dang'."""
    s = s.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c)).casefold()


def strip_marks(text: str) -> str:
    """The text without diacritics, case and letters kept: 'José' -> 'Jose', 'Đặng' -> 'Dang'."""
    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


@lru_cache(maxsize=1)
def chinese_surnames() -> dict[str, str]:
    """Romanised Chinese family name (folded) -> its pinyin, including Wade-Giles/Cantonese forms."""
    out: dict[str, str] = {}
    for line in _lines("chinese_surnames.tsv"):
        _hanzi, py = line.split("\t")
        out[py] = py
    for line in _lines("chinese_romanisations.tsv"):
        py, alts = line.split("\t")
        for alt in alts.split():
            out.setdefault(fold(alt), py)
    return out


@lru_cache(maxsize=1)
def common_chinese_surnames(top: int = 150) -> frozenset[str]:
    """Pinyin of the most frequent family names (the list is in order of frequency)."""
    return frozenset(line.split("\t")[1] for line in _lines("chinese_surnames.tsv")[:top])


@lru_cache(maxsize=1)
def chinese_surname_hanzi() -> dict[str, str]:
    """Han characters of a family name -> pinyin (compound surnames included)."""
    return dict(line.split("\t") for line in _lines("chinese_surnames.tsv"))


@lru_cache(maxsize=1)
def korean_surnames() -> frozenset[str]:
    return frozenset(fold(x) for x in _lines("korean_surnames.txt"))


@lru_cache(maxsize=1)
def korean_surname_hanzi() -> dict[str, frozenset[str]]:
    """Romanised Korean family name (folded) -> the Han characters a Chinese text writes it in ('yoon' -> 尹)."""
    out: dict[str, set[str]] = {}
    for line in _lines("korean_surname_hanzi.tsv"):
        chars, spellings = line.split("\t")
        for spelling in spellings.split():
            out.setdefault(fold(spelling), set()).update(chars.split())
    return {k: frozenset(v) for k, v in out.items()}


@lru_cache(maxsize=1)
def vietnamese_surnames() -> frozenset[str]:
    return frozenset(fold(x) for x in _lines("vietnamese_surnames.txt"))


@lru_cache(maxsize=1)
def pinyin_syllables() -> frozenset[str]:
    """Every toneless Hanyu Pinyin syllable, taken from pypinyin's character table."""
    try:
        from pypinyin.constants import PINYIN_DICT
    except ImportError:  # pragma: no cover - pypinyin is a dependency
        return frozenset()
    out = set()
    for readings in PINYIN_DICT.values():
        for r in readings.split(","):
            s = fold(r).replace("ü", "v")
            if s.isalpha() and s.isascii():
                out.add(s)
    # Interjection readings (嗯 ng, 呣 m, 哼 hng) never occur in personal names.
    return frozenset(out - {"ng", "n", "m", "hm", "hng", "ê"})


def pinyin_split(word: str) -> list[str] | None:
    """Split a romanised given name into pinyin syllables ('Jinping' -> ['jin', 'ping']), or None.

    Prefers the split with the fewest syllables; an apostrophe or hyphen is a boundary.
    """
    parts: list[str] = []
    for chunk in fold(word).replace("’", "'").replace("-", "'").split("'"):
        if not chunk:
            continue
        best = _split_cached(chunk)
        if best is None:
            return None
        parts.extend(best)
    return parts or None


@lru_cache(maxsize=4096)
def _split_cached(chunk: str) -> tuple[str, ...] | None:
    syl = pinyin_syllables()
    n = len(chunk)
    best: list[tuple[str, ...] | None] = [None] * (n + 1)
    best[0] = ()
    for i in range(1, n + 1):
        for j in range(max(0, i - 6), i):
            prev = best[j]
            if prev is not None and chunk[j:i] in syl:
                cand = prev + (chunk[j:i],)
                if best[i] is None or len(cand) < len(best[i]):
                    best[i] = cand
    return best[n]


@lru_cache(maxsize=1)
def entity_styles() -> dict[str, list[tuple[str, str]]]:
    """Entity -> [(written form, kind)] for the entity-style rule."""
    out: dict[str, list[tuple[str, str]]] = {}
    for line in _lines("entity_styles.tsv"):
        entity, form, kind = line.split("\t")
        out.setdefault(entity, []).append((form, kind))
    return out
