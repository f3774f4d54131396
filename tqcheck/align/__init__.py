"""Sentence alignment of a target document with its source.

``align_documents(target, source)`` returns an :class:`Alignment`: beads that
pair zero or more source sentences with zero or more target sentences, found
by dynamic programming over 1-1, 1-2, 2-1, 1-3, 3-1, 2-2, 1-0 and 0-1 beads
(see :mod:`tqcheck.align.dp`).  The bead cost combines a Gale–Church length
term, lexical anchors (numbers, Latin-script words, quotes) and, when the
multilingual encoder is available, embedding similarity.
"""
from __future__ import annotations

from .dp import Alignment, Bead, align_sentences, align_documents, sentence_units

__all__ = ["Alignment", "Bead", "align_sentences", "align_documents", "sentence_units"]
