"""One reading of a document by the language model, shared by the phrasing rules.

Every paragraph is scored in one pass (per-token log-probabilities, and the
model's own likeliest tokens where a word is surprising enough to need them);
the result is kept on the document as an ``LMReading``, so the word, clause
and name rules never run the model twice over the same text.

A paragraph is read with the article before it, as a reader reads it
(``Context.read_in_context``, on unless a run asks otherwise): the document is read in windows of consecutive paragraphs
(as the document writes them, blank lines included), each after the title and
the end of the text before it as context.  Read alone, a paragraph's first
words look improbable ("The unions ..." 16.5 nats at the start of an AFP-style
paragraph, where the model expected "first, new, purpose"), and copy written
one or two sentences to a paragraph (wire copy) was flooded with hints.
Windows keep the cost close to linear in the article's length: every token is
scored once, and only a window's context (at most ``CONTEXT_CHARS``) is read a
second time.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field

import numpy as np

from ..lm import get_language_model
from ..report import SentenceFluency
from .declared import Needs, analysis

TOP_K = 5  # the model's likeliest words at each position, from the paragraph pass
# Proposals (top-k) are worked out only for words at least this surprising; below it no rule reads them.
PROPOSALS_FROM = 8.0
# The layers whose hidden states the reading keeps for every word (mean over its tokens): the middle of
# the default model's 18 and its last, which is what the trained detector reads (``tqcheck.detector``,
# whose weights record the layers they were trained on, and which serves that model only; a model with
# fewer layers gives its last state for the missing ones).  A probe on Gemma 3 270M found the most
# rater-relevant signal in these two (issue #18's feasibility run).
STATE_LAYERS = (9, 18)
# Whether paragraphs are read in context (windows, below; hint allowances per block of words; the first
# word of a paragraph judged like any other), or each alone, is the run's ``Context.read_in_context``
# (``CheckRequest.read_in_context``; part of the results cache's key).  The trained detector
# (``tqcheck.detector``) learned from in-context readings, so that is the default; the opt-in hint rules
# (lm-disfluency, lm-awkward-clause) were calibrated on paragraphs read alone, and on zh-en dev read in
# context they give char P 0.653 at R 0.185 with the documents' paragraphs and 0.658 at 0.187 with one
# segment a paragraph (alone: 0.659 at 0.215 and 0.507 at 0.288).  ``python -m tqcheck.lab.evaluation
# --read-alone`` measures the old reading.
# A window holds consecutive paragraphs up to about this many characters (about 300 tokens of English;
# one longer paragraph is a window by itself).
WINDOW_CHARS = 1500
# Each window is read after this much of the text before it (cut at a word), and after the title (the
# document's first paragraph, when it is at most TITLE_CHARS long and not already in that text).
CONTEXT_CHARS = 600
TITLE_CHARS = 400


@dataclass
class Word:
    start: int
    end: int
    text: str
    surprisal: float  # nats: minus the summed log-probability of the word's tokens
    proposals: list[tuple[str, float]]  # the model's likeliest tokens at the word's first token
    paragraph: tuple[int, int]
    tokens: int = 1  # how many of the model's tokens the word spans
    peak: float = 0.0  # nats: the most surprising of those tokens
    # The hidden states of ``STATE_LAYERS`` at the word's tokens, averaged (None when the model gave none).
    state: np.ndarray | None = field(default=None, repr=False)


@analysis(needs=[Needs.MODEL])
class LMReading(list):
    """The document's words with their surprisal, one list per non-empty paragraph."""

    def __init__(self, paragraphs=(), in_context: bool = True):
        super().__init__(paragraphs)
        # How it was read (``windows``): rules judge a paragraph's first word, and allow their hints per
        # block of words or per paragraph, accordingly.
        self.in_context = in_context

    def settle(self, doc, outcome) -> None:
        """Once the document's rules have run: the report's fluency strip, and the hidden states (5 KB a
        word) dropped, since the report keeps the document and a corpus run would otherwise keep every
        file's states to the end."""
        outcome.fluency = sentence_scores(self, doc)
        release_states(self)


# Rules that allow a few hints "per paragraph" allow them per block of this many consecutive words
# instead, across paragraph breaks: copy written a sentence to a paragraph would otherwise get the
# allowance per sentence.  On zh-en dev, with the allowance per paragraph and each paragraph read in
# context, lm-disfluency flagged 510 words (char P 0.679) with the documents' own paragraphs and 910
# (P 0.600) with every segment a paragraph.  Dev paragraphs hold 127 words on average (34 at the median).
BLOCK_WORDS = 100


def blocks(reading: LMReading, size: int | None = None) -> list[list[Word]]:
    """The document's words in blocks of ``size`` consecutive words, whatever the paragraphs (a
    remainder under half a block joins the block before it).  Read paragraph by paragraph, the paragraphs."""
    if not reading.in_context and size is None:
        return list(reading)
    size = size or BLOCK_WORDS
    words = [w for para in reading for w in para]
    out = [words[i:i + size] for i in range(0, len(words), size)]
    if len(out) > 1 and len(out[-1]) < size / 2:
        last = out.pop()
        out[-1] = out[-1] + last
    return out


def _paragraphs(doc) -> list[tuple[int, int]]:
    return [(s, e) for s, e in doc.paragraphs if doc.text[s:e].strip()]


@dataclass
class Window:
    start: int  # the first paragraph's start
    end: int  # the last paragraph's end
    paragraphs: list[tuple[int, int]]
    context: str  # what the model reads before doc.text[start:end]


def windows(doc, in_context: bool = True) -> list[Window]:
    """The paragraphs grouped into windows of at most ``WINDOW_CHARS`` (whole paragraphs), each with
    the title and the preceding text as its context; with ``in_context`` off, each paragraph alone."""
    out: list[Window] = []
    if not in_context:
        return [Window(s, e, [(s, e)], "") for s, e in _paragraphs(doc)]
    for s, e in _paragraphs(doc):
        if out and e - out[-1].start <= WINDOW_CHARS:
            out[-1].end = e
            out[-1].paragraphs.append((s, e))
        else:
            out.append(Window(s, e, [(s, e)], _context(doc, s)))
    return out


def _context(doc, start: int) -> str:
    """The text before ``start``: its last ``CONTEXT_CHARS`` from a word start, after the title."""
    left = max(0, start - CONTEXT_CHARS)
    if left > 0:
        space = doc.text.find(" ", left, start)
        left = space + 1 if space >= 0 else start
    tail = doc.text[left:start]
    paras = _paragraphs(doc)
    if left > 0 and paras:
        ts, te = paras[0]
        if te - ts <= TITLE_CHARS and te <= left:
            return doc.text[ts:te] + "\n\n" + tail
    return tail


def _requests(doc, ctx) -> tuple[list[Window], list[str], list[str]]:
    wins = windows(doc, ctx.read_in_context)
    return wins, [doc.text[w.start:w.end] for w in wins], [w.context for w in wins]


def prefetch(doc, ctx) -> None:
    """Queue the paragraph pass with the model (from a rule's ``prepare``), so that other rules'
    queued rescoring is run in the same pass."""
    lm = get_language_model(ctx) if not doc.has_analysis(LMReading) else None
    if lm is not None:
        _, texts, contexts = _requests(doc, ctx)
        lm.prefetch(texts, contexts, k=TOP_K, min_surprisal=PROPOSALS_FROM, proposals=True, layers=_layers(ctx))


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
    wins, texts, contexts = _requests(doc, ctx)
    per_window = lm.alternatives(texts, contexts, k=TOP_K, min_surprisal=PROPOSALS_FROM, layers=_layers(ctx))
    out = LMReading(in_context=ctx.read_in_context)
    for win, toks in zip(wins, per_window):
        ends = [win.start + e for _, e, _, _ in toks]  # token ends only grow: find a word's first token by bisection
        states = getattr(toks, "states", None)
        for ps, pe in win.paragraphs:
            words = []
            for ws, we, w in doc.words(ps, pe):
                lp, top, peak = 0.0, [], 0.0
                lo = j = bisect.bisect_right(ends, ws)
                while j < len(toks) and win.start + toks[j][0] < we:  # the word's tokens: [lo, j)
                    _, _, l, alts = toks[j]
                    lp += l
                    peak = max(peak, -l)
                    if j == lo:
                        top = [(a, v) for a, v in alts]
                    j += 1
                state = states[lo:j].mean(axis=0) if states is not None and lo < j <= len(states) else None
                words.append(Word(ws, we, w, -lp, top, (ps, pe), max(j - lo, 1), peak, state))
            out.append(words)
    return out


def _layers(ctx) -> tuple[int, ...]:
    """``STATE_LAYERS`` when a rule of the run reads the states (``Context.model_states``), else none."""
    return STATE_LAYERS if ctx.model_states else ()


def release_states(reading: LMReading | None) -> None:
    """Drop the words' hidden states once every rule that reads them has run (``Engine.check_document``)."""
    for para in reading or ():
        for w in para:
            w.state = None


def sentence_scores(reading: LMReading | None, doc) -> list[SentenceFluency] | None:
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
            rows.append(SentenceFluency(s, e, round(sum(values) / len(values), 3), tuple(values)))
    return rows
