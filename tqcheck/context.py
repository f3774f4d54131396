"""What a rule may use besides its document: the run's settings and its shared, lazily built resources.

Kept apart from the engine so that rules and analyses can import it without importing the engine
(which imports the rules).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Generic, TypeVar

from .config import Config

T = TypeVar("T")


@dataclass(frozen=True)
class Resource(Generic[T]):
    """The typed key of one of a run's shared resources (the language model, the spaCy pipeline, the
    sentence encoder), declared beside the code that builds it: ``Context.resource`` builds it once."""

    name: str


@dataclass
class Context:
    config: Config = field(default_factory=Config)
    use_model: bool = True
    device: str = "auto"
    # --source-lang, which outranks the config's source-lang and what the source file reads as.
    source_lang: str | None = None
    # --model (or the evaluation's), which outranks the config's model.
    model_id: str | None = None
    # What the run's rules read from spaCy's parse ("entities", "tags"; see Rule.reads); empty: everything.
    parse_annotations: frozenset[str] = frozenset()
    # Whether the model's reading keeps hidden states (a rule reads them: ``Rule.reads_states``).  Without
    # them the paragraph pass can come from the disk score cache; the engine sets this from its rules.
    model_states: bool = True
    # Paragraphs read by the model after the article before them (``analysis.reading``), as the trained
    # detector learned; off, each alone (the evaluation's --read-alone).
    read_in_context: bool = True
    # Run-level facts a user should see once, whichever file they came from (e.g. a model that is missing).
    notices: list[str] = field(default_factory=list)
    _resources: dict[Resource, Any] = field(default_factory=dict, repr=False)
    _settings: dict[str, Any] = field(default_factory=dict, repr=False)

    def resource(self, key: "Resource[T]", factory: Callable[[], T]) -> T:
        """Build a shared resource (a model, a pipeline) once per run, on first use."""
        if key not in self._resources:
            if not isinstance(key, Resource):
                raise TypeError(f"{key!r} is not a Resource key (tqcheck.context.Resource)")
            self._resources[key] = factory()
        return self._resources[key]

    def has_resource(self, key: Resource) -> bool:
        return key in self._resources

    def settings(self, rule) -> Any:
        """The rule's typed settings (its ``Settings`` dataclass), from ``[tool.tqcheck.rules.<id>]``."""
        if rule.id not in self._settings:
            from .settings import build_settings

            self._settings[rule.id] = build_settings(rule, self.config)
        return self._settings[rule.id]

    @property
    def model(self) -> str | None:
        return self.model_id or self.config.model

    @property
    def preferred_source_lang(self) -> str | None:
        return self.source_lang or self.config.source_lang

    def notice(self, message: str) -> None:
        if message not in self.notices:
            self.notices.append(message)
