"""A recurring entity written in mixed styles: US / U.S. / the United States, Macau / Macao."""
from __future__ import annotations

import re
from collections import Counter

from ...findings import Category, Severity
from ...names.data import entity_styles
from ..registry import Rule, register

# Switching between the full name and its abbreviation this many times reads as inconsistency;
# one full form after the abbreviation (a reminder, a formal sentence) does not.
MIN_SWITCHES = 2


def _pattern(form: str) -> re.Pattern:
    body = re.escape(form).replace(r"\ ", r"[\s\u00a0]+")
    return re.compile(rf"(?<![\w.]){body}(?![\w]|\.\w)")


_PATTERNS = {form: _pattern(form) for forms in entity_styles().values() for form, _ in forms}


def occurrences(text: str, entity: str) -> list[tuple[int, int, str, str]]:
    """(start, end, form, kind) of every written form of the entity, longest form first at a place."""
    hits: list[tuple[int, int, str, str]] = []
    taken: set[int] = set()
    for form, kind in sorted(entity_styles()[entity], key=lambda fk: -len(fk[0])):
        for m in _PATTERNS[form].finditer(text):
            if any(i in taken for i in range(m.start(), m.end())):
                continue
            if _in_caps_run(text, m.start(), m.end()):
                continue
            taken.update(range(m.start(), m.end()))
            hits.append((m.start(), m.end(), form, kind))
    return sorted(hits)


def _in_caps_run(text: str, start: int, end: int) -> bool:
    """Inside an all-capitals headline, 'US' says nothing about the house style."""
    around = re.findall(r"[A-Za-z]{3,}", text[max(0, start - 30):start] + " " + text[end:end + 30])
    return len(around) >= 2 and all(w.isupper() for w in around)


@register
class EntityStyle(Rule):
    id = "entity-style"
    family = "names"
    category = Category.NAME
    severity = Severity.INFO
    languages = frozenset({"en"})
    description = """One recurring entity written in mixed styles: 'Macau' and 'Macao', 'the United States' and 'the US'.

    Flags the less frequent spelling when a document mixes two official spellings
    (Macao/Macau, Kyiv/Kiev), and full names or abbreviations when it keeps switching
    between them (the United States ... the US ... the United States ...).  Dotted versus
    undotted abbreviations (US/U.S.) are the abbreviation-style rule."""
    bad = ("Macao's casinos reopened. Visitors to Macau rose by half.",
           "The United States and Japan met. The US said the United States would help. "
           "The US fleet sailed, and the United States paid.")
    good = ("The United States and China agreed. US officials said the talks went well.",
            "The U.S. and China agreed. U.S. officials said the talks went well.")

    def check(self, doc, ctx):
        for entity in entity_styles():
            hits = occurrences(doc.text, entity)
            if len(hits) < 2:
                continue
            yield from self._alternative_spellings(entity, hits)
            yield from self._full_and_short(entity, hits)

    def _minority(self, hits, style_of, what: str, entity: str):
        styles = Counter(style_of(h) for h in hits)
        if len(styles) < 2:
            return
        order = {s: min(h[0] for h in hits if style_of(h) == s) for s in styles}
        major = max(styles, key=lambda s: (styles[s], -order[s]))
        counts = ", ".join(f"'{s}' ×{n}" for s, n in styles.most_common())
        for h in hits:
            style = style_of(h)
            if style == major:
                continue
            suggestion = major if h[3] != "full" or h[2] == major else major
            yield self.finding(h[0], h[1], f"{entity} is written '{major}' elsewhere ({counts}; {what}).",
                               [suggestion], confidence=0.6, entity=entity)

    def _alternative_spellings(self, entity, hits):
        alt = [h for h in hits if h[3] == "alt"]
        if len({h[2] for h in alt}) > 1:
            yield from self._minority(alt, lambda h: h[2], "two spellings of one name", entity)

    def _full_and_short(self, entity, hits):
        seq = [h[3] in ("full", "alt") for h in hits]
        switches = sum(1 for a, b in zip(seq, seq[1:]) if a != b)
        if switches < MIN_SWITCHES:
            return
        short = Counter(h[2] for h in hits if h[3] in ("abbr", "dotted"))
        full = [h for h in hits if h[3] in ("full", "alt")]
        n_short = sum(short.values())
        if n_short >= len(full):
            suggestion = short.most_common(1)[0][0]
            for h in full:
                yield self.finding(h[0], h[1], f"'{h[2]}' alternates with '{suggestion}' ({switches} switches; "
                                   f"'{suggestion}' ×{n_short}, '{h[2]}' ×{len(full)}).", [suggestion],
                                   confidence=0.5, entity=entity)
        else:
            for h in hits:
                if h[3] in ("abbr", "dotted"):
                    yield self.finding(h[0], h[1], f"'{h[2]}' alternates with '{entity}' ({switches} switches; "
                                       f"'{entity}' ×{len(full)}, abbreviated ×{n_short}).", [entity],
                                       confidence=0.5, entity=entity)
