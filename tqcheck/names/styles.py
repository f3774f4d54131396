"""Where a text writes each form of an entity with house-style variants (US / U.S. / the United States)."""
from __future__ import annotations

import re

from .data import entity_styles


def _pattern(form: str) -> re.Pattern:
    body = re.escape(form).replace(r"\ ", r"[\s\u00a0]+")
    return re.compile(rf"(?<![\w.]){body}(?![\w]|\.\w)")


_PATTERNS = {form: _pattern(form) for forms in entity_styles().values() for form, _ in forms}


def occurrences(text: str, entity: str) -> list[tuple[int, int, str, str]]:
    """(start, end, form, kind) of every written form of the entity, longest form first at a place."""
    hits: list[tuple[int, int, str, str]] = []
    taken: list[tuple[int, int]] = []
    for form, kind in sorted(entity_styles()[entity], key=lambda fk: -len(fk[0])):
        if form not in text:
            continue
        for m in _PATTERNS[form].finditer(text):
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
