"""Monotonic sentence alignment by dynamic programming (Gale & Church 1993, extended).

Each bead pairs 0–3 source sentences with 0–3 target sentences.  Its cost is
- the prior of its shape (-log p: 1-1 is common, 1-0 and 0-1 rare),
- Gale–Church's length term: how far the target length is from the source
  length times this document pair's own length ratio, in standard deviations,
- lexical anchors: numbers and Latin-script words that both sides share pull
  sentences together, ones left unmatched push them apart,
- optionally an embedding term: 1 - cosine of the two sides' sentence
  embeddings, scaled by how dissimilar unrelated sentences of the same
  document are (Vecalign's normalisation).
The search runs in a band around the diagonal, so it is linear in length.
"""
from __future__ import annotations

import bisect
import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Sequence

from ..source.numbers import extract_numbers

if TYPE_CHECKING:  # pragma: no cover
    from ..document import Document

Span = tuple[int, int]

# -log prior of each bead shape (Gale & Church's estimates, with 3-way beads added).
SHAPES: dict[tuple[int, int], float] = {
    (1, 1): -math.log(0.89), (1, 0): -math.log(0.005), (0, 1): -math.log(0.005),
    (2, 1): -math.log(0.0445), (1, 2): -math.log(0.0445), (2, 2): -math.log(0.011),
    (3, 1): -math.log(0.004), (1, 3): -math.log(0.004),
}
VARIANCE = 6.8  # Gale & Church's s^2 for character lengths
ANCHOR_BONUS = 2.0
ANCHOR_PENALTY = 0.6
EMBED_WEIGHT = 4.0  # tuned on the first 20 dev documents (benchmarks/align.py)

_LATIN_WORD = re.compile(r"\b[A-Za-z][A-Za-z0-9&.'-]*[A-Za-z0-9]|\b[A-Z]\b")
_QUOTE = re.compile(r"[\"“”«»„「」『』]")


@dataclass
class Bead:
    src: tuple[int, ...]
    tgt: tuple[int, ...]
    cost: float = 0.0


@dataclass
class Alignment:
    """Beads over the sentences of a source and a target document."""

    src_spans: list[Span]
    tgt_spans: list[Span]
    beads: list[Bead]
    method: str = "length+anchors"
    source: "Document | None" = None
    target: "Document | None" = None

    def source_span(self, bead: Bead) -> Span | None:
        if not bead.src:
            return None
        return self.src_spans[bead.src[0]][0], self.src_spans[bead.src[-1]][1]

    def target_span(self, bead: Bead) -> Span | None:
        if not bead.tgt:
            return None
        return self.tgt_spans[bead.tgt[0]][0], self.tgt_spans[bead.tgt[-1]][1]

    def source_text(self, bead: Bead) -> str:
        assert self.source is not None
        return " ".join(self.source.text[s:e] for s, e in (self.src_spans[i] for i in bead.src))

    def target_text(self, bead: Bead) -> str:
        assert self.target is not None
        return " ".join(self.target.text[s:e] for s, e in (self.tgt_spans[i] for i in bead.tgt))

    def pairs(self) -> list[tuple[Span | None, Span | None]]:
        return [(self.source_span(b), self.target_span(b)) for b in self.beads]


def _length(text: str) -> int:
    return sum(1 for c in text if not c.isspace())


def _anchors(text: str, lang: str) -> tuple[set[str], set[str]]:
    """Numbers (a mismatch is evidence against a pairing) and names, codes, quotes (only for one)."""
    numbers = {f"#{round(v, 4)}" for n in extract_numbers(text, lang, words=False) for v in n.values}
    words = set()
    for m in _LATIN_WORD.finditer(text):
        w = m.group(0)
        # Capitalised words count except sentence-initially, where every word is capitalised.
        if len(w) > 1 and (any(c.isdigit() for c in w) or w.isupper() or w[0].isupper() and m.start() > 0):
            words.add("w:" + w.lower().rstrip("."))
    if _QUOTE.search(text):
        words.add("quote")
    return numbers, words


def sentence_units(doc: "Document") -> list[Span]:
    """The sentences alignment works on (markup is already blanked out of ``doc.text``)."""
    return list(doc.sentences)


def align_sentences(src: Sequence[str], tgt: Sequence[str], src_lang: str = "und", tgt_lang: str = "und",
                    embed: Callable[[list[str]], "list[list[float]]"] | None = None,
                    band: int = 30) -> list[Bead]:
    """Beads aligning ``src`` with ``tgt`` sentences, in order, covering every sentence once.

    Two passes: the first assumes the documents' overall length ratio, which an
    omission skews; the second uses the median ratio of the 1-1 beads found.
    """
    n, m = len(src), len(tgt)
    if n == 0 or m == 0:
        return [Bead((i,), ()) for i in range(n)] + [Bead((), (j,)) for j in range(m)]
    ls = [_length(s) for s in src]
    lt = [_length(t) for t in tgt]
    ratio = (sum(lt) or 1) / (sum(ls) or 1)
    sim = _EmbeddingCost(src, tgt, embed) if embed else None
    beads = _search(src, tgt, src_lang, tgt_lang, ls, lt, ratio, sim, band)
    ones = sorted(lt[b.tgt[0]] / ls[b.src[0]] for b in beads if len(b.src) == len(b.tgt) == 1 and ls[b.src[0]])
    if ones:
        median = ones[len(ones) // 2]
        if abs(median - ratio) / ratio > 0.1:
            beads = _search(src, tgt, src_lang, tgt_lang, ls, lt, median, sim, band)
    return beads


def _search(src, tgt, src_lang, tgt_lang, ls, lt, ratio, sim, band) -> list[Bead]:
    n, m = len(src), len(tgt)
    a_src = [_anchors(s, src_lang) for s in src]
    a_tgt = [_anchors(t, tgt_lang) for t in tgt]

    def cost(i0: int, i1: int, j0: int, j1: int) -> float:
        k = (i1 - i0, j1 - j0)
        c = SHAPES[k]
        sn = set().union(*(a_src[i][0] for i in range(i0, i1)))
        tn = set().union(*(a_tgt[j][0] for j in range(j0, j1)))
        sw = set().union(*(a_src[i][1] for i in range(i0, i1)))
        tw = set().union(*(a_tgt[j][1] for j in range(j0, j1)))
        shared = len(sn & tn) + len(sw & tw)
        c += ANCHOR_PENALTY * min(len(sn ^ tn), 4)
        if k[0] and k[1]:
            l1 = sum(ls[i0:i1]) * ratio
            l2 = sum(lt[j0:j1])
            delta = (l2 - l1) / math.sqrt(VARIANCE * max((l1 + l2) / 2, 1.0))
            c += -math.log(max(math.erfc(abs(delta) / math.sqrt(2)), 1e-300))
            c -= ANCHOR_BONUS * min(shared, 3)
            if sim is not None:
                c += sim.cost(i0, i1, j0, j1)
        elif sim is not None:
            c += sim.skip
        return c

    inf = float("inf")
    # The band follows the length diagonal: row i is centred on the target sentence where the same share
    # of the text has gone by.  Sentence counts drift apart when one side splits more, lengths do not.
    total_s, total_t = sum(ls) or 1, sum(lt) or 1
    cum_t, acc = [], 0
    for x in lt:
        cum_t.append(acc / total_t)
        acc += x
    cum_t.append(1.0)
    width = band
    best: dict[tuple[int, int], tuple[float, tuple[int, int]]] = {(0, 0): (0.0, (0, 0))}
    acc_s = 0
    bounds: list[tuple[int, int]] = []
    for i in range(n + 1):
        centre = bisect.bisect_left(cum_t, acc_s / total_s)
        acc_s += ls[i] if i < n else 0
        lo, hi = max(0, int(centre - width)), min(m, int(centre + width) + 1)
        bounds.append((lo, hi))
        for j in range(lo, hi + 1):
            if i == 0 and j == 0:
                continue
            choice = (inf, (0, 0))
            for di, dj in SHAPES:
                pi, pj = i - di, j - dj
                if pi < 0 or pj < 0:
                    continue
                prev = best.get((pi, pj))
                if prev is None:
                    continue
                total = prev[0] + cost(pi, i, pj, j)
                if total < choice[0]:
                    choice = (total, (di, dj))
            if choice[0] < inf:
                best[(i, j)] = choice
    wider = min(band * 3, max(n, m) + 1)
    if (n, m) not in best:  # band too narrow for this pair: widen it
        return _search(src, tgt, src_lang, tgt_lang, ls, lt, ratio, sim, wider)
    beads: list[Bead] = []
    i, j = n, m
    edge = False
    while i or j:
        total, (di, dj) = best[(i, j)]
        lo, hi = bounds[i]
        edge = edge or (lo > 0 and j - lo < 3) or (hi < m and hi - j < 3)
        beads.append(Bead(tuple(range(i - di, i)), tuple(range(j - dj, j)), total - best[(i - di, j - dj)][0]))
        i, j = i - di, j - dj
    if edge and wider > band:  # the path runs along the band's edge: the true one may lie outside
        return _search(src, tgt, src_lang, tgt_lang, ls, lt, ratio, sim, wider)
    beads.reverse()
    return beads


class _EmbeddingCost:
    """Embedding evidence as a z-score: how much closer a bead's two sides are than the document's
    typical unrelated sentence pair, in standard deviations.  Good pairs earn a bonus, poor ones
    a penalty, scaled by the sentences covered; skips get neither, so 1-0 and 0-1 beads keep
    their length-model cost.  A multi-sentence side is the normalised sum of its sentences'
    embeddings (only single sentences are encoded).
    """

    def __init__(self, src: Sequence[str], tgt: Sequence[str], embed: Callable):
        import numpy as np

        self.np = np
        vecs = np.asarray(embed(list(src) + list(tgt)), dtype="float32")
        self.s, self.t = vecs[:len(src)], vecs[len(src):]
        sims = self.s @ self.t.T
        self.mean = float(sims.mean())
        self.std = max(float(sims.std()), 0.01)
        self.skip = 0.0

    def _side(self, m, a: int, b: int):
        v = m[a:b].sum(0)
        return v / (self.np.linalg.norm(v) or 1.0)

    def cost(self, i0: int, i1: int, j0: int, j1: int) -> float:
        cos = float(self._side(self.s, i0, i1) @ self._side(self.t, j0, j1))
        z = (cos - self.mean) / self.std
        return -EMBED_WEIGHT * max(min(z, 3.0), -3.0)


def align_documents(target: "Document", source: "Document", embed: Callable | None = None) -> Alignment:
    """Align the sentences of ``target`` with those of ``source``.

    Bilingual files (``target.units``) are aligned unit by unit: the file already
    pairs its units, only sentences inside a unit need aligning.
    """
    units = target.units
    tgt_spans = sentence_units(target)
    src_spans = sentence_units(source)
    if not units:
        beads = align_sentences([source.text[s:e] for s, e in src_spans], [target.text[s:e] for s, e in tgt_spans],
                                source.lang, target.lang, embed)
        return Alignment(src_spans, tgt_spans, beads, "length+anchors+embedding" if embed else "length+anchors",
                         source, target)
    beads: list[Bead] = []
    for (ts, te), (ss, se) in units:
        ti = [k for k, (s, e) in enumerate(tgt_spans) if s >= ts and e <= te]
        si = [k for k, (s, e) in enumerate(src_spans) if s >= ss and e <= se]
        sub = align_sentences([source.text[slice(*src_spans[k])] for k in si],
                              [target.text[slice(*tgt_spans[k])] for k in ti], source.lang, target.lang, embed)
        for b in sub:
            beads.append(Bead(tuple(si[k] for k in b.src), tuple(ti[k] for k in b.tgt), b.cost))
    return Alignment(src_spans, tgt_spans, beads, "file units", source, target)
