"""A recurring entity written in mixed styles: US / U.S. / the United States, Macau / Macao."""
from __future__ import annotations

import re
from collections import Counter

from ...findings import Category, Severity
from ...names.data import entity_styles
from ...names.styles import occurrences
from ..registry import Rule, register

# Noun uses written both ways are a mix when the abbreviation comes first ("the US ... the
# United States") or when the text switches back ("the United States ... the US ... the United
# States"); the full name first and the abbreviation after is how abbreviations are introduced.
# In strict mode, where modifiers count too, a switch back is needed.
MIN_SWITCHES = 1
STRICT_MIN_SWITCHES = 2


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
        self._text = doc.text
        # "strict": any mix of full name and abbreviation counts, modifiers included (house styles
        # that always abbreviate or always spell out); default: only noun uses (AP and most guides).
        style = ctx.config.entity_style if ctx is not None else "noun"
        self._strict = style == "strict"
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
            yield self.finding(h[0], h[1], f"'{h[2]}' here, '{major}' elsewhere ({counts}; {what}).",
                               [major], confidence=0.6, entity=entity)

    def _alternative_spellings(self, entity, hits):
        alt = [h for h in hits if h[3] == "alt"]
        if len({h[2] for h in alt}) > 1:
            yield from self._minority(alt, lambda h: h[2], "two spellings of one name", entity)

    def _full_and_short(self, entity, hits):
        # Only noun uses count: "the United States ... US forces" is the usual style (spell out
        # the noun, abbreviate the modifier); "the United States ... the US ... the United States"
        # is not.
        strict = self._strict
        nouns = [h for h in hits if h[3] in ("full", "alt") or strict or role(self._text, h[0], h[1]) == "noun"]
        nouns = [h for h in nouns if not _address(self._text, h[0])]
        seq = [h[3] in ("full", "alt") for h in nouns]
        switches = sum(1 for a, b in zip(seq, seq[1:]) if a != b)
        if switches < (STRICT_MIN_SWITCHES if strict else MIN_SWITCHES):
            return
        if switches == 1 and seq[0] and any(h[3] == "intro" for h in nouns):
            return  # "Kuomintang ... KMT": the full name first is how a less known abbreviation is introduced
        short = [h for h in nouns if h[3] in ("abbr", "dotted", "intro")]
        full = [h for h in nouns if h[3] in ("full", "alt")]
        if len(short) >= len(full):
            suggestion = Counter(h[2] for h in short).most_common(1)[0][0]
            flagged, other = full, short
        else:
            suggestion = Counter(h[2] for h in full).most_common(1)[0][0]
            flagged, other = short, full
        for h in flagged:
            yield self.finding(h[0], h[1], f"'{h[2]}' and '{suggestion}' alternate{'' if strict else ' as the noun'} ({switches} switches; "
                               f"'{suggestion}' ×{len(other)}, '{h[2]}' ×{len(flagged)}).", [suggestion],
                               confidence=0.5, entity=entity)


# Words after an abbreviation that show it stands as a noun ("the US and Japan", "the US said").
_NOUN_FOLLOWERS = frozenset("""and or but is was are were has had have will would may might can could should must
shall did does do said says to in on of for with by at from as than that which who whose also has not itself
announced agreed accused shot sent signed wants warned""".split())


def _address(text: str, start: int) -> bool:
    """'South Carolina, USA': the country line of a place name, not a style choice."""
    return re.search(r"[A-Z][a-z]+,[ \u00a0]*$", text[max(0, start - 30):start]) is not None


def role(text: str, start: int, end: int) -> str:
    """'noun' or 'modifier' for an abbreviation ending at ``end`` ("US forces" is a modifier)."""
    rest = text[end:end + 40]
    if rest[:1] in ("-", "$", "‑") or rest[:2] in ("'s", "’s"):
        return "modifier" if rest[:1] != "'" and rest[:1] != "’" else "noun"
    m = re.match(r"[ \u00a0]+([A-Za-z]+)", rest)
    if not m:
        return "noun"  # punctuation or end of text
    word = m.group(1)
    return "noun" if word.lower() in _NOUN_FOLLOWERS else "modifier"
