"""The desk's checker: the models loaded once, every check run through ``run_check`` on one thread.

The language model, spaCy and the score cache's SQLite connection are not safe to share between
threads, so every check runs on the desk's single worker thread, one after another; requests wait
their turn, and beyond ``max_waiting`` of them the desk answers "busy" instead of queueing without
bound.  Each check gets a fresh ``Context`` (its own notices and source language) over one shared
resource table, so the models load once for the life of the server, and the model's reading of
every unchanged window of a text is kept between its checks (``analysis.reading_cache``).
"""
from __future__ import annotations

import asyncio
import threading
import time
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, TypeVar

from ..analysis.reading_cache import READINGS
from ..config import Config
from ..context import Context, Resource
from ..lm import LANGUAGE_MODEL
from ..document import Document
from ..errors import TqcheckError
from ..pipeline import CheckRequest, run_check
from ..progress import PROGRESS, Progress
from ..readers import source_from_text
from ..report import Report

T = TypeVar("T")

# A short pair that wakes every resource a check may use (spaCy, the model, the source encoder),
# so the first real check does not pay for their loading.
_WARM_TARGET = "Qin Gang met Antony Blinken in Beijing on Sunday and they spoke for seven hours.\n"
_WARM_SOURCE = "秦刚周日在北京会见了安东尼·布林肯，两人交谈了七个小时。\n"


class Busy(TqcheckError):
    """Too many checks are waiting (answered with 503)."""


@dataclass
class CheckInput:
    """What one request asks to check: pasted text, and optionally its source and a reference."""

    text: str
    name: str = "article.txt"  # shown in the report; chooses Markdown or plain text by its suffix
    source: str | None = None
    reference: str | None = None
    lang: str | None = None
    source_lang: str | None = None
    rules: list[str] = field(default_factory=list)
    use_model: bool = True

    def options_key(self) -> tuple:
        """Everything but the text: two checks with the same key differ only by the user's edits."""
        return (self.name, self.source, self.reference, self.lang, self.source_lang, tuple(self.rules),
                self.use_model)


class Desk:
    def __init__(self, config: Config | None = None, use_model: bool = True, device: str = "auto",
                 model_id: str | None = None, max_waiting: int = 64, lm: Any = None):
        self.config = config or Config()
        self.use_model = use_model
        self.device = device
        self.model_id = model_id
        self.max_waiting = max_waiting
        self._resources: dict[Resource, Any] = {}
        # How far the running check has got (GET /api/progress); the reading reports into it.
        self.progress = self._resources[PROGRESS] = Progress()
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tqcheck-desk")
        if lm is not None:  # a model already loaded (the tests' session model); its cache lives on our thread
            self._executor.submit(self._adopt, lm).result()
        self._waiting = 0
        self._count_lock = threading.Lock()
        # The last full check of each text being edited (by its options), for the quick re-check.
        self._last_full: OrderedDict[tuple, Report] = OrderedDict()

    # --- running on the desk's thread ---------------------------------------------------------

    def _adopt(self, lm: Any) -> None:
        self._resources[LANGUAGE_MODEL] = _incremental(lm)

    def context(self, source_lang: str | None = None, use_model: bool = True) -> Context:
        return Context(config=self.config, use_model=self.use_model and use_model, device=self.device,
                       source_lang=source_lang, model_id=self.model_id, _resources=self._resources)

    def _documents(self, req: CheckInput) -> list[Document]:
        # The same reading as `tqcheck check FILE`: the name's suffix picks Markdown or plain text.
        doc = Document.from_source(source_from_text(req.name, req.text), lang=req.lang or self.config.lang)
        if req.source is not None and req.source.strip():
            doc.source = Document.from_source(source_from_text(req.name, req.source),
                                              lang=req.source_lang or self.config.source_lang)
        if req.reference is not None and req.reference.strip():
            # A reference is in the target language: its words are tokenised as the target's are.
            doc.reference = Document.from_source(source_from_text(req.name, req.reference), lang=doc.lang)
        return [doc]

    def check_now(self, req: CheckInput) -> Report:
        """One check, on the calling thread (call it through ``run``)."""
        docs = self._documents(req)
        request = CheckRequest(documents=docs, config=self.config, rules=list(req.rules),
                               use_model=self.use_model and req.use_model, device=self.device,
                               model=self.model_id, source_lang=req.source_lang)
        self.progress.started()
        try:
            report = run_check(request, ctx=self.context(req.source_lang, req.use_model))
        finally:
            self.progress.finished()
        key = req.options_key()
        self._last_full[key] = report
        self._last_full.move_to_end(key)
        while len(self._last_full) > 16:
            self._last_full.popitem(last=False)
        return report

    def quick_now(self, req: CheckInput) -> tuple[Report, list[tuple[int, int]]] | None:
        """The quick re-check (tqcheck.serve.quick) against the last full check of this text; None when
        there is none or no model to wait for, and the caller runs the full check instead."""
        previous = self._last_full.get(req.options_key())
        if previous is None or not (self.use_model and req.use_model) or previous.run.model is None:
            return None
        from .quick import merge

        request = CheckRequest(documents=self._documents(req), config=self.config, rules=list(req.rules),
                               use_model=False, source_lang=req.source_lang)
        report = run_check(request, ctx=self.context(req.source_lang, use_model=False))
        pending = merge(previous.files[0], report.files[0])
        report.run.model = previous.run.model
        return report, pending

    def start_now(self, say: Callable[[str], None] = lambda _m: None) -> dict[str, float]:
        """Load the model (and everything a check uses) before the first request; the seconds each took."""
        t = time.perf_counter()
        model_seconds = 0.0
        if self.use_model:
            from ..lm import get_language_model
            from ..lm.cards import get_card

            say(f"loading the language model ({get_card(self.model_id).name}) ...")
            lm = get_language_model(self.context())
            if lm is not None:
                lm = self._resources[LANGUAGE_MODEL] = _incremental(lm)
                lm.load()
                model_seconds = time.perf_counter() - t
                say(f"model ready on {lm.device} in {model_seconds:.1f} s")
        t2 = time.perf_counter()
        self.check_now(CheckInput(_WARM_TARGET, source=_WARM_SOURCE, lang="en", source_lang="zh"))
        warm_seconds = time.perf_counter() - t2
        say(f"checks ready in {warm_seconds:.1f} s")
        return {"model": model_seconds, "warm": warm_seconds}

    def turn_rule_off(self, folder: Path, rule_id: str) -> Path:
        """The folder's "ignore this rule": written to its config, and off in this desk's checks from now on
        (the last full checks, made with the rule on, are no base for a quick re-check any more)."""
        from ..config import turn_rule_off

        written = turn_rule_off(folder, rule_id)
        self.config.rules[rule_id] = "off"
        self._last_full.clear()
        return written

    def model_calls(self) -> tuple[int, int]:
        """(texts answered from the score cache, texts scored by the model) since the desk started."""
        lm = self._resources.get(LANGUAGE_MODEL)
        return getattr(lm, "hits", 0), getattr(lm, "misses", 0)

    def windows_read(self) -> tuple[int, int]:
        """(windows the model read, windows taken from the reading cache) since the desk started."""
        cache = self._resources.get(READINGS)
        return getattr(cache, "read", 0), getattr(cache, "cached", 0)

    def model_info(self) -> dict | None:
        from ..lm import describe_model

        used = describe_model(self.context()) if self.use_model else None
        return used.to_dict() if used is not None else None

    # --- called from the event loop -------------------------------------------------------------

    async def run(self, fn: Callable[..., T], *args) -> T:
        """``fn(*args)`` on the desk's thread, after the checks before it; Busy when the queue is full."""
        with self._count_lock:
            if self._waiting >= self.max_waiting:
                raise Busy(f"the desk is busy ({self._waiting} checks waiting); try again shortly")
            self._waiting += 1
        try:
            return await asyncio.get_running_loop().run_in_executor(self._executor, fn, *args)
        finally:
            with self._count_lock:
                self._waiting -= 1

    def run_sync(self, fn: Callable[..., T], *args) -> T:
        """``fn(*args)`` on the desk's thread, waiting for it (at start, before the server listens)."""
        return self._executor.submit(fn, *args).result()

    async def check(self, req: CheckInput) -> Report:
        return await self.run(self.check_now, req)

    async def quick(self, req: CheckInput) -> tuple[Report, list[tuple[int, int]]]:
        """The quick re-check when it applies, else the full check (with nothing pending)."""
        found = await self.run(self.quick_now, req)
        return found if found is not None else (await self.check(req), [])

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)


def _incremental(lm: Any) -> Any:
    """The model behind a score cache, so a re-check after an edit scores only the paragraphs that
    changed.  With the disk cache off (TQCHECK_SCORE_CACHE=off) the desk keeps one in memory for
    its own lifetime: it writes no file for it."""
    from ..lm.cache import CachedLM, ScoreCache

    if isinstance(lm, CachedLM):
        return lm
    return CachedLM(lm.card, lm.device, ScoreCache(Path(":memory:")), lambda: lm)
