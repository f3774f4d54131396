"""Built-in rules: one module per rule, in a folder per family.

A rule registers itself where it is defined (``@register``); ``load_builtin`` imports every module under
this package, so a new rule file is found without being listed anywhere else.
"""
from __future__ import annotations

import importlib
import pkgutil

from .registry import Rule, all_rules, get_rule, register, rules_table

__all__ = ["Rule", "all_rules", "get_rule", "register", "rules_table", "load_builtin"]

_loaded = False


def load_builtin() -> None:
    global _loaded
    if _loaded:
        return
    for info in pkgutil.walk_packages(__path__, prefix=f"{__name__}."):
        importlib.import_module(info.name)
    _loaded = True
