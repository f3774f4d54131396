"""A results-cache entry checked against the document it claims to describe, before anything reads it.

The cache folder is outside tqcheck's control (shared by CI jobs, synced, edited by hand), so an entry
is untrusted input: every field must have its type and its range (spans inside the file's text, finite
numbers, known severities and categories, rules of this run), or the entry is refused and the file
checked again.  ``DocumentOutcome.from_json`` builds the record afterwards; it trusts what it is given
(a worker's outcome), this module is what makes a cache entry worth that trust.
"""
from __future__ import annotations

import math
import re
from typing import Any

from .findings import Applicability, Category, Severity
from .outcome import VERSION, DocumentOutcome
from .rules.registry import CorpusRule

_CATEGORIES = {c.value for c in Category}
_SEVERITIES = {s.value for s in Severity}
_APPLICABILITIES = {a.value for a in Applicability}
_LANG = re.compile(r"[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*")
_ROLES = ("short_form", "misspelt_short_form", "given_name_alone")
MAX_DEPTH = 16  # evidence nests a list or a table at most two deep; far deeper is damage, not data


class BadEntry(ValueError):
    """Why an entry cannot be used (said in the warning that names it)."""


def outcome_from_entry(data: Any, doc, rules: list) -> DocumentOutcome:
    """The outcome the entry holds for ``doc`` under this run's ``rules``; BadEntry when any field is off."""
    _is(data, dict, "the entry")
    if data.get("version") != VERSION:
        raise BadEntry(f"format version {_show(data.get('version'))}, not {VERSION}")
    if data.get("path") != doc.path:
        raise BadEntry(f"it describes {_show(data.get('path'))}, not {doc.path}")
    language = data.get("language")
    if not (isinstance(language, str) and len(language) <= 35 and _LANG.fullmatch(language)):
        raise BadEntry(f"language {_show(language)} is not a language tag")
    size = len(doc.raw)
    by_id = {r.id: r for r in rules}
    ran = _strings(data.get("ran"), "ran")
    unknown = [r for r in ran if r not in by_id]
    if unknown:
        raise BadEntry(f"ran names rule {_show(unknown[0])}, not one of this run")
    _strings(data.get("notices"), "notices")
    if _strings(data.get("errors"), "errors"):
        raise BadEntry("it records a rule's crash (such outcomes are never cached)")
    findings = _is(data.get("findings"), list, "findings")
    for i, f in enumerate(findings):
        _finding(f, f"findings[{i}]", set(ran), size)
    if data.get("names") is not None:
        for i, e in enumerate(_is(data["names"], list, "names")):
            _ledger_entry(e, f"names[{i}]", size)
    if data.get("fluency") is not None:
        for i, row in enumerate(_is(data["fluency"], list, "fluency")):
            where = f"fluency[{i}]"
            _is(row, dict, where)
            _span(row.get("start"), row.get("end"), size, where)
            _number(row.get("score"), f"{where}.score")
            for j, t in enumerate(_is(row.get("tokens"), list, f"{where}.tokens")):
                _number(t, f"{where}.tokens[{j}]")
    for rule_id, summary in _is(data.get("corpus"), dict, "corpus").items():
        rule = by_id.get(rule_id)
        if rule is None or not isinstance(rule, CorpusRule) or rule_id not in ran:
            raise BadEntry(f"corpus holds a summary for {_show(rule_id)}, not a corpus rule that ran")
        try:
            rule.check_summary(summary, size)
        except (ValueError, TypeError) as exc:
            raise BadEntry(f"corpus[{rule_id!r}]: {exc}") from None
    model = data.get("model")
    if model is not None and not (isinstance(model, dict) and set(model) == {"name", "id", "device"}
                                  and all(isinstance(v, str) for v in model.values())):
        raise BadEntry("model is not a table of the model's name, id and device")
    return DocumentOutcome.from_json(data)


def _finding(f: Any, where: str, ran: set[str], size: int) -> None:
    _is(f, dict, where)
    if f.get("rule") not in ran:
        raise BadEntry(f"{where}.rule {_show(f.get('rule'))} is not a rule that ran on the file")
    _span(f.get("start"), f.get("end"), size, where)
    _is(f.get("message"), str, f"{where}.message")
    if f.get("category") not in _CATEGORIES:
        raise BadEntry(f"{where}.category {_show(f.get('category'))} is not a category")
    if f.get("severity") not in _SEVERITIES:
        raise BadEntry(f"{where}.severity {_show(f.get('severity'))} is not a severity")
    for i, fx in enumerate(_is(f.get("fixes"), list, f"{where}.fixes")):
        w = f"{where}.fixes[{i}]"
        _is(fx, dict, w)
        if fx.get("applicability") not in _APPLICABILITIES:
            raise BadEntry(f"{w}.applicability {_show(fx.get('applicability'))} is not an applicability")
        p = fx.get("probability")
        if p is not None and not (isinstance(p, (int, float)) and not isinstance(p, bool) and 0 <= p <= 1):
            raise BadEntry(f"{w}.probability {_show(p)} is not a probability")
        edits = _is(fx.get("edits"), list, f"{w}.edits")
        if not edits:
            raise BadEntry(f"{w} makes no edit")
        last = 0
        for j, e in enumerate(edits):
            _is(e, dict, f"{w}.edits[{j}]")
            _span(e.get("start"), e.get("end"), size, f"{w}.edits[{j}]")
            if e["start"] < last:
                raise BadEntry(f"{w}.edits[{j}] overlaps the edit before it")
            last = e["end"]
            _is(e.get("replacement"), str, f"{w}.edits[{j}].replacement")
    if not 0 <= _number(f.get("confidence"), f"{where}.confidence") <= 1:
        raise BadEntry(f"{where}.confidence {f['confidence']} is outside 0-1")
    evidence = _is(f.get("evidence"), dict, f"{where}.evidence")
    _plain(evidence, f"{where}.evidence", 0)
    if "also" in evidence:  # the engine extends it when it folds one hint into another
        _strings(evidence["also"], f"{where}.evidence.also")


def _ledger_entry(e: Any, where: str, size: int) -> None:
    _is(e, dict, where)
    _is(e.get("entity"), str, f"{where}.entity")
    _count(e.get("mentions"), f"{where}.mentions")
    _is(e.get("consistent"), bool, f"{where}.consistent")
    _is(e.get("decided_by"), str, f"{where}.decided_by")
    for i, s in enumerate(_is(e.get("spellings"), list, f"{where}.spellings")):
        w = f"{where}.spellings[{i}]"
        _is(s, dict, w)
        _is(s.get("spelling"), str, f"{w}.spelling")
        _count(s.get("count"), f"{w}.count")
        for role in _ROLES:
            if role in s and s[role] is not True:
                raise BadEntry(f"{w}.{role} is {_show(s[role])}, not true")
        for j, o in enumerate(_is(s.get("offsets", []), list, f"{w}.offsets")):
            if not (isinstance(o, list) and len(o) == 2):
                raise BadEntry(f"{w}.offsets[{j}] is not a (start, end) pair")
            _span(o[0], o[1], size, f"{w}.offsets[{j}]")
        _strings(s.get("files", []), f"{w}.files")
    for i, r in enumerate(_is(e.get("reasons"), list, f"{where}.reasons")):
        _is(r, dict, f"{where}.reasons[{i}]")
        _is(r.get("kind"), str, f"{where}.reasons[{i}].kind")
        _is(r.get("text"), str, f"{where}.reasons[{i}].text")


# --- field checks, each raising BadEntry with the field's place -------------------------------

def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _is(value: Any, kind: type, where: str) -> Any:
    # bool is an int to Python, never to this schema (a span of True is damage); the bool check says so.
    if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
        raise BadEntry(f"{where} is {_show(value)}, not {'a list' if kind is list else kind.__name__}")
    return value


def _strings(value: Any, where: str) -> list[str]:
    for i, s in enumerate(_is(value, list, where)):
        _is(s, str, f"{where}[{i}]")
    return value


def _count(value: Any, where: str) -> int:
    if _is(value, int, where) < 0:
        raise BadEntry(f"{where} is negative")
    return value


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise BadEntry(f"{where} is {_show(value)}, not a finite number")
    return value


def _span(start: Any, end: Any, size: int, where: str) -> None:
    _is(start, int, f"{where}.start")
    _is(end, int, f"{where}.end")
    if not 0 <= start <= end <= size:
        raise BadEntry(f"{where} spans {start}-{end}, outside the file's {size} characters")


def check_span(start: Any, end: Any, size: int, where: str) -> None:
    """For a rule's ``check_summary``: a (start, end) inside the file's text."""
    _span(start, end, size, where)


def _plain(value: Any, where: str, depth: int) -> None:
    """JSON data a renderer can print: strings, finite numbers, booleans, null, and lists and tables of
    them, not nested past MAX_DEPTH."""
    if depth > MAX_DEPTH:
        raise BadEntry(f"{where} is nested deeper than {MAX_DEPTH}")
    if isinstance(value, dict):
        for k, v in value.items():
            _is(k, str, f"{where} key")
            _plain(v, f"{where}.{k}", depth + 1)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _plain(v, f"{where}[{i}]", depth + 1)
    elif isinstance(value, float) and not math.isfinite(value):
        raise BadEntry(f"{where} is {value}, not a finite number")
    elif value is not None and not isinstance(value, (str, int, float, bool)):
        raise BadEntry(f"{where} is {_show(value)}, not JSON data")
