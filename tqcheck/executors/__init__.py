"""Where documents are checked: here, one after another (``local``), in worker processes (``--jobs N``)
or on a Ray cluster (``--executor ray``, in ``tqcheck.executors.ray``).

An executor turns documents into ``DocumentOutcome``s, in the order given; the engine's ``finish``
(corpus rules, suppressions, placement) always runs in the calling process, so the findings are the
same whichever executor checked the documents.  Each worker (or Ray actor) builds its Context once
and keeps its models loaded for every document it is sent.
"""
from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Callable

from ..document import Document
from ..engine import Engine
from ..outcome import DocumentOutcome

_WORKER: list[Engine] = []


def _init_worker(request) -> None:
    _WORKER[:] = [Engine(request.context(), only=request.rules or None)]


def _check(doc: Document) -> DocumentOutcome:
    return _WORKER[0].check_document(doc)


def check_locally(engine: Engine, docs: list[Document],
                  done: Callable[[Document], None] | None = None) -> list[DocumentOutcome]:
    out = []
    for doc in docs:
        out.append(engine.check_document(doc))
        if done:
            done(doc)
    return out


def check_in_processes(engine: Engine, request, docs: list[Document], jobs: int, warn: Callable[[str], None],
                       done: Callable[[Document], None] | None = None) -> list[DocumentOutcome]:
    """``jobs`` worker processes (spawned: torch, spaCy and lingua's threads do not survive a fork).
    A worker that dies loses nothing: what it had not returned is checked here."""
    outcomes: list[DocumentOutcome | None] = [None] * len(docs)
    spec = _spec(request)
    try:
        with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn"),
                                 initializer=_init_worker, initargs=(spec,)) as pool:
            futures = {pool.submit(_check, doc): i for i, doc in enumerate(docs)}
            for future, i in futures.items():
                outcomes[i] = future.result()
                if done:
                    done(docs[i])
    except BrokenProcessPool:
        left = sum(o is None for o in outcomes)
        warn(f"a worker process died; checking the {left} file(s) it left here")
    return check_left_here(engine, docs, outcomes, done)


def check_left_here(engine: Engine, docs: list[Document], outcomes: list[DocumentOutcome | None],
                    done: Callable[[Document], None] | None = None) -> list[DocumentOutcome]:
    """Check in this process the documents no worker returned: nothing is lost when a worker dies."""
    for i, outcome in enumerate(outcomes):
        if outcome is None:
            outcomes[i] = engine.check_document(docs[i])
            if done:
                done(docs[i])
    return list(outcomes)


def _spec(request):
    """The request as a worker needs it: settings only (each document travels with its task)."""
    from dataclasses import replace

    return replace(request, documents=None, paths=[])
