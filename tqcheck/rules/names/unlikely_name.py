"""A name the language model finds very unlikely where it stands: a garbled transliteration or a wrong name."""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from ...analysis import reading
from ...analysis.lexical import name_at, zipf
from ...findings import Category, Severity
from ..registry import DocumentRule, register

# Calibrated on all 130 zh-en dev documents (one paragraph pass each): capitalised words inside a
# sentence whose tokens add up to >= 10 nats, at most three per paragraph, land on an annotated error
# with char precision 0.71 at recall 0.023 (at 12 nats 0.72 at 0.018; one per paragraph 0.69 at 0.010).
# The word rule leaves names out because they are its commonest false alarms; by themselves they are
# a sharper signal than ordinary words, since a correct name is usually predictable from the
# article's earlier mentions or from general knowledge, and a garbled one ("Tim Yi Hongjin",
# "Lacey's hard-line government" for Raisi's) is neither.
# A name written more than once in the document is one of its entities: each paragraph is read on its
# own, so its first mention in every paragraph looks surprising, and whether it is spelled the same way
# throughout is name-variant's question.  Leaving such names out: 0.72 at 0.017 (0.70 at 0.020 when
# only names written three times or more are left out).  Also left out: words in capitals (headlines,
# acronyms), and capitalised common words (wordfreq Zipf >= 5: "Foreign Minister", "State Department",
# a heading's "Keep"), whose surprise says nothing about a spelling; with both, 0.77 at 0.016.
# At 9 nats precision fell to 0.70.
# A name the model completes once it has seen its first word ("Latin" -> "America", "Mikhail" ->
# "Gorbachev": the next capitalised word costs under 2 nats) is one it knows, so the first word's
# surprise is about the name's place in the sentence, not its spelling.  On zh-en dev these were 19 of
# the rule's 312 spans in the article layout, at char precision 0.46 against 0.73 for the rest (15 of
# 309 at 0.49 against 0.74 with one sentence per paragraph).
MIN_SURPRISAL = 10.0
KNOWN_CONTINUATION = 2.0
COMMON_ZIPF = 5.0
MAX_PER_PARAGRAPH = 3  # per ``reading.blocks``: a paragraph, or 100 words when read in context
_CAPITALISED = re.compile(r"[^\W\d_][\w'’-]*")


@register
class UnlikelyName(reading.ReadsParagraphs, DocumentRule):
    @dataclass(frozen=True)
    class Settings:
        min_surprisal: float = MIN_SURPRISAL  # nats for a one-off name to be flagged

    id = "name-unlikely"
    family = "names"
    # Not a consistency problem (the name checks' NAME category): most of these are names rendered
    # wrongly from the source, which MQM counts as mistranslation.
    category = Category.ACCURACY
    severity = Severity.INFO
    # Names are told from other words by capitals inside a sentence, which only English allows here
    # (German capitalises every noun); the threshold is calibrated on English.
    languages = frozenset({"en"})
    requires = (reading.LMReading,)
    description = """A name the language model finds very unlikely where it stands: check its spelling against the source.

    Reads the same paragraph pass as the phrasing rules.  A capitalised word
    inside a sentence whose tokens together cost at least 10 nats is
    reported (not words in capitals, with digits, or common words such as
    the 'Foreign' of 'Foreign Minister'), the three most
    surprising per paragraph, among names written only once in the document
    (a recurring name is one of the document's entities, and its spelling is
    name-variant's concern).  A correct name is usually predictable from what
    the model knows; a garbled transliteration, a name translated word by word
    or the wrong person's name is not.  A hint: rare but correct names are
    flagged too, so check the source.  A name the model completes once it has
    seen its first word ('Latin America') is one it knows, and is left out."""
    bad = ("Iran's President Ebrahim Raisi spoke on Sunday. Lacey's hard-line government faces its boldest "
           "challenge yet from young protesters, and Kuzhaxi Raisyi said the talks would go on.",)
    good = ("Iran's President Ebrahim Raisi spoke on Sunday. Raisi's hard-line government faces its boldest "
            "challenge yet from young protesters.",)

    def check(self, doc, ctx):
        paragraphs = reading.read(doc, ctx)
        if paragraphs is None:
            return
        threshold = ctx.settings(self).min_surprisal
        written = Counter(_stem(m.group(0)) for m in _CAPITALISED.finditer(doc.text) if m.group(0)[:1].isupper())
        for words in reading.blocks(paragraphs):
            names = [w for i, w in enumerate(words)
                     if w.text[:1].isupper() and w.start != w.paragraph[0] and w.surprisal >= threshold
                     and not _known(w.text, written) and not _plain(w.text)
                     and not _completed(w, words[i + 1] if i + 1 < len(words) else None)
                     and name_at(doc, w.start, w.text)]
            for w in sorted(names, key=lambda w: -w.surprisal)[:MAX_PER_PARAGRAPH]:
                expected = [a.strip() for a, _ in w.proposals if a.strip()[:1].isupper()][:3]
                hint = f" (the model expected {', '.join(repr(a) for a in expected)})" if expected else ""
                conf = 1 / (1 + math.exp(-(w.surprisal - threshold - 2) / 2))
                yield self.finding(w.start, w.end,
                                   f"The name '{w.text}' is very unlikely here ({w.surprisal:.1f} nats){hint}: "
                                   "check its spelling or transliteration against the source.",
                                   confidence=round(conf, 3), surprisal=round(w.surprisal, 2), expected=expected)


def _completed(word, following) -> bool:
    """The model reads ``word`` as the start of a name it knows: the capitalised word right after it
    (one space away, in the same paragraph) is one it expected."""
    return (following is not None and following.paragraph == word.paragraph and following.start - word.end == 1
            and following.text[:1].isupper() and following.surprisal < KNOWN_CONTINUATION)


def _stem(word: str) -> str:
    """A name without its possessive ending: "Raisi's" is a mention of Raisi."""
    return re.sub(r"['’]s$", "", word)


def _known(word: str, written: Counter) -> bool:
    """Written elsewhere in the document, or a compound of names that are ("Biden-Xi")."""
    parts = _stem(word).split("-")
    return written[_stem(word)] > 1 or (len(parts) > 1 and all(written[p] > 0 for p in parts))


def _plain(word: str) -> bool:
    """Capitals, digits or a common word: not a spelling to check."""
    if any(c.isdigit() for c in word) or (len(word) > 1 and word.isupper()):
        return True
    return zipf(_stem(word).lower(), "en") >= COMMON_ZIPF
