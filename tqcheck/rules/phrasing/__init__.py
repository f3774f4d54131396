"""Phrasing: MT-ese (calques, false friends), surprising words and garbled clauses, judged by a language model.

One module per rule, beside the helpers they share; ``tqcheck.rules.load_builtin`` finds them."""
