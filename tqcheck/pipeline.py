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
from .errors import InputError, TqcheckError
from .readers import collect_paths, iter_sources
from .report import Report

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

    def context(self) -> Context:
        return Context(config=self.config, use_model=self.use_model, device=self.device,
                       source_lang=self.source_lang, model_id=self.model)


def load_documents(request: CheckRequest, warn: Callable[[str], None] = log.warning,
                   unreadable: list[str] | None = None) -> list[Document]:
    """The request's documents, each with its source and reference when given.

    With ``unreadable`` given and several files, a file that cannot be read is listed there (its error
    message) instead of stopping the run: one bad file never hides the others' findings.
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
            unreadable.append(str(exc))
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

    ``ctx`` lets a long-lived caller (an editor integration) keep its loaded models between requests.
    """
    docs = load_documents(request, warn)
    ctx = ctx or request.context()
    report = Engine(ctx, only=request.rules or None).run(docs, progress=progress)
    from .lm import describe_model

    model = describe_model(ctx)
    if model:
        report.meta["model"] = model
    if any(d.reference is not None for d in docs):
        from .metrics import add_reference_metrics

        add_reference_metrics(report, docs)
    return report
