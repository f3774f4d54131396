"""Turn paths given on the command line into SourceFiles."""
from __future__ import annotations

import fnmatch
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from ..errors import InputError
from ..textio import decode, looks_binary, read_bytes
from .base import SourceFile, Span
from .bilingual import bilingual_format, read_bilingual
from .markdown import markdown_ignored, plain_ignored

__all__ = ["SourceFile", "Span", "collect_paths", "place_under", "read_source", "read_stdin", "source_from_text",
           "Skipped"]

MARKDOWN_SUFFIXES = {".md", ".markdown", ".mdown", ".mkd", ".mdx"}
DEFAULT_INCLUDE = ["*.txt", "*.md", "*.markdown", "*.text", "*.xlf", "*.xliff", "*.po", "*.tmx"]
DEFAULT_EXCLUDE = [".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__", ".tox"]


@dataclass
class Skipped:
    path: str
    reason: str


def _matches(rel: str, patterns: list[str]) -> bool:
    name = rel.rsplit("/", 1)[-1]
    return any(fnmatch.fnmatch(rel, p) or fnmatch.fnmatch(name, p) for p in patterns)


def collect_paths(
    paths: list[str], include: list[str] | None = None, exclude: list[str] | None = None
) -> tuple[list[str], list[Skipped]]:
    """Expand directories recursively; explicit files are always taken.

    Returns the files in a stable order and the directory entries skipped
    (binary files met while walking) so the caller can warn about them.
    """
    include = include or DEFAULT_INCLUDE
    exclude = DEFAULT_EXCLUDE + list(exclude or [])
    out: list[str] = []
    skipped: list[Skipped] = []
    for given in paths:
        if given == "-":
            out.append("-")
            continue
        p = Path(given)
        if not p.exists():
            raise InputError(given, "no such file or directory")
        if p.is_file():
            out.append(given)
            continue
        for root, dirs, files in os.walk(p):
            rel_root = os.path.relpath(root, p)
            dirs[:] = sorted(
                d for d in dirs
                if not _matches(os.path.normpath(os.path.join(rel_root, d)).replace(os.sep, "/"), exclude)
            )
            for name in sorted(files):
                rel = os.path.normpath(os.path.join(rel_root, name)).replace(os.sep, "/")
                if _matches(rel, exclude) or not _matches(rel, include):
                    continue
                full = os.path.join(root, name)
                with open(full, "rb") as fh:
                    head = fh.read(8192)
                if looks_binary(head):
                    skipped.append(Skipped(full, "binary file"))
                    continue
                out.append(full)
    # A file named twice (or reached through two given folders) is checked once.
    return list(dict.fromkeys(out)), skipped


def place_under(path: str, given: list[str]) -> str | None:
    """Where ``path`` (found by ``collect_paths`` under one of ``given``) sits in the tree it came from:
    its name when it was given itself, its path below a given folder; None when no given path holds it.
    A mirroring folder (``--source``, ``--reference``, ``fix -o``) puts its counterpart at the same place."""
    for g in map(Path, given):
        if g.is_file() and os.path.samefile(g, path):
            return g.name
        if g.is_dir() and os.path.abspath(path).startswith(os.path.abspath(g) + os.sep):
            return os.path.relpath(path, g)
    return None


def _format_for(path: str, forced: str | None) -> str:
    if forced:
        return forced
    return "markdown" if Path(path).suffix.lower() in MARKDOWN_SUFFIXES else "text"


def _build(path: str, text: str, fmt: str) -> SourceFile:
    ignored = markdown_ignored(text) if fmt == "markdown" else plain_ignored(text)
    return SourceFile(path=path, text=text, format=fmt, ignored=ignored)


def read_source(path: str, encoding: str | None = None, fmt: str | None = None) -> SourceFile:
    data = read_bytes(path)
    if fmt is None and bilingual_format(path):
        return read_bilingual(path, data, encoding)
    return _build(path, decode(data, path, encoding), _format_for(path, fmt))


def source_from_text(path: str, text: str, fmt: str | None = None) -> SourceFile:
    """Text already decoded (pasted into ``tqcheck serve``) read as a file named ``path`` would be."""
    return _build(path, text, _format_for(path, fmt))


def read_stdin(encoding: str | None = None, fmt: str | None = None) -> SourceFile:
    data = sys.stdin.buffer.read()
    return _build("-", decode(data, "<stdin>", encoding), fmt or "text")


def iter_sources(paths: list[str], encoding: str | None = None, fmt: str | None = None) -> Iterator[SourceFile]:
    for path in paths:
        yield read_stdin(encoding, fmt) if path == "-" else read_source(path, encoding, fmt)
