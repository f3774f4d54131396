"""MT-ese lexicons: false friends and calques per source language (package data).

Each ``tqcheck/data/lexicons/<src>-en.json`` lists entries with the English
``forms`` machine translation produces (form -> replacements), the intended
``meaning``, and ``bad``/``good`` example sentences that the tests run.
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
    form: str  # the English form it produces
    replacements: tuple[str, ...]
    meaning: str
    ambiguous: bool  # the form is also ordinary English in another sense (has "good" examples)
    margin: float | None = None  # entry-specific agreement margin (nats), when its examples call for one


def _data():
    return files("tqcheck").joinpath("data", "lexicons")


@lru_cache(maxsize=None)
def load_lexicons() -> dict[str, list[Entry]]:
    out: dict[str, list[Entry]] = {}
    for item in sorted(_data().iterdir(), key=lambda p: p.name):
        if not item.name.endswith("-en.json"):
            continue
        doc = json.loads(item.read_text("utf-8"))
        lang = doc["source_lang"]
        entries = []
        for e in doc["entries"]:
            for form, repl in e["forms"].items():
                entries.append(Entry(lang, doc["source_name"], e["source"], form, tuple(repl), e["meaning"],
                                     bool(e.get("good")), e.get("margin")))
        out[lang] = entries
    return out


@lru_cache(maxsize=None)
def raw_entries(lang: str) -> list[dict]:
    return json.loads(_data().joinpath(f"{lang}-en.json").read_text("utf-8"))["entries"]


@lru_cache(maxsize=None)
def matcher(langs: tuple[str, ...]) -> tuple[re.Pattern, dict[str, list[Entry]]]:
    """One regex over every form of the given lexicons; casefolded form -> its entries."""
    lex = load_lexicons()
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
