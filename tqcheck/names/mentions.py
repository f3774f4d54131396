"""Name mentions: spaCy NER for English, a capitalised-sequence fallback elsewhere.

German (and Luxembourgish) capitalise every noun, so there a capitalised word
counts as a name only when it is rare in the language (wordfreq) or, when the
source text is attached, when it matches a capitalised word of the source.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from ..analysis.declared import analysis
from ..analysis.lexical import at_sentence_start, zipf
from ..analysis.parse import Parse, parse
from ..errors import RuleSkipped
from ..languages import profile
from .data import fold
from .gazetteer import known_place

if TYPE_CHECKING:  # pragma: no cover
    from ..context import Context
    from ..document import Document

NER_LABELS = {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART"}

_LEAD = re.compile(r"^(?:the|The|THE|a|an|A|An)\s+")
_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")
_UPPER = "A-ZÀ-ÖØ-ÞĀ-ŽА-ЯЁ"  # Latin and Cyrillic capitals


@lru_cache(maxsize=64)
def _cap_seq(particles: frozenset[str]) -> re.Pattern:
    """Capitalised word sequences, joined by the language's name particles ("Ursula von der Leyen").

    A particle must be a whole word: "Martínez devant" is not "Martínez de".
    """
    joined = "|".join(sorted((re.escape(p) for p in particles), key=len, reverse=True))
    word = rf"[{_UPPER}][\w'’-]*"
    return re.compile(rf"(?<![\w.]){word}(?:[ \u00a0-](?:{word}|(?:{joined})(?=[ \u00a0-])))*"
                      rf"(?:[ \u00a0-]{word})?", re.UNICODE)


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    text: str
    label: str  # NER label, or "CAP" for the capitalised-sequence fallback

    @property
    def tokens(self) -> list[str]:
        return [t for t in re.split(r"[\s\u00a0]+", self.text) if t]


@analysis(reads=[Parse])
class Mentions(list):
    """The document's name mentions (``extract_mentions``): what the ledger and the corpus rule read."""


def _clean(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Trim a leading article, a possessive and surrounding punctuation from a mention span."""
    span = text[start:end]
    m = _LEAD.match(span)
    if m:
        start += m.end()
    span = text[start:end]
    m = _POSSESSIVE.search(span)
    if m:
        end -= len(m.group(0))
    while end > start and text[end - 1] in ".,;:!?\"”“'’)-–—":
        # Keep the final dot of an abbreviation such as "U.S."
        if text[end - 1] == "." and re.search(r"(?:^|\W)(?:[A-Z]\.)+$", text[start:end]):
            break
        end -= 1
    while start < end and text[start] in "\"“”'‘’(-–—":
        start += 1
    if end - start < 2 or not any(c.isupper() for c in text[start:end]):
        return None
    return start, end


_HYPHEN_TAIL = re.compile(r"-[a-z]{1,6}\b(?!-)")
# Bodies, events and works, whose names the NER often cuts one word short ("the [Navy] Day celebrations").
_NAMED_THINGS = {"ORG", "EVENT", "FAC", "PRODUCT", "WORK_OF_ART"}
_NEXT_WORD = re.compile(r"[ \u00a0]([A-Z][a-z]+)(?![\w'’-]|\.\w|[ \u00a0]+[A-Z])")
# Capitalised words that follow a body's name without being part of it: a role ("the Beijing Municipal
# Committee Secretary"), a date where a headline runs into the story ("... Award On July 5").
_NOT_A_NAMES_END = frozenset("""secretary director chairman chairwoman chair president vice commander minister
spokesman spokeswoman spokesperson governor mayor chief head member deputy general leader representative
ambassador envoy reporter correspondent editor officer official founder manager premier
january february march april may june july august september october november december
monday tuesday wednesday thursday friday saturday sunday""".split())


def _through_capitals(text: str, end: int, next_entity: int | None) -> int:
    """The end of a tagged body's name, taken one word on where the NER stopped short of the capitalised
    word that closes its run of capitals ("Navy" + "Day"), unless that word is a role or a date, or a
    word of the language's commonest ("On", "The": a sentence the headline runs into) or a place."""
    m = _NEXT_WORD.match(text, end)
    if m is None or (next_entity is not None and m.end() > next_entity) or _POSSESSIVE.search(text, max(0, end - 2), end):
        return end  # (after "Xi Jinping's" the next word is what he owns)
    from spacy.lang.en.stop_words import STOP_WORDS  # loaded with the NER that tagged the name

    word = m.group(1)
    if word.lower() in _NOT_A_NAMES_END or word.lower() in STOP_WORDS or known_place(word):
        return end  # (a place after a body's name is the place it works in: "CCBC Xinjiang")
    return m.end()


_LOWER_WORD = re.compile(r"[a-z]+[ \u00a0]+")


def _past_lowercase_words(text: str, start: int, end: int) -> int:
    """Where a tagged name starts once the lower-case words the NER took in before it are left out
    ("marry Megan"): a name's words are capitalised, except its particles ("de Gaulle")."""
    while (m := _LOWER_WORD.match(text, start, end)) and m.end() < end \
            and m.group(0).strip() not in profile("en").name_particles:
        start = m.end()
    return start


def english_mentions(doc: "Document", ctx: "Context | None") -> list[Mention]:
    parsed = parse(doc, ctx)
    if parsed is None:
        return capitalised_mentions(doc)
    parsed_paras = parsed.paragraphs
    out: list[Mention] = []
    text = doc.text
    for pstart, parsed in parsed_paras:
        ents = [e for e in parsed.ents if e.label_ in NER_LABELS]
        for i, ent in enumerate(ents):
            start, end = pstart + ent.start_char, pstart + ent.end_char
            if ent.label_ in _NAMED_THINGS:
                end = _through_capitals(text, end, pstart + ents[i + 1].start_char if i + 1 < len(ents) else None)
            # spaCy splits hyphenated given names: "Yoon Suk" + "-yeol", "Kim Jong" + "-un".
            m = _HYPHEN_TAIL.match(text, end)
            if m:
                end = m.end()
            cleaned = _clean(text, _past_lowercase_words(text, start, end), end)
            if cleaned is None:
                continue
            s, e = cleaned
            out.append(Mention(s, e, text[s:e], ent.label_))
    return out + _untagged_words(doc, out)


_WORD = re.compile(r"(?<![\w.'’-])[A-Z][a-z]+(?:-[A-Za-z][a-z]+)?(?=['’]s\b|[^\w'’-]|$)")


# A word this frequent in lower case (wordfreq Zipf: he, she, we, it) starting a sentence is the word, even
# where it is also a syllable of a name in the text.
PRONOUN_ZIPF = 5.5

_NEXT_CAP = re.compile(r"[ \u00a0-][A-Z]")
_PREV_CAP = re.compile(r"(?<![\w.])([A-Z]\w*)[ \u00a0-]$")


def _untagged_words(doc: "Document", tagged: list[Mention]) -> list[Mention]:
    """Capitalised words the model did not tag ("Modro's", a bare "Gang").

    They never found an entity of their own; they only join one as a short form, a
    misspelt short form or a bare given name (see cluster.cluster).
    """
    covered = sorted((m.start, m.end) for m in tagged)
    out = []
    import bisect

    cov_starts = [s for s, _ in covered]
    tagged_texts = {m.text for m in tagged if " " in m.text}
    person_words = {t for m in tagged if m.label == "PERSON" and len(m.tokens) > 1 for t in m.tokens}
    for m in _WORD.finditer(doc.text):
        i = bisect.bisect_right(cov_starts, m.start()) - 1
        if i >= 0 and covered[i][1] > m.start():
            continue
        if at_sentence_start(doc, m.start()) and not _is_rare(m.group(0), "en", 3.0) \
                and (m.group(0) not in person_words or not _is_rare(m.group(0).lower(), "en", PRONOUN_ZIPF)):
            # (a word of a person's full name stays: "Cai Qi ... Qi told the meeting"; but not one of the
            # language's commonest words: "Liu He ... He said" starts a sentence with the pronoun)
            continue
        if _NEXT_CAP.match(doc.text, m.end()):
            continue  # part of a longer capitalised name the model missed: not a bare word
        prev = _PREV_CAP.search(doc.text, max(0, m.start() - 40), m.start())
        if prev and (not at_sentence_start(doc, prev.start()) or _is_rare(prev.group(1), "en", 3.5)
                     or any(f"{prev.group(1)} {m.group(0)}" in t for t in tagged_texts)):
            continue
        out.append(Mention(m.start(), m.end(), m.group(0), "CAP"))
    return out


def _is_rare(word: str, lang: str, threshold: float) -> bool:
    return zipf(word, lang) < threshold


def _source_words(doc: "Document") -> set[str] | None:
    """Capitalised words inside sentences of the (English) source: its proper nouns."""
    src = doc.source
    if src is None:
        return None
    words = set()
    for m in re.finditer(r"(?<=[a-z0-9,;] )[A-Z][\w'’-]+|(?<![\w])[A-Z]{2,}\b", src.text):
        words.add(_POSSESSIVE.sub("", fold(m.group(0))))
    return words


# Below this frequency (zipf) a word is one the language's word list does not know.
UNKNOWN_ZIPF = 1.0
# From this frequency a capitalised word opening a sentence is read as the sentence's word when it also
# opens a run of capitals (mid-sentence, only words from 4.5, "Le", "Selon", are).
SENTENCE_WORD_ZIPF = 2.0


def capitalised_mentions(doc: "Document") -> list[Mention]:
    """Capitalised word sequences that do not start a sentence (or recur mid-sentence elsewhere)."""
    text = doc.text
    prof = profile(doc.lang)
    # The evidence below is word frequency: without a word list for the language (zipf raises RuleSkipped)
    # the name rules say they did not run rather than guess from capitals alone.
    zipf("a", doc.lang)
    # And capitals: in a script without them (Japanese, Chinese, Arabic, Hindi...) there is nothing to
    # read, which the user is told rather than shown an empty names table.
    letters = [ch for ch in text if ch.isalpha()]
    if letters and sum(ch.lower() != ch.upper() for ch in letters) < len(letters) / 2:
        raise RuleSkipped(f"names in {prof.name} copy are found by capitals, which its script does not "
                          "have; no name model ships for it")
    # Where every noun is capitalised, capitalisation is no evidence of a name.
    noun_caps = prof.capitalises_nouns
    source_words = _source_words(doc) if noun_caps else None
    lowercase = _lowercase_words(text)
    raw: list[tuple[int, int]] = []
    for m in _cap_seq(prof.name_particles).finditer(text):
        cleaned = _clean(text, m.start(), m.end())
        if not cleaned:
            continue
        s, e = cleaned
        if not noun_caps:
            # Leading everyday words are titles or sentence words, not the name: "Le Président Macron".
            # A frequent given name stays ("Philippe Martinez"): names travel, so it is about as common in
            # English, where "Selon", "Intérieur" or "Le" are not.
            words = text[s:e].split()
            # At a sentence's start the first word's capital is the place's: any word the language knows
            # that does not travel is a sentence word there ("Opozice Fialu kritizovala").
            lead = SENTENCE_WORD_ZIPF if at_sentence_start(doc, s) else 4.5
            while len(words) > 1 and not _is_rare(words[0], doc.lang, lead) and not _international(words[0], doc.lang):
                s += len(words[0])
                while text[s] in " \u00a0":
                    s += 1
                words = words[1:]
            if len(words) == 1 and words[0].lower() in lowercase and not _is_rare(words[0], doc.lang, 3.0):
                continue  # a word the text also writes in lower case ("Le", "Selon"): wording, not a name
        raw.append((s, e))
    mid_sentence = set()
    for s, e in raw:
        if not at_sentence_start(doc, s):
            mid_sentence.add(text[s:e])
    surnames = _introduced_surnames(text, raw, doc.lang) if noun_caps else frozenset()
    out = []
    for s, e in raw:
        surface = text[s:e]
        if (at_sentence_start(doc, s) and surface not in mid_sentence and not noun_caps and " " not in surface
                and not _is_rare(surface, doc.lang, UNKNOWN_ZIPF)):
            # One word at a sentence's start may owe its capital to the place alone, unless the language
            # does not know it at all (a misspelt name: "Лавроф сказал"); in a run of two or more (past
            # the everyday words stripped above) the later words' capitals are evidence: "Gerald
            # Darmanin a assuré ..." is a name.  (In German every sentence-initial noun is capitalised
            # anyway: the name test decides.)
            continue
        if noun_caps:
            # Keep the runs of name words: "Präsident Kassym-Jomart Tokajew" -> "Kassym-Jomart Tokajew".
            runs = _name_runs(text, s, e, lambda w: _german_name_word(w, doc.lang, source_words, surnames))
            for ws, we in runs:
                out.append(Mention(ws, we, text[ws:we], "CAP"))
            continue
        out.append(Mention(s, e, surface, "CAP"))
    return out


def _lowercase_words(text: str) -> frozenset[str]:
    return frozenset(m.group(0) for m in re.finditer(r"(?<![\w'’-])[^\W\d_A-ZÀ-ÞА-ЯЁ][\w]*", text)
                     if m.group(0).islower())


def _international(word: str, lang: str) -> bool:
    """A word about as common in English as in the language: a given name or a surname travels (Olaf,
    Friedrich, Merkel), a German noun does not (Regierung, Kanzlerin, Millionen)."""
    here, en = zipf(word, lang), zipf(word, "en")
    return 2.5 <= en < 5.0 and here - en <= 1.5


def _introduced_surnames(text: str, runs: list[tuple[int, int]], lang: str) -> frozenset[str]:
    """In a noun-capitalising language, surnames the text introduces with a given name and then uses alone:
    "Bundeskanzler Olaf Scholz ... sagte Scholz".  A given name travels between languages; the surname
    must not be a common noun of the language, and the text must use it alone as well."""
    pairs = []
    for s, e in runs:
        words = [w.strip(".,;:") for w in text[s:e].split()]
        pairs += [(g, w) for g, w in zip(words, words[1:]) if _international(g, lang)]
    alone = Counter(m.group(0) for m in re.finditer(rf"(?<![\w'’-])[{_UPPER}][\w-]+", text))
    out = set()
    for given, surname in pairs:
        # Used alone, as itself or misspelt ("Olaf Scholz ... Scholtz sagte"): the misspelling is what
        # the name checks are for, so it counts as the surname's use.
        paired = sum(1 for g, w in pairs if w == surname)
        variants = sum(n for w, n in alone.items() if w != surname and _close(fold(w), fold(surname)))
        if alone[surname] - paired + variants <= 0:
            continue  # never used alone: nothing says it is a name rather than a noun after a name
        if zipf(surname, lang) < 4.0 or _international(surname, lang):
            out.add(surname)
    # The given name is part of the name too.
    return frozenset(out) | {g for g, w in pairs if w in out}


def _name_runs(text: str, start: int, end: int, is_name) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    cur: tuple[int, int] | None = None
    for m in re.finditer(r"[^\s\u00a0]+", text[start:end]):
        ws, we = start + m.start(), start + m.end()
        if is_name(m.group(0)):
            cur = (cur[0], we) if cur else (ws, we)
        else:
            if cur:
                runs.append(cur)
            cur = None
    if cur:
        runs.append(cur)
    return runs


def _german_name_word(word: str, lang: str, source_words: set[str] | None, surnames: frozenset[str]) -> bool:
    """In a noun-capitalising language, a word is a name when the source has it, the text introduced it
    as a surname, or it is rare."""
    if word.isupper() and len(word) >= 2:
        return True  # acronyms are entities in any language
    if word.strip(".,;:") in surnames:
        return True
    if source_words is not None:
        w = fold(word.strip(".,;:"))
        if w in source_words:
            return True
        # A German word close to an English name is the name transcribed (Tokajew, Simbabwe),
        # unless it is an everyday German word (Präsident, Kongress).
        from .compare import transcribed

        gw = transcribed(w, lang)
        if any(transcribed(s, lang) == gw for s in source_words):
            return True
        return _is_rare(word, lang, 3.5) and any(_close(w, s) for s in source_words if abs(len(s) - len(w)) <= 2)
    return _is_rare(word, lang, 2.5)


def _close(a: str, b: str) -> bool:
    from rapidfuzz.distance import Levenshtein

    return len(a) >= 5 and Levenshtein.distance(a, b) <= (1 if len(a) < 7 else 2)


def extract_mentions(doc: "Document", ctx: "Context | None" = None) -> list[Mention]:
    """Name mentions of a document, computed once (the ledger and the corpus rule read them)."""

    def build() -> Mentions:
        ner = profile(doc.lang).ner_model is not None
        mentions = english_mentions(doc, ctx) if ner else capitalised_mentions(doc)
        return Mentions(m for m in mentions if not doc.is_ignored(m.start, m.end))

    return doc.analysis(Mentions, build)
