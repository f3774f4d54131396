"""The Document every check reads: text, structure and positions."""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Callable, TypeVar

from . import langid, segment
from .analysis.declared import is_analysis
from .lines import Lines
from .readers.base import SourceFile, Span

T = TypeVar("T")


@dataclass
class Document:
    """One input file.

    ``text`` is what checks read: the decoded file with markup/code blanked out
    (same length), so every offset a check computes is an offset into ``raw``,
    the decoded file text that findings quote and renderers show.
    """

    path: str
    raw: str
    text: str
    # The language the user, the config or the file declared; None: detected from the text on first use
    # (``lang``), so a run that takes the file's results from its cache never pays for detection.
    declared_lang: str | None = None
    format: str = "text"
    ignored: list[Span] = field(default_factory=list)
    # The text this one translates (--source, or a bilingual file's source side) and a human reference.
    source: "Document | None" = None
    reference: "Document | None" = None
    # (target span, source span) of each unit a bilingual file pairs (or the evaluation's gold segments).
    units: list[tuple[Span, Span]] | None = None
    # What a reader of the report should know about how the file was read (e.g. a paragraph cut in pieces).
    notices: list[str] = field(default_factory=list)
    # Shared analyses (declared types, ``tqcheck.analysis.declared``), computed once, keyed by their type.
    _analyses: dict[type, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_source(cls, src: SourceFile, lang: str | None = None) -> "Document":
        return cls(path=src.path, raw=src.text, text=src.masked_text(), declared_lang=lang or None,
                   format=src.format, ignored=list(src.ignored))

    @classmethod
    def from_text(cls, text: str, lang: str | None = None, path: str = "<text>") -> "Document":
        return cls.from_source(SourceFile(path=path, text=text), lang=lang)

    @cached_property
    def lang(self) -> str:
        """ISO 639-1 code of the text's language ("und" when undetermined)."""
        return self.declared_lang or langid.detect(self.text)[0]

    def analysis(self, key: type, build: Callable[[], T]) -> T:
        """The document's analysis ``key`` (a declared analysis type), built on first use and kept."""
        if key not in self._analyses:
            if not is_analysis(key):
                # A function or a tuple as a key made an analysis nobody could declare, require or find.
                raise TypeError(f"{key!r} is not a declared analysis type (tqcheck.analysis.declared)")
            self._analyses[key] = build()
        return self._analyses[key]

    def has_analysis(self, key: type) -> bool:
        return key in self._analyses

    def analyses(self) -> list[Any]:
        """The analyses built so far, in the order they were built."""
        return list(self._analyses.values())

    @cached_property
    def paragraphs(self) -> list[Span]:
        spans, cut = segment.bounded(self.text, segment.paragraphs(self.text))
        for start, end in cut:  # the engine shows these notices with the file's findings
            self.notices.append(
                f"the paragraph at line {self.line_col(start)[0]} is {end - start:,} characters long: checked in "
                f"pieces of at most {segment.MAX_PARAGRAPH_CHARS:,} characters")
        return spans

    @cached_property
    def sentences(self) -> list[Span]:
        return segment.sentences(self.text, self.paragraphs, self.lang)

    @cached_property
    def sentences_inside_quotes(self) -> list[Span]:
        """The sentences with each sentence of a quotation one of its own (``sentences`` keeps a quotation
        whole, and an unmatched quotation mark runs one to the paragraph's end)."""
        return segment.sentences(self.text, self.paragraphs, self.lang, inside_quotes=True)

    @cached_property
    def tokens(self) -> list[Span]:
        return segment.tokens(self.text)

    @cached_property
    def lines(self) -> Lines:
        """The line index of ``raw`` (tqcheck.lines: CR, CRLF and LF alike), shared by positions,
        suppression comments and ``--diff``."""
        return Lines(self.raw)

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and column (in code points) of a character offset."""
        return self.lines.line_col(offset)

    @cached_property
    def _ignored_merged(self) -> tuple[list[int], list[int]]:
        starts: list[int] = []
        ends: list[int] = []
        for s, e in sorted(self.ignored):
            if ends and s <= ends[-1]:
                ends[-1] = max(ends[-1], e)
            else:
                starts.append(s)
                ends.append(e)
        return starts, ends

    def is_ignored(self, start: int, end: int) -> bool:
        """Whether [start, end) touches markup or code that is not to be checked."""
        starts, ends = self._ignored_merged
        i = bisect.bisect_right(starts, max(end, start + 1) - 1) - 1
        return i >= 0 and ends[i] > start

    @cached_property
    def _sentence_starts(self) -> list[int]:
        return [s for s, _ in self.sentences]

    def sentences_by_paragraph(self) -> list[list[Span]]:
        """The sentences of each paragraph, in order (sentences never cross paragraphs)."""
        out: list[list[Span]] = [[] for _ in self.paragraphs]
        para_starts = [p for p, _ in self.paragraphs]
        for span in self.sentences:
            out[bisect.bisect_right(para_starts, span[0]) - 1].append(span)
        return out

    def sentence_at(self, offset: int) -> Span | None:
        i = bisect.bisect_right(self._sentence_starts, offset) - 1
        if i >= 0 and self.sentences[i][0] <= offset < self.sentences[i][1]:
            return self.sentences[i]
        return None

    @cached_property
    def _token_starts(self) -> list[int]:
        return [s for s, _ in self.tokens]

    def words(self, start: int = 0, end: int | None = None) -> list[tuple[int, int, str]]:
        """Tokens inside [start, end); a bisect, so per-paragraph calls stay linear over a document."""
        end = len(self.text) if end is None else end
        out = []
        for s, e in self.tokens[bisect.bisect_left(self._token_starts, start):]:
            if s >= end:
                break
            if e <= end:
                out.append((s, e, self.text[s:e]))
        return out
