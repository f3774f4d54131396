"""One spaCy reading of an English document, shared by the name checks (NER) and the clause rule (tags)."""
from __future__ import annotations

import bisect
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..context import Resource
from ..languages import profile
from .declared import analysis

if TYPE_CHECKING:  # pragma: no cover
    from ..context import Context
    from ..document import Document

SPACY_MODEL = profile("en").ner_model
# The pipeline components behind each annotation a rule may read (``Rule.reads``).  The NER carries its
# own token encoder; only the tagger needs the shared tok2vec, so a run that reads no tags skips both
# (40 % of spaCy's time on the eval corpus).
COMPONENTS = {"entities": ("ner",), "tags": ("tok2vec", "tagger", "attribute_ruler")}


@analysis()
@dataclass
class Parse:
    """spaCy Docs per non-empty paragraph: (paragraph start offset, spaCy Doc), in order."""

    paragraphs: list[tuple[int, Any]]
    annotations: frozenset[str] = frozenset(COMPONENTS)
    _starts: list[int] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        self._starts = [s for s, _ in self.paragraphs]

    def paragraph_at(self, offset: int) -> tuple[int, Any]:
        """The parsed paragraph holding ``offset`` (or the nearest before it)."""
        return self.paragraphs[max(0, bisect.bisect_right(self._starts, offset) - 1)]

    def has_verb(self, start: int, end: int) -> bool:
        """Whether spaCy's tagger finds a verb or auxiliary in [start, end)."""
        if "tags" not in self.annotations:
            raise RuntimeError("the parse was made without tags: the rule reading them must declare reads={'tags'}")
        pstart, sdoc = self.paragraph_at(start)
        return any(start <= pstart + tok.idx < end and tok.pos_ in ("VERB", "AUX") for tok in sdoc)


def load_spacy():
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import spacy

    # The NER, and the tagger for the clause rule's verbless fragments (a small layer over the token
    # vectors the NER pipeline computes anyway); the parser and lemmatizer give nothing here and
    # would double the cost.
    return spacy.load(SPACY_MODEL, exclude=["lemmatizer", "parser"])


_NLP: list = []


def _module_nlp():
    if not _NLP:
        try:
            _NLP.append(load_spacy())
        except (ImportError, OSError):
            _NLP.append(None)
    return _NLP[0]


# spaCy's English pipeline, loaded once per process and shared by a run's documents.
SPACY_PIPELINE: Resource[Any] = Resource("spaCy pipeline")


def spacy_pipeline(ctx: "Context | None"):
    """The English pipeline, None when spaCy or the model is missing.

    Loaded once per process (several runs in one process, e.g. tests or an editor
    integration, share it) and registered as the run's resource.
    """
    if ctx is None:
        return _module_nlp()
    return ctx.resource(SPACY_PIPELINE, _module_nlp)


def parse(doc: "Document", ctx: "Context | None" = None) -> Parse | None:
    """The document's parse, made once; None without spaCy or its model, or for a language it does not read."""
    if doc.lang != "en":
        return None

    def build() -> Parse | None:
        nlp = spacy_pipeline(ctx)
        if nlp is None:
            return None
        text = doc.text
        # Paragraph by paragraph (spaCy's cost grows with the text it holds at once), batched.
        paras = [(s, e) for s, e in doc.paragraphs if text[s:e].strip()]
        wanted = (ctx.parse_annotations if ctx is not None else None) or frozenset(COMPONENTS)
        enable = [c for a in sorted(wanted) for c in COMPONENTS[a] if c in nlp.pipe_names]
        with nlp.select_pipes(enable=enable):
            parsed = list(nlp.pipe(text[s:e] for s, e in paras))
        return Parse([(s, p) for (s, _), p in zip(paras, parsed)], frozenset(wanted))

    return doc.analysis(Parse, build)
