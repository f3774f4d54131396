"""Run the registered rules over documents and turn their output into a Report.

The engine knows no rule by name: it asks each rule which languages and
inputs it needs, runs it, then positions, fingerprints, re-grades and
suppresses what it returned.
"""
from __future__ import annotations

import logging
from typing import Callable, Iterable

from .analysis.declared import AnalysisGraphError, Needs, Settles, check_graph, needs_of
from .config import Config
from .context import Context
from .document import Document
from .errors import ConfigError, RuleSkipped, TqcheckError
from .findings import Finding, Severity, fingerprint
from .lm import describe_model
from .outcome import DocumentOutcome
from .report import FileResult, Report
from .rules import CorpusRule, DocumentRule, Rule, SuppressionRule, all_rules
from .settings import parse_settings
from .suppress import parse_inline

log = logging.getLogger(__name__)


def select_rules(config: Config, only: Iterable[str] | None = None) -> list[Rule]:
    registry = all_rules()
    ignored = [r for rules in config.per_file_ignores.values() for r in rules]
    unknown = list(dict.fromkeys(r for r in list(config.rules) + ignored + list(only or []) if r not in registry))
    if unknown:
        where = f"{config.path}: " if config.path else ""
        raise ConfigError(f"{where}unknown rule(s) {', '.join(unknown)}; `tqcheck rules` lists them")
    ids = list(only) if only else [r for r in registry if config.rule_enabled(r, registry[r].default)]
    return [registry[r]() for r in ids]


class Engine:
    def __init__(self, ctx: Context, only: Iterable[str] | None = None):
        self.ctx = ctx
        self.rules = select_rules(ctx.config, only)
        try:  # every analysis a rule reads is declared, and none builds on itself: known before any file is read
            check_graph({r.id: r.requires for r in self.rules})
        except AnalysisGraphError as exc:
            raise TqcheckError(str(exc)) from None
        self._needs = {r.id: needs_of(r.requires) for r in self.rules}
        for rule in self.rules:
            ctx.settings(rule)  # a bad [tool.tqcheck.rules.<id>] table fails before any file is read
        # ... and so does one of a rule not selected (--rule): a mistake in the config is one whatever runs.
        registry = all_rules()
        for rule_id, options in ctx.config.rule_options.items():
            parse_settings(rule_id, registry[rule_id].Settings, options, ctx.config.path)
        # spaCy runs only the components the selected rules read.
        ctx.parse_annotations = frozenset().union(*(r.reads for r in self.rules))
        ctx.model_states = any(r.reads_states for r in self.rules)

    def _runnable(self, rule: Rule, doc: Document, result: "FileResult | DocumentOutcome") -> bool:
        if not rule.supports(doc.lang):
            langs = ", ".join(sorted(rule.languages or ()))
            result.notices.append(f"{rule.id}: not run on language '{doc.lang}' (supports {langs})")
            return False
        needs = self._needs[rule.id]
        if Needs.MODEL in needs and not self.ctx.use_model:
            return False
        if Needs.SOURCE in needs and doc.source is None:
            return False
        if Needs.REFERENCE in needs and doc.reference is None:
            return False
        return True

    def run(self, docs: list[Document], progress: Callable[[Document], None] | None = None) -> Report:
        outcomes = []
        for doc in docs:
            outcomes.append(self.check_document(doc))
            if progress:
                progress(doc)
        return self.finish(docs, outcomes)

    def check_document(self, doc: Document) -> DocumentOutcome:
        """The document-scope rules on one document: what they found (not yet placed) and what the report
        shows of the analyses they made.  Runs anywhere (a worker, another machine); ``finish`` completes it."""
        out = DocumentOutcome(doc.path, doc.lang)
        runnable = [r for r in self.rules if isinstance(r, (DocumentRule, CorpusRule)) and self._runnable(r, doc, out)]
        out.ran = [r.id for r in runnable]
        # A rule whose prepare step failed or was skipped on this file is not asked to check it.
        prepared = [rule for rule in runnable
                    if self._guarded(rule, [out], lambda: rule.prepare(doc, self.ctx) or ()) is not None]
        for rule in prepared:
            if isinstance(rule, DocumentRule):
                out.findings.extend(self._guarded(rule, [out], lambda: rule.check(doc, self.ctx)) or ())
            else:  # a corpus rule's map step: what it needs of this document, for its reduce in ``finish``
                summary = self._guarded(rule, [out], lambda: [rule.map_document(doc, self.ctx)])
                if summary:
                    out.corpus[rule.id] = summary[0]
        out.notices.extend(doc.notices)  # e.g. a paragraph checked in pieces
        out.notices.extend(n for n in self.ctx.notices if n not in out.notices)  # e.g. the model is missing
        # The analyses the rules made settle what the report keeps of them (the names table, the fluency
        # strip) and drop what it need not keep (the model's hidden states).
        for made in doc.analyses():
            if isinstance(made, Settles):
                made.settle(doc, out)
        out.model = describe_model(self.ctx)
        return out

    def finish(self, docs: list[Document], outcomes: list[DocumentOutcome]) -> Report:
        """The corpus rules' reduce over every document's summary, then each file's findings placed,
        suppressed and folded."""
        results = {doc.path: FileResult(path=doc.path, language=doc.lang, notices=list(out.notices),
                                        errors=list(out.errors), names=out.names, fluency=out.fluency, document=doc)
                   for doc, out in zip(docs, outcomes)}
        raw = {out.path: list(out.findings) for out in outcomes}
        for rule in self.rules:
            if not isinstance(rule, CorpusRule):
                continue
            summaries = [(out.path, out.corpus[rule.id]) for out in outcomes if rule.id in out.corpus]
            if not summaries:
                continue
            affected = [results[path] for path, _ in summaries]
            for f in self._guarded(rule, affected, lambda: rule.reduce(summaries, self.ctx)) or ():
                if f.path in raw:
                    raw[f.path].append(f)
        for doc, out in zip(docs, outcomes):
            results[doc.path].findings = self._finish(doc, raw[doc.path], set(out.ran))
        return Report(files=[results[d.path] for d in docs])

    def _guarded(self, rule: Rule, affected: "list[FileResult] | list[DocumentOutcome]",
                 call: Callable[[], Iterable[Finding]]) -> list[Finding] | None:
        """A rule that crashes on a file is a ``tool-error`` on that file, and the run goes on.

        A rule that raises RuleSkipped (a word list or component missing for this language) leaves
        a notice.  Other TqcheckErrors (a model that cannot load) concern the whole run: they stop it.
        Returns None when the rule failed or was skipped.
        """
        try:
            return list(call())
        except RuleSkipped as exc:
            for r in affected:
                r.notices.append(f"{rule.id}: not run: {exc}")
            return None
        except TqcheckError:
            raise
        except Exception as exc:
            log.debug("rule %s failed on %s", rule.id, ", ".join(r.path for r in affected), exc_info=True)
            message = f"tool-error: rule {rule.id} failed: {type(exc).__name__}: {exc}"
            for r in affected:
                r.errors.append(message)
                r.notices.append(message)
            return None

    def _finish(self, doc: Document, findings: list[Finding], ran: set[str]) -> list[Finding]:
        sup = parse_inline(doc.raw, doc.lines)
        set_aside = self.ctx.config.ignored_for(doc.path)  # the config's per-file-ignores
        seen: set[tuple] = set()
        out: list[Finding] = []
        for f in sorted(findings, key=lambda f: (f.start, f.end, f.rule)):
            if not (0 <= f.start <= f.end <= len(doc.raw)):
                raise AssertionError(f"rule {f.rule} returned span {f.start}-{f.end} outside {doc.path}")
            key = (f.rule, f.start, f.end)
            if key in seen or f.rule in set_aside or doc.is_ignored(f.start, f.end):
                continue
            seen.add(key)
            self._place(doc, f)
            if sup.suppressed(f):
                continue
            out.append(f)
        # Rules that review the suppressions themselves (a comment that silenced nothing); the comment
        # is markup a Markdown reader blanks out, so these are placed after the ignored-span filter.
        for rule in self.rules:
            if isinstance(rule, SuppressionRule):
                for f in rule.check_suppressions(doc, sup.unused(), ran):
                    out.append(self._place(doc, f))
        return _drop_shadowed(sorted(out, key=lambda f: (f.start, f.end, f.rule)),
                              {r.id for r in self.rules if r.generic})

    def _place(self, doc: Document, f: Finding) -> Finding:
        """Fill in what only the engine knows: path, quoted text, line/column, fingerprint, configured severity."""
        f.path = doc.path
        f.text = doc.raw[f.start:f.end]
        f.line, f.column = doc.line_col(f.start)
        f.end_line, f.end_column = doc.line_col(f.end)
        f.fingerprint = fingerprint(f.rule, doc.raw, f.start, f.end)
        f.severity = self.ctx.config.severity_for(f.rule, f.severity)
        return f


def _drop_shadowed(findings: list[Finding], generic: set[str] = frozenset()) -> list[Finding]:
    """An info-level hint inside what another rule reports says less: one problem, one entry.

    - A finding of a ``generic`` rule (a hint that the model finds the words unlikely) that shares a
      character with a specific finding (a calque with its fix, a name spelled two ways) is dropped,
      whatever their severities: the specific one says what is wrong and how to fix it.

    - Inside (or on) the span of a warning or above, it is dropped: the stronger finding is what
      the reader needs ("displacement" is both a calque with a fix and a surprising word).
    - Inside a longer info hint of the same category from another rule (a surprising word inside
      a garbled clause), it is folded into that hint: its message is kept in the hint's evidence
      under "also".  A hint of another category (a possible mistranslation) says something else.
    Order is kept; the outermost surviving finding takes what it covers.
    """
    dropped: set[int] = set()
    if generic:
        specific = [(f.start, f.end) for f in findings if f.rule not in generic]
        for f in findings:
            if f.rule in generic and any(s < f.end and f.start < e or s == e == f.start for s, e in specific):
                dropped.add(id(f))
    active: list[Finding] = []
    for f in sorted(findings, key=lambda f: (f.start, -f.end)):
        if id(f) in dropped:
            continue
        active = [c for c in active if c.end >= f.start]
        if f.severity.rank <= Severity.INFO.rank:
            container = next((c for c in active if c.rule != f.rule and c.start <= f.start and f.end <= c.end
                              and (c.severity.rank > Severity.INFO.rank
                                   or (c.end - c.start > f.end - f.start and c.category == f.category))), None)
            if container is not None:
                if container.severity.rank <= Severity.INFO.rank:
                    also = container.evidence.setdefault("also", [])
                    also.extend([f"{f.rule}: {f.message}", *f.evidence.get("also", [])])
                dropped.add(id(f))
                continue
        active.append(f)
    return [f for f in findings if id(f) not in dropped]
