"""The language-model layer: one interface, loaded lazily, once per run.

Checks call ``get_language_model(ctx)`` and get either an object with

    score(texts: list[str], contexts: list[str] | None = None) -> list[float]
        total natural-log probability of each text, given its left context

or ``None`` when the run has no model (``--no-model``, package missing); a
check then falls back to its model-free evidence.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # pragma: no cover
    from ..engine import Context


class LanguageModel(Protocol):
    def score(self, texts: list[str], contexts: list[str] | None = None) -> list[float]: ...


def get_language_model(ctx: "Context") -> LanguageModel | None:
    # Filled in by the model layer (issue 4): loads the card from models/ on first use.
    return None
