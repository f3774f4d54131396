"""GitHub Actions workflow commands: one annotation per finding."""
from __future__ import annotations

from ..report import Report

_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def _escape_data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_prop(s: str) -> str:
    return _escape_data(s).replace(":", "%3A").replace(",", "%2C")


def render(report: Report, **_) -> str:
    lines = []
    for f in report.findings:
        msg = f.message
        if f.suggestions:
            msg += f" Suggestion: {f.suggestions[0]!r}"
        props = (f"file={_escape_prop(f.path)},line={f.line},col={f.column},"
                 f"endLine={f.end_line},endColumn={f.end_column},title={_escape_prop(f.rule)}")
        lines.append(f"::{_LEVEL[f.severity.value]} {props}::{_escape_data(msg)}")
    out = "\n".join(lines) + ("\n" if lines else "")
    if report.run.metrics is not None:
        from ..metrics import github_notice

        out += github_notice(report.run.metrics)
    return out
