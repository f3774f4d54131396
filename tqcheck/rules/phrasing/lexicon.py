"""MT-ese lexicons: false friends and calques per language pair (package data).

Each ``tqcheck/data/lexicons/<src>-<tgt>.json`` lists entries with the target-language
``forms`` machine translation from ``src`` produces (form -> replacements), the intended
``meaning``, and ``bad``/``good`` example sentences that the tests run.  Adding a pair is
adding a file: the calque rule checks every target language that has one.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files


@dataclass(frozen=True)
class Entry:
    lang: str  # source language
    lang_name: str
    source: str  # the source-language word
    form: str  # the target-language form it produces
    replacements: tuple[str, ...]
    meaning: str
    ambiguous: bool  # the form is also ordinary target-language text in another sense (has "good" examples)
    # The agreement margin (nats) where the entry's examples, or its language pair's, call for their own.
    margin: float | None = None


def _data():
    return files("tqcheck").joinpath("data", "lexicons")


def _pair(name: str) -> tuple[str, str] | None:
    if not name.endswith(".json") or name.count("-") != 1:
        return None
    src, tgt = name[:-len(".json")].split("-")
    return src, tgt


@lru_cache(maxsize=None)
def targets() -> frozenset[str]:
    """The target languages some lexicon covers."""
    return frozenset(p[1] for item in _data().iterdir() if (p := _pair(item.name)))


@lru_cache(maxsize=None)
def load_lexicons(target: str = "en") -> dict[str, list[Entry]]:
    """Source language -> its entries, for MT into ``target``."""
    out: dict[str, list[Entry]] = {}
    for item in sorted(_data().iterdir(), key=lambda p: p.name):
        pair = _pair(item.name)
        if pair is None or pair[1] != target:
            continue
        doc = json.loads(item.read_text("utf-8"))
        lang = doc["source_lang"]
        entries = []
        for e in doc["entries"]:
            for form, repl in e["forms"].items():
                entries.append(Entry(lang, doc["source_name"], e["source"], form, tuple(repl), e["meaning"],
                                     bool(e.get("good")), e.get("margin", doc.get("margin"))))
        out[lang] = entries
    return out


@lru_cache(maxsize=None)
def raw_entries(lang: str, target: str = "en") -> list[dict]:
    return json.loads(_data().joinpath(f"{lang}-{target}.json").read_text("utf-8"))["entries"]


@lru_cache(maxsize=None)
def matcher(langs: tuple[str, ...], target: str = "en") -> tuple[re.Pattern, dict[str, list[Entry]]]:
    """One regex over every form of the given source languages' lexicons into ``target``; casefolded
    form -> its entries."""
    lex = load_lexicons(target)
    by_form: dict[str, list[Entry]] = {}
    for lang in langs:
        for e in lex.get(lang, []):
            by_form.setdefault(e.form.casefold(), []).append(e)
    forms = sorted(by_form, key=len, reverse=True)  # longest first: "balance of" before "balance"
    body = "|".join(r"\s+".join(re.escape(w) for w in f.split()) for f in forms)
    return re.compile(rf"(?<![\w-])(?:{body})(?![\w-])", re.IGNORECASE), by_form


def match_case(replacement: str, original: str) -> str:
    if original[:1].isupper() and not replacement[:1].isupper():
        return replacement[:1].upper() + replacement[1:]
    return replacement


_ARTICLE = re.compile(r"(?<![\w-])(a|an)\s+$", re.IGNORECASE)


def with_article(text: str, start: int, replacements: list[str]) -> tuple[int, list[str]]:
    """Take a preceding "a"/"an" into the span so "a pandemic" -> "an epidemic" stays grammatical."""
    m = _ARTICLE.search(text, max(0, start - 4), start)
    if not m:
        return start, replacements
    art = m.group(1)
    out = []
    for r in replacements:
        new = "an" if r[:1].lower() in "aeio" else "a"
        out.append(match_case(new, art) + text[m.end(1):start] + r)
    return m.start(), out
