"""The vocabulary grouped by writing system, so the output layer can skip scripts a text does not use.

The default model's output layer is 262k tokens wide, more than half of its
work per token, and 40% of those tokens are written in scripts (Devanagari,
Cyrillic, Hangul...) that an English or German text never contains.  The
model gives them almost no probability there: normalising over the
script-neutral tokens (ASCII pieces, digits, punctuation, byte fallbacks),
the Latin ones and those of the scripts in the batch left out, on 60 dev
segments each of zh-en and en-de, a mean of 3e-4 nats per token (99th
percentile 0.005, largest 0.14), far below any threshold a rule uses.

``VocabOrder`` renumbers the vocabulary so that each script's tokens are
contiguous (neutral first, then Latin, then the rest by script); the model's
embedding rows are permuted to match, and the tokenizer's ids are mapped in
and out at the edges of ``CausalLM``.
"""
from __future__ import annotations

import json
import unicodedata
from pathlib import Path

from ..textio import atomic_write

NEUTRAL = "COMMON"
ALWAYS = (NEUTRAL, "LATIN")  # Latin letters turn up in names and loanwords in text of any script


def char_script(ch: str) -> str | None:
    """The script of a letter (the first word of its Unicode name: LATIN, CJK, CYRILLIC...); None for
    ASCII and for anything that is not a letter."""
    if ch.isascii() or not ch.isalpha():
        return None
    try:
        return unicodedata.name(ch).split()[0]
    except ValueError:
        return "UNNAMED"


def token_class(piece: str) -> str:
    """A token's class: the scripts of its letters joined with '+', or COMMON when it has none."""
    scripts = {s for s in map(char_script, piece.replace("\u2581", " ")) if s}
    return "+".join(sorted(scripts)) if scripts else NEUTRAL


def classify(tokenizer, size: int, cache: Path | None = None) -> list[str]:
    """The class of every token id below ``size``, read from ``cache`` when it matches."""
    if cache is not None and cache.is_file():
        try:
            data = json.loads(cache.read_text("utf-8"))
            if len(data) == size:
                return data
        except (OSError, ValueError):
            pass  # rebuilt below
    pieces = tokenizer.convert_ids_to_tokens(list(range(size)))
    classes = [token_class(p or "") for p in pieces]
    if cache is not None:
        try:
            atomic_write(cache, json.dumps(classes))
        except OSError:
            pass  # a read-only cache only costs the classification next time
    return classes


class VocabOrder:
    """A renumbering of the vocabulary that puts each class's tokens in one contiguous range."""

    def __init__(self, classes: list[str]):
        rank = {c: i for i, c in enumerate(ALWAYS)}
        self.order = sorted(range(len(classes)), key=lambda i: (rank.get(classes[i], len(ALWAYS)), classes[i], i))
        self.inv = [0] * len(classes)  # old id -> new id
        for new, old in enumerate(self.order):
            self.inv[old] = new
        self.ranges: dict[str, tuple[int, int]] = {}
        for new, old in enumerate(self.order):
            c = classes[old]
            lo, _ = self.ranges.get(c, (new, new))
            self.ranges[c] = (lo, new + 1)
        self.class_of_new = [classes[old] for old in self.order]

    def spans(self, new_ids) -> list[tuple[int, int]]:
        """The merged id ranges to normalise over for a batch: the classes always kept, and that of
        every token the batch contains (so each scored token is inside)."""
        wanted = set(ALWAYS) | {self.class_of_new[i] for i in set(new_ids)}
        spans = sorted(self.ranges[c] for c in wanted if c in self.ranges)
        merged: list[list[int]] = []
        for lo, hi in spans:
            if merged and lo <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], hi)
            else:
                merged.append([lo, hi])
        return [(lo, hi) for lo, hi in merged]
