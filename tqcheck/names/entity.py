"""What the name mechanics pass around: a spelling and its mentions (``Form``), an entity with its spellings
and the one chosen (``Entity``), and the evidence given for it (``Reason``)."""
from __future__ import annotations

from dataclasses import dataclass, field

from .compare import family_given, key, tokens
from .data import fold
from .mentions import Mention

# Nationality adjectives and the like are not names whose spelling drifts.
SKIP_LABELS = {"NORP"}


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
        """Found by the NER model as a name (not only by the capitalised-word fallback, nor as a
        nationality word: a rare one may join an entity, never found one)."""
        return any(m.label not in ("CAP", *SKIP_LABELS) for m in self.mentions) or not self.mentions

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
    def forms(self) -> list[Form]:
        """Every form that names it: full spellings, short forms, misspelt short forms, bare given names."""
        return [*self.spellings, *self.short, *(f for f, _ in self.short_variants), *(f for f, _ in self.given_only)]

    @property
    def mentions(self) -> list[Mention]:
        return sorted((m for f in self.forms for m in f.mentions), key=lambda m: m.start)

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
