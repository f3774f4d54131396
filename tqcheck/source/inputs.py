"""Pair each target document with its source (``--source``) or reference (``--reference``) file.

A file pairs with a single target; a directory mirrors the target tree: the
companion of ``TARGET_DIR/a/b.md`` is ``SOURCE_DIR/a/b.md``.
"""
from __future__ import annotations

import os
from pathlib import Path

from ..document import Document
from ..errors import InputError
from ..readers import read_source


def companion_path(doc_path: str, targets: list[str], companion: str) -> str | None:
    """Where the companion of ``doc_path`` (found under one of ``targets``) lives, or None."""
    comp = Path(companion)
    if comp.is_file():
        return str(comp)
    for given in targets:
        g = Path(given)
        if g.is_file() and os.path.samefile(g, doc_path):
            rel = g.name
        elif g.is_dir() and os.path.abspath(doc_path).startswith(os.path.abspath(g) + os.sep):
            rel = os.path.relpath(doc_path, g)
        else:
            continue
        candidate = comp / rel
        return str(candidate) if candidate.is_file() else None
    return None


def attach(docs: list[Document], targets: list[str], companion: str, key: str, lang: str | None = None,
           encoding: str | None = None) -> list[str]:
    """Read each document's companion into ``doc.extras[key]``; returns warnings for targets without one."""
    comp = Path(companion)
    if not comp.exists():
        raise InputError(companion, "no such file or directory")
    if comp.is_file() and len(docs) > 1:
        raise InputError(companion, f"is one file but there are {len(docs)} targets; "
                                    "give a directory that mirrors the target tree")
    warnings = []
    for doc in docs:
        if key in doc.extras:  # a bilingual file brought its own source
            continue
        path = companion_path(doc.path, targets, companion) if doc.path != "-" else (
            companion if comp.is_file() else None)
        if path is None:
            warnings.append(f"{doc.path}: no {key} file found under {companion}")
            continue
        doc.extras[key] = Document.from_source(read_source(path, encoding), lang=lang)
    return warnings
