"""Rules are small self-describing units; the engine knows none of them by name."""
from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Iterable

from ..analysis.declared import needs_of
from ..findings import Applicability, Category, Finding, Fix, Severity
from ..settings import NoSettings

if TYPE_CHECKING:  # pragma: no cover
    from ..context import Context
    from ..document import Document
    from ..suppress import Directive


class Rule:
    """What every rule declares: who it is, what it reports, which languages and analyses it needs.

    Subclass one of the three kinds below (``DocumentRule``, ``CorpusRule``, ``SuppressionRule``), fill
    in the class attributes and implement the kind's methods; the engine tells the kinds apart by type.
    ``bad`` examples must each produce at least one finding of this rule and ``good`` examples none;
    the test suite runs them for every registered rule.
    """

    id: ClassVar[str]
    family: ClassVar[str]  # module family: typography, names, phrasing, source
    category: ClassVar[Category]
    severity: ClassVar[Severity] = Severity.WARNING
    languages: ClassVar[frozenset[str] | None] = None  # None: any language
    # The analysis types it reads (declared with ``tqcheck.analysis.declared.analysis``): the engine checks
    # them when it is built, and runs the rule on a document only when their needs (the model, a source,
    # a reference) are met there.
    requires: ClassVar[tuple[type, ...]] = ()
    reads: ClassVar[frozenset[str]] = frozenset()  # annotations of the spaCy parse it reads: "entities", "tags"
    reads_states: ClassVar[bool] = False  # reads the hidden states the model's reading keeps (the detector)
    # Whether it runs unless the config says otherwise; an opt-in rule is switched on with
    # ``[tool.tqcheck.rules] <id> = "on"`` (or a severity), or named with --rule.
    default: ClassVar[bool] = True
    # A generic hint ("the model finds this unlikely"): where another rule reports something specific on
    # the same words (a calque with its fix, a name), the engine keeps only the specific finding.
    generic: ClassVar[bool] = False
    description: ClassVar[str]
    bad: ClassVar[tuple[str, ...]] = ()
    good: ClassVar[tuple[str, ...]] = ()
    example_lang: ClassVar[str] = "en"
    example_with: ClassVar[tuple[str, ...]] = ()  # other rules the examples run beside (a suppression's target)
    # The rule's own settings, a frozen dataclass filled from ``[tool.tqcheck.rules.<id>]`` (ctx.settings(self)).
    Settings: ClassVar[type] = NoSettings

    @classmethod
    def needs(cls) -> list[str]:
        """What the rule cannot run without ("model", "source", "reference"), from the analyses it reads."""
        return sorted(n.value for n in needs_of(cls.requires))

    def supports(self, lang: str) -> bool:
        return self.languages is None or lang in self.languages

    def finding(self, start: int, end: int, message: str, suggestions: Iterable[str] = (),
                confidence: float = 1.0, applicability: Applicability = Applicability.SAFE,
                **evidence) -> Finding:
        """A finding of this rule; each suggestion becomes a fix replacing [start, end), of ``applicability``
        (SUGGEST: a rewrite that may change the meaning, for a person to accept)."""
        return Finding(rule=self.id, start=start, end=end, message=message,
                       category=self.category, severity=self.severity,
                       fixes=[Fix.replacing(start, end, s, applicability) for s in suggestions],
                       confidence=confidence, evidence=evidence)

    @classmethod
    def summary(cls) -> str:
        return cls.description.strip().splitlines()[0]


class DocumentRule(Rule):
    """Checks one document at a time (anywhere: here, a worker process, a Ray actor)."""

    def prepare(self, doc: "Document", ctx: "Context") -> None:
        """Optional: declare work ahead of ``check`` (the engine calls this for every rule of a document
        before any check), e.g. queue texts with the language model's ``prefetch`` so they are scored
        in the same pass as other rules' texts."""

    def check(self, doc: "Document", ctx: "Context") -> Iterable[Finding]:
        return ()


class CorpusRule(Rule):
    """Sees every document of the run at once: a summary of each (``map_document``, beside the document
    checks, kept in the results cache), then one step over all of them (``reduce``)."""

    def prepare(self, doc: "Document", ctx: "Context") -> None:
        """Optional, as ``DocumentRule.prepare``."""

    def map_document(self, doc: "Document", ctx: "Context") -> Any:
        """What the rule needs to know of one document, as plain JSON-able data."""
        return None

    def check_summary(self, summary: Any, size: int) -> None:
        """Raise ValueError unless ``summary`` has the shape ``map_document`` gives, with its offsets inside
        a text of ``size`` characters.  The results cache keeps summaries on disk and checks each one read
        back here, so ``reduce`` never meets one it would crash on (or that yields a finding outside its
        file).  The default accepts only the default summary, None."""
        if summary is not None:
            raise ValueError(f"{self.id} keeps no summary")

    def reduce(self, summaries: "list[tuple[str, Any]]", ctx: "Context") -> Iterable[Finding]:
        """Over every document's (path, summary): findings whose ``path`` names their document."""
        return ()


class SuppressionRule(Rule):
    """Reviews, per document, the suppression comments that silenced nothing, after every other rule."""

    def check_suppressions(self, doc: "Document", unused: "list[Directive]", ran: set[str]) -> Iterable[Finding]:
        """Findings about the comments that silenced nothing (``ran``: the rules that ran on the document)."""
        return ()


# The kinds a registered rule may be (a rule of none of them would never be run).
KINDS = (DocumentRule, CorpusRule, SuppressionRule)


_REGISTRY: dict[str, type[Rule]] = {}


def register(cls: type[Rule]) -> type[Rule]:
    if not issubclass(cls, KINDS):
        raise TypeError(f"rule {cls.id}: subclass DocumentRule, CorpusRule or SuppressionRule, not Rule itself")
    if cls.id in _REGISTRY and _REGISTRY[cls.id] is not cls:
        raise ValueError(f"duplicate rule id {cls.id}")
    _REGISTRY[cls.id] = cls
    return cls


_LOADED: list[bool] = []


def load_builtin() -> None:
    """Import every module under tqcheck.rules, once: each registers the rules it defines."""
    if _LOADED:
        return
    for info in pkgutil.walk_packages([str(Path(__file__).parent)], prefix=f"{__package__}."):
        importlib.import_module(info.name)
    _LOADED.append(True)


def all_rules() -> dict[str, type[Rule]]:
    load_builtin()
    return dict(sorted(_REGISTRY.items()))


def get_rule(rule_id: str) -> type[Rule]:
    rules = all_rules()
    if rule_id not in rules:
        raise KeyError(rule_id)
    return rules[rule_id]


def rules_table() -> list[dict]:
    """Every rule as ``tqcheck rules --json`` and ``GET /api/rules`` list it."""
    return [{"id": r.id, "family": r.family, "category": r.category.value, "severity": r.severity.value,
             "languages": sorted(r.languages) if r.languages else ["*"], "requires": r.needs(),
             "default": r.default, "summary": r.summary()} for r in all_rules().values()]
