"""Built-in rules: one module per rule, in a folder per family.

A rule registers itself where it is defined (``@register``); ``registry.load_builtin`` imports every
module under this package, so a new rule file is found without being listed anywhere else.
"""
from __future__ import annotations

from .registry import (CorpusRule, DocumentRule, Rule, SuppressionRule, all_rules, get_rule, load_builtin, register,
                       rules_table)

__all__ = ["Rule", "DocumentRule", "CorpusRule", "SuppressionRule", "all_rules", "get_rule", "register",
           "rules_table", "load_builtin"]
