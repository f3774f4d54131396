"""An input file as tqcheck sees it: decoded text plus what is not prose."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

Span = tuple[int, int]


@dataclass
class SourceFile:
    path: str  # as given by the user, or "-" for stdin
    text: str  # decoded text, BOM removed; offsets point into this
    format: str = "text"  # "text" | "markdown"
    ignored: list[Span] = field(default_factory=list)  # markup, code, URLs: never checked

    def masked_text(self) -> str:
        """``text`` with ignored ranges blanked out, same length (line breaks kept)."""
        if not self.ignored:
            return self.text
        pieces: list[str] = []
        pos = 0
        for start, end in sorted(self.ignored):
            start = max(start, pos)
            if start >= end:
                continue
            pieces.append(self.text[pos:start])
            pieces.append(re.sub(r"[^\r\n]", " ", self.text[start:end]))
            pos = end
        pieces.append(self.text[pos:])
        return "".join(pieces)
