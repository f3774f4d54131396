"""The diagnostics model every check produces and every renderer reads."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from enum import Enum

from .lines import LINE_BREAK


class Severity(str, Enum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]

    @classmethod
    def parse(cls, value: "str | Severity") -> "Severity":
        try:
            return cls(str(value.value if isinstance(value, Severity) else value).lower())
        except ValueError:
            raise ValueError(f"unknown severity {value!r} (use error, warning or info)") from None


_SEVERITY_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


class Category(str, Enum):
    """MQM-aligned top-level categories, plus name consistency and typography."""

    ACCURACY = "accuracy"
    FLUENCY = "fluency"
    TERMINOLOGY = "terminology"
    STYLE = "style"
    LOCALE = "locale"
    NAME = "name"
    TYPOGRAPHY = "typography"


class Applicability(str, Enum):
    """Whether a fix may be applied without a person reading it (ruff's applicability)."""

    SAFE = "safe"  # `tqcheck fix` applies it when the finding is confident enough (--fix-confidence)
    SUGGEST = "suggest"  # shown and accepted by a person only: it may change what the text says


@dataclass(frozen=True)
class Edit:
    """Replace [start, end) of the decoded file text with ``replacement`` (an insertion when start == end)."""

    start: int
    end: int
    replacement: str

    def to_dict(self) -> dict:
        return {"start": self.start, "end": self.end, "replacement": self.replacement}


@dataclass(frozen=True)
class Fix:
    """One way to fix a finding: its edits, in text order and never overlapping, and its applicability."""

    edits: tuple[Edit, ...]
    applicability: Applicability = Applicability.SAFE
    # The calibrated probability that a post-editor makes this change (a model's rewrite); None for a
    # fix that follows from the finding itself, whose confidence is then the finding's.
    probability: float | None = None

    @classmethod
    def replacing(cls, start: int, end: int, replacement: str,
                  applicability: Applicability = Applicability.SAFE, probability: float | None = None) -> "Fix":
        return cls((Edit(start, end, replacement),), applicability, probability)

    def confidence(self, finding_confidence: float) -> float:
        """How sure the fix is: its own probability where it has one, else its finding's confidence."""
        return finding_confidence if self.probability is None else self.probability

    @property
    def start(self) -> int:
        return self.edits[0].start

    @property
    def end(self) -> int:
        return self.edits[-1].end

    def replacement_for(self, start: int, end: int) -> str | None:
        """What [start, end) becomes, when the fix is one edit of exactly that span; else None."""
        if len(self.edits) == 1 and (self.edits[0].start, self.edits[0].end) == (start, end):
            return self.edits[0].replacement
        return None

    def to_dict(self) -> dict:
        out = {"edits": [e.to_dict() for e in self.edits], "applicability": self.applicability.value}
        if self.probability is not None:
            out["probability"] = round(self.probability, 3)
        return out


@dataclass(frozen=True)
class Review:
    """An editor's decision on a finding (the desk's review record): accepted, rejected or edited."""

    decision: str
    by: str
    reason: str | None = None

    def to_dict(self) -> dict:
        out = {"decision": self.decision, "by": self.by}
        if self.reason:
            out["reason"] = self.reason
        return out


@dataclass
class Finding:
    """One problem at one span of one document.

    ``start``/``end`` are 0-based code-point offsets into the decoded file text,
    end exclusive.  ``fixes`` are the ways to fix it, best first, each with its
    edits and whether ``tqcheck fix`` may apply it; ``suggestions`` reads them as
    replacements for exactly the span (the JSON contract's v1 field).
    Line/column and the fingerprint are filled in by the engine, which knows the
    document.
    """

    rule: str
    start: int
    end: int
    message: str
    category: Category
    severity: Severity
    fixes: list[Fix] = field(default_factory=list)
    confidence: float = 1.0
    evidence: dict = field(default_factory=dict)
    # Filled in by the engine.
    path: str = ""
    text: str = ""
    line: int = 0
    column: int = 0
    end_line: int = 0
    end_column: int = 0
    fingerprint: str = ""
    # An editor's decision on it, from the desk's review record; only the desk's downloads carry one:
    # `tqcheck check` never sets it.
    review: Review | None = None

    @property
    def suggestions(self) -> list[str]:
        """The replacements of the finding's span its fixes make, best first (fixes of another shape are
        not among them)."""
        return [r for r in (fx.replacement_for(self.start, self.end) for fx in self.fixes) if r is not None]

    @property
    def autofix(self) -> Fix | None:
        """The fix ``tqcheck fix`` may apply unattended: the first, when it is safe."""
        return self.fixes[0] if self.fixes and self.fixes[0].applicability is Applicability.SAFE else None

    def to_dict(self) -> dict:
        """The stable JSON contract (version 1; ``fixes`` is the one field added since, with each fix's
        edits and applicability)."""
        out = {
            "rule": self.rule,
            "category": self.category.value,
            "severity": self.severity.value,
            "message": self.message,
            "start": self.start,
            "end": self.end,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "text": self.text,
            "suggestions": list(self.suggestions),
            "confidence": round(float(self.confidence), 3),
            "fingerprint": self.fingerprint,
        }
        if self.fixes:
            out["fixes"] = [fx.to_dict() for fx in self.fixes]
        if self.evidence:
            out["evidence"] = self.evidence
        if self.review is not None:
            out["review"] = self.review.to_dict()
        return out


_WORD = re.compile(r"\w+", re.UNICODE)


def fingerprint(rule: str, text: str, start: int, end: int, window: int = 4) -> str:
    """Hash of the rule, the flagged words and a few words either side.

    Keyed on normalised nearby words, not on line numbers, so a finding keeps
    its fingerprint when lines move or text elsewhere in the file changes.  A
    line break inside the flagged text counts as a line break, whether CR, CRLF
    or LF (tqcheck.lines): a baseline written from a CRLF checkout still holds
    in an LF one (git's autocrlf gives each platform its own).
    """
    before = _WORD.findall(text[max(0, start - 200):start])[-window:]
    after = _WORD.findall(text[end:end + 200])[:window]
    flagged = LINE_BREAK.sub("\n", text[start:end])
    key = "\x1f".join([rule, " ".join(before).casefold(), flagged.casefold(), " ".join(after).casefold()])
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
