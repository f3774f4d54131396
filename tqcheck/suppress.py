"""Inline suppression comments and baselines.

Inline (Markdown/HTML comments, also honoured in plain text)::

    <!-- tqcheck-disable RULE[, RULE…] -->   … <!-- tqcheck-enable RULE -->
    <!-- tqcheck-disable-next-line RULE -->
    <!-- tqcheck-disable-file RULE -->
    (no RULE: every rule)

A baseline records findings by fingerprint (rule + nearby words), so edits
elsewhere in a file, or lines moving, do not revive baselined findings.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError
from .findings import Finding
from .textio import atomic_write, read_text

_DIRECTIVE = re.compile(
    r"<!--\s*tqcheck-(disable-next-line|disable-file|disable|enable)\b([^>]*?)-->", re.IGNORECASE
)
ALL = "*"


@dataclass
class Suppressions:
    file_rules: set[str] = field(default_factory=set)
    # (rule, start offset, end offset) ranges where the rule is off
    ranges: list[tuple[str, int, int]] = field(default_factory=list)

    def suppressed(self, finding: Finding) -> bool:
        if ALL in self.file_rules or finding.rule in self.file_rules:
            return True
        return any((rule == ALL or rule == finding.rule) and start <= finding.start < end
                   for rule, start, end in self.ranges)


def _rule_list(raw: str) -> list[str]:
    rules = [r for r in re.split(r"[\s,]+", raw.strip()) if r]
    return rules or [ALL]


def parse_inline(text: str) -> Suppressions:
    sup = Suppressions()
    open_at: dict[str, int] = {}
    for m in _DIRECTIVE.finditer(text):
        kind = m.group(1).lower()
        rules = _rule_list(m.group(2))
        if kind == "disable-file":
            sup.file_rules.update(rules)
        elif kind == "disable":
            for r in rules:
                open_at.setdefault(r, m.end())
        elif kind == "enable":
            for r in (list(open_at) if rules == [ALL] else rules):
                if r in open_at:
                    sup.ranges.append((r, open_at.pop(r), m.start()))
        else:  # next line: the line after the one holding the comment
            nl = text.find("\n", m.end())
            if nl == -1:
                continue
            end = text.find("\n", nl + 1)
            for r in rules:
                sup.ranges.append((r, nl + 1, len(text) if end == -1 else end))
    for r, start in open_at.items():
        sup.ranges.append((r, start, len(text)))
    return sup


@dataclass
class Baseline:
    entries: dict[str, Counter] = field(default_factory=dict)  # path -> fingerprint counts

    @classmethod
    def load(cls, path: str | Path) -> "Baseline":
        text = read_text(path)
        try:
            data = json.loads(text)
            files = data["files"]
            return cls({p: Counter(fps) for p, fps in files.items()})
        except (ValueError, KeyError, TypeError):
            raise InputError(str(path), "not a tqcheck baseline (expected JSON with a 'files' table)") from None

    @classmethod
    def from_findings(cls, findings: list[Finding]) -> "Baseline":
        entries: dict[str, Counter] = {}
        for f in findings:
            entries.setdefault(f.path, Counter())[f.fingerprint] += 1
        return cls(entries)

    def dumps(self) -> str:
        data = {"version": 1, "files": {p: dict(sorted(c.items())) for p, c in sorted(self.entries.items())}}
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"

    def save(self, path: str | Path) -> None:
        atomic_write(path, self.dumps())

    def filter_new(self, findings: list[Finding]) -> list[Finding]:
        """Findings not in the baseline (each baselined fingerprint absorbs as many as it counted)."""
        left = {p: Counter(c) for p, c in self.entries.items()}
        out = []
        for f in findings:
            budget = left.get(f.path)
            if budget and budget[f.fingerprint] > 0:
                budget[f.fingerprint] -= 1
            else:
                out.append(f)
        return out
