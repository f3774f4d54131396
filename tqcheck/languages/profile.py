"""What tqcheck knows about one language: one frozen dataclass, one instance per language file."""
from __future__ import annotations

from dataclasses import dataclass

# Particles that sit inside a name in many languages' copy ("Charles de Gaulle", "Ursula von der Leyen",
# "Mohammed bin Salman"): a name in French copy may be Dutch.  A profile adds its own.
COMMON_PARTICLES = frozenset({"de", "van", "von", "der", "bin", "al", "da", "di", "le", "la"})


@dataclass(frozen=True)
class LanguageProfile:
    code: str
    name: str
    script: str = "Latin"
    # Double quotation marks, (opening, closing): the first pair is the house style, the others are
    # accepted too (nested quotations, a second convention).
    quotes: tuple[tuple[str, str], ...] = (("“", "”"), ("«", "»"))
    # What stands inside the marks: French « citation », with a narrow no-break space.
    quote_padding: str = ""
    # Only the pairs in ``quotes`` are right: straight "…" and other languages' marks (“…” in German or
    # French copy) are wrong even when the text uses nothing else.  Off where the profile cannot say
    # (the generic one) or where straight quotes are common usage (English, Spanish).
    strict_quotes: bool = False
    # The space required before ; : ! ? (French: a narrow no-break space); None: no space there.
    space_before_high_punct: str | None = None
    # Other spaces that typography accepts there (French: the no-break space, the older convention).
    space_before_high_punct_also: str = ""
    # Sentence marks that open as well as close, (opening, closing): Spanish ¿…? and ¡…!.
    opening_marks: tuple[tuple[str, str], ...] = ()
    decimal: str = "."
    thousands: str = ","
    # Words whose immediate repetition is grammatical ("had had", German "die die").
    doubled_words: frozenset[str] = frozenset()
    # Every noun is capitalised (German): capitalisation alone does not make a word a name.
    capitalises_nouns: bool = False
    name_particles: frozenset[str] = COMMON_PARTICLES
    # Endings a name takes when declined (German Tokajews, Russian Лаврова): the same name, not a variant.
    name_endings: tuple[str, ...] = ()
    # Letter groups in which the language's transcription of a foreign name differs from the English one
    # (German Tokajew / English Tokayev): (this language, English).
    transcription: tuple[tuple[str, str], ...] = ()
    # The spaCy pipeline (a PyPI package) whose NER finds names; None: capitalisation evidence.
    ner_model: str | None = None

    @property
    def quote_marks(self) -> tuple[str, str]:
        """The house-style opening and closing marks, padding included (French « and »)."""
        open_q, close_q = self.quotes[0]
        return open_q + self.quote_padding, self.quote_padding + close_q

    @property
    def decimal_comma(self) -> bool:
        return self.decimal == ","
