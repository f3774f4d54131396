"""Rules about tqcheck's own directives: one module per rule (``tqcheck.rules.load_builtin`` finds them)."""
