"""The incremental cache (``--cache``, on by default): each file's outcome, keyed by everything that can
change it, so an unchanged file costs a hash.

The key of a file is the SHA-256 of its bytes, its source's and reference's bytes, its path, and the
run's signature: the configuration, the rules selected, whether and which model runs, the languages
forced and the encoding, and everything the run reads besides (``fingerprint``: every file of the
package, the installed distributions, the model's files and device).  Entries are JSON files written
atomically (two CI jobs sharing the folder at worst both write the same entry).  The folder is not
trusted: only a regular file of bounded size is read (never a link, a FIFO or a device), its checksum
must match, and every field must check out against the file it describes (``cache_entry``); any other
entry is rebuilt, with a message naming it.  A folder that cannot be written turns the cache off for the run,
with a message.
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Callable

from . import __version__, fingerprint
from .cache_entry import BadEntry, outcome_from_entry
from .outcome import DocumentOutcome
from .textio import NotARegularFile, atomic_write, read_regular_file

# v2: an entry is the SHA-256 of its record on the first line, then the record (JSON), so a value
# changed on disk (a torn write, a bit flip, a hand edit) is found even where it is well-typed.
FORMAT = "results-v2"
# An entry holds one file's findings: a few KB, a few MB for a book-length file with thousands of
# findings.  Anything bigger is not one of ours, and reading it whole would only cost memory.
MAX_ENTRY_BYTES = 64 << 20


def default_cache_dir(config_path: str | None) -> Path:
    """``TQCHECK_CACHE_DIR``; else ``.tqcheck_cache/`` beside the project's config (a content repository
    keeps its cache with it); else the user cache directory."""
    if os.environ.get("TQCHECK_CACHE_DIR"):
        return Path(os.environ["TQCHECK_CACHE_DIR"])
    if config_path:
        return Path(config_path).resolve().parent / ".tqcheck_cache"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("tqcheck")) / "results"


def run_signature(request, rules: list[str], card=None) -> str:
    """Everything about the run, besides the file, that can change its findings.  ``card``: the model
    card when the model runs (None without it)."""
    config = asdict(request.config)
    config.pop("path", None)  # where the settings were read from does not matter, what they say does
    # Findings are set aside per file after the cache (Engine.finish): a new entry re-checks nothing.
    config.pop("per_file_ignores", None)
    parts = {"tqcheck": __version__, "code": fingerprint.package_files(), "format": FORMAT, "config": config,
             "rules": sorted(rules), "lang": request.lang, "encoding": request.encoding,
             "source_lang": request.source_lang, "read_in_context": request.read_in_context,
             "python": sys.version,
             "packages": fingerprint.distributions((card.package,) if card is not None else ())}
    if request.use_model and card is not None:
        from .lm import store

        # Results made while the model's package was missing must not outlive its installation.
        parts["model"] = {"id": card.id, "installed": store.installed(card), **fingerprint.model_identity(card),
                          **fingerprint.encoder_identity(), "device": fingerprint.device_identity(request.device)}
    else:
        parts["model"] = None
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def file_key(signature: str, path: str, data: bytes, companions: list[bytes | None]) -> str:
    h = hashlib.sha256()
    for part in (signature.encode(), path.encode("utf-8", "surrogatepass"), data, *(c or b"-" for c in companions)):
        h.update(hashlib.sha256(part).digest())
    return h.hexdigest()


class ResultsCache:
    def __init__(self, folder: Path, warn: Callable[[str], None]):
        self.folder = folder / FORMAT
        self.warn = warn
        self.enabled = True
        self.hits = self.misses = 0
        self.damaged: set[str] = set()  # keys whose entry was refused: removed before it is rewritten

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def get(self, key: str, doc, rules: list) -> DocumentOutcome | None:
        """``doc``'s outcome when the entry holds a sound one for it under this run's ``rules``."""
        if not self.enabled:
            return None
        path = self._path(key)
        try:
            record = _verified(_read_entry(path))
            outcome = outcome_from_entry(json.loads(record.decode("utf-8")), doc, rules)
        except FileNotFoundError:
            self.misses += 1
            return None
        except (BadEntry, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
            # RecursionError: JSON nested thousands deep.  ValueError covers bad UTF-8 and bad JSON.
            self.damaged.add(key)
            self.warn(f"cache: {path} is damaged ({_reason(exc)}); {doc.path} is checked again and the entry "
                      "rebuilt")
            self.misses += 1
            return None
        except OSError as exc:
            self.warn(f"cache: cannot read {path} ({exc.strerror or exc}); {doc.path} is checked again")
            self.misses += 1
            return None
        self.hits += 1
        return outcome

    def put(self, key: str, outcome: DocumentOutcome) -> None:
        if not self.enabled:
            return
        path = self._path(key)
        if key in self.damaged:
            # What stands there may be a link or a FIFO: take it away rather than write through it.
            try:
                os.unlink(path)
            except OSError:
                pass  # a folder, or already gone: the write below says what is wrong
        try:
            # No fsync: an entry lost or torn by a crash is found damaged and recomputed, and an fsync
            # per file is most of what the cache adds to a first run over a large corpus.
            record = json.dumps(outcome.to_json(), ensure_ascii=False).encode("utf-8")
            atomic_write(path, hashlib.sha256(record).hexdigest().encode() + b"\n" + record, durable=False)
        except Exception as exc:  # a read-only folder, a full disk: the run goes on without the cache
            self.enabled = False
            self.warn(f"cache: cannot write to {self.folder} ({exc}); caching is off for this run "
                      "(--no-cache to silence, or TQCHECK_CACHE_DIR to move it)")


def _read_entry(path: Path) -> bytes:
    """The entry's bytes, read only from a regular file of at most MAX_ENTRY_BYTES (``read_regular_file``)."""
    try:
        return read_regular_file(path, MAX_ENTRY_BYTES)
    except NotARegularFile as exc:
        raise BadEntry(str(exc)) from None


def _verified(entry: bytes) -> bytes:
    """The record of an entry whose first line is its SHA-256."""
    digest, newline, record = entry.partition(b"\n")
    if not newline or hashlib.sha256(record).hexdigest().encode() != digest:
        raise BadEntry("its checksum does not match its content")
    return record


def _reason(exc: Exception) -> str:
    if isinstance(exc, BadEntry):
        return str(exc)
    if isinstance(exc, RecursionError):
        return "nested too deep"
    if isinstance(exc, UnicodeDecodeError):
        return "not UTF-8"
    if isinstance(exc, json.JSONDecodeError):
        return f"not JSON: {exc.msg} at character {exc.pos}"
    return f"{type(exc).__name__}: {exc}"
