"""The real default language model, loaded once per test session (shared by the lm test modules)."""
from __future__ import annotations

import functools
import time

import pytest

LOAD_SECONDS: dict[str, float] = {}


@functools.lru_cache(maxsize=None)
def _load():
    from tqcheck.lm import store
    from tqcheck.lm.cards import get_card
    from tqcheck.lm.model import CausalLM

    card = get_card()
    if not store.installed(card):
        return None
    t = time.perf_counter()
    lm = CausalLM.load(card, "cpu")  # the first load on a fresh machine converts the GGUF (about 80 s)
    LOAD_SECONDS[card.id] = time.perf_counter() - t
    return lm


def real_lm():
    lm = _load()
    if lm is None:
        pytest.skip("default model package not installed")
    return lm


def context_with(lm, **options):
    """A Context whose language-model resource is the session's model."""
    from tqcheck.engine import Context

    ctx = Context(options=dict(options))
    ctx.resource("language-model", lambda: lm)
    return ctx
