"""One entry point for every way of running the checks: ``run_check(request) -> Report``.

``tqcheck check``, ``fix``, ``names``, the evaluation (and any integration) describe what to check in a
``CheckRequest`` and get a Report; reading inputs, pairing sources and references, running the rules and
adding the run's facts (the model used, reference metrics) happen here and nowhere else.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Callable

from .config import Config
from .context import Context
from .document import Document
from .engine import Engine
from .outcome import DocumentOutcome
from .errors import InputError, TqcheckError
from .readers import collect_paths, iter_sources
from .report import CacheUse, Report

log = logging.getLogger(__name__)


@dataclass
class CheckRequest:
    """What to check and how.  Either ``paths`` (files, directories, "-") or ready ``documents``."""

    paths: list[str] = field(default_factory=list)
    documents: list[Document] | None = None
    config: Config = field(default_factory=Config)
    lang: str | None = None  # target language; default: the config's, else detected per file
    encoding: str | None = None
    include: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)  # only these (default: every rule the config enables)
    use_model: bool = True
    device: str = "auto"
    model: str | None = None
    source: str | None = None  # a file for one target, or a directory mirroring the target tree
    source_lang: str | None = None
    reference: str | None = None
    # Worker processes for the document checks: 1 checks here; 0 picks by the work (one process per core,
    # but only from 8 documents to check: a worker's start-up, about 3 s, outweighs a few documents).
    jobs: int = 1
    cache_dir: str | None = None  # the incremental cache's folder (None: no cache)
    # Where the documents are checked: "local" (here, or ``jobs`` worker processes) or "ray" (actors on
    # the Ray cluster at ``ray_address``, else RAY_ADDRESS, else a Ray started for the run).
    executor: str = "local"
    ray_address: str | None = None
    # How the model reads paragraphs (``Context.read_in_context``): after the article before them, or alone.
    read_in_context: bool = True

    def context(self) -> Context:
        return Context(config=self.config, use_model=self.use_model, device=self.device,
                       source_lang=self.source_lang, model_id=self.model, read_in_context=self.read_in_context)


def load_documents(request: CheckRequest, warn: Callable[[str], None] = log.warning,
                   unreadable: list[InputError] | None = None) -> list[Document]:
    """The request's documents, each with its source and reference when given.

    With ``unreadable`` given and several files, a file that cannot be read is listed there (its error,
    which names it) instead of stopping the run: one bad file never hides the others' findings.
    """
    if request.documents is not None:
        return request.documents
    config = request.config
    files, skipped = collect_paths(request.paths, request.include or config.include or None,
                                   list(request.exclude) + config.exclude)
    for s in skipped:
        warn(f"{s.path}: skipped ({s.reason})")
    if not files:
        raise TqcheckError("no input files found (check the paths and --include/--exclude globs)")
    docs = []
    for path in files:
        try:
            (src,) = iter_sources([path], request.encoding)
            doc = Document.from_source(src, lang=request.lang or config.lang or getattr(src, "target_lang", None))
            if hasattr(src, "attach"):  # a bilingual file (XLIFF, PO, TMX, TSV, JSONL) carries its source
                src.attach(doc)
        except InputError as exc:
            if unreadable is None or len(files) == 1:
                raise
            unreadable.append(exc)
            continue
        docs.append(doc)
    if not docs:
        raise TqcheckError("none of the input files could be read")
    if request.source or request.reference:
        from .source.inputs import read_companions

        if request.source:
            found, warnings = read_companions(docs, request.paths, request.source, "source",
                                              request.source_lang or config.source_lang, request.encoding,
                                              skip={id(d) for d in docs if d.source is not None})
            for doc in docs:
                doc.source = found.get(id(doc), doc.source)
            for w in warnings:
                warn(w)
        if request.reference:
            found, warnings = read_companions(docs, request.paths, request.reference, "reference",
                                              encoding=request.encoding)
            for doc in docs:
                doc.reference = found.get(id(doc))
            for w in warnings:
                warn(w)
    return docs


def run_check(request: CheckRequest, warn: Callable[[str], None] = log.warning,
              progress: Callable[[Document], None] | None = None, ctx: Context | None = None) -> Report:
    """Check the request's documents; the Report holds every file's findings and the run's facts.

    Documents whose outcome the cache holds are not checked again; the rest are checked here, by
    ``request.jobs`` worker processes or by actors on a Ray cluster (``request.executor``).  The corpus
    rules and the last step (suppressions, positions) always run here, over every document.  ``ctx``
    lets a long-lived caller (an editor integration) keep its loaded models between requests.
    """
    if request.executor not in ("local", "ray"):
        raise TqcheckError(f"unknown executor {request.executor!r} (use local or ray)")
    docs = load_documents(request, warn)
    ctx = ctx or request.context()
    engine = Engine(ctx, only=request.rules or None)
    cache, keys = _cache_for(request, engine, docs, warn)
    outcomes: list[DocumentOutcome | None] = [cache.get(k, d, engine.rules) if cache else None
                                              for k, d in zip(keys, docs)]
    for doc, outcome in zip(docs, outcomes):
        if outcome is not None:
            doc.lang = outcome.language  # as detected when it was checked: no detection again
            if progress:
                progress(doc)
    todo = [i for i, o in enumerate(outcomes) if o is None]
    pending = [docs[i] for i in todo]
    jobs = _jobs(request.jobs, len(pending))
    if request.executor == "ray" and pending:
        from .executors.ray import check_on_ray

        fresh = check_on_ray(engine, request, pending, warn, progress)
    elif jobs > 1:
        from .executors import check_in_processes

        fresh = check_in_processes(engine, request, pending, jobs, warn, progress)
    else:
        from .executors import check_locally

        fresh = check_locally(engine, pending, progress)
    if cache and request.use_model and todo:
        # The check may have converted the model's weights (its first use): file the results under the
        # files they were made with, or the next run would miss them all.
        keys = _cache_keys(request, engine, docs)
    for i, outcome in zip(todo, fresh):
        outcomes[i] = outcome
        if cache and not outcome.errors:  # a file a rule crashed on is checked again next time
            cache.put(keys[i], outcome)
    report = engine.finish(docs, outcomes)
    model = next((o.model for o in outcomes if o.model), None)
    if model:
        report.run.model = model
    if cache:
        report.run.cache = CacheUse(cache.hits, cache.misses)
    if any(d.reference is not None for d in docs):
        from .metrics import add_reference_metrics

        add_reference_metrics(report, docs)
    return report


def _jobs(asked: int, pending: int) -> int:
    if asked == 0:
        import os

        asked = min(os.cpu_count() or 1, pending // 4)
    return max(1, min(asked, pending))


def _cache_for(request: CheckRequest, engine: Engine, docs: list[Document], warn):
    """The run's results cache and each document's key; (None, [None, ...]) without a cache."""
    if not request.cache_dir:
        return None, [None] * len(docs)
    from pathlib import Path

    from .results_cache import ResultsCache

    return ResultsCache(Path(request.cache_dir), warn), _cache_keys(request, engine, docs)


def _cache_keys(request: CheckRequest, engine: Engine, docs: list[Document]) -> list[str]:
    from .lm.cards import get_card
    from .results_cache import file_key, run_signature

    card = get_card(engine.ctx.model) if request.use_model else None
    signature = run_signature(request, [r.id for r in engine.rules], card)

    def text_of(d: Document | None) -> bytes | None:
        return None if d is None else d.raw.encode("utf-8", "surrogatepass")

    return [file_key(signature, d.path, text_of(d), [text_of(d.source), text_of(d.reference)]) for d in docs]
