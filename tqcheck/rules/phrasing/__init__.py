"""Phrasing: MT-ese (calques, false friends), surprising words and garbled clauses, judged by a language model."""
from . import calque, clause, error_span, surprisal  # noqa: F401  (importing registers the rules)
