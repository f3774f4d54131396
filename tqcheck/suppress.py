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
from .untrusted import Unparsable, json_loads

_DIRECTIVE = re.compile(
    r"<!--\s*tqcheck-(disable-next-line|disable-file|disable|enable)\b([^>]*?)-->", re.IGNORECASE
)
ALL = "*"


@dataclass(eq=False)
class Directive:
    """One rule named by one suppression comment (a comment naming two rules is two directives)."""

    start: int  # the comment's span in the text
    end: int
    kind: str  # disable, disable-next-line, disable-file
    rule: str  # a rule id, or ALL
    used: bool = False

    @property
    def comment(self) -> str:
        return f"tqcheck-{self.kind}" + ("" if self.rule == ALL else f" {self.rule}")


@dataclass
class Suppressions:
    file_rules: list[Directive] = field(default_factory=list)
    # (directive, start offset, end offset): where the directive's rule is off
    ranges: list[tuple[Directive, int, int]] = field(default_factory=list)

    def suppressed(self, finding: Finding) -> bool:
        """Whether a directive silences ``finding``; every directive that does is marked used."""
        hit = False
        for d in self.file_rules:
            if d.rule in (ALL, finding.rule):
                d.used = hit = True
        for d, start, end in self.ranges:
            if d.rule in (ALL, finding.rule) and start <= finding.start < end:
                d.used = hit = True
        return hit

    @property
    def directives(self) -> list[Directive]:
        seen: dict[int, Directive] = {}
        for d in self.file_rules + [d for d, _, _ in self.ranges]:
            seen.setdefault(id(d), d)
        return sorted(seen.values(), key=lambda d: (d.start, d.rule))

    def unused(self) -> list[Directive]:
        return [d for d in self.directives if not d.used]


def _rule_list(raw: str) -> list[str]:
    rules = [r for r in re.split(r"[\s,]+", raw.strip()) if r]
    return rules or [ALL]


def parse_inline(text: str) -> Suppressions:
    sup = Suppressions()
    open_at: dict[str, Directive] = {}
    for m in _DIRECTIVE.finditer(text):
        kind = m.group(1).lower()
        rules = _rule_list(m.group(2))
        if kind == "disable-file":
            sup.file_rules.extend(Directive(m.start(), m.end(), kind, r) for r in rules)
        elif kind == "disable":
            for r in rules:
                open_at.setdefault(r, Directive(m.start(), m.end(), kind, r))
        elif kind == "enable":
            for r in (list(open_at) if rules == [ALL] else rules):
                if r in open_at:
                    d = open_at.pop(r)
                    sup.ranges.append((d, d.end, m.start()))
        else:  # next line: the line after the one holding the comment
            nl = text.find("\n", m.end())
            if nl == -1:
                continue
            end = text.find("\n", nl + 1)
            for r in rules:
                sup.ranges.append((Directive(m.start(), m.end(), kind, r), nl + 1, len(text) if end == -1 else end))
    for d in open_at.values():
        sup.ranges.append((d, d.end, len(text)))
    return sup


@dataclass
class Baseline:
    entries: dict[str, Counter] = field(default_factory=dict)  # path -> fingerprint counts

    @classmethod
    def load(cls, path: str | Path) -> "Baseline":
        text = read_text(path)
        try:
            data = json_loads(text)
        except Unparsable as exc:  # a syntax error, or nested too deeply or a number too long to read
            raise InputError(str(path), f"not a tqcheck baseline: {exc.problem}") from None
        files = data.get("files") if isinstance(data, dict) else None
        if not isinstance(files, dict) or not all(
                isinstance(fps, dict) and all(isinstance(n, int) and not isinstance(n, bool) for n in fps.values())
                for fps in files.values()):
            raise InputError(str(path), "not a tqcheck baseline (expected JSON with a 'files' table of "
                                        "fingerprint counts)")
        return cls({p: Counter(fps) for p, fps in files.items()})

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
