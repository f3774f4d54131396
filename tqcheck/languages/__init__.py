"""A home for each language: ``profile(lang)`` says what tqcheck knows about it.

One module per language in this package defines ``PROFILE``; a language without one gets the generic
profile.  Adding a language is adding one file here and its tests (CONTRIBUTING.md).
"""
from __future__ import annotations

import importlib
import pkgutil
from dataclasses import replace
from functools import lru_cache

from .profile import COMMON_PARTICLES, LanguageProfile

__all__ = ["LanguageProfile", "profile", "profiled", "COMMON_PARTICLES"]

# Languages with no profile file that write a decimal comma ("3,5") and group with dots or spaces.
_DECIMAL_COMMA = frozenset("cs sk sl hr sr bs ro hu tr uk bg da sv nb nn no fi et lv lt el id ca gl eu vi".split())


@lru_cache(maxsize=1)
def _profiles() -> dict[str, LanguageProfile]:
    out = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name == "profile":
            continue
        prof = importlib.import_module(f"{__name__}.{info.name}").PROFILE
        out[prof.code] = prof
    return out


def profiled() -> list[str]:
    """The codes that have a profile of their own."""
    return sorted(_profiles())


@lru_cache(maxsize=256)
def profile(lang: str | None) -> LanguageProfile:
    """The profile of ``lang`` (an ISO 639-1 code, a region tag such as "pt-BR" reads as "pt"); any other
    code gets the generic profile under its own code."""
    code = (lang or "und").split("-")[0].split("_")[0].lower()
    found = _profiles().get(code)
    if found is not None:
        return found
    generic = LanguageProfile(code=code, name=code)
    return replace(generic, decimal=",", thousands=".") if code in _DECIMAL_COMMA else generic
