"""Whether two written names can be one entity: spelling variants versus different people.

Rules of thumb encoded here, in the order tried:
- the same letters written differently (hyphen, space, case, diacritics, dots, an Arabic article:
  Al-Sisi / el-Sisi) are one name;
- Chinese/Korean names are compared syllable by syllable: the family names must be the
  same (or romanisations of the same name: Hsia/Xia, Lee/Li) and at most one syllable of
  the given name may differ, and only by a letter or two (Qing/Qin, Jong/Jung).  A different
  syllable count or a wholly different syllable is a different person (Li Qiang vs Li Keqiang,
  Kim Jong-un vs Kim Jong-il);
- other names may differ in one word, by one letter (two in long words), unless both
  spellings are common words or names in their own right (Iran/Iraq, John/Joan).
"""
from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

from ..analysis.lexical import zipf
from ..languages import profile
from .data import (
    chinese_surnames,
    common_chinese_surnames,
    fold,
    korean_surnames,
    pinyin_split,
    vietnamese_surnames,
)

_SEP = re.compile(r"[\s\u00a0\-‐‑–'’.·]+")
# Sound alternations between romanisation systems (pinyin vs Wade-Giles / Korean RR vs MR).
_ROMAN_ALTS = [("zh", "j"), ("zh", "ch"), ("x", "hs"), ("q", "ch"), ("c", "ts"), ("z", "ts"), ("k", "g"),
               ("t", "d"), ("p", "b"), ("eo", "o"), ("eu", "u"), ("ae", "e"), ("yu", "u")]


# Abbreviated words of place names, written out: 'St. Petersburg' and 'Saint Petersburg' are one spelling.
_ABBREVIATED = {"st": "saint", "ste": "sainte", "mt": "mount", "ft": "fort"}
_ABBR = re.compile(r"(?i)\b(st|ste|mt|ft)\.?(?=[\s\u00a0]+[A-Z])")


def key(name: str) -> str:
    """Letters only, folded: 'Kim Jong-un' and 'Kim Jong Un' share 'kimjongun'; 'St. Petersburg' and
    'Saint Petersburg' share 'saintpetersburg'."""
    if "t" in name:
        name = _ABBR.sub(lambda m: _ABBREVIATED[m.group(1).lower()], name)
    return _SEP.sub("", fold(name))


# An Arabic article joined to a name: Al-Sisi, el-Sisi, as-Sadr, ash-Sharaa (one name, written with or without it).
ARTICLE = re.compile(r"(?i)(?<![\w-])(?:a[lndrstz]|e[lndrstz]|ash|esh|ul)[-‐‑](?=\w)")


def article_key(name: str) -> str:
    """``key`` without Arabic articles: 'Al-Sisi', 'el-Sisi' and 'Sisi' share 'sisi'."""
    return key(ARTICLE.sub("", name))


def tokens(name: str) -> list[str]:
    return [t for t in re.split(r"[\s\u00a0]+", name.strip()) if t]


def blocking_keys(name: str) -> set[str]:
    """Keys two spellings of one entity share, so that a corpus compares only names that share one: the
    letters of the whole name (Zhuge Liang / Zhu Geliang), a word (Olaf/Olav *Scholz*), or the given or
    family part written as one ("Hsia Li Yan" / "Xia *Liyan*")."""
    toks = tokens(name)
    return {key(name)} | {key(t) for t in toks} | {key("".join(toks[1:])), key("".join(toks[:-1]))} - {""}


def name_style(toks: list[str]) -> str:
    """'zh', 'ko' or 'vi' for family-name-first East Asian names, else 'west'."""
    return _name_style(tuple(toks))


@lru_cache(maxsize=65536)
def _name_style(toks: tuple[str, ...]) -> str:
    if len(toks) < 2 or len(toks) > 4:
        return "west"
    fam = fold(toks[0])
    given = list(toks[1:])
    if fam in vietnamese_surnames() and len(toks) >= 3:
        return "vi"
    hyphenated = len(given) == 1 and "-" in given[0]
    if fam in korean_surnames() and (hyphenated or (len(given) == 2 and all(len(g) <= 4 for g in given))):
        return "ko"
    if fam in chinese_surnames() and len(given) <= 2 and all(g[:1].isupper() for g in given):
        syl = pinyin_split("".join(given))
        if syl is not None and 1 <= len(syl) <= 2:
            return "zh"
        if hyphenated:
            return "zh"  # Wade-Giles style: Hsia Li-yan
    if fam in korean_surnames() and len(given) == 1 and given[0][:1].isupper():
        return "ko"
    return "west"


def family_given(toks: list[str]) -> tuple[str, list[str]]:
    """The family name and the given names of a multi-word personal name."""
    if name_style(toks) in ("zh", "ko", "vi"):
        return toks[0], toks[1:]
    return toks[-1], toks[:-1]


def _syllables(given: list[str], style: str) -> list[str] | None:
    joined = "-".join(given)
    if "-" in joined or len(given) > 1 or style == "ko":
        return [s for s in re.split(r"[-\s]+", fold(joined)) if s]
    return pinyin_split(joined)


def same_family(a: str, b: str) -> bool:
    fa, fb = fold(a), fold(b)
    if fa == fb:
        return True
    cn = chinese_surnames()
    if fa in cn and fb in cn:
        if cn[fa] == cn[fb]:
            return True  # romanisations of one name: Hsia/Xia, Lee/Li
        common = common_chinese_surnames()
        if cn[fa] in common and cn[fb] in common:
            return False  # two frequent family names (Zeng, Zhong): two families, not a typo
    ko = korean_surnames()
    if fa in ko and fb in ko:
        return False
    return _close_syllable(fa, fb)


def _close_syllable(a: str, b: str) -> bool:
    """Romanisation-level difference of one syllable: Qing/Qin, Jong/Jung, Ju/Zhu."""
    if a == b:
        return True
    for x, y in _ROMAN_ALTS:
        for s, t in ((a, b), (b, a)):
            if x in s and s.replace(x, y, 1) == t:
                return True
    d = Levenshtein.distance(a, b)
    if d == 1 and min(len(a), len(b)) >= 3:
        return True
    return d == 2 and min(len(a), len(b)) >= 4 and a[0] == b[0] and a[-1] == b[-1]


def _common(word: str, lang: str) -> bool:
    return zipf(word.lower(), lang) >= 3.3


def close_word(a: str, b: str, lang: str = "en") -> bool:
    """Two words that look like one name misspelt (Modro/Modrow, Fumio/Funio), not two names."""
    fa, fb = key(a), key(b)
    if fa == fb:
        return True
    if min(len(fa), len(fb)) < 4:
        return False
    prof = profile(lang)
    if prof.name_endings and inflection_pair(fa, fb, prof.name_endings):
        return False  # Tokajews/Tokajew, Лаврова/Лавров: one spelling, declined
    if prof.transcription:
        ga, gb = transcribed(fa, lang), transcribed(fb, lang)
        if ga == gb or inflection_pair(ga, gb, prof.name_endings):
            return True  # Tokayev/Tokajew, Zimbabwes/Simbabwe: English and German transcription
    d = Levenshtein.distance(fa, fb)
    longest = max(len(fa), len(fb))
    limit = 1 if longest < 8 else 2
    if d > limit:
        return False
    # Two established words (Iran/Iraq, Austria/Australia, John/Joan) are two names.
    return not (_common(a, lang) and _common(b, lang))


def transcribed(word: str, lang: str) -> str:
    """Collapse the letters in which the language's and English transcriptions of a foreign name differ
    (German Tokajew and English Tokayev both read 'tocayev')."""
    for mine, en in profile(lang).transcription:
        word = word.replace(mine, en)
    return word


def inflection_pair(a: str, b: str, endings: tuple[str, ...]) -> bool:
    """One word declined (German Tokajews/Tokajew, Präsidenten/Präsident; Russian Лаврова/Лавров), also
    where both forms carry an ending on one stem of at least three letters (Czech Fiala/Fialu)."""
    short, long_ = sorted((a, b), key=len)
    if long_.startswith(short) and long_[len(short):] in endings:
        return True
    ends = set(endings)
    return any(a[:-len(x)] == b[:-len(y)] and len(a) - len(x) >= 3
               for x in ends if a.endswith(x) for y in ends if b.endswith(y))


def same_entity(a: str, b: str, lang: str = "en") -> str | None:
    """Why two written names are one entity ('formatting', 'romanisation', 'spelling'), or None."""
    if a == b:
        return "identical"
    if a.casefold() == b.casefold():
        return None  # KAZINFORM/Kazinform: capitalisation (a dateline, a heading), not spelling
    ka, kb = key(a), key(b)
    if ka == kb:
        return "formatting"
    ta, tb = tokens(a), tokens(b)
    if len(ta) == len(tb) and (ARTICLE.search(a) or ARTICLE.search(b)) and article_key(a) == article_key(b):
        return "formatting"  # Al-Sisi / el-Sisi: the article written differently
    if len(ta) == 1 and len(tb) == 1:
        if people_of(a, b):
            return None  # Estonia / Estonian: a country and its people's adjective, both right
        return "spelling" if close_word(a, b, lang) else None
    if len(ta) == 1 or len(tb) == 1:
        return None  # a short form, not a variant: handled as a partial mention
    sa, sb = name_style(ta), name_style(tb)
    if "zh" in (sa, sb) or "ko" in (sa, sb):
        return _same_east_asian(ta, tb, sa if sa != "west" else sb)
    if len(ta) != len(tb):
        return None
    diffs = [(x, y) for x, y in zip(ta, tb) if key(x) != key(y)]
    if len(diffs) != 1:
        return None
    x, y = diffs[0]
    if len(key(x)) <= 2 or len(key(y)) <= 2:
        return None  # initials: "J. Smith" vs "K. Smith"
    if close_word(x, y, lang):
        return "spelling"
    return "derivation" if derived_word(x, y) else None


# Endings that make a place's people's adjective (Korea / Korean, Estonia / Estonian, China / Chinese).
PEOPLE_ENDINGS = ("n", "an", "ian", "ese", "ish", "i", "ic")


def people_of(x: str, y: str) -> bool:
    """Whether one word is the other with a people's-adjective ending."""
    a, b = sorted((key(x), key(y)), key=len)
    return b.startswith(a) and b[len(a):] in PEOPLE_ENDINGS


def derived_word(x: str, y: str) -> bool:
    """One word of a name in two derived forms: Navy / Naval Day, Leaders / Leadership Foundation.  The
    shorter must be most of the longer's start (3 letters and three quarters of it at least); a plural or a
    people's adjective is no derivation."""
    a, b = sorted((key(x), key(y)), key=len)
    n = 0
    while n < len(a) and a[n] == b[n]:
        n += 1
    if b.startswith(a) and b[len(a):] in ("s", "es") or people_of(a, b):
        return False  # a plural (Golden Goblet Award / Awards) or a people's adjective (Korea / Korean): wording
    return n >= 3 and n * 4 >= 3 * len(a) and len(b) - n <= 5


def _same_east_asian(ta: list[str], tb: list[str], style: str) -> str | None:
    if not same_family(ta[0], tb[0]):
        # The same two-syllable given name under two family names: one person whose family
        # name was mistranslated is likelier than two people sharing a full given name.
        ga, gb = _syllables(ta[1:], style), _syllables(tb[1:], style)
        if style == "zh" and ga and ga == gb and len(ga) == 2 and name_style(ta) == name_style(tb) == "zh":
            return "family name"
        return None
    ga, gb = _syllables(ta[1:], style), _syllables(tb[1:], style)
    if ga is None or gb is None:
        # Given name not analysable as syllables: fall back to a close written form.
        xa, xb = key("".join(ta[1:])), key("".join(tb[1:]))
        if xa == xb:
            return "romanisation"
        d = Levenshtein.distance(xa, xb)
        ok = d == 1 and min(len(xa), len(xb)) >= 4 or d == 2 and min(len(xa), len(xb)) >= 5 and xa[:2] == xb[:2]
        return "spelling" if ok else None
    if len(ga) != len(gb):
        return None  # Li Qiang vs Li Keqiang
    diffs = [(x, y) for x, y in zip(ga, gb) if x != y]
    family_differs = fold(ta[0]) != fold(tb[0])
    if not diffs:
        return "romanisation" if family_differs else "formatting"
    if len(diffs) > 1 or family_differs:
        return None  # two changes at once: more likely two people than one misspelling
    x, y = diffs[0]
    return "romanisation" if _close_syllable(x, y) else None


# The word an institution is named by, in families of words that translations swap for one another
# (中华全国总工会: the Federation of Trade Unions, the General Union; 文化局: the Culture Bureau, the Ministry
# of Culture).  Companies are left out: Shanshan Group and Shanshan Enterprises are often parent and arm.
_INSTITUTION_FAMILIES = (
    ("ministry", "department", "bureau", "office", "administration", "agency", "authority"),
    ("union", "federation", "association", "league", "confederation", "alliance", "society"),
    ("committee", "council", "commission"),
    ("university", "college", "institute", "academy", "school"),
)
_INSTITUTION = {w: i for i, ws in enumerate(_INSTITUTION_FAMILIES) for w in ws}
# Words that qualify the institution rather than say whose it is ("General Union", "Trade Union").
_QUALIFIERS = {"general", "trade"}
_ORG_CONNECTORS = {"of", "and", "the", "for", "on", "in", "at", "to", "&"}


def _singular(word: str) -> str:
    w = fold(word).strip(".,'’")
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    return w[:-1] if w.endswith("s") and not w.endswith("ss") and len(w) > 3 else w


def institution_parts(name: str) -> tuple[frozenset[str], frozenset[str]]:
    """An organisation's institution words and its key words ('Autonomous Region Federation of Trade
    Unions' -> ({federation, union}, {autonomous, region})), plurals folded."""
    words = [_singular(t) for t in tokens(name)]
    heads = {w for w in words if w in _INSTITUTION}
    keys = {w for w in words if w not in _INSTITUTION and w not in _QUALIFIERS and w not in _ORG_CONNECTORS}
    return frozenset(heads), frozenset(keys)


def same_organisation(a: str, b: str) -> bool:
    """One institution named two ways: the same key words around two institution words of one family
    ('General Union of the Autonomous Region' / 'Autonomous Region Federation of Trade Unions', 'Ministry of
    Culture' / 'Culture Bureau').  The same institution word with the words reordered ('Golmud Public Security
    Bureau' / 'Public Security Bureau of Golmud') is word order, not two names; a key word more or less
    ('Urumqi County' / 'Urumqi Tianshan District Federation of Trade Unions') is another body."""
    ha, ka = institution_parts(a)
    hb, kb = institution_parts(b)
    if not ha or not hb or ha == hb or not ka or ka != kb:
        return False
    return bool({_INSTITUTION[h] for h in ha} & {_INSTITUTION[h] for h in hb})
