"""Paragraphs, sentences and word tokens, all as character offsets.

Sentence boundaries come from sentencex (Wikimedia's rule-based segmenter,
~300 languages).  Measured on ../shared/eval dev targets (segments joined into
paragraphs, segment ends as gold boundaries): sentencex P 0.858 / R 0.840 at
32 Mchar/s, blingfire 0.848 / 0.838 at 3.6 Mchar/s, pysbd 0.860 / 0.831 at
0.07 Mchar/s (benchmarks/segmentation_langid.py).
"""
from __future__ import annotations

import re

import sentencex

from .lines import LINE_BREAK

Span = tuple[int, int]

# A blank line between two line breaks, each CR, CRLF or LF.
# (A CRLF is one break: "\r(?!\n)" keeps its CR from counting as a break of its own.)
_PARA_BREAK = re.compile(r"(?:\r\n|\r(?!\n)|\n)[ \t\f\v]*(?:\r\n|\r(?!\n)|\n)\s*")
# Words: letters/digits joined by inner hyphens or apostrophes; CJK ideographs one per token.
_TOKEN = re.compile(
    r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff]"
    r"|[^\W_](?:[^\W_\u3400-\u4dbf\u4e00-\u9fff]|[-'’.](?=[^\W_]))*",
)


def _trim(text: str, start: int, end: int) -> Span | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None


# A block whose lines run longer than this is not hard-wrapped text: each of its lines is a paragraph,
# unless the next line goes on in lower case (a sentence broken across lines).  Wire copy often
# separates paragraphs with a single line break; read as one paragraph, a whole article would be one
# context for the model, and per-paragraph limits would apply to the article.
WRAPPED_LINE_CHARS = 100


def paragraphs(text: str) -> list[Span]:
    """Blank-line separated blocks, trimmed of surrounding whitespace; a block of long lines is cut
    at its line breaks, except before a line that goes on in lower case (see ``WRAPPED_LINE_CHARS``)."""
    out: list[Span] = []
    pos = 0
    for m in _PARA_BREAK.finditer(text):
        out.extend(_block(text, pos, m.start()))
        pos = m.end()
    out.extend(_block(text, pos, len(text)))
    return out


def _block(text: str, start: int, end: int) -> list[Span]:
    # (line start, line end) pairs; a line break may be CR, CRLF or LF.
    lines, pos = [], start
    for m in LINE_BREAK.finditer(text, start, end):
        lines.append((pos, m.start()))
        pos = m.end()
    lines.append((pos, end))
    if len(lines) < 2 or max(len(text[s:e].strip()) for s, e in lines) <= WRAPPED_LINE_CHARS:
        span = _trim(text, start, end)
        return [span] if span else []
    out = []
    cut = start
    for (s, e), following in zip(lines, lines[1:] + [(end, end)]):
        if text[following[0]:following[1]].strip()[:1].islower():
            continue
        span = _trim(text, cut, e)
        if span:
            out.append(span)
        cut = following[0]
    return out


# Double quotation marks of every script, which sentencex reads as enclosing one sentence.
_DOUBLE_QUOTES = re.compile(r"[\"“”„‟«»「」『』]")


def sentences(text: str, paras: list[Span], lang: str, inside_quotes: bool = False) -> list[Span]:
    """Sentence spans inside each paragraph; a sentence never crosses a paragraph.

    A quotation of several sentences is one sentence unless ``inside_quotes`` (then each of its
    sentences is one), as is everything after a quotation mark that machine translation left
    unmatched."""
    out: list[Span] = []
    code = lang if lang and lang != "und" else "en"
    for p_start, p_end in paras:
        chunk = text[p_start:p_end]
        if inside_quotes:
            chunk = _DOUBLE_QUOTES.sub(" ", chunk)  # the same length, so the offsets hold
        for b in sentencex.get_sentence_boundaries(code, chunk):
            span = _trim(text, p_start + b["start_index"], p_start + b["end_index"])
            if span:
                out.append(span)
    return out


def tokens(text: str, start: int = 0, end: int | None = None) -> list[Span]:
    end = len(text) if end is None else end
    return [m.span() for m in _TOKEN.finditer(text, start, end)]


# spaCy refuses a text over 1,000,000 characters ([E088]) and its memory, like the model's context,
# grows with what it holds at once; no real paragraph comes near this, a file without blank lines can.
MAX_PARAGRAPH_CHARS = 20_000
_CUT_AT = (LINE_BREAK, re.compile(r"[.!?。！？][\"'”’)]*\s"), re.compile(r"\s"))


def bounded(text: str, paras: list[Span], limit: int = MAX_PARAGRAPH_CHARS) -> tuple[list[Span], list[Span]]:
    """``paras`` with every paragraph longer than ``limit`` cut into pieces of at most ``limit``:
    at the last line break before the limit, else the last sentence end, else the last space, else
    anywhere.  Returns the pieces and the paragraphs that were cut."""
    out: list[Span] = []
    cut: list[Span] = []
    for start, end in paras:
        if end - start <= limit:
            out.append((start, end))
            continue
        cut.append((start, end))
        pos = start
        while end - pos > limit:
            stop = pos + limit
            at = stop
            for pattern in _CUT_AT:
                last = None
                for last in pattern.finditer(text, pos + limit // 2, stop):
                    pass
                if last is not None:
                    at = last.end()
                    break
            span = _trim(text, pos, at)
            if span:
                out.append(span)
            pos = at
        span = _trim(text, pos, end)
        if span:
            out.append(span)
    return out, cut
