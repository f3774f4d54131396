"""Source-side evidence for how a name should be spelled in the target.

``source_name_candidates(source_doc, target_span_text)`` romanises the Chinese
characters of the source (pinyin, via pypinyin) and returns the source names
that could be the one the target writes as ``target_span_text``, best first.
For "Qing Gang" with 秦刚 in the source it returns "Qin Gang".  Latin-script
sources are compared directly; other scripts are transliterated (anyascii).  The name-consistency check uses the best
candidate to choose the canonical spelling.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from rapidfuzz import fuzz

_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
# Capitalised words in scripts other than Latin and Han (Cyrillic, Greek, ...), or any words in caseless ones.
_OTHER_NAME = re.compile(r"(?:[^\W\d_A-Za-z\u00c0-\u024f\u3400-\u9fff]+[\s-]?){1,3}")
_LATIN_NAME = re.compile(r"\b[A-ZÀ-Þ][\w'’-]*(?:\s+(?:de|da|del|van|von|der|la|le|di|bin|al)?\s*[A-ZÀ-Þ][\w'’-]*)*")


@dataclass(frozen=True)
class NameCandidate:
    spelling: str  # the name as the target should write it ("Qin Gang")
    source_text: str  # what the source writes ("秦刚")
    score: float  # similarity to the target span, 0..1
    start: int  # offset of ``source_text`` in the source document's text


def _key(s: str) -> str:
    s = unicodedata.normalize("NFKD", s)
    return "".join(c for c in s.lower() if c.isalnum())


def _romanise(chars: str) -> list[str]:
    """Pinyin readings of a Chinese name: surname, then the given name as one word ("Xia Liyan")."""
    from pypinyin import Style, lazy_pinyin

    syllables = lazy_pinyin(chars, style=Style.NORMAL, errors="ignore")
    if len(syllables) != len(chars) or not syllables:
        return []
    out = [syllables[0].capitalize() + (" " + "".join(syllables[1:]).capitalize() if len(syllables) > 1 else "")]
    if len(syllables) == 4:  # two-character surnames (欧阳, 司马) or four-character transliterations
        out.append("".join(syllables[:2]).capitalize() + " " + "".join(syllables[2:]).capitalize())
    out.append(" ".join(s.capitalize() for s in syllables))  # place names: "Shan Xi" ~ "Shanxi"
    return out


def _transliterate(text: str) -> str:
    """Latin spelling of a name in another script (Лавров -> Lavrov), via anyascii."""
    from anyascii import anyascii

    return " ".join(w.capitalize() for w in anyascii(text).split())


def source_name_candidates(source_doc, target_span_text: str, within: tuple[int, int] | None = None,
                           min_score: float = 0.75, limit: int = 3) -> list[NameCandidate]:
    """Source names that ``target_span_text`` may render, best first.

    ``source_doc`` is the source Document (or its text); ``within`` limits the
    search to a span of it, e.g. the source sentence aligned with the target
    sentence holding the name (see :func:`tqcheck.source.context.alignment_for`).
    Chinese runs are read as pinyin in every 2–4 character window; Latin-script
    names are compared as they are; other scripts (Cyrillic, Greek, Arabic,
    Hangul, ...) are transliterated with anyascii.  Scores are rapidfuzz ratios of the
    spellings with case, spaces, hyphens and accents ignored.
    """
    text = source_doc if isinstance(source_doc, str) else source_doc.text
    lo, hi = within or (0, len(text))
    want = _key(target_span_text)
    if not want:
        return []
    best: dict[str, NameCandidate] = {}

    def consider(spelling: str, src: str, start: int) -> None:
        score = fuzz.ratio(want, _key(spelling)) / 100
        if score >= min_score and (spelling not in best or best[spelling].score < score):
            best[spelling] = NameCandidate(spelling, src, score, start)

    for m in _HAN_RUN.finditer(text, lo, hi):
        run = m.group(0)
        for size in (2, 3, 4):
            for i in range(len(run) - size + 1):
                chars = run[i:i + size]
                for spelling in _romanise(chars):
                    consider(spelling, chars, m.start() + i)
    for m in _LATIN_NAME.finditer(text, lo, hi):
        consider(m.group(0), m.group(0), m.start())
    for m in _OTHER_NAME.finditer(text, lo, hi):
        words = list(re.finditer(r"[^\W\d_]+", m.group(0)))
        for i in range(len(words)):  # every run of 1-3 words: names sit among ordinary words
            for j in range(i + 1, min(i + 3, len(words)) + 1):
                a, b = m.start() + words[i].start(), m.start() + words[j - 1].end()
                consider(_transliterate(text[a:b]), text[a:b], a)
    ranked = sorted(best.values(), key=lambda c: (-c.score, c.start))
    # One spelling per source text: the best reading of each.
    seen: set[str] = set()
    out = []
    for c in ranked:
        if c.source_text in seen:
            continue
        seen.add(c.source_text)
        out.append(c)
    return out[:limit]
