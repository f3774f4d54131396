"""What checking one document yields before the corpus step: a plain, serialisable record.

Workers (``--jobs``, Ray) send it back to the parent, and the incremental cache stores it, so the
corpus rules (their reduce over every file's summary) and the engine's last step (suppressions,
positions, folding hints) run the same way whether a document was checked here, elsewhere or
taken from the cache.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .names.ledger import LedgerEntry, Spelling
from .findings import Applicability, Category, Edit, Finding, Fix, Severity
from .names.entity import Reason
from .lm.used import ModelUsed
from .report import SentenceFluency

VERSION = 2  # 2: findings keep their typed fixes (edits, applicability), not bare suggestions


@dataclass
class DocumentOutcome:
    path: str
    language: str
    findings: list[Finding] = field(default_factory=list)  # as the rules returned them (not yet placed)
    ran: list[str] = field(default_factory=list)  # the document-scope rules that ran on it
    notices: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # tool-errors: rules that crashed on this file
    names: list[LedgerEntry] | None = None
    fluency: list[SentenceFluency] | None = None  # per sentence of the model's reading
    corpus: dict[str, Any] = field(default_factory=dict)  # each corpus rule's summary of it (map_document)
    model: ModelUsed | None = None  # the language model that read it, if any

    def to_json(self) -> dict[str, Any]:
        return {
            "version": VERSION, "path": self.path, "language": self.language, "ran": list(self.ran),
            "notices": list(self.notices), "errors": list(self.errors),
            "findings": [{"rule": f.rule, "start": f.start, "end": f.end, "message": f.message,
                          "category": f.category.value, "severity": f.severity.value,
                          "fixes": [fx.to_dict() for fx in f.fixes], "confidence": f.confidence,
                          "evidence": f.evidence}
                         for f in self.findings],
            "names": None if self.names is None else [e.to_dict() for e in self.names],
            "fluency": None if self.fluency is None else [row.to_dict() for row in self.fluency],
            "corpus": self.corpus,
            "model": None if self.model is None else self.model.to_dict(),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "DocumentOutcome":
        """Raises KeyError, TypeError or ValueError on a record of another shape (a damaged cache entry)."""
        if data.get("version") != VERSION:
            raise ValueError(f"outcome version {data.get('version')!r}")
        findings = [Finding(rule=f["rule"], start=int(f["start"]), end=int(f["end"]), message=f["message"],
                            category=Category(f["category"]), severity=Severity(f["severity"]),
                            fixes=[_fix(fx) for fx in f["fixes"]], confidence=float(f["confidence"]),
                            evidence=dict(f["evidence"])) for f in data["findings"]]
        names = None if data["names"] is None else [_entry(e) for e in data["names"]]
        return cls(data["path"], data["language"], findings, list(data["ran"]), list(data["notices"]),
                   list(data["errors"]), names,
                   None if data["fluency"] is None else [SentenceFluency.from_dict(r) for r in data["fluency"]],
                   dict(data["corpus"]),
                   None if data["model"] is None else ModelUsed.from_dict(data["model"]))


def _fix(d: dict[str, Any]) -> Fix:
    p = d.get("probability")
    return Fix(tuple(Edit(int(e["start"]), int(e["end"]), e["replacement"]) for e in d["edits"]),
               Applicability(d["applicability"]), None if p is None else float(p))


def _entry(d: dict[str, Any]) -> LedgerEntry:
    roles = ("short_form", "misspelt_short_form", "given_name_alone")
    spellings = [Spelling(s["spelling"], int(s["count"]), next((r for r in roles if s.get(r)), "full"),
                          [tuple(o) for o in s.get("offsets", [])], list(s.get("files", [])))
                 for s in d["spellings"]]
    return LedgerEntry(d["entity"], int(d["mentions"]), spellings, bool(d["consistent"]), d["decided_by"],
                       [Reason(r["kind"], r["text"]) for r in d["reasons"]])
