"""The language-model layer: one interface, loaded lazily, once per run.

Checks call ``get_language_model(ctx)`` and get either a ``LanguageModel``
(``protocol``: ``score`` for the total natural-log probability of each text
given its left context, ``token_logprobs`` for per-token scores,
``alternatives`` for the model's own proposals and ``prefetch`` to queue texts
for the next pass) or ``None`` when the run has no model (``--no-model``,
package missing); a check then falls back to its model-free evidence.

The layer, by job: ``load`` (weights into a ``model.CausalLM``), ``model``
(the queue and the forward pass), ``plan`` (grouping, batching and packing a
pass, no torch), ``head`` (the output layer, fp32 or int8, and its disk copy),
``request`` (what is asked), ``cache`` (scores kept on disk), ``store`` and
``cards`` (finding and converting the packaged weights).

The model is chosen by ``ctx.model`` (a run's override, else the config's
``model``), else the default card in ``models/``.
"""
from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from ..context import Resource
from ..errors import TqcheckError
from .protocol import LanguageModel

if TYPE_CHECKING:  # pragma: no cover
    from ..context import Context
    from .used import ModelUsed

# The run's model, built once per Context (a desk or a test may provide one already loaded).
LANGUAGE_MODEL: Resource[LanguageModel | None] = Resource("language model")




def get_language_model(ctx: "Context") -> LanguageModel | None:
    """The run's model, loaded on first call; None without one.

    A missing model package is reported once on stderr (and in
    ``ctx.notices``) and the model-free checks go on.
    """
    if not ctx.use_model:
        return None
    return ctx.resource(LANGUAGE_MODEL, lambda: _load(ctx))


# One copy per process: several runs (or a test session) share the loaded weights.
_LOADED: dict[tuple[str, str], LanguageModel] = {}


def _load(ctx: "Context"):
    from . import store
    from .cards import get_card
    from .load import load_model

    card = get_card(ctx.model)
    key = (card.id, getattr(ctx, "device", "auto") or "auto")
    if key in _LOADED:
        return _LOADED[key]
    if not store.installed(card):
        message = store.missing_message(card)
        ctx.notice(f"{message}; model checks skipped")
        print(f"tqcheck: warning: {message}; model checks skipped", file=sys.stderr, flush=True)
        return None
    from .cache import CachedLM, ScoreCache, cache_path
    from .load import resolve_device

    path = cache_path()
    if path is None:
        _LOADED[key] = load_model(card, key[1])
    else:
        # Scores come from disk when the text was scored before; the weights load on the first miss.
        _LOADED[key] = CachedLM(card, resolve_device(key[1]), ScoreCache(path), lambda: load_model(card, key[1]))
    return _LOADED[key]


def describe_model(ctx: "Context") -> "ModelUsed | None":
    """The model this run actually used (for reports), or None when no check loaded one."""
    if not ctx.has_resource(LANGUAGE_MODEL):
        return None
    lm = ctx.resource(LANGUAGE_MODEL, lambda: None)
    if lm is None:
        return None
    card = getattr(lm, "card", None)
    from .used import ModelUsed

    return ModelUsed(getattr(card, "name", "language model"), getattr(card, "id", ""), str(getattr(lm, "device", "cpu")))


__all__ = ["LANGUAGE_MODEL", "LanguageModel", "get_language_model", "describe_model", "TqcheckError"]
