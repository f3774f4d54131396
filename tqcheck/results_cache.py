"""The incremental cache (``--cache``, on by default): each file's outcome, keyed by everything that can
change it, so an unchanged file costs a hash.

The key of a file is the SHA-256 of its bytes, its source's and reference's bytes, its path, and the
run's signature: tqcheck's version, the configuration, the rules selected, whether and which model
runs, the languages forced and the encoding.  Entries are JSON files written atomically (two CI jobs
sharing the folder at worst both write the same entry); an entry that does not parse, or has another
shape, is rebuilt with a message and never trusted.  A folder that cannot be written turns the cache
off for the run, with a message.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict
from functools import lru_cache
from pathlib import Path
from typing import Callable

from . import __version__
from .outcome import DocumentOutcome
from .textio import atomic_write

FORMAT = "results-v1"


def default_cache_dir(config_path: str | None) -> Path:
    """``TQCHECK_CACHE_DIR``; else ``.tqcheck_cache/`` beside the project's config (a content repository
    keeps its cache with it); else the user cache directory."""
    if os.environ.get("TQCHECK_CACHE_DIR"):
        return Path(os.environ["TQCHECK_CACHE_DIR"])
    if config_path:
        return Path(config_path).resolve().parent / ".tqcheck_cache"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("tqcheck")) / "results"


def run_signature(request, rules: list[str], model_id: str | None) -> str:
    """Everything about the run, besides the file, that can change its findings."""
    config = asdict(request.config)
    config.pop("path", None)  # where the settings were read from does not matter, what they say does
    parts = {"tqcheck": __version__, "code": _code_fingerprint(), "format": FORMAT, "config": config, "rules": sorted(rules),
             "model": model_id if request.use_model else None, "lang": request.lang, "encoding": request.encoding,
             "source_lang": request.source_lang, "read_in_context": request.read_in_context}
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


@lru_cache(maxsize=1)
def _code_fingerprint() -> str:
    """The package's own files: a development checkout changes its rules without changing its version."""
    root = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in (".py", ".json", ".txt", ".toml",
                                                                                   ".tsv", ".csv", ".yaml")):
        h.update(path.relative_to(root).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()


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

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def get(self, key: str) -> DocumentOutcome | None:
        if not self.enabled:
            return None
        path = self._path(key)
        try:
            data = path.read_text("utf-8")
        except FileNotFoundError:
            self.misses += 1
            return None
        except OSError as exc:
            self.warn(f"cache: cannot read {path} ({exc.strerror}); the file is checked again")
            self.misses += 1
            return None
        try:
            outcome = DocumentOutcome.from_json(json.loads(data))
        except (ValueError, KeyError, TypeError, AttributeError):
            self.warn(f"cache: {path} is damaged; the file is checked again and the entry rebuilt")
            self.misses += 1
            return None
        self.hits += 1
        return outcome

    def put(self, key: str, outcome: DocumentOutcome) -> None:
        if not self.enabled:
            return
        try:
            # No fsync: an entry lost or torn by a crash is found damaged and recomputed, and an fsync
            # per file is most of what the cache adds to a first run over a large corpus.
            atomic_write(self._path(key), json.dumps(outcome.to_json(), ensure_ascii=False), durable=False)
        except Exception as exc:  # a read-only folder, a full disk: the run goes on without the cache
            self.enabled = False
            self.warn(f"cache: cannot write to {self.folder} ({exc}); caching is off for this run "
                      "(--no-cache to silence, or TQCHECK_CACHE_DIR to move it)")
