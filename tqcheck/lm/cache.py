"""Scores kept on disk, keyed by model, context and text, so unchanged text is never re-scored.

A CI run over a content repository re-checks mostly unchanged files: with
every score found here, the model is not even loaded (``CachedLM`` loads it on
the first miss).  One SQLite file in the user cache directory; safe for
several processes at once.  ``TQCHECK_SCORE_CACHE=off`` disables it.

The file is not trusted.  A path that is not a regular file (a FIFO, a link to
a device) is not opened, and a file SQLite cannot use turns the cache off for
the run with a message naming it (it is not deleted: the path may be the
user's).  A stored score is used only if it has the shape of a fresh one for
its text (offsets inside the text, finite log-probabilities); any other is
scored again and overwritten, with a message naming it.
"""
from __future__ import annotations

import hashlib
import json
import math
import os
import sqlite3
import stat
import sys
import threading
from pathlib import Path
from typing import Any, Callable

from . import store

# Part of every key: raise it when a change to the scoring code changes its results (v2: the output
# layer normalises over the scripts a batch uses, proposals only where words start; v3: the output
# layer runs in int8 on a CPU).  A GPU keeps the fp32 output layer under the same key: its scores
# differ from a CPU's by about 0.07 nats a token on average (measured on the seed article).
SCORER_VERSION = "3"


def cache_path() -> Path | None:
    setting = os.environ.get("TQCHECK_SCORE_CACHE", "")
    if setting.lower() in ("0", "off", "no", "false"):
        return None
    return Path(setting) if setting else store.cache_root() / "scores.sqlite3"


def _warn(message: str) -> None:
    print(f"tqcheck: warning: {message}", file=sys.stderr, flush=True)


class ScoreCache:
    def __init__(self, path: Path, warn: Callable[[str], None] = _warn):
        self.path = path
        self.warn = warn
        # One connection per thread: SQLite's connections belong to the thread that opened them, and the
        # loaded model (with this cache) is shared by every desk and check of the process.
        self._local = threading.local()
        self._disabled = False
        try:
            if path.exists() and not stat.S_ISREG(os.stat(path).st_mode):
                raise ValueError("not a regular file")
            path.parent.mkdir(parents=True, exist_ok=True)
            self.db  # noqa: B018 (opened now, so a file SQLite cannot use is reported at once)
        except (OSError, ValueError, sqlite3.Error) as exc:
            self._off(exc)

    @property
    def db(self) -> sqlite3.Connection | None:
        """This thread's connection (opened on first use); None once the cache is off."""
        if self._disabled:
            return None
        conn = getattr(self._local, "db", None)
        if conn is None:
            conn = sqlite3.connect(str(self.path), timeout=30, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("CREATE TABLE IF NOT EXISTS scores (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            self._local.db = conn
        return conn

    def _off(self, exc: Exception) -> None:
        conn = getattr(self._local, "db", None)
        if conn is not None:
            conn.close()
            self._local.db = None
        self._disabled = True
        self.warn(f"score cache {self.path} cannot be used ({exc}); scores are computed without it this run "
                  "(delete or move the file, or set TQCHECK_SCORE_CACHE to another path or to off)")

    @staticmethod
    def key(*parts: str) -> str:
        return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()

    def get_many(self, keys: list[str]) -> dict[str, Any]:
        """The stored values of ``keys`` that parse (a row that does not is left out, with a message, and
        so scored again and overwritten)."""
        out: dict[str, Any] = {}
        try:
            for i in range(0, len(keys), 500):
                if self.db is None:
                    break
                chunk = keys[i:i + 500]
                marks = ",".join("?" * len(chunk))
                for k, v in self.db.execute(f"SELECT key, value FROM scores WHERE key IN ({marks})", chunk):
                    try:
                        out[k] = json.loads(v)
                    except (TypeError, ValueError, RecursionError) as exc:
                        self.damaged(k, f"not JSON: {type(exc).__name__}")
        except sqlite3.Error as exc:
            self._off(exc)
        return out

    def put_many(self, items: dict[str, Any]) -> None:
        if items and self.db is not None:
            try:
                with self.db:
                    self.db.executemany("INSERT OR REPLACE INTO scores (key, value) VALUES (?, ?)",
                                        [(k, json.dumps(v)) for k, v in items.items()])
            except sqlite3.Error as exc:
                self._off(exc)

    def damaged(self, key: str, why: str) -> None:
        self.warn(f"score cache {self.path}: entry {key} is damaged ({why}); it is scored again and rewritten")


class CachedLM:
    """A ``LanguageModel`` over a ScoreCache: ``CausalLM``'s scores, the model loaded on the first miss."""

    def __init__(self, card, device: str, cache: ScoreCache, loader: Callable[[], Any]):
        self.card = card
        self._device = device
        self.cache = cache
        self._loader = loader
        self._model = None
        self.hits = self.misses = 0

    @property
    def model_loaded(self) -> bool:
        return self._model is not None

    def load(self):
        """The weights now rather than on the first miss (a server loads them at start)."""
        return self._lm()

    def _lm(self):
        if self._model is None:
            self._model = self._loader()
        return self._model

    @property
    def device(self) -> str:
        return self._model.device if self._model is not None else self._device

    def __getattr__(self, name):  # anything else (tokenizer, counters) is the loaded model's
        if name.startswith("__") or name in ("_model", "_loader", "cache", "card", "_device"):
            raise AttributeError(name)
        return getattr(self._lm(), name)

    def _keys(self, kind: str, texts: list[str], contexts: list[str]) -> list[str]:
        return [ScoreCache.key(self.card.id, SCORER_VERSION, kind, c, t) for t, c in zip(texts, contexts)]

    def _cached(self, kind: str, texts: list[str], contexts: list[str] | None, compute) -> list:
        contexts = contexts or [""] * len(texts)
        keys = self._keys(kind, texts, contexts)
        found = self._found(kind, keys, texts)
        todo = [i for i, k in enumerate(keys) if k not in found]
        self.hits += len(keys) - len(todo)
        self.misses += len(todo)
        if todo:
            results = compute([texts[i] for i in todo], [contexts[i] for i in todo])
            # Through JSON, so a fresh result looks exactly like a cached one (tuples become lists).
            fresh = {keys[i]: json.loads(json.dumps(r)) for i, r in zip(todo, results)}
            self.cache.put_many(fresh)
            found.update(fresh)
        return [found[k] for k in keys]

    def _found(self, kind: str, keys: list[str], texts: list[str]) -> dict[str, Any]:
        """The stored results of ``keys`` that have the shape of a fresh one for their text; the others
        are left out (scored again, and overwritten when they are stored)."""
        found = self.cache.get_many(list(dict.fromkeys(keys)))
        for key, text in zip(keys, texts):
            if key in found:
                why = _problem(kind, found[key], len(text))
                if why:
                    self.cache.damaged(key, why)
                    del found[key]
        return found

    def token_logprobs(self, texts: list[str], contexts: list[str] | None = None) -> list:
        return self._cached("tokens", texts, contexts, lambda t, c: self._lm().token_logprobs(t, c))

    def score(self, texts: list[str], contexts: list[str] | None = None) -> list[float]:
        return [sum(lp for _, _, lp in toks) for toks in self.token_logprobs(texts, contexts)]

    def prefetch(self, texts: list[str], contexts: list[str] | None = None, k: int = 8,
                 min_surprisal: float | None = None, proposals: bool = False, layers: tuple[int, ...] = ()) -> None:
        """Queue for the model's next pass only what the disk cache does not hold (see ``CausalLM.prefetch``)."""
        contexts = contexts or [""] * len(texts)
        if layers:  # hidden states are not kept on disk (below)
            self._lm().prefetch(texts, contexts, k=k, min_surprisal=min_surprisal, proposals=proposals, layers=layers)
            return
        kind = _alt_kind(k, min_surprisal) if proposals else "tokens"
        keys = self._keys(kind, texts, contexts)
        found = self._found(kind, keys, texts)
        todo = [i for i, key in enumerate(keys) if key not in found]
        if todo:
            self._lm().prefetch([texts[i] for i in todo], [contexts[i] for i in todo], k=k,
                                min_surprisal=min_surprisal, proposals=proposals)

    def alternatives(self, texts: list[str], contexts: list[str] | None = None, k: int = 8,
                     min_surprisal: float | None = None, layers: tuple[int, ...] = ()) -> list:
        if layers:
            # Hidden states are 1,280 floats a token (2.5 MB for a 700-word article even in float16): too
            # much for a disk cache meant for whole content repositories, so a reading with states always
            # runs the model; the results cache keeps each unchanged file's findings instead.
            return self._lm().alternatives(texts, contexts, k=k, min_surprisal=min_surprisal, layers=layers)
        return self._cached(_alt_kind(k, min_surprisal), texts, contexts,
                            lambda t, c: self._lm().alternatives(t, c, k=k, min_surprisal=min_surprisal))


    def continuations(self, contexts: list[str], beams: int = 4, steps: int = 6) -> list:
        # Keyed by the context alone (the text part of the key is empty): the search is deterministic.
        return self._cached(f"continuations/{beams}/{steps}", [""] * len(contexts), contexts,
                            lambda _t, c: self._lm().continuations(c, beams, steps))


def _alt_kind(k: int, min_surprisal: float | None) -> str:
    return f"alternatives/{k}" + ("" if min_surprisal is None else f"/{min_surprisal:g}")


def _problem(kind: str, value: Any, size: int) -> str | None:
    """What is wrong with a stored result of ``kind`` for a text of ``size`` characters (None: nothing).
    tokens: [[start, end, log-prob], ...]; alternatives: [[start, end, log-prob, [[token, log-prob], ...]], ...]."""
    if kind.startswith("continuations/"):
        beams = int(kind.split("/")[1])
        if not isinstance(value, list) or len(value) > beams:
            return f"not a list of at most {beams} continuations"
        for i, c in enumerate(value):
            if not (isinstance(c, list) and len(c) == 2 and isinstance(c[0], str) and _is_finite(c[1])):
                return f"continuation {i} is not (text, log-prob)"
        return None
    proposals = kind.startswith("alternatives/")
    k = int(kind.split("/")[1]) if proposals else 0
    if not isinstance(value, list):
        return "not a list of tokens"
    for i, tok in enumerate(value):
        if not isinstance(tok, list) or len(tok) != (4 if proposals else 3):
            return f"token {i} is not a {'(start, end, log-prob, proposals)' if proposals else '(start, end, log-prob)'}"
        start, end, lp = tok[:3]
        if not (_is_int(start) and _is_int(end) and 0 <= start <= end <= size):
            return f"token {i} spans {start!r}-{end!r}, outside the text's {size} characters"
        if not _is_finite(lp):
            return f"token {i} has log-prob {lp!r}"
        if proposals:
            props = tok[3]
            if not isinstance(props, list) or len(props) > k:
                return f"token {i}'s proposals are not a list of at most {k}"
            for p in props:
                if not (isinstance(p, list) and len(p) == 2 and isinstance(p[0], str) and _is_finite(p[1])):
                    return f"token {i} has a proposal that is not (token, log-prob)"
    return None


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_finite(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
