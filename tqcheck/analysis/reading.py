"""One reading of a document by the language model, shared by the phrasing rules.

Every paragraph is scored in one pass (per-token log-probabilities, and the
model's own likeliest tokens where a word is surprising enough to need them);
the result is kept on the document as an ``LMReading``, so the word, clause
and name rules never run the model twice over the same text.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass

from ..lm import get_language_model

TOP_K = 5  # the model's likeliest words at each position, from the paragraph pass
# Proposals (top-k) are worked out only for words at least this surprising; below it no rule reads them.
PROPOSALS_FROM = 8.0


@dataclass
class Word:
    start: int
    end: int
    text: str
    surprisal: float  # nats: minus the summed log-probability of the word's tokens
    proposals: list[tuple[str, float]]  # the model's likeliest tokens at the word's first token
    paragraph: tuple[int, int]


class LMReading(list):
    """The document's words with their surprisal, one list per non-empty paragraph."""


def _paragraphs(doc) -> list[tuple[int, int]]:
    return [(s, e) for s, e in doc.paragraphs if doc.text[s:e].strip()]


def prefetch(doc, ctx) -> None:
    """Queue the paragraph pass with the model (from a rule's ``prepare``), so that other rules'
    queued rescoring is run in the same pass."""
    lm = get_language_model(ctx) if not doc.has_analysis(LMReading) else None
    if lm is not None:
        lm.prefetch([doc.text[s:e] for s, e in _paragraphs(doc)], k=TOP_K, min_surprisal=PROPOSALS_FROM,
                    proposals=True)


class ReadsParagraphs:
    """Mixed into the rules that read the shared paragraph pass: they queue it before any check runs,
    so it is scored together with other rules' queued work (see ``Rule.prepare``)."""

    def prepare(self, doc, ctx) -> None:
        prefetch(doc, ctx)


def read(doc, ctx) -> LMReading | None:
    """The document's words, per non-empty paragraph, with their surprisal; None without a model."""
    return doc.analysis(LMReading, lambda: _read(doc, ctx))


def _read(doc, ctx) -> LMReading | None:
    lm = get_language_model(ctx)
    if lm is None:
        return None
    paras = _paragraphs(doc)
    per_para = lm.alternatives([doc.text[s:e] for s, e in paras], k=TOP_K, min_surprisal=PROPOSALS_FROM)
    out = LMReading()
    for (ps, pe), toks in zip(paras, per_para):
        words = []
        ends = [ps + e for _, e, _, _ in toks]  # token ends only grow: find a word's first token by bisection
        for ws, we, w in doc.words(ps, pe):
            lp, top, first = 0.0, [], True
            for j in range(bisect.bisect_right(ends, ws), len(toks)):
                s, _, l, alts = toks[j]
                if ps + s >= we:
                    break
                lp += l
                if first:
                    top, first = [(a, v) for a, v in alts], False
            words.append(Word(ws, we, w, -lp, top, (ps, pe)))
        out.append(words)
    return out


def sentence_scores(reading: LMReading | None, doc) -> list[dict] | None:
    """Per sentence the model read: its span, the mean surprisal of its words (nats per word) and each
    word's (the report's fluency strip)."""
    if reading is None:
        return None
    words = sorted((w for para in reading for w in para), key=lambda w: w.start)
    starts = [w.start for w in words]
    rows = []
    for s, e in doc.sentences:
        inside = words[bisect.bisect_left(starts, s):bisect.bisect_left(starts, e)]
        if inside:
            values = [round(w.surprisal, 3) for w in inside]
            rows.append({"start": s, "end": e, "score": round(sum(values) / len(values), 3), "tokens": values})
    return rows
