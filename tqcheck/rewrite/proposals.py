"""The model's own words for a word's place, from its reading (``reading.Word.proposals``)."""
from __future__ import annotations


def proposed_words(word) -> list[str]:
    """The whole words the model proposed in the word's place, likeliest first, less the word itself: a
    proposal that continues a word ("KYO" for "EXPAND") is no wording to offer a reader."""
    words = (a.strip() for a, _ in word.proposals if a.startswith((" ", "\u2581")) and a.strip().isalpha())
    return [c for c in dict.fromkeys(words) if c.lower() != word.text.lower()]
