"""The report model: one object that every renderer (text, JSON, SARIF, HTML) reads."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from . import __version__
from .findings import Category, Finding, Severity
from .lm.used import ModelUsed

if TYPE_CHECKING:  # pragma: no cover
    from .document import Document
    from .metrics import ReferenceMetrics
    from .names.ledger import LedgerEntry


@dataclass(frozen=True)
class SentenceFluency:
    """One sentence the model read: its span, the mean surprisal of its words (nats per word), and each
    word's (the report's fluency strip)."""

    start: int
    end: int
    score: float
    words: tuple[float, ...]

    def moved(self, delta: int) -> "SentenceFluency":
        return SentenceFluency(self.start + delta, self.end + delta, self.score, self.words)

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "score": self.score, "tokens": list(self.words)}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "SentenceFluency":
        return cls(int(d["start"]), int(d["end"]), float(d["score"]), tuple(float(t) for t in d["tokens"]))


@dataclass(frozen=True)
class CacheUse:
    """How many files the results cache answered, and how many were checked."""

    hits: int
    misses: int

    def to_dict(self) -> dict[str, int]:
        return {"hits": self.hits, "misses": self.misses}


@dataclass
class RunRecord:
    """What a run records besides its findings: the JSON contract's ``meta`` object."""

    model: ModelUsed | None = None
    cache: CacheUse | None = None
    metrics: "ReferenceMetrics | None" = None  # over every file with a reference
    command: str | None = None  # the command line, as the CLI was given it

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.model is not None:
            out["model"] = self.model.to_dict()
        if self.cache is not None:
            out["cache"] = self.cache.to_dict()
        if self.metrics is not None:
            out["metrics"] = self.metrics.to_dict()
        if self.command is not None:
            out["command"] = self.command
        return out


@dataclass
class FileResult:
    path: str
    language: str
    findings: list[Finding] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    names: "list[LedgerEntry] | None" = None  # the name ledger, when the name checks ran
    metrics: "ReferenceMetrics | None" = None  # sacrebleu scores against a reference
    fluency: list[SentenceFluency] | None = None  # per sentence of the model's reading
    document: "Document | None" = None  # for renderers that show the text (not serialised)
    # Rules that crashed on this file ("tool-error: ..."): the file is only partly checked.
    errors: list[str] = field(default_factory=list)


@dataclass
class Report:
    files: list[FileResult]
    tool_version: str = __version__
    run: RunRecord = field(default_factory=RunRecord)

    @property
    def findings(self) -> list[Finding]:
        return [f for r in self.files for f in r.findings]

    def summary(self) -> dict:
        findings = self.findings
        sev = Counter(f.severity.value for f in findings)
        cat = Counter(f.category.value for f in findings)
        return {
            "files": len(self.files),
            "findings": len(findings),
            "by_severity": {s.value: sev.get(s.value, 0) for s in sorted(Severity, key=lambda s: -s.rank)},
            "by_category": {c.value: cat[c.value] for c in Category if cat.get(c.value)},
        }

    def fails(self, threshold: Severity) -> bool:
        return any(f.severity.rank >= threshold.rank for f in self.findings)

    def to_dict(self) -> dict:
        files = []
        for r in self.files:
            entry: dict[str, Any] = {"path": r.path, "language": r.language,
                                     "findings": [f.to_dict() for f in r.findings]}
            if r.notices:
                entry["notices"] = list(r.notices)
            if r.errors:
                entry["errors"] = list(r.errors)
            if r.names is not None:
                entry["names"] = [e.to_dict() for e in r.names]
            if r.metrics is not None:
                entry["metrics"] = r.metrics.to_dict()
            files.append(entry)
        out: dict[str, Any] = {"version": 1, "tool": {"name": "tqcheck", "version": self.tool_version},
                               "files": files, "summary": self.summary()}
        meta = self.run.to_dict()
        if meta:
            out["meta"] = meta
        return out
