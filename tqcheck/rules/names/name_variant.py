"""One entity spelled more than one way in a document."""
from __future__ import annotations

from ...names.cluster import is_acronym
from ...names.ledger import NameLedger, name_ledger
from ...findings import Applicability, Category, Severity
from ...languages import profile
from ..registry import DocumentRule, register


def explain(e, spelling: str) -> str:
    why = "; ".join(map(str, e.evidence))
    how = "named" if e.kind == "organisation" else "spelled"
    if not any(f.surface == e.canonical for f in e.spellings):  # the source's reading, written nowhere
        return f"'{spelling}' should be spelled '{e.canonical}' ({why})."
    return f"'{spelling}' is {how} '{e.canonical}' elsewhere ({why})."


@register
class NameVariant(DocumentRule):
    id = "name-variant"
    family = "names"
    requires = (NameLedger,)
    category = Category.NAME
    reads = frozenset({"entities"})
    severity = Severity.WARNING
    description = """A person, place or organisation spelled two ways in one document.

    Mentions come from a named-entity model (English) or capitalised words (other
    languages; in German only rare words or words anchored in the source).  Spellings that
    differ by hyphens, spaces, case, diacritics, romanisation (Qing/Qin, Jong-un/Jong Un)
    or a letter are one entity; different people who share a family name are kept apart, and
    two spellings named in one sentence are two people.  The text's evidence (the same role
    around both, a spelling written once, a rare word that sounds like an established family
    name) joins given names or family names the letters leave open; the message names it.
    The suggestion is the spelling chosen by the glossary, the source text, frequency and
    the first full mention, and the language model, in that order."""
    bad = ("Blinken met his Chinese counterpart, Qing Gang, in Beijing. Qin Gang said the talks were "
           "candid. Qin also warned about Taiwan.",
           "The Vietnamese ambassador Nguyen Van Thanh met officials in Manila. The talks covered fishing. "
           "Later, the Vietnamese ambassador Nguyen Van Thinh said they would meet again.")
    good = ("Premier Li Qiang met former premier Li Keqiang's family. Li Qiang spoke first.",
            "Antony Blinken met Qin Gang. Blinken said Qin was candid.",
            "Deputy minister Nguyen Van Thanh and his colleague Nguyen Van Thinh signed the deal. "
            "Nguyen Van Thanh said it would help farmers.")

    def check(self, doc, ctx):
        # One capitalised word read without a name model (any language but English) may be another person
        # a letter away (Galerius beside Marcus Valerius, in MLQE-PE en-de): a short form's fix is then
        # shown, and left for a person to accept.
        short_fix = Applicability.SAFE if profile(doc.lang).ner_model is not None else Applicability.SUGGEST
        for e in name_ledger(doc, ctx).entities:
            if not e.has_variants:
                continue
            for f in e.variants:
                for m in f.mentions:
                    yield self.finding(m.start, m.end, explain(e, f.surface), [e.canonical],
                                       confidence=0.9 if e.kind == "formatting" else 0.75,
                                       entity=e.canonical, decided_by=e.decided_by, variant_kind=e.kind)
            for f, word in e.short_variants:
                # The right word when the merge named it (an acronym, a transliterated family name), else
                # the family word of the chosen spelling.
                right = word or e.family_word(e.canonical) or e.canonical
                # A rendering joined through the source is not a misspelling of the letters.
                what = "another rendering" if any(f"'{f.surface}'" in n.text for n in e.notes) else "a misspelling"
                # An acronym a letter away may be a real organisation (NRDC beside NDRC): shown, not applied.
                applicability = Applicability.SUGGEST if is_acronym(f.surface) else short_fix
                for m in f.mentions:
                    yield self.finding(m.start, m.end,
                                       f"'{f.surface}' is {what} of '{right}', as in '{e.canonical}' "
                                       f"({'; '.join(map(str, e.evidence))}).", [right], confidence=0.7,
                                       applicability=applicability,
                                       entity=e.canonical, decided_by=e.decided_by, variant_kind="short form")
