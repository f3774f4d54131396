"""Human-readable terminal output, grouped by file."""
from __future__ import annotations

from ..report import Report

_COLOURS = {"error": "\033[31m", "warning": "\033[33m", "info": "\033[36m"}
_DIM, _BOLD, _RESET = "\033[2m", "\033[1m", "\033[0m"


def render(report: Report, color: bool = False, **_) -> str:
    def c(code: str, s: str) -> str:
        return f"{code}{s}{_RESET}" if color else s

    out: list[str] = []
    for result in report.files:
        if not result.findings and not result.notices:
            continue
        out.append(c(_BOLD, f"{result.path}") + c(_DIM, f"  [{result.language}]"))
        for f in result.findings:
            sev = c(_COLOURS[f.severity.value], f.severity.value)
            out.append(f"{f.path}:{f.line}:{f.column}: {sev} {c(_DIM, f.rule)} {f.message}")
            if f.suggestions:
                shown = ", ".join(repr(s) for s in f.suggestions[:3])
                out.append(f"    {c(_DIM, 'suggestion:')} {f.text!r} -> {shown}")
        for note in result.notices:
            out.append(c(_DIM, f"  note: {note}"))
        out.append("")
    s = report.summary()
    parts = [f"{n} {sev}" for sev, n in s["by_severity"].items() if n]
    files = f"{s['files']} file" + ("" if s["files"] == 1 else "s")
    tail = f" ({', '.join(parts)})" if parts else ""
    noun = "finding" if s["findings"] == 1 else "findings"
    out.append(c(_BOLD, f"{s['findings']} {noun} in {files}{tail}"))
    text = "\n".join(out) + "\n"
    if report.run.metrics is not None:
        from ..metrics import render_text

        text += "\n" + render_text(report.run.metrics)
    return text
