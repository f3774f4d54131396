"""Renderers: each turns one Report into one output format."""
from __future__ import annotations

from typing import Callable

from ..report import Report
from . import github, html, json_out, sarif, text

RENDERERS: dict[str, Callable[..., str]] = {
    "text": text.render,
    "json": json_out.render,
    "sarif": sarif.render,
    "github": github.render,
    "html": html.render,
}


def render(report: Report, fmt: str, **options) -> str:
    return RENDERERS[fmt](report, **options)
