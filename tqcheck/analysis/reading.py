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

Each window's reading is kept in the run's reading cache (``reading_cache``; the desk keeps it across
its checks), so a re-check after an edit reads only the windows whose text or context changed.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field

import numpy as np

from ..lm import get_language_model
from ..progress import ctx_progress
from ..report import SentenceFluency
from .declared import Needs, analysis
from .reading_cache import READINGS, KeptWindow, WindowCache, keep, model_key, window_key

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
        # Where each window's words sit, and whether the model read it in this check (``_read``); empty
        # for a reading built by hand.
        self.parts: list[WindowPart] = []
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


@dataclass
class WindowPart:
    """Where one window's words sit in the reading, and the cache's copy of its reading."""
    key: str
    first: int  # index of its first word in the reading (document order)
    count: int  # how many words it has
    fresh: bool  # read by the model in this check (else taken from the cache)
    kept: KeptWindow | None = None
    window: Window | None = None


def _plan(doc, ctx, lm) -> tuple[list[Window], list[str], list[KeptWindow | None]]:
    """The document's windows, their keys, and what the run's reading cache holds for each."""
    wins = windows(doc, ctx.read_in_context)
    model = model_key(lm)
    settings = (TOP_K, PROPOSALS_FROM, _layers(ctx), ctx.read_in_context)
    keys = [window_key(model, settings, doc.lang, doc.text[w.start:w.end], w.context,
                       [(s - w.start, e - w.start) for s, e in w.paragraphs]) for w in wins]
    cache = ctx.resource(READINGS, WindowCache)
    return wins, keys, [cache.get(k) for k in keys]


# Without a progress listener every window the cache lacks is read in one pass (the fastest); with one
# (the desk), in passes of about this many characters, each reported as it ends.  Each pass reads the
# weights once more (about 0.3 s on 2 cores), against some 20 s for this much text.
PROGRESS_CHARS = 4000


def _chunks(wins: list[Window], todo: list[int], progress) -> list[list[int]]:
    if progress is None:
        return [todo] if todo else []
    out: list[list[int]] = []
    size = PROGRESS_CHARS + 1
    for i in todo:
        if size > PROGRESS_CHARS:
            out.append([])
            size = 0
        out[-1].append(i)
        size += wins[i].end - wins[i].start
    return out


def prefetch(doc, ctx) -> None:
    """Queue the paragraph pass with the model (from a rule's ``prepare``), so that other rules'
    queued rescoring is run in the same pass: the windows the reading cache lacks (with a progress
    listener, the first pass of them)."""
    lm = get_language_model(ctx) if not doc.has_analysis(LMReading) else None
    if lm is not None:
        wins, _, kept = _plan(doc, ctx, lm)
        chunks = _chunks(wins, [i for i, k in enumerate(kept) if k is None], ctx_progress(ctx))
        if chunks:
            lm.prefetch([doc.text[wins[i].start:wins[i].end] for i in chunks[0]], [wins[i].context for i in chunks[0]],
                        k=TOP_K, min_surprisal=PROPOSALS_FROM, proposals=True, layers=_layers(ctx))


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
    wins, keys, kept = _plan(doc, ctx, lm)
    cache = ctx.resource(READINGS, WindowCache)
    progress = ctx_progress(ctx)
    todo = [i for i, k in enumerate(kept) if k is None]
    total = sum(len(w.paragraphs) for w in wins)
    done = total - sum(len(wins[i].paragraphs) for i in todo)
    if progress is not None:
        progress.reading(done, total)
    read_now: dict[int, list[list[Word]]] = {}
    for chunk in _chunks(wins, todo, progress):
        per_window = lm.alternatives([doc.text[wins[i].start:wins[i].end] for i in chunk], [wins[i].context for i in chunk],
                                     k=TOP_K, min_surprisal=PROPOSALS_FROM, layers=_layers(ctx))
        for i, toks in zip(chunk, per_window):
            read_now[i] = _words(doc, wins[i], toks)
            kept[i] = keep(read_now[i], wins[i].start)
            cache.put(keys[i], kept[i])
            done += len(wins[i].paragraphs)
        if progress is not None:
            progress.reading(done, total)
    cache.read += len(todo)
    cache.cached += len(wins) - len(todo)
    out = LMReading(in_context=ctx.read_in_context)
    first = 0
    for i, win in enumerate(wins):
        paragraphs = read_now[i] if i in read_now else _unkept(kept[i], win)
        out.extend(paragraphs)
        count = sum(len(p) for p in paragraphs)
        out.parts.append(WindowPart(keys[i], first, count, i in read_now, kept[i], win))
        first += count
    return out


def restore_states(doc, ctx, reading: LMReading, parts: list[WindowPart]) -> None:
    """Read ``parts`` (windows of ``reading`` taken from the cache) again for their words' hidden states,
    which the cache keeps only at the edges: what a consumer that kept nothing for them (another
    detector file) needs.  Only the states are set; every other field stays as the rules read it."""
    lm = get_language_model(ctx)
    per_window = lm.alternatives([doc.text[p.window.start:p.window.end] for p in parts], [p.window.context for p in parts],
                                 k=TOP_K, min_surprisal=PROPOSALS_FROM, layers=_layers(ctx))
    words = [w for para in reading for w in para]
    for part, toks in zip(parts, per_window):
        again = [w for para in _words(doc, part.window, toks) for w in para]
        for w, new in zip(words[part.first:part.first + part.count], again):
            w.state = new.state
        part.fresh = True
    cache = ctx.resource(READINGS, WindowCache)
    cache.read += len(parts)
    cache.cached -= len(parts)


def _words(doc, win: Window, toks) -> list[list[Word]]:
    """A window's words, per paragraph, from the model's tokens for its text."""
    out = []
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


def _unkept(kept: KeptWindow, win: Window) -> list[list[Word]]:
    """A window's words from the reading cache (the hidden states only at its edges), at its place now."""
    base, out, i = win.start, [], 0
    for (ps, pe), para in zip(win.paragraphs, kept.words):
        words = []
        for s, e, text, surprisal, proposals, tokens, peak in para:
            words.append(Word(base + s, base + e, text, surprisal, list(proposals), (ps, pe), tokens, peak,
                              kept.edge_states.get(i)))
            i += 1
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
