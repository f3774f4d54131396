"""The real default language model, loaded once per test session (shared by the lm test modules)."""
from __future__ import annotations

import functools
import time

import pytest

LOAD_SECONDS: dict[str, float] = {}


@functools.lru_cache(maxsize=None)
def _load():
    from tqcheck.context import Context
    from tqcheck.lm import get_language_model, store
    from tqcheck.lm.cards import get_card

    card = get_card()
    if not store.installed(card):
        return None
    t = time.perf_counter()
    # The same process-wide copy the rules get; the first load on a fresh machine converts the GGUF
    # (about 80 s on 2 cores), later ones read the cached dense copy.
    lm = get_language_model(Context())
    LOAD_SECONDS[card.id] = time.perf_counter() - t
    return lm


def real_lm():
    lm = _load()
    if lm is None:
        pytest.skip("default model package not installed")
    return lm


def context_with(lm, source_lang=None):
    """A Context whose language-model resource is the session's model."""
    from tqcheck.context import Context
    from tqcheck.lm import LANGUAGE_MODEL

    ctx = Context(source_lang=source_lang)
    ctx.resource(LANGUAGE_MODEL, lambda: lm)
    return ctx
