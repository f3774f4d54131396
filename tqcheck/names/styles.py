"""Where a text writes each form of an entity with house-style variants (US / U.S. / the United States)."""
from __future__ import annotations

import re
from functools import lru_cache

from .data import entity_styles, pinyin_split


@lru_cache(maxsize=1024)
def _pattern(form: str) -> re.Pattern:
    body = re.escape(form).replace(r"\ ", r"[\s\u00a0]+")
    return re.compile(rf"(?<![\w.]){body}(?![\w]|\.\w)")


def occurrences(text: str, entity: str, forms: list[tuple[str, str]] | None = None) -> list[tuple[int, int, str, str]]:
    """(start, end, form, kind) of every written form of the entity (the table's forms unless ``forms``
    is given), longest form first at a place."""
    hits: list[tuple[int, int, str, str]] = []
    taken: list[tuple[int, int]] = []
    for form, kind in sorted(forms if forms is not None else entity_styles()[entity], key=lambda fk: -len(fk[0])):
        if form not in text:
            continue
        for m in _pattern(form).finditer(text):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            if _in_caps_run(text, m.start(), m.end()):
                continue
            taken.append((m.start(), m.end()))
            hits.append((m.start(), m.end(), form, kind))
    return sorted(hits)


def _in_caps_run(text: str, start: int, end: int) -> bool:
    """Inside an all-capitals headline, 'US' says nothing about the house style."""
    around = re.findall(r"[A-Za-z]{3,}", text[max(0, start - 30):start] + " " + text[end:end + 30])
    return len(around) >= 2 and all(w.isupper() for w in around)


# Three letters at least: two-letter capitals are mostly codes (SH for the Shanghai exchange, CN).
_CAPS = re.compile(r"(?<![\w.])([A-Z]{3,5})(?=(?:'s|’s)?(?![\w.]))")
_WORD = re.compile(r"(?<![\w-])[A-Z][a-z]{5,}(?![\w-])")


def syllable_abbreviations(text: str) -> dict[str, list[tuple[str, str]]]:
    """Abbreviations the text makes of a romanised name it also writes in full, from the name's
    syllables ('Kuomintang' ... 'KMT', 'Guomindang' ... 'GMD'), as entity -> [(form, kind)] in the
    shape of the entity-style table.  Such an abbreviation cannot be read off the name as 'CPC' can
    off 'Communist Party of China', so it is kind "intro": it needs introducing.  Names the table
    already knows are left to the table."""
    caps = set(_CAPS.findall(text))
    if not caps:
        return {}
    known = {form for forms in entity_styles().values() for form, _ in forms}
    out: dict[str, list[tuple[str, str]]] = {}
    for word in set(_WORD.findall(text)):
        if word in known:
            continue
        syllables = pinyin_split(word)
        if not syllables or len(syllables) < 3:
            continue
        abbr = "".join(s[0] for s in syllables).upper()
        if abbr in caps and abbr not in known:
            out[word] = [(word, "alt"), (abbr, "intro")]
    return out


def introduced(text: str, abbreviation: str) -> bool:
    """'the Kuomintang (KMT)', 'the Nationalist Party, or KMT': the text says what the abbreviation stands for."""
    a = re.escape(abbreviation)
    return re.search(rf"\(\s*(?:the\s+)?{a}\s*\)|(?:known as|or|called)\s+(?:the\s+)?{a}\b", text) is not None
