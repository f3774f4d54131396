"""Pair each target document with its source (``--source``) or reference (``--reference``) file.

A file pairs with a single target; a directory mirrors the target tree: the
companion of ``TARGET_DIR/a/b.md`` is ``SOURCE_DIR/a/b.md``.
"""
from __future__ import annotations

from pathlib import Path

from ..document import Document
from ..errors import InputError
from ..readers import place_under, read_source


def companion_path(doc_path: str, targets: list[str], companion: str) -> str | None:
    """Where the companion of ``doc_path`` (found under one of ``targets``) lives, or None."""
    comp = Path(companion)
    if comp.is_file():
        return str(comp)
    rel = place_under(doc_path, targets)
    if rel is None:
        return None
    candidate = comp / rel
    return str(candidate) if candidate.is_file() else None


def read_companions(docs: list[Document], targets: list[str], companion: str, what: str,
                    lang: str | None = None, encoding: str | None = None,
                    skip: "set[int] | None" = None) -> tuple[dict[int, Document], list[str]]:
    """Each document's companion (``what``: "source" or "reference", for messages), by ``id(doc)``, and
    warnings for targets without one.  Documents in ``skip`` (by id) already have theirs."""
    comp = Path(companion)
    if not comp.exists():
        raise InputError(companion, "no such file or directory")
    if comp.is_file() and len(docs) > 1:
        raise InputError(companion, f"is one file but there are {len(docs)} targets; "
                                    "give a directory that mirrors the target tree")
    found: dict[int, Document] = {}
    warnings = []
    for doc in docs:
        if skip and id(doc) in skip:
            continue
        path = companion_path(doc.path, targets, companion) if doc.path != "-" else (
            companion if comp.is_file() else None)
        if path is None:
            warnings.append(f"{doc.path}: no {what} file found under {companion}")
            continue
        found[id(doc)] = Document.from_source(read_source(path, encoding), lang=lang)
    return found, warnings
