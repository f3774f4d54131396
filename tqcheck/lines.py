"""What a line is: one model for line/column, suppression comments, ``--diff``, ``score`` and the fix diff.

A line ends at CR, CRLF or LF (a CRLF is one break).  Old Mac files and some exports end their lines
in a bare CR, and editors show those as lines, so tqcheck reports positions in them as an editor
does.  ``str.splitlines`` is not this model: it also breaks at \\v, \\f, \\x1c-\\x1e, \\x85, U+2028
and U+2029, which no editor's line numbers or git do.

git counts lines differently: only LF ends one.  To git a bare CR is an ordinary character (a file
of CR-ended lines is one long line) and a CRLF line is one line whose text ends in CR.  ``--diff``
gets git's line numbers and converts them with ``Lines.lines_of_git_lines``; nothing else may mix
the two numberings.
"""
from __future__ import annotations

import bisect
import re
from functools import cached_property
from typing import AnyStr

LINE_BREAK = re.compile(r"\r\n|\r|\n")


def line_starts(text: str) -> list[int]:
    """Offsets at which the lines of ``text`` start (a text ending in a break has an empty last line)."""
    starts = [0]
    starts.extend(m.end() for m in LINE_BREAK.finditer(text))
    return starts


_LINE_BREAK_BYTES = re.compile(LINE_BREAK.pattern.encode())


def split_lines(text: AnyStr, keepends: bool = False) -> list[AnyStr]:
    """The lines of ``text``, as ``str.splitlines`` gives them but broken at CR, CRLF and LF only:
    no empty piece after a final break, ``[]`` for an empty text; with ``keepends`` they join back into
    ``text``.  Bytes are split at the same bytes, which is right for every ASCII-compatible encoding
    (git's diff, which is bytes, holds no other: it diffs UTF-16 as binary)."""
    pattern = LINE_BREAK if isinstance(text, str) else _LINE_BREAK_BYTES
    out, pos = [], 0
    for m in pattern.finditer(text):
        out.append(text[pos:m.end() if keepends else m.start()])
        pos = m.end()
    if pos < len(text):
        out.append(text[pos:])
    return out


class Lines:
    """The line index of one text: offsets to 1-based lines and columns, and back, by bisection."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = line_starts(text)

    def __len__(self) -> int:
        return len(self.starts)

    def line(self, offset: int) -> int:
        """The 1-based line holding ``offset`` (a line's break belongs to that line)."""
        return bisect.bisect_right(self.starts, offset)

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and column (in code points) of a character offset."""
        line = self.line(offset)
        return line, offset - self.starts[line - 1] + 1

    def span(self, line: int) -> tuple[int, int]:
        """The offsets of 1-based ``line``, its break included; (len, len) past the last line."""
        if not 1 <= line <= len(self.starts):
            return len(self.text), len(self.text)
        end = self.starts[line] if line < len(self.starts) else len(self.text)
        return self.starts[line - 1], end

    @cached_property
    def _git_starts(self) -> list[int]:
        starts = [0]
        starts.extend(m.end() for m in re.finditer("\n", self.text))
        if starts[-1] == len(self.text):  # after a final LF (or in an empty text) git has no line
            starts.pop()
        return starts

    def lines_of_git_lines(self, first: int, count: int = 1) -> range:
        """The lines (this model's numbers) that git's 1-based lines ``first`` to ``first + count - 1``
        cover: one per LF or CRLF line, several where bare CRs end lines inside one; none past git's
        last line."""
        starts = self._git_starts
        last_line = min(first + count - 1, len(starts))
        if first < 1 or last_line < first:
            return range(0)
        end = starts[last_line] if last_line < len(starts) else len(self.text)
        return range(self.line(starts[first - 1]), self.line(end - 1) + 1)
