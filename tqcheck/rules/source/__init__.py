"""Checks that compare the target with its source text (need ``--source``); one module per rule
(``tqcheck.rules.load_builtin`` finds them)."""
