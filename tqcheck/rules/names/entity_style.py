"""A recurring entity written in mixed styles: US / U.S. / the United States, Macau / Macao."""
from __future__ import annotations

import re
from collections import Counter

from ...findings import Category, Severity
from ...names.data import entity_styles
from ...names.styles import introduced, occurrences, syllable_abbreviations
from ..registry import DocumentRule, register

# Noun uses written both ways are a mix when the abbreviation comes first ("the US ... the
# United States") or when the text switches back ("the United States ... the US ... the United
# States"); the full name first and the abbreviation after is how abbreviations are introduced.
# In strict mode, where modifiers count too, a switch back is needed.
MIN_SWITCHES = 1
STRICT_MIN_SWITCHES = 2
# A text whose own style is to spell the name out (at least SPELLED_OUT_MIN full uses, more than its
# abbreviations, modifiers included) has no abbreviation style to keep: "US forces" between its
# spelled-out uses is a lapse from the text's style, as "the US" would be, so modifiers count as in
# strict mode (and, as there, a switch back is needed).  MQM raters mark this; AP would allow it, so
# two spelled-out uses and one "US forces" stay fine.  The reverse (an abbreviating text that spells
# the name out now and then) is always acceptable: spelling out is never wrong.
SPELLED_OUT_MIN = 3


@register
class EntityStyle(DocumentRule):
    id = "entity-style"
    family = "names"
    category = Category.NAME
    severity = Severity.INFO
    languages = frozenset({"en"})
    description = """One recurring entity written in mixed styles: 'Macau' and 'Macao', 'the United States' and 'the US'.

    Flags the less frequent spelling when a document mixes two official spellings
    (Macao/Macau, Kyiv/Kiev), and full names or abbreviations when it keeps switching
    between them (the United States ... the US ... the United States ...).  Modifier uses
    ("US forces") count only in strict mode, or in a text whose own style is to spell the name
    out (at least three full uses, more than its abbreviations, the abbreviation between them).
    An abbreviation that needs introducing ("KMT", or one a text makes from a romanised name's
    syllables, "GMD" for Guomindang) is flagged when the text writes the full name but never says
    what the abbreviation stands for ("the Kuomintang (KMT)").  Dotted versus undotted
    abbreviations (US/U.S.) are the abbreviation-style rule."""
    bad = ("Macao's casinos reopened. Visitors to Macau rose by half.",
           "The United States and Japan met. The US said the United States would help. "
           "The US fleet sailed, and the United States paid.",
           "Manila signed a pact with the United States and opened bases to the United States. "
           "US forces will use them, and the Philippines now side with the United States.",
           "The Kuomintang chairman flew to Beijing. The KMT's leaders praised the talks.")
    good = ("The United States and China agreed. US officials said the talks went well.",
            "The U.S. and China agreed. U.S. officials said the talks went well.",
            "The Kuomintang (KMT) chairman flew to Beijing. The KMT's leaders praised the talks.")

    def check(self, doc, ctx):
        self._text = doc.text
        # "strict": any mix of full name and abbreviation counts, modifiers included (house styles
        # that always abbreviate or always spell out); default: only noun uses (AP and most guides).
        style = ctx.config.entity_style if ctx is not None else "noun"
        self._strict = style == "strict"
        # The table's entities, and abbreviations the text makes of a romanised name's syllables.
        entities = {**entity_styles(), **syllable_abbreviations(doc.text)}
        for entity, forms in entities.items():
            hits = occurrences(doc.text, entity, forms)
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
        text = self._text
        hits = [h for h in hits if not _address(text, h[0]) and not _currency(text, h[0], h[1])]
        strict = self._strict
        spelled_out = not strict and _spelled_out(hits)
        nouns = [h for h in hits if h[3] in ("full", "alt") or strict or spelled_out
                 or role(text, h[0], h[1]) == "noun"]
        seq = [h[3] in ("full", "alt") for h in nouns]
        switches = sum(1 for a, b in zip(seq, seq[1:]) if a != b)
        # "Kuomintang (KMT) ... the KMT": the full name first, then the abbreviation it introduces, is
        # the usual style; "Kuomintang ... the KMT", never saying what KMT stands for, is a switch to a
        # name the reader has not been given, and one switch is enough.
        unknown = {h[2] for h in nouns if h[3] == "intro"}
        unintroduced = bool(unknown) and not all(introduced(text, f) for f in unknown)
        needed = 1 if unintroduced else STRICT_MIN_SWITCHES if strict or spelled_out else MIN_SWITCHES
        if switches < needed:
            return
        if switches == 1 and seq[0] and unknown and not unintroduced:
            return
        short = [h for h in nouns if h[3] in ("abbr", "dotted", "intro")]
        full = [h for h in nouns if h[3] in ("full", "alt")]
        # The text's own majority, except that a spelled-out text keeps spelling out and an abbreviation
        # never introduced gives way to the name it stands for.
        if len(short) >= len(full) and not spelled_out and not unintroduced:
            suggestion = Counter(h[2] for h in short).most_common(1)[0][0]
            flagged, other = full, short
        else:
            suggestion = Counter(h[2] for h in full).most_common(1)[0][0]
            flagged, other = short, full
        how = ("" if strict else " in a text that spells the name out" if spelled_out else " as the noun")
        for h in flagged:
            why = (f"'{h[2]}' stands for '{suggestion}' but the text never introduces it ('{suggestion} ({h[2]})')"
                   if h[2] in unknown and unintroduced
                   else f"'{h[2]}' and '{suggestion}' alternate{how}")
            yield self.finding(h[0], h[1], f"{why} ({switches} switch{'es' if switches > 1 else ''}; "
                               f"'{suggestion}' ×{len(other)}, '{h[2]}' ×{len(flagged)}).", [suggestion],
                               confidence=0.5, entity=entity)


# Words after an abbreviation that show it stands as a noun ("the US and Japan", "the US said").
_NOUN_FOLLOWERS = frozenset("""and or but is was are were has had have will would may might can could should must
shall did does do said says to in on of for with by at from as than that which who whose also has not itself
announced agreed accused shot sent signed wants warned""".split())


def _spelled_out(hits) -> bool:
    full = sum(h[3] in ("full", "alt") for h in hits)
    return full >= SPELLED_OUT_MIN and full > len(hits) - full


def _currency(text: str, start: int, end: int) -> bool:
    """'US$20 billion', 'US dollars': the currency's own name, which no style spells out."""
    return re.match(r"\$|[ \u00a0]+dollars?\b", text[end:end + 9]) is not None


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
