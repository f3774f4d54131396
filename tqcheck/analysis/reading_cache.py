"""The model's reading kept per window, so that a re-check after an edit reads only the windows that changed.

A window's reading (``reading.Window``: whole paragraphs, read after their context) depends only on its
text, its context, its paragraphs, the document's language, how it is read and by which model: that is
its key (``window_key``).  A one-word edit changes one window, and the next one's context when the edit
is within ``reading.CONTEXT_CHARS`` of its end; every other window is taken from here, not read again.

What is kept is small: per word its offsets (relative to the window), surprisal, proposals, token
count and peak; the hidden states (5 KB a word) only of the ``EDGE_WORDS`` words at each end of the
window, which readers of the neighbouring window's words need (the detector's neighbour features);
and what consumers derived from the words (``derived_per_word``: the detector's per-word outputs,
keyed by the detector), so an unchanged window does not go through the detector again either.

The cache is one of the run's resources (``READINGS``): a command's run keeps it for its files, and
the desk, whose checks share one resource table, for its life.  It is bounded (``MAX_WINDOWS``, least
recently used first out).
"""
from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Callable, Hashable

import numpy as np

from ..context import Resource

# Hidden states kept at each end of a window: a word's detector inputs include the mean state of its
# neighbours (``Detector.neighbours``, 4 on each side for the shipped one), so a word within that reach
# of the edge of a window that is re-read needs the states of the words up to twice that far in.
EDGE_WORDS = 8
# About 80 KB a window (mostly the edge states): 20 MB at most, some 20 articles of 3,000 words.
MAX_WINDOWS = 256


@dataclass
class KeptWindow:
    """One window's reading, less the hidden states of its inner words."""
    # Per paragraph, per word: (start, end, text, surprisal, proposals, tokens, peak), offsets from the window's start.
    words: list[list[tuple]]
    edge_states: dict[int, np.ndarray]  # word index in the window -> its state (the first and last EDGE_WORDS)
    # Per consumer key: what it derived per word of the window (name -> one value a word), and the inputs it
    # derived them from that are not the window's reading (``derived_per_word``'s ``signature``).
    derived: dict[Hashable, dict[str, np.ndarray]] = field(default_factory=dict)


class WindowCache:
    def __init__(self, limit: int = MAX_WINDOWS):
        self.limit = limit
        self._kept: OrderedDict[str, KeptWindow] = OrderedDict()
        self.read = self.cached = 0  # windows read by the model, and taken from here (the desk reports both)

    def get(self, key: str) -> KeptWindow | None:
        kept = self._kept.get(key)
        if kept is not None:
            self._kept.move_to_end(key)
        return kept

    def put(self, key: str, kept: KeptWindow) -> None:
        self._kept[key] = kept
        self._kept.move_to_end(key)
        while len(self._kept) > self.limit:
            self._kept.popitem(last=False)

    def __len__(self) -> int:
        return len(self._kept)


READINGS: Resource[WindowCache] = Resource("the model's reading, per window")


def model_key(lm) -> str:
    """What identifies the model's scores: its card and device (a GPU's differ from a CPU's), and the
    scoring code's version; a model without a card (a test's stand-in) is itself."""
    from ..lm.cache import SCORER_VERSION

    card = getattr(lm, "card", None)
    who = card.id if card is not None else f"{type(lm).__name__}@{id(lm)}"
    return f"{who}|{getattr(lm, 'device', '')}|{SCORER_VERSION}"


def window_key(model: str, settings: tuple, lang: str, text: str, context: str, paragraphs: list[tuple[int, int]]) -> str:
    """The key of one window's reading: everything it depends on (``paragraphs`` relative to the window)."""
    parts = (model, repr(settings), lang, context, text, repr(paragraphs))
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def keep(words: list[list], start: int) -> KeptWindow:
    """What the cache keeps of a window read now (its ``reading.Word``s, per paragraph, starting at ``start``)."""
    flat = [w for para in words for w in para]
    edges = {i: flat[i].state for i in (*range(min(EDGE_WORDS, len(flat))), *range(max(0, len(flat) - EDGE_WORDS), len(flat)))
             if flat[i].state is not None}
    return KeptWindow([[(w.start - start, w.end - start, w.text, w.surprisal, tuple(w.proposals), w.tokens, w.peak)
                        for w in para] for para in words], edges)


def stale_parts(parts: list, key: Hashable, signature: np.ndarray, reach: int) -> list:
    """The windows taken from the cache whose words' values ``key`` cannot derive from what the cache
    kept (see ``derived_per_word``): none kept for that key (another detector), or a word farther than
    ``reach`` from the window's edges whose ``signature`` changed, whose hidden state was not kept.
    Their hidden states must be read again (``reading.restore_states``) before ``derived_per_word``."""
    out = []
    for part in parts:
        if part.fresh or part.kept is None:
            continue
        got = part.kept.derived.get(key)
        lo, hi = part.first, part.first + part.count
        if got is None or len(got["signature"]) != hi - lo:
            out.append(part)
            continue
        differs = (got["signature"] != signature[lo:hi]).any(axis=1)
        if differs[reach:max(reach, hi - lo - reach)].any():
            out.append(part)
    return out


def derived_per_word(parts: list, key: Hashable, signature: np.ndarray, reach: int,
                     compute: Callable[[np.ndarray | None], dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    """Per word of a reading, the values ``compute`` derives (by name, one a word), taken from the cache
    for the windows read before where they still hold.

    ``parts`` are the reading's ``WindowPart``s; ``key`` names the consumer and everything its values
    depend on besides the words (a detector's file and the language); ``signature`` holds, one row a
    word, the other inputs of a word's values that may change without its window changing (neighbours'
    surprisal across a window edge, whether it opens a sentence): a word whose row differs from the one
    kept is derived again, and so is every word within ``reach`` words of a window's edge (its values read
    its neighbours' hidden states).  ``compute(rows)`` returns the values for those rows (all rows when
    given None: a reading with nothing kept is derived in one call, exactly as without the cache).
    The words it derives must have their hidden states: call ``stale_parts`` first.
    """
    n = len(signature)
    need = np.zeros(n, dtype=bool)
    kept: list[dict[str, np.ndarray] | None] = []
    for part in parts:
        got = part.kept.derived.get(key) if part.kept is not None and not part.fresh else None
        lo, hi = part.first, part.first + part.count
        if got is None or len(got["signature"]) != hi - lo:
            need[lo:hi] = True
            got = None
        else:
            need[lo:hi] |= (got["signature"] != signature[lo:hi]).any(axis=1)
            need[lo:lo + reach] = True
            need[max(lo, hi - reach):hi] = True
        kept.append(got)
    if need.all() or not parts:
        out = compute(None)
    else:
        rows = np.flatnonzero(need)
        fresh = compute(rows) if len(rows) else {}
        names = list(fresh) or [k for k in next(g for g in kept if g is not None) if k != "signature"]
        out = {}
        for name in names:
            dtype = fresh[name].dtype if name in fresh else next(g for g in kept if g is not None)[name].dtype
            values = np.zeros(n, dtype=dtype)
            for part, got in zip(parts, kept):
                if got is not None:
                    values[part.first:part.first + part.count] = got[name]
            if name in fresh:
                values[rows] = fresh[name]
            out[name] = values
    for part, got in zip(parts, kept):
        if part.kept is not None and got is None:
            lo, hi = part.first, part.first + part.count
            part.kept.derived[key] = {"signature": signature[lo:hi].copy(), **{k: v[lo:hi].copy() for k, v in out.items()}}
    return out
