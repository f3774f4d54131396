"""What the detector reads about each word: the model's hidden states there and a few plain signals.

One function serves training (``tqcheck.lab.detector.extract``) and checking (``tqcheck.detector.detection``),
so the detector sees at run time exactly what it was trained on.
"""
from __future__ import annotations

import numpy as np

from ..analysis.lexical import at_sentence_start, zipf
from ..errors import RuleSkipped

# The plain signals, in column order (the hidden states follow them).  Surprisal is in nats, clipped:
# beyond 30 a word is simply very surprising, and a few 60-nat outliers would dominate the scaling.
SCALARS = ("surprisal", "peak", "tokens", "per_token", "before", "after", "around", "zipf", "known",
           "capital", "all_caps", "digit", "not_alpha", "sentence_start", "paragraph_start", "length")
CLIP = 30.0


def word_features(doc, reading) -> tuple[list, np.ndarray]:
    """The document's words (``reading.Word``, in order) and one row of features per word: ``SCALARS``,
    then the hidden states the reading kept (zeros where it kept none)."""
    words = [w for para in reading for w in para]
    width = next((len(w.state) for w in words if w.state is not None), 0)
    out = np.zeros((len(words), len(SCALARS) + width), dtype=np.float32)
    if not words:
        return words, out
    surprisal = np.array([min(w.surprisal, CLIP) for w in words], dtype=np.float32)
    first_of_paragraph = np.array([w.start == w.paragraph[0] for w in words])
    before = np.where(first_of_paragraph, 0.0, np.roll(surprisal, 1))
    last_of_paragraph = np.roll(first_of_paragraph, -1)
    last_of_paragraph[-1] = True
    after = np.where(last_of_paragraph, 0.0, np.roll(surprisal, -1))
    padded = np.pad(surprisal, 2)
    around = np.max(np.stack([padded[i:i + len(words)] for i in range(5)]), axis=0)
    lang = doc.lang
    for i, w in enumerate(words):
        text = w.text
        try:
            freq, known = zipf(text.lower(), lang), 1.0
        except RuleSkipped:  # no word list for this language: the column says so
            freq, known = 0.0, 0.0
        row = out[i]
        row[:len(SCALARS)] = (
            surprisal[i], min(w.peak, CLIP), min(w.tokens, 8), surprisal[i] / max(w.tokens, 1), before[i],
            after[i], around[i], freq, known, text[:1].isupper(), len(text) > 1 and text.isupper(),
            any(c.isdigit() for c in text), not any(c.isalpha() for c in text), at_sentence_start(doc, w.start),
            first_of_paragraph[i], min(len(text), 20) / 10)
        if w.state is not None and width:
            row[len(SCALARS):] = w.state
    return words, out


def with_neighbours(X: np.ndarray, groups: np.ndarray | None = None, width: int = 2) -> np.ndarray:
    """``X`` with, per word, the mean hidden state of the ``width`` words on each side of it (within its
    group: one document) appended.  Raters mark phrases: what the words around a word look like to the
    model says whether the word is part of one."""
    n = len(X)
    states = X[:, len(SCALARS):].astype(np.float32)
    groups = np.zeros(n, dtype=np.int64) if groups is None else groups
    idx = np.arange(n)
    # The first and last row of each word's group bound its window.
    change = np.r_[True, groups[1:] != groups[:-1]]
    first = np.maximum.accumulate(np.where(change, idx, 0))
    last_rev = np.r_[groups[:-1] != groups[1:], True]
    last = np.minimum.accumulate(np.where(last_rev, idx, n - 1)[::-1])[::-1]
    lo = np.maximum(idx - width, first)
    hi = np.minimum(idx + width, last)
    csum = np.vstack([np.zeros((1, states.shape[1]), dtype=np.float64), np.cumsum(states, axis=0, dtype=np.float64)])
    total = csum[hi + 1] - csum[lo] - states  # the window less the word itself
    count = (hi - lo).astype(np.float64)[:, None]
    around = np.where(count > 0, total / np.maximum(count, 1), 0.0).astype(np.float32)
    return np.hstack([X.astype(np.float32), around])


# A word this common (wordfreq Zipf: "of" 7.4, "with" 6.9, "at" 6.6) between two flagged words joins them.
BRIDGE_ZIPF = 6.5


def bridges(X: np.ndarray) -> np.ndarray:
    """Per row of ``word_features``: whether the word is common enough to join two flagged words
    (``flagged_runs``); only where the language has a word list."""
    return (X[:, SCALARS.index("known")] > 0) & (X[:, SCALARS.index("zipf")] >= BRIDGE_ZIPF)


def commas(text: str, starts, ends) -> np.ndarray:
    """Per word (character offsets into ``text``): whether only a comma and a space stand between it
    and the next word, which ``flagged_runs`` may join across."""
    out = np.zeros(len(starts), dtype=bool)
    for i in range(len(starts) - 1):
        out[i] = text[ends[i]:starts[i + 1]] == ", "
    return out
