"""Markdown: which character ranges are prose, and which are not to be checked.

Block structure (fences, indented code, HTML blocks) comes from markdown-it's
token line maps; front matter, inline code, HTML comments, autolinks and URLs
are found on the raw text so their offsets stay exact.

Every scan here is linear in the length of the text, whatever the text: an
input is untrusted, and a pattern that rescans the rest of the text from each
of its starts (``<!--.*?-->`` over many unclosed ``<!--``, a link target over
50 KB of ``](``) took 36 s on a 50 KB file and, in the desk, held the
interpreter for every other request.  The scanners below find the same spans
those patterns found; each start reuses what the previous one learned.  The
regular expressions that remain can only rescan up to the next ``<``, ``>``,
space or quote, so their scans never overlap (see benchmarks/pathological_markdown.py).
"""
from __future__ import annotations

import re
from typing import Iterator

from markdown_it import MarkdownIt

from ..lines import LINE_BREAK, line_starts
from .base import Span

_FRONT_MATTER = re.compile(r"\A(?:---|\+\+\+)[ \t]*(?:\r\n?|\n).*?(?:\r\n?|\n)(?:---|\+\+\+|\.\.\.)[ \t]*"
                          r"(?:\r\n?|\n|\Z)", re.S)
_AUTOLINK = re.compile(r"<[a-zA-Z][a-zA-Z0-9+.-]*:[^\s<>]*>")
_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>()\[\]\"']+[^\s<>()\[\]\"'.,;:!?]")
_HTML_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9-]*(?:\s[^<>]*)?/?>")
_BACKTICKS = re.compile(r"`+")
_DESTINATION_END = re.compile(r"[)\s]")
_TITLE_THEN_CLOSE = re.compile(r"\s+\"[^\"]*\"\)")

_md = MarkdownIt("commonmark")


def html_comments(text: str, pos: int = 0) -> Iterator[Span]:
    """``<!--`` to the first ``-->`` after it.  With no ``-->`` left, no later ``<!--`` closes either:
    the scan stops instead of trying each of them against the rest of the text."""
    while (start := text.find("<!--", pos)) >= 0:
        close = text.find("-->", start + 4)
        if close < 0:
            return
        yield start, close + 3
        pos = close + 3


def code_spans(text: str, pos: int = 0) -> Iterator[Span]:
    """A run of N backticks up to the next run of exactly N (CommonMark's code span; an opener with
    no closer is literal).  Each run length keeps a cursor into its own list of runs, and cursors
    only move forward, so many unmatched openers cost one pass, not one pass each."""
    runs = [(m.start(), m.end()) for m in _BACKTICKS.finditer(text, pos)]
    by_length: dict[int, list[int]] = {}
    for i, (s, e) in enumerate(runs):
        by_length.setdefault(e - s, []).append(i)
    cursor = dict.fromkeys(by_length, 0)
    i = 0
    while i < len(runs):
        s, e = runs[i]
        same, k = by_length[e - s], cursor[e - s]
        while k < len(same) and same[k] <= i:
            k += 1
        cursor[e - s] = k
        if k == len(same):
            i += 1
            continue
        j = same[k]
        yield s, runs[j][1]
        i = j + 1


def link_targets(text: str, pos: int = 0) -> Iterator[Span]:
    """``](destination)`` or ``](destination "title")``: the destination runs to the first ``)`` or
    space.  Starts in a row share that end (and the title after it), so it is found once for them all."""
    dest_end = -1  # the first ")" or space at or after the last destination start
    title_at, title_end = -1, None  # the title tried last: where it started, where it closed
    while (start := text.find("](", pos)) >= 0:
        if dest_end < start + 2:
            m = _DESTINATION_END.search(text, start + 2)
            dest_end = m.start() if m else len(text)
        if dest_end < len(text) and text[dest_end] == ")":
            yield start, dest_end + 1
            pos = dest_end + 1
            continue
        if title_at != dest_end:
            title = _TITLE_THEN_CLOSE.match(text, dest_end)
            title_at, title_end = dest_end, title.end() if title else None
        if title_end is not None:
            yield start, title_end
            pos = title_end
        else:
            pos = start + 1


def _matches(pattern: re.Pattern):
    return lambda text, pos: ((m.start(), m.end()) for m in pattern.finditer(text, pos))


def markdown_ignored(text: str) -> list[Span]:
    """Ranges of ``text`` that are markup or code, not prose."""
    spans: list[Span] = []
    fm = _FRONT_MATTER.match(text)
    body_offset = 0
    if fm:
        spans.append((0, fm.end()))
        body_offset = fm.end()

    # markdown-it numbers lines as it splits them: at CR, CRLF and LF alike.
    starts = line_starts(text)
    first_body_line = len(LINE_BREAK.findall(text, 0, body_offset))
    body = text[body_offset:]
    for tok in _md.parse(body):
        if tok.type in ("fence", "code_block", "html_block") and tok.map:
            a, b = tok.map[0] + first_body_line, tok.map[1] + first_body_line
            start = starts[min(a, len(starts) - 1)]
            end = starts[b] if b < len(starts) else len(text)
            spans.append((start, end))

    for scan in (html_comments, code_spans, _matches(_AUTOLINK), link_targets, _matches(_URL), _matches(_HTML_TAG)):
        spans.extend(scan(text, body_offset))
    return spans


def plain_ignored(text: str) -> list[Span]:
    """In plain text only URLs are skipped."""
    return [(m.start(), m.end()) for m in _URL.finditer(text)]
