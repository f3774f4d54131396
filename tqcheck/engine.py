"""Run the registered rules over documents and turn their output into a Report.

The engine knows no rule by name: it asks each rule which languages and
inputs it needs, runs it, then positions, fingerprints, re-grades and
suppresses what it returned.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from .config import Config
from .document import Document
from .errors import ConfigError, RuleSkipped, TqcheckError
from .findings import Finding, Severity, fingerprint
from .report import FileResult, Report
from .rules import Rule, all_rules
from .suppress import parse_inline

log = logging.getLogger(__name__)


@dataclass
class Context:
    """What a rule may use besides its document: settings and shared, lazily built resources."""

    config: Config = field(default_factory=Config)
    use_model: bool = True
    device: str = "auto"
    options: dict[str, Any] = field(default_factory=dict)
    _resources: dict[str, Any] = field(default_factory=dict)

    def resource(self, key: str, factory: Callable[[], Any]) -> Any:
        """Build a shared resource (a model, a lexicon) once per run, on first use."""
        if key not in self._resources:
            self._resources[key] = factory()
        return self._resources[key]

    def has_resource(self, key: str) -> bool:
        return key in self._resources


def select_rules(config: Config, only: Iterable[str] | None = None) -> list[Rule]:
    registry = all_rules()
    unknown = [r for r in list(config.rules) + list(only or []) if r not in registry]
    if unknown:
        where = f"{config.path}: " if config.path else ""
        raise ConfigError(f"{where}unknown rule(s) {', '.join(unknown)}; `tqcheck rules` lists them")
    ids = list(only) if only else [r for r in registry if config.rule_enabled(r)]
    return [registry[r]() for r in ids]


class Engine:
    def __init__(self, ctx: Context, only: Iterable[str] | None = None):
        self.ctx = ctx
        self.rules = select_rules(ctx.config, only)

    def _runnable(self, rule: Rule, doc: Document, result: FileResult) -> bool:
        if not rule.supports(doc.lang):
            langs = ", ".join(sorted(rule.languages or ()))
            result.notices.append(f"{rule.id}: not run on language '{doc.lang}' (supports {langs})")
            return False
        if "model" in rule.requires and not self.ctx.use_model:
            return False
        if "source" in rule.requires and "source" not in doc.extras:
            return False
        if "reference" in rule.requires and "reference" not in doc.extras:
            return False
        return True

    def run(self, docs: list[Document], progress: Callable[[Document], None] | None = None) -> Report:
        results = {doc.path: FileResult(path=doc.path, language=doc.lang, document=doc) for doc in docs}
        raw: dict[str, list[Finding]] = {doc.path: [] for doc in docs}
        for doc in docs:
            result = results[doc.path]
            runnable = [r for r in self.rules if r.scope == "document" and self._runnable(r, doc, result)]
            # A rule whose prepare step failed or was skipped on this file is not asked to check it.
            prepared = [rule for rule in runnable
                        if self._guarded(rule, [result], lambda: rule.prepare(doc, self.ctx) or ()) is not None]
            for rule in prepared:
                raw[doc.path].extend(self._guarded(rule, [result], lambda: rule.check(doc, self.ctx)) or ())
            if progress:
                progress(doc)
        for rule in self.rules:
            if rule.scope != "corpus":
                continue
            eligible = [d for d in docs if self._runnable(rule, d, results[d.path])]
            if not eligible:
                continue
            affected = [results[d.path] for d in eligible]
            for f in self._guarded(rule, affected, lambda: rule.check_corpus(eligible, self.ctx)) or ():
                if f.path in raw:
                    raw[f.path].append(f)
        by_path = {doc.path: doc for doc in docs}
        for path, findings in raw.items():
            results[path].findings = self._finish(by_path[path], findings)
            # Per-file data that rules computed for the report (e.g. the name ledger).
            results[path].extras.update(by_path[path].extras.get("report_extras", {}))
            results[path].notices.extend(by_path[path].extras.get("notices", []))  # e.g. a paragraph cut
        return Report(files=[results[d.path] for d in docs])

    def _guarded(self, rule: Rule, affected: list[FileResult],
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

    def _finish(self, doc: Document, findings: list[Finding]) -> list[Finding]:
        sup = parse_inline(doc.raw)
        config = self.ctx.config
        seen: set[tuple] = set()
        out: list[Finding] = []
        for f in sorted(findings, key=lambda f: (f.start, f.end, f.rule)):
            if not (0 <= f.start <= f.end <= len(doc.raw)):
                raise AssertionError(f"rule {f.rule} returned span {f.start}-{f.end} outside {doc.path}")
            key = (f.rule, f.start, f.end)
            if key in seen or doc.is_ignored(f.start, f.end):
                continue
            seen.add(key)
            f.path = doc.path
            f.text = doc.raw[f.start:f.end]
            f.line, f.column = doc.line_col(f.start)
            f.end_line, f.end_column = doc.line_col(f.end)
            f.fingerprint = fingerprint(f.rule, doc.raw, f.start, f.end)
            f.severity = config.severity_for(f.rule, f.severity)
            if sup.suppressed(f):
                continue
            out.append(f)
        return _drop_shadowed(out)


def _drop_shadowed(findings: list[Finding]) -> list[Finding]:
    """An info-level hint inside what another rule reports says less: one problem, one entry.

    - Inside (or on) the span of a warning or above, it is dropped: the stronger finding is what
      the reader needs ("displacement" is both a calque with a fix and a surprising word).
    - Inside a longer info hint of the same category from another rule (a surprising word inside
      a garbled clause), it is folded into that hint: its message is kept in the hint's evidence
      under "also".  A hint of another category (a possible mistranslation) says something else.
    Order is kept; the outermost surviving finding takes what it covers.
    """
    dropped: set[int] = set()
    active: list[Finding] = []
    for f in sorted(findings, key=lambda f: (f.start, -f.end)):
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
