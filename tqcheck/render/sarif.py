"""SARIF 2.1.0 for code-scanning dashboards (GitHub, Azure DevOps, IDEs)."""
from __future__ import annotations

import json
from pathlib import Path

from ..findings import Finding, Fix
from ..fix import DEFAULT_FIX_CONFIDENCE, apply_fixes, clears_the_bar, left_because
from ..report import Report
from ..rules import all_rules

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def _uri(path: str) -> str:
    if path == "-":
        return "stdin"
    p = Path(path)
    return p.as_posix() if not p.is_absolute() else p.as_uri()


def _applied(report: Report, fix_confidence: float) -> set[int]:
    """The findings (by id) whose first fix ``tqcheck fix`` applies: the confident, safe ones, less those
    that lose to an overlapping fix (decided on the file's text, as fix decides it)."""
    out: set[int] = set()
    for r in report.files:
        raw = getattr(r.document, "raw", None)
        if raw is not None:
            out.update(id(f) for f in apply_fixes(raw, r.findings, fix_confidence)[1])
        else:
            out.update(id(f) for f in r.findings if clears_the_bar(f, fix_confidence))
    return out


def _fix(f: Finding, fix: Fix, uri: str, why: str | None) -> dict:
    """A SARIF fix: its edits as replacements, and whether ``tqcheck fix`` applies it or leaves it for a
    person (a suggestion), in the description and in the properties."""
    span = fix.replacement_for(f.start, f.end)
    change = (f"replace {f.text!r} with {span!r}" if span is not None else
              "; ".join(f"replace characters {e.start}-{e.end} with {e.replacement!r}" for e in fix.edits))
    state = "Fix, applied by `tqcheck fix`" if why is None else f"Suggestion, not applied by `tqcheck fix` ({why})"
    return {
        "description": {"text": f"{state}: {change}"},
        "artifactChanges": [{
            "artifactLocation": {"uri": uri},
            "replacements": [{
                "deletedRegion": {"charOffset": e.start, "charLength": e.end - e.start},
                "insertedContent": {"text": e.replacement},
            } for e in fix.edits],
        }],
        "properties": {"applicability": fix.applicability.value, "applied": why is None},
    }


def render(report: Report, fix_confidence: float = DEFAULT_FIX_CONFIDENCE, **_) -> str:
    registry = all_rules()
    used = sorted({f.rule for f in report.findings} | set(registry))
    index = {rule_id: i for i, rule_id in enumerate(used)}
    rules = []
    for rule_id in used:
        cls = registry.get(rule_id)
        if cls is None:
            rules.append({"id": rule_id})
            continue
        rules.append({
            "id": rule_id,
            "name": "".join(part.title() for part in rule_id.split("-")),
            "shortDescription": {"text": cls.summary()},
            "fullDescription": {"text": " ".join(cls.description.split())},
            "defaultConfiguration": {"level": _LEVEL[cls.severity.value]},
            "properties": {"category": cls.category.value, "family": cls.family,
                           "languages": sorted(cls.languages) if cls.languages else ["*"]},
        })
    results = []
    applied = _applied(report, fix_confidence)
    for f in report.findings:
        uri = _uri(f.path)
        region = {"startLine": f.line, "startColumn": f.column, "endLine": f.end_line,
                  "endColumn": f.end_column, "charOffset": f.start, "charLength": f.end - f.start}
        result = {
            "ruleId": f.rule,
            "ruleIndex": index[f.rule],
            "level": _LEVEL[f.severity.value],
            "message": {"text": f.message},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri}, "region": region}}],
            "partialFingerprints": {"tqcheck/v1": f.fingerprint},
            "properties": {"category": f.category.value, "confidence": round(f.confidence, 3)},
        }
        if f.fixes:
            result["fixes"] = [_fix(f, fx, uri, left_because(f, fx, id(f) in applied, fix_confidence))
                               for fx in f.fixes]
        results.append(result)
    sarif = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "tqcheck", "version": report.tool_version, "rules": rules}},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }
    failures = [{"level": "error", "message": {"text": e},
                 "locations": [{"physicalLocation": {"artifactLocation": {"uri": _uri(r.path)}}}]}
                for r in report.files for e in r.errors]
    if failures:  # rules that crashed on a file: the run is incomplete, and says where
        sarif["runs"][0]["invocations"] = [{"executionSuccessful": False, "toolExecutionNotifications": failures}]
    if report.run.metrics is not None:
        sarif["runs"][0]["properties"] = {"metrics": report.run.metrics.to_dict()}
    return json.dumps(sarif, ensure_ascii=False, indent=2) + "\n"
