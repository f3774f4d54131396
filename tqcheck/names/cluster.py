"""Group a document's name mentions into entities: spellings, short forms, variants."""
from __future__ import annotations

from dataclasses import dataclass, field

from .compare import (
    close_word,
    family_given,
    key,
    name_style,
    same_entity,
    same_family,
    tokens,
)
from .data import chinese_surnames, fold, korean_surnames
from .mentions import Mention

# Nationality adjectives and the like are not names whose spelling drifts.
SKIP_LABELS = {"NORP"}
# Lower-case words that may sit inside a name ("Bank of China", "Charles de Gaulle").
CONNECTORS = {"of", "and", "the", "for", "de", "du", "des", "da", "di", "van", "von", "der", "den", "la", "le",
              "al", "el", "bin", "ibn", "y", "&", "on", "in", "at", "to"}


@dataclass
class Form:
    """One written spelling and where it occurs."""

    surface: str
    mentions: list[Mention] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.mentions)

    @property
    def first(self) -> int:
        return min(m.start for m in self.mentions)

    @property
    def tokens(self) -> list[str]:
        return tokens(self.surface)

    @property
    def key(self) -> str:
        return key(self.surface)

    @property
    def is_tagged(self) -> bool:
        """Found by the NER model (not only by the capitalised-word fallback)."""
        return any(m.label != "CAP" for m in self.mentions) or not self.mentions

    @property
    def is_person(self) -> bool:
        return any(m.label == "PERSON" for m in self.mentions)


@dataclass(frozen=True)
class Reason:
    """One piece of evidence for a spelling: its kind (counts, glossary, source, frequency, model,
    convention, usage, first-mention) and what a reader is told."""

    kind: str
    text: str

    def __str__(self) -> str:
        return self.text


@dataclass
class Entity:
    """One entity: its full spellings, its short forms, and the spelling chosen for it."""

    spellings: list[Form]                 # the forms that name it in full (or single words when no full form)
    short: list[Form] = field(default_factory=list)       # family name alone etc.: legitimate short forms
    short_variants: list[tuple[Form, str]] = field(default_factory=list)  # misspelt short form, right word
    given_only: list[tuple[Form, str]] = field(default_factory=list)      # bare given name, family name
    canonical: str = ""
    evidence: list[Reason] = field(default_factory=list)
    decided_by: str = ""
    kind: str = ""  # formatting / romanisation / spelling
    notes: list[Reason] = field(default_factory=list)  # evidence found before the spelling is chosen (source)

    @property
    def variants(self) -> list[Form]:
        return [f for f in self.spellings if f.surface != self.canonical]

    @property
    def has_variants(self) -> bool:
        return len({f.surface for f in self.spellings}) > 1 or bool(self.short_variants)

    @property
    def mentions(self) -> list[Mention]:
        out = [m for f in self.spellings for m in f.mentions]
        out += [m for f in self.short for m in f.mentions]
        out += [m for f, _ in self.short_variants for m in f.mentions]
        out += [m for f, _ in self.given_only for m in f.mentions]
        return sorted(out, key=lambda m: m.start)

    def support(self, form: Form) -> int:
        """Occurrences that back a spelling: its own and its short forms that no rival spelling shares."""
        n = form.count
        toks = form.tokens
        if len(toks) < 2:
            return n
        fam, _ = family_given(toks)
        rivals = [f for f in self.spellings if f.surface != form.surface]
        for s in self.short:
            if fold(s.surface) == fold(fam) and not any(
                    fold(s.surface) == fold(family_given(r.tokens)[0]) for r in rivals if len(r.tokens) > 1):
                n += s.count
        return n

    def family_word(self, spelling: str) -> str | None:
        toks = tokens(spelling)
        return family_given(toks)[0] if len(toks) > 1 else None


def is_acronym(text: str) -> bool:
    """'US', 'U.S.', 'KMT': their styles are the entity-style rule's business."""
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters) and len(letters) <= 6


def collect_forms(mentions: list[Mention]) -> list[Form]:
    forms: dict[str, Form] = {}
    for m in mentions:
        if m.label in SKIP_LABELS or not any(c.isalpha() for c in m.text) or is_acronym(m.text):
            continue
        if not all(t[:1].isupper() or t in CONNECTORS for t in m.tokens):
            continue  # "Iranian revolution": a capitalisation question, not a name spelling
        text = " ".join(m.text.split())
        forms.setdefault(text, Form(text)).mentions.append(m)
    return sorted(forms.values(), key=lambda f: f.first)


def cluster(mentions: list[Mention], lang: str = "en") -> list[Entity]:
    """Entities of one document, in order of first mention."""
    forms = collect_forms(mentions)
    full = [f for f in forms if len(f.tokens) > 1]
    single = [f for f in forms if len(f.tokens) == 1]
    groups = _agglomerate(full, lang)

    # Single words: a family name (Western: last word) of exactly one entity is its short form;
    # a close misspelling of one is a misspelt short form; the given name of an East Asian
    # name alone is a name-order error.  Anything else clusters among the single words.
    entities = [Entity(spellings=g) for g in groups]
    loose: list[Form] = []
    for s in single:
        homes = [e for e in entities if _is_short_form(s, e)]
        if len(homes) == 1:
            homes[0].short.append(s)
            continue
        if homes:
            continue  # "Kim" with two Kims in the text: a fine short form, owner unknown
        given_homes = [e for e in entities if _is_bare_given(s, e)]
        family_elsewhere = any(_is_short_form(s, e) for e in entities) or any(
            fold(f.tokens[0]) == fold(s.surface) for f in full)
        if len(given_homes) == 1 and not family_elsewhere and not is_family_name(s.surface):
            fam = given_homes[0].family_word(given_homes[0].spellings[0].surface)
            given_homes[0].given_only.append((s, fam or ""))
            continue
        misspelt = [e for e in entities if _is_misspelt_short(s, e, lang)]
        if len(misspelt) == 1:
            misspelt[0].short_variants.append((s, ""))
            continue
        loose.append(s)
    has_ner = any(m.label != "CAP" for m in mentions)
    for g in _agglomerate([f for f in loose if f.is_tagged or not has_ner], lang):
        entities.append(Entity(spellings=g))
    for e in entities:
        surfaces = [f.surface for f in e.spellings]
        kinds = {same_entity(a, b, lang) for i, a in enumerate(surfaces) for b in surfaces[i + 1:]}
        kinds.discard(None)
        e.kind = "formatting" if kinds == {"formatting"} else ("romanisation" if "romanisation" in kinds
                                                               else ("spelling" if kinds else ""))
    return sorted(entities, key=lambda e: min(m.start for m in e.mentions))


def _agglomerate(forms: list[Form], lang: str) -> list[list[Form]]:
    """Complete-linkage grouping: two groups join only if every pair across them is one entity,
    so a chain (Kim Jong-un ~ Kim Jong Un ~ ...) cannot pull in a relative."""
    groups = [[f] for f in forms]
    sim = {}
    for i, a in enumerate(forms):
        for b in forms[i + 1:]:
            sim[(a.surface, b.surface)] = sim[(b.surface, a.surface)] = same_entity(a.surface, b.surface, lang)
    changed = True
    while changed:
        changed = False
        for i in range(len(groups)):
            for j in range(i + 1, len(groups)):
                if all(sim.get((a.surface, b.surface)) for a in groups[i] for b in groups[j]):
                    groups[i].extend(groups.pop(j))
                    changed = True
                    break
            if changed:
                break
    return groups


def is_family_name(word: str) -> bool:
    """A Chinese or Korean family name: alone, it more likely names another person."""
    w = fold(word)
    return w in chinese_surnames() or w in korean_surnames()


def _is_short_form(s: Form, e: Entity) -> bool:
    """'Blinken' for 'Antony Blinken', 'Qin' for 'Qin Gang' (or for 'Qing Gang' beside 'Qin Gang')."""
    w = fold(s.surface)
    for f in e.spellings:
        toks = f.tokens
        if len(toks) < 2:
            continue
        fam, given = family_given(toks)
        if fold(fam) == w:
            return True
        # Organisations and places: a leading word as a short form ("Postal" is not, "Harvard" is).
        if not f.is_person and name_style(toks) == "west" and fold(toks[0]) == w and len(w) > 3 \
                and s.surface[:1].isupper() and all(t[:1].isupper() for t in toks):
            return True
    return False


def _is_bare_given(s: Form, e: Entity) -> bool:
    """The given name of a Chinese or Korean name used alone ('Gang' for Qin Gang)."""
    w = key(s.surface)
    for f in e.spellings:
        toks = f.tokens
        style = name_style(toks)
        if style not in ("zh", "ko") or not (f.is_person or s.is_person):
            continue
        _fam, given = family_given(toks)
        if key("".join(given)) == w:
            return True
    return False


def _is_misspelt_short(s: Form, e: Entity, lang: str) -> bool:
    for f in e.spellings:
        toks = f.tokens
        if not 2 <= len(toks) <= 3 or not all(t[:1].isupper() for t in toks):
            continue
        fam, _ = family_given(toks)
        if name_style(toks) in ("zh", "ko"):
            if same_family(fam, s.surface) and len(s.surface) >= 3 and fold(fam) != fold(s.surface) \
                    and s.is_person:
                return True
        elif close_word(fam, s.surface, lang) and fold(fam) != fold(s.surface):
            return True
    return False
