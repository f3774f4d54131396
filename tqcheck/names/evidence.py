"""Evidence from the text that two spellings name one person when their letters alone do not settle it.

Letters decide the clear cases (compare.py).  For the rest (one given name written two ways,
"Nguyen Van Thanh" / "Nguyen Van Thinh"; a family name garbled once, "Modrow" / "Modelo") the
document itself says more: two people are named together at some point, one person is not;
a person keeps a role ("the Vietnamese ambassador", "the CGT leader"); and a name a news text
has introduced is written again the same way.  These helpers read that evidence; cluster.py
decides with it.
"""
from __future__ import annotations

import bisect
import re
from functools import lru_cache
from typing import TYPE_CHECKING, Iterable

from rapidfuzz.distance import Levenshtein

from ..analysis.lexical import zipf
from .compare import key
from .data import fold
from .sounds import sound_key

if TYPE_CHECKING:  # pragma: no cover
    from ..document import Document
    from .entity import Form

# Words around a name that say nothing about a role.
_STOP = frozenset("""a an the of in on at to for and or but by with from as his her its their our your my
this that these those who whom whose which said says told added also later earlier then when while after
before during since mr mrs ms dr former new old s one two three first second last""".split())
_WORD = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿĀ-ž]+")
# A name introduced in apposition: "Nguyen Van Thinh, the Vietnamese ambassador, said".
_APPOSITION = re.compile(r"\s*,\s+(?:the|a|an)\s+([^,.;:!?()\"“”]{3,60}?)[,.;:!?]")
# A place written inside another: "Changsha, Hunan", "Changsha in Hunan", "Changsha, the (provincial)
# capital of Hunan" (the inner place before the outer) and "Hunan's (capital) Changsha" (after it).
_PLACE = r"[A-Z][\w'’-]+(?:[ \u00a0][A-Z][\w'’-]+)?"
_INNER_BEFORE = re.compile(rf"({_PLACE})(?:,[ \u00a0]+(?:the[ \u00a0]+)?(?:provincial[ \u00a0]+|state[ \u00a0]+)?"
                           rf"capital[ \u00a0]+of|,|[ \u00a0]+in)[ \u00a0]+(?:the[ \u00a0]+)?$")
_INNER_AFTER = re.compile(rf"^(?:'s|’s)[ \u00a0]+(?:(?:provincial[ \u00a0]+|state[ \u00a0]+)?capital,?[ \u00a0]+)?({_PLACE})")


class Evidence:
    """What the document says about where its names stand: sentences and roles."""

    def __init__(self, doc: "Document"):
        self.doc = doc
        # Inside quotations too: a speaker's three sentences are three places a name may stand, and an
        # unmatched quotation mark would otherwise make the rest of a paragraph one "sentence".
        self._starts = [s for s, _ in doc.sentences_inside_quotes]

    def sentence_of(self, offset: int) -> int:
        return bisect.bisect_right(self._starts, offset) - 1

    def sentences(self, forms: Iterable["Form"]) -> set[int]:
        return {self.sentence_of(m.start) for f in forms for m in f.mentions}

    def together(self, a: Iterable["Form"], b: Iterable["Form"]) -> bool:
        """Some sentence names both (two people named together are two people)."""
        return bool(self.sentences(a) & self.sentences(b))

    def role(self, forms: Iterable["Form"]) -> set[str]:
        """Role words around the mentions: the words before the name in its sentence (up to four, not
        crossing punctuation) and an apposition after it ("…, the CGT leader, …")."""
        text = self.doc.text
        out: set[str] = set()
        for f in forms:
            for m in f.mentions:
                sent = self.doc.sentence_at(m.start) or (max(0, m.start - 80), m.end)
                before = re.split(r"[,.;:!?()\"“”—–]", text[sent[0]:m.start])[-1]
                out.update(_role_words(_WORD.findall(before)[-4:]))
                app = _APPOSITION.match(text, m.end, min(len(text), m.end + 80))
                if app:
                    out.update(_role_words(_WORD.findall(app.group(1))[:4]))
        return out


    def places_inside(self, forms: Iterable["Form"], places: set[str]) -> set[str]:
        """The places (of ``places``, the document's place names) the text writes inside these forms'
        mentions: "Changsha" for "Changsha, Hunan", "Changsha in Hunan", "Hunan's capital Changsha"."""
        text = self.doc.text
        out: set[str] = set()
        for f in forms:
            for m in f.mentions:
                before = _INNER_BEFORE.search(text, max(0, m.start - 60), m.start)
                after = _INNER_AFTER.match(text[m.end:m.end + 60])
                for g in (before, after):
                    if g is not None and g.group(1) in places and g.group(1) != f.surface:
                        out.add(g.group(1))
        return out


def _role_words(words: list[str]) -> set[str]:
    return {w.lower() for w in words if len(w) > 2 and w.lower() not in _STOP}


# -- how close two written words are ---------------------------------------------------------------

def skeleton(word: str) -> str:
    """Consonants in order, doubled letters once: transliteration variants share it
    (Mohammed / Muhammad, Alexei / Aleksey, Sergei / Sergey)."""
    w = key(word).replace("x", "ks").replace("ph", "f").replace("ck", "k")
    cons = [c for c in w if c not in "aeiouy"]
    return "".join(c for i, c in enumerate(cons) if i == 0 or c != cons[i - 1])


def common(word: str, lang: str = "en") -> bool:
    """A word (or a first name) common enough in general text to be a name of its own."""
    return zipf(fold(word), lang) >= 3.3


def _shared_part(a: str, b: str) -> int:
    """Length of the longest common run of letters."""
    from difflib import SequenceMatcher

    return SequenceMatcher(None, a, b, autojunk=False).find_longest_match(0, len(a), 0, len(b)).size


@lru_cache(maxsize=16384)
def given_name_closeness(a: str, b: str, lang: str = "en") -> str | None:
    """How two given names (or other words of a name) could be one: 'letters' (a letter or two off,
    the same first letter: Thanh / Thinh, Olaf / Olav), 'transliteration' (the same consonants:
    Mohammed / Muhammad), 'sound' (the same consonant sounds only); None when they are simply
    different names.  Two names common in their own right (John / Jane) are 'sound' at most."""

    ka, kb = key(a), key(b)
    if ka == kb:
        return "letters"
    if min(len(ka), len(kb)) < 3:
        return None
    both_common = common(a, lang) and common(b, lang)
    d = Levenshtein.distance(ka, kb)
    if ka[0] == kb[0] and (d == 1 or d == 2 and min(len(ka), len(kb)) >= 4):
        return "sound" if both_common else "letters"
    if skeleton(a) == skeleton(b) and len(skeleton(a)) >= 2 and ka[0] == kb[0]:
        return "sound" if both_common else "transliteration"
    sa, sb = sound_key(a), sound_key(b)
    if sa == sb and len(sa) >= 2:
        return "sound"
    return None


def garbled(word: str, family: str, lang: str = "en") -> str | None:
    """Whether a word written once is a garbled rendering of an established family name: it sounds
    like it (Modelo / Modrow, Erdoan / Erdogan) or shares a long part with it.  Returns what joins
    them ('sounds like', 'shares a long part with'), or None."""

    kw, kf = key(word), key(family)
    if kw == kf or min(len(kw), len(kf)) < 4 or common(word, lang):
        return None
    sw, sf = sound_key(word), sound_key(family)
    if len(sw) >= 3 and len(sf) >= 3 and (sw == sf or Levenshtein.distance(sw, sf) <= 1 and
                                         min(len(sw), len(sf)) >= 3 and sw[0] == sf[0]) and kw[0] == kf[0]:
        return "sounds like"
    if _shared_part(kw, kf) >= max(4, round(0.6 * min(len(kw), len(kf)))):
        return "shares a long part with"
    return None
