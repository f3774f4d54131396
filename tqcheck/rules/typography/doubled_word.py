"""The same word twice in a row."""
from __future__ import annotations

import re

from ...analysis.lexical import at_sentence_start
from ...findings import Category, Severity
from ...languages import profile
from ..registry import DocumentRule, register

_DOUBLED = re.compile(r"\b(\w+)(\s+)(\1)\b", re.IGNORECASE | re.UNICODE)


@register
class DoubledWord(DocumentRule):
    id = "doubled-word"
    family = "typography"
    category = Category.FLUENCY
    severity = Severity.WARNING
    description = """A word repeated immediately ("the the").

    Doublings that are grammatical in the document's language ("had had",
    German "die die") are not flagged; numbers are not flagged."""
    bad = ("The talks were held in the the state villa.", "He said that he he would go.", "The The talks ended.")
    good = ("He had had enough.", "They met in 2023 2024 and 2025.", "The visit was the first.",
            "Chong Yang asked Qiao Qiao how he viewed the meeting.")

    def check(self, doc, ctx):
        allowed = profile(doc.lang).doubled_words  # grammatical doublings ("had had", German "die die")
        for m in _DOUBLED.finditer(doc.text):
            word = m.group(1)
            if word.isdigit() or word.lower() in allowed or "\n\n" in m.group(2):
                continue
            # Case must match too, or it is "Hello hello"-style emphasis at a sentence start.
            if word != m.group(3) and word.lower() != m.group(3):
                continue
            # A capitalised pair inside a sentence is a name ("Li Li", "Qiao Qiao"), not a typo.
            if word[0].isupper() and not at_sentence_start(doc, m.start()):
                continue
            yield self.finding(m.start(), m.end(), f"Doubled word '{word}'.", [word], confidence=0.9)
