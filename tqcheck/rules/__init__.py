"""Built-in rules, one module per family."""
from __future__ import annotations

import importlib

from .registry import Rule, all_rules, get_rule, register, rules_table

__all__ = ["Rule", "all_rules", "get_rule", "register", "rules_table", "load_builtin"]

# Each family module registers its rules on import.
BUILTIN_FAMILIES = ["typography", "names", "source", "phrasing", "meta"]


def load_builtin() -> None:
    for name in BUILTIN_FAMILIES:
        importlib.import_module(f"{__name__}.{name}")
