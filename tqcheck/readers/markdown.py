"""Markdown: which character ranges are prose, and which are not to be checked.

Block structure (fences, indented code, HTML blocks) comes from markdown-it's
token line maps; front matter, inline code, HTML comments, autolinks and URLs
are found on the raw text so their offsets stay exact.
"""
from __future__ import annotations

import re

from markdown_it import MarkdownIt

from ..textio import LINE_BREAK, line_starts
from .base import Span

_FRONT_MATTER = re.compile(r"\A(?:---|\+\+\+)[ \t]*(?:\r\n?|\n).*?(?:\r\n?|\n)(?:---|\+\+\+|\.\.\.)[ \t]*"
                          r"(?:\r\n?|\n|\Z)", re.S)
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
_INLINE_CODE = re.compile(r"(?<!`)(`+)(?!`).+?(?<!`)\1(?!`)", re.S)
_AUTOLINK = re.compile(r"<[a-zA-Z][a-zA-Z0-9+.-]*:[^\s<>]*>")
_LINK_TARGET = re.compile(r"\]\([^)\s]*(?:\s+\"[^\"]*\")?\)")
_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>()\[\]\"']+[^\s<>()\[\]\"'.,;:!?]")
_HTML_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9-]*(?:\s[^<>]*)?/?>")

_md = MarkdownIt("commonmark")


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

    for pattern in (_HTML_COMMENT, _INLINE_CODE, _AUTOLINK, _LINK_TARGET, _URL, _HTML_TAG):
        for m in pattern.finditer(text, body_offset):
            spans.append((m.start(), m.end()))
    return spans


def plain_ignored(text: str) -> list[Span]:
    """In plain text only URLs are skipped."""
    return [(m.start(), m.end()) for m in _URL.finditer(text)]
