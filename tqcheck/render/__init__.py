"""Renderers: each turns one Report into one output format.

``FORMATS`` is the one table of output formats (ruff's OutputFormat): the CLI's ``--format`` choices,
the suffixes ``--report`` recognises and the renderer behind each come from it.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..report import Report
from . import github, html, json_out, sarif, text


@dataclass(frozen=True)
class OutputFormat:
    name: str
    suffixes: tuple[str, ...]  # report files with these suffixes get this format
    render: Callable[..., str]
    media_type: str  # what the desk answers it as (``POST /api/check`` with ``format``)
    description: str


FORMATS: tuple[OutputFormat, ...] = (
    OutputFormat("text", (".txt",), text.render, "text/plain; charset=utf-8", "terminal summary, grouped by file"),
    OutputFormat("json", (".json",), json_out.render, "application/json", "the versioned v1 contract"),
    OutputFormat("sarif", (".sarif",), sarif.render, "application/sarif+json", "SARIF 2.1.0, for code-scanning tools"),
    OutputFormat("github", (), github.render, "text/plain; charset=utf-8", "GitHub Actions workflow annotations"),
    OutputFormat("html", (".html", ".htm"), html.render, "text/html; charset=utf-8", "the self-contained review page"),
)
_BY_NAME = {f.name: f for f in FORMATS}


def format_for_path(path: str | Path) -> OutputFormat | None:
    """The format a report file's suffix asks for, or None."""
    suffix = Path(path).suffix.lower()
    return next((f for f in FORMATS if suffix in f.suffixes), None)


def report_suffixes() -> list[str]:
    return [s for f in FORMATS for s in f.suffixes]


def get_format(name: str) -> OutputFormat:
    return _BY_NAME[name]


def render(report: Report, fmt: str, **options) -> str:
    return _BY_NAME[fmt].render(report, **options)
