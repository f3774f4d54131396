"""Phrasing: MT-ese (calques, false friends) and disfluent spans, judged by a language model."""
from . import calque, surprisal  # noqa: F401  (importing registers the rules)
