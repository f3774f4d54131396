"""A question or exclamation without its opening mark (Spanish ¿…? and ¡…!), or the reverse."""
from __future__ import annotations

import re

from ...findings import Category, Severity
from ...languages import profile
from ..registry import DocumentRule, register

# Where the question or exclamation starts: after the sentence's previous clause end, a colon or an
# opening quotation mark ("Le preguntó: ¿vendrás?", «¿Vendrás?»); otherwise at the sentence start.
_CLAUSE_START = re.compile(r"[.;:?!¿¡«“\"(—]")
_WORD = re.compile(r"[^\W\d_]+")
# English words that mark a quoted English sentence ("Who is he?"): not Spanish, left alone.
_ENGLISH = frozenset("the you what who is are do does did how why where when this that your my we it "
                     "will would can could".split())


def _clause_start(text, sent_start, end):
    cut = sent_start
    for m in _CLAUSE_START.finditer(text, sent_start, end):
        cut = m.end()
    word = _WORD.search(text, cut, end)
    return word


def _titled(words):
    # A title capitalises (nearly) every word: "Quién Mató a Laura Palmer?"; one named at the end of a
    # sentence ends in two capitalised words or more ("El libro se llama Who Is He?").
    return (len(words) >= 3 and sum(w[0].isupper() for w in words) >= len(words) - 1) or \
        all(w[0].isupper() for w in words[-2:])


@register
class OpeningMarks(DocumentRule):
    id = "opening-marks"
    family = "typography"
    category = Category.TYPOGRAPHY
    severity = Severity.WARNING
    description = """A question or exclamation closed with ? or ! but never opened with ¿ or ¡ (or the reverse).

    Spanish opens questions and exclamations as well as closing them; machine
    translation from English drops the opening mark.  The fix inserts it where
    the question starts.  Titles and quoted English are left alone."""
    example_lang = "es"
    bad = ("Cuándo llegará el ministro a Bruselas?", "Qué sorpresa!")
    good = ("¿Cuándo llegará el ministro a Bruselas?", "Si llueve, ¿vendrás?", "El libro se llama Who Is He?")

    def check(self, doc, ctx):
        marks = profile(doc.lang).opening_marks
        if not marks:
            return
        text = doc.text
        for start, end in doc.sentences:
            for opening, closing in marks:
                yield from self._sentence(text, start, end, opening, closing)

    def _sentence(self, text, start, end, opening, closing):
        open_at: list[int] = []
        clause = start
        for i in range(start, end):
            ch = text[i]
            if ch == opening:
                open_at.append(i)
            elif ch == closing and open_at:
                open_at.pop()
            elif ch == closing:
                word = _clause_start(text, clause, i)
                if word is not None and self._spanish(text[word.start():i]):
                    what = "A question" if closing == "?" else "An exclamation"
                    yield self.finding(word.start(), word.end(),
                                       f"{what} ending in '{closing}' without its opening '{opening}'.",
                                       [opening + word.group()], confidence=0.8)
            if ch in ".?!":
                clause = i + 1
        for i in open_at:
            yield self.finding(i, i + 1, f"'{opening}' opens a sentence that never closes with '{closing}'.",
                               confidence=0.6)

    @staticmethod
    def _spanish(clause):
        words = _WORD.findall(clause)
        if len(words) < 2 or _titled(words):
            return False
        english = [w.lower() in _ENGLISH for w in words]
        return sum(english) * 3 < len(words) and sum(english[-4:]) < 2
