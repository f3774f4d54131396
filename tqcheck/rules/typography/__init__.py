"""Typography and mechanics: one module per rule (``tqcheck.rules.load_builtin`` finds them)."""
