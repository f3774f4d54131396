"""Checks that compare the target with its source text (need ``--source``)."""
from . import addition, length_ratio, number_mismatch, number_missing, omission, quotes, untranslated  # noqa: F401
