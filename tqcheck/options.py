"""Checks of option values that typer cannot make itself, named after the option they blame."""
from __future__ import annotations

from typing import Iterable

from .errors import TqcheckError
from .langtag import valid_language


def check_language(value: str | None, option: str) -> None:
    if value is not None and not valid_language(value):
        raise TqcheckError(f"{option} {value!r}: not a language code (use ISO 639-1, e.g. en, de, zh)")


def check_rules(selected: Iterable[str], option: str = "--rule") -> None:
    from .rules import all_rules

    registry = all_rules()
    unknown = [r for r in selected if r not in registry]
    if unknown:
        raise TqcheckError(f"{option} {', '.join(unknown)}: unknown rule; `tqcheck rules` lists them")
