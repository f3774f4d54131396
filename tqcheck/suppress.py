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

import bisect
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError
from .findings import Finding
from .lines import Lines
from .textio import read_text
from .untrusted import Unparsable, json_loads

# The opening of a directive.  Its rule list runs to the first ">" after it, which must close the
# comment ("-->"), else it is no directive.  ``_comments`` finds that ">" once for every opening before
# it: the lazy "[^>]*?-->" this replaces rescanned to the next ">" from each opening, quadratic on a
# text of openings that no comment closes.
_OPENING = re.compile(r"<!--\s*tqcheck-(disable-next-line|disable-file|disable|enable)\b", re.IGNORECASE)
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
class _Ranges:
    """One rule's disable…enable ranges: disjoint and in order (a rule is disabled once until enabled)."""

    starts: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)
    directives: list[Directive] = field(default_factory=list)

    def add(self, d: Directive, start: int, end: int) -> None:
        self.starts.append(start)
        self.ends.append(end)
        self.directives.append(d)

    def at(self, offset: int) -> Directive | None:
        i = bisect.bisect_right(self.starts, offset) - 1
        return self.directives[i] if i >= 0 and offset < self.ends[i] else None


@dataclass
class Suppressions:
    """The suppression comments of one text, indexed by rule (and line) so that asking about a finding
    costs a few look-ups and bisections, whatever the number of comments."""

    lines: Lines
    # rule (or ALL) -> the disable-file directives naming it
    file_rules: dict[str, list[Directive]] = field(default_factory=dict)
    # (line, rule or ALL) -> the disable-next-line directives aimed at that line
    next_line: dict[tuple[int, str], list[Directive]] = field(default_factory=dict)
    # rule (or ALL) -> its disable…enable ranges
    ranges: dict[str, _Ranges] = field(default_factory=dict)
    all_directives: list[Directive] = field(default_factory=list)

    def suppressed(self, finding: Finding) -> bool:
        """Whether a directive silences ``finding``; every directive that does is marked used.

        A finding is on the line of its start (tqcheck.lines: CR, CRLF and LF alike), as reported.
        """
        hit = False
        line = self.lines.line(finding.start)
        for rule in {ALL, finding.rule}:
            # A group's directives are marked together, so one marked means all are: no re-marking.
            for group in (self.file_rules.get(rule), self.next_line.get((line, rule))):
                if group:
                    hit = True
                    if not group[-1].used:
                        for d in group:
                            d.used = True
            ranges = self.ranges.get(rule)
            d = ranges.at(finding.start) if ranges else None
            if d is not None:
                d.used = hit = True
        return hit

    @property
    def directives(self) -> list[Directive]:
        return sorted(self.all_directives, key=lambda d: (d.start, d.rule))

    def unused(self) -> list[Directive]:
        return [d for d in self.directives if not d.used]


def _rule_list(raw: str) -> list[str]:
    rules = [r for r in re.split(r"[\s,]+", raw.strip()) if r]
    return rules or [ALL]


def _comments(text: str):
    """(start, end, kind, rule list) of each directive, in order; linear in the text's length."""
    resume = 0  # a directive's rule list is not searched for others
    gt = -1  # the first ">" at or after the current opening (openings come in order: found once)
    for m in _OPENING.finditer(text):
        if m.start() < resume:
            continue
        if gt < m.end():
            gt = text.find(">", m.end())
            if gt == -1:
                return  # no comment closes after here
        if gt - 2 < m.end() or text[gt - 2:gt] != "--":
            continue  # a ">" that ends no comment: not a directive (as "[^>]*?-->" read it)
        resume = gt + 1
        yield m.start(), gt + 1, m.group(1).lower(), _rule_list(text[m.end():gt - 2])


def parse_inline(text: str, lines: Lines | None = None) -> Suppressions:
    """The suppression comments of ``text`` (``lines``: its line index, when the caller has one)."""
    sup = Suppressions(lines if lines is not None else Lines(text))
    open_at: dict[str, Directive] = {}

    def directive(start: int, end: int, kind: str, rule: str) -> Directive:
        d = Directive(start, end, kind, rule)
        sup.all_directives.append(d)
        return d

    def close(d: Directive, end: int) -> None:
        sup.ranges.setdefault(d.rule, _Ranges()).add(d, d.end, end)

    for start, end, kind, rules in _comments(text):
        if kind == "disable-file":
            for r in rules:
                sup.file_rules.setdefault(r, []).append(directive(start, end, kind, r))
        elif kind == "disable":
            for r in rules:
                if r not in open_at:  # disabling a disabled rule again changes nothing
                    open_at[r] = directive(start, end, kind, r)
        elif kind == "enable":
            for r in (list(open_at) if rules == [ALL] else rules):
                if r in open_at:
                    close(open_at.pop(r), start)
        else:  # next line: the line after the one where the comment ends (CR, CRLF and LF alike)
            target = sup.lines.line(end) + 1
            if target > len(sup.lines):
                continue  # the comment is on the last line: it points at nothing
            for r in rules:
                sup.next_line.setdefault((target, r), []).append(directive(start, end, kind, r))
    for d in open_at.values():
        close(d, len(text))
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
