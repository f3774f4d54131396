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
    description: str


FORMATS: tuple[OutputFormat, ...] = (
    OutputFormat("text", (".txt",), text.render, "terminal summary, grouped by file"),
    OutputFormat("json", (".json",), json_out.render, "the versioned v1 contract"),
    OutputFormat("sarif", (".sarif",), sarif.render, "SARIF 2.1.0, for code-scanning tools"),
    OutputFormat("github", (), github.render, "GitHub Actions workflow annotations"),
    OutputFormat("html", (".html", ".htm"), html.render, "the self-contained review page"),
)
_BY_NAME = {f.name: f for f in FORMATS}


def format_for_path(path: str | Path) -> OutputFormat | None:
    """The format a report file's suffix asks for, or None."""
    suffix = Path(path).suffix.lower()
    return next((f for f in FORMATS if suffix in f.suffixes), None)


def report_suffixes() -> list[str]:
    return [s for f in FORMATS for s in f.suffixes]


def render(report: Report, fmt: str, **options) -> str:
    return _BY_NAME[fmt].render(report, **options)
