"""Word-level facts several checks need, defined once: where a sentence starts, how common a word is,
and whether a word looks like a name rather than wording."""
from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from .declared import analysis

if TYPE_CHECKING:  # pragma: no cover
    from ..document import Document

# What may stand between a sentence's start and its first word.
_OPENERS = " \t\u00a0\"“„«'‘(["
# A word right after one of these starts a sentence (or a heading, a list item, a quotation after a colon).
_ENDERS = "\n.!?:…。"


@analysis()
class SentenceStarts(frozenset):
    """Offsets at which the document's sentences start (an analysis: computed once per document)."""


def sentence_starts(doc: "Document") -> frozenset[int]:
    return doc.analysis(SentenceStarts, lambda: SentenceStarts(s for s, _ in doc.sentences))


def at_sentence_start(doc: "Document", offset: int) -> bool:
    """Whether the word at ``offset`` opens a sentence: only quotes or brackets stand between it and the
    sentence start, or it follows a sentence-ending mark (or a colon, a line break, the text's start)."""
    text = doc.text
    i = offset
    while i > 0 and text[i - 1] in _OPENERS:
        i -= 1
    if i == 0 or i in sentence_starts(doc) or text[i - 1] in _ENDERS:
        return True
    sent = doc.sentence_at(offset)
    return bool(sent) and not any(c.isalnum() for c in text[sent[0]:offset])


@lru_cache(maxsize=65536)
def zipf(word: str, lang: str = "en") -> float:
    """wordfreq's Zipf frequency (0 for a word it does not know); a language without a word list raises
    RuleSkipped, so the rule asking is skipped on that file with a notice (tqcheck.wordlists)."""
    from ..wordlists import zipf_frequency

    return zipf_frequency(word, lang)


def is_name_like(word: str, lang: str, sentence_start: bool) -> bool:
    """Names, numbers and transliterations belong to the name checks.

    Capitalised mid-sentence words count as names in English only (German capitalises nouns).
    """
    if any(c.isdigit() for c in word) or any(ord(c) > 0x24F for c in word):
        return True
    return lang == "en" and word[:1].isupper() and not sentence_start


@analysis()
class MidSentenceCapitals(frozenset):
    """Capitalised words the document writes inside a sentence (an analysis: computed once per document)."""


def mid_sentence_capitals(doc: "Document") -> frozenset[str]:
    return doc.analysis(MidSentenceCapitals, lambda: MidSentenceCapitals(
        w for s, _, w in doc.words() if w[:1].isupper() and not at_sentence_start(doc, s)))


def name_at(doc: "Document", start: int, word: str) -> bool:
    """``is_name_like`` for the word at ``start`` of the document; in English, a capitalised word that
    opens a sentence is a name too when the document writes it capitalised inside a sentence elsewhere
    ("Qin assured ..." in an article that also says "told Qin")."""
    sentence_start = at_sentence_start(doc, start)
    if sentence_start and doc.lang == "en" and word[:1].isupper() and word in mid_sentence_capitals(doc):
        return True
    return is_name_like(word, doc.lang, sentence_start)
