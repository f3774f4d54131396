"""The report model: one object that every renderer (text, JSON, SARIF, HTML) reads."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from . import __version__
from .findings import Category, Finding, Severity

if TYPE_CHECKING:  # pragma: no cover
    from .names.ledger import LedgerEntry
    from .document import Document


@dataclass
class FileResult:
    path: str
    language: str
    findings: list[Finding] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    names: "list[LedgerEntry] | None" = None  # the name ledger, when the name checks ran
    metrics: dict[str, Any] | None = None  # sacrebleu scores against a reference
    # Per sentence of the model's reading: start, end, score (mean nats per word), tokens (each word's).
    fluency: list[dict[str, Any]] | None = None
    document: "Document | None" = None  # for renderers that show the text (not serialised)
    # Rules that crashed on this file ("tool-error: ..."): the file is only partly checked.
    errors: list[str] = field(default_factory=list)


@dataclass
class Report:
    files: list[FileResult]
    tool_version: str = __version__
    # Run-level facts: the command line, the model used, corpus metrics, ...
    meta: dict[str, Any] = field(default_factory=dict)

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
                entry["metrics"] = r.metrics
            files.append(entry)
        out: dict[str, Any] = {"version": 1, "tool": {"name": "tqcheck", "version": self.tool_version},
                               "files": files, "summary": self.summary()}
        if self.meta:
            out["meta"] = self.meta
        return out
