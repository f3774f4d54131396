"""Reading a request's JSON into what the desk checks, refusing anything malformed with a clear 4xx.

Every field is checked for type and size here, so nothing past this module meets a value a hostile
client made up: text that is not valid Unicode, a NUL byte, an option of the wrong type or a field
nobody defined is answered with 400 and a message, never a traceback.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from ..errors import TqcheckError
from ..fix import DEFAULT_FIX_CONFIDENCE
from ..render import FORMATS
from ..untrusted import Unparsable, json_loads
from .desk import CheckInput


class RequestError(TqcheckError):
    """A request the desk will not serve, with the HTTP status that says why."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


_LANG = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*$")
_CHECK_FIELDS = {"text", "name", "source", "reference", "lang", "source_lang", "rules", "use_model"}
FORMAT_NAMES = [f.name for f in FORMATS]


def parse_json(body: bytes, content_type: str) -> dict:
    if content_type.split(";")[0].strip().lower() != "application/json":
        # A cross-site form can post text/plain without asking first; JSON makes the browser ask (CORS).
        raise RequestError("send the request as application/json", 415)
    try:
        data = json_loads(body.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise RequestError(f"the request body is not valid UTF-8 (byte {exc.start})") from None
    except Unparsable as exc:  # a syntax error, or a body nested too deeply or a number too long to read
        where = f" at line {exc.line} column {exc.column}" if exc.line else ""
        raise RequestError(f"malformed JSON: {exc.problem}{where}") from None
    if not isinstance(data, dict):
        raise RequestError("the request body must be a JSON object")
    return data


def text_field(data: dict, key: str, required: bool = False) -> str | None:
    value = data.get(key)
    if value is None:
        if required:
            raise RequestError(f"'{key}' is required")
        return None
    if not isinstance(value, str):
        raise RequestError(f"'{key}' must be a string")
    checked_text(value, key)
    return value.removeprefix("\ufeff")  # a BOM pasted in, dropped as `tqcheck check` drops a file's


def checked_text(value: str, what: str) -> str:
    """Refuse what is not text: lone surrogates (JSON allows "\\ud800") and NUL bytes (binary data)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise RequestError(f"'{what}' is not valid Unicode text (a lone surrogate at character {exc.start})") from None
    if "\x00" in value:
        raise RequestError(f"'{what}' contains NUL bytes: binary data, not text")
    return value


def language(data: dict, key: str) -> str | None:
    value = data.get(key)
    if value in (None, ""):
        return None
    if not isinstance(value, str) or not _LANG.match(value):
        raise RequestError(f"'{key}' must be a language code such as 'en' or 'pt-BR'")
    return value


def file_name(data: dict) -> str:
    value = data.get("name")
    if value in (None, ""):
        return "article.txt"
    if not isinstance(value, str) or len(value) > 255 or any(ord(c) < 32 for c in value):
        raise RequestError("'name' must be a file name of at most 255 printable characters")
    checked_text(value, "name")
    return value


def check_input(data: dict, extra: set[str] = frozenset()) -> CheckInput:
    """The check a request asks for; ``extra`` names the fields its endpoint reads besides these."""
    unknown = sorted(set(data) - _CHECK_FIELDS - set(extra))
    if unknown:
        raise RequestError(f"unknown field(s): {', '.join(unknown)}")
    rules = data.get("rules") or []
    if not isinstance(rules, list) or not all(isinstance(r, str) and len(r) < 100 for r in rules):
        raise RequestError("'rules' must be a list of rule ids")
    use_model = data.get("use_model", True)
    if not isinstance(use_model, bool):
        raise RequestError("'use_model' must be true or false")
    return CheckInput(text=text_field(data, "text", required=True), name=file_name(data),
                      source=text_field(data, "source"), reference=text_field(data, "reference"),
                      lang=language(data, "lang"), source_lang=language(data, "source_lang"), rules=list(rules),
                      use_model=use_model)


def output_format(data: dict) -> str:
    fmt = data.get("format", "json")
    if fmt not in FORMAT_NAMES:
        raise RequestError(f"'format' must be one of {', '.join(FORMAT_NAMES)}")
    return fmt


# The confidence from which a suggestion is applied (``tqcheck fix --fix-confidence``); "min_confidence"
# is its earlier name, still read, since it said nothing about which confidence it meant.
FIX_CONFIDENCE_FIELDS = {"fix_confidence", "min_confidence"}


def fix_confidence(data: dict) -> float:
    if "fix_confidence" in data and "min_confidence" in data:
        raise RequestError("give 'fix_confidence' (or its earlier name 'min_confidence'), not both")
    name = "min_confidence" if "min_confidence" in data else "fix_confidence"
    value = data.get(name, DEFAULT_FIX_CONFIDENCE)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise RequestError(f"'{name}' must be a number from 0 to 1")
    return float(value)


@dataclass
class Edit:
    """Replace ``text`` at [start, end) with ``replacement``: an accepted suggestion or a spelling."""

    start: int
    end: int
    text: str
    replacement: str


def edits(data: dict) -> list[Edit] | None:
    value = data.get("edits")
    if value is None:
        return None
    if not isinstance(value, list) or len(value) > 10000:
        raise RequestError("'edits' must be a list of {start, end, text, replacement}")
    out = []
    for e in value:
        if not isinstance(e, dict) or set(e) != {"start", "end", "text", "replacement"}:
            raise RequestError("each edit must be an object with exactly start, end, text and replacement")
        start, end, text, replacement = e["start"], e["end"], e["text"], e["replacement"]
        if not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in (start, end)) or end < start:
            raise RequestError("an edit's start and end must be offsets with start <= end")
        if not isinstance(text, str) or not isinstance(replacement, str):
            raise RequestError("an edit's text and replacement must be strings")
        out.append(Edit(start, end, checked_text(text, "text"), checked_text(replacement, "replacement")))
    return out


def any_fields(data: dict, allowed: set[str]) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise RequestError(f"unknown field(s): {', '.join(unknown)}")

