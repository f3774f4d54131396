"""An entity spelled one way across the corpus and another way in one file."""
from __future__ import annotations

from collections import defaultdict

from ...findings import Category, Severity
from ...names import entities, same_entity
from ..registry import Rule, register


@register
class NameVariantCorpus(Rule):
    id = "name-variant-corpus"
    family = "names"
    category = Category.NAME
    severity = Severity.INFO
    scope = "corpus"
    requires = frozenset({"ner"})
    description = """A file spells an entity differently from the other files of the run.

    All files checked together form a corpus (a content repository, a book, a site).  When
    at least two other files agree on one spelling and this file consistently uses another
    close spelling (a romanisation or spelling variant), this file's mentions are flagged."""

    def check_corpus(self, docs, ctx):
        if len(docs) < 3:
            return
        # spelling -> files that use it as their (only) spelling of an entity
        uses: dict[str, dict[str, list]] = defaultdict(dict)
        for doc in docs:
            for e in entities(doc, ctx):
                if e.has_variants or len(e.spellings) != 1 or len(e.spellings[0].tokens) < 2 and len(e.short) == 0:
                    continue
                f = e.spellings[0]
                uses[f.surface][doc.path] = (doc, f)
        spellings = sorted(uses, key=lambda s: -len(uses[s]))
        for i, major in enumerate(spellings):
            for minor in spellings[i + 1:]:
                if len(uses[major]) < 2 or len(uses[major]) <= len(uses[minor]):
                    continue
                if not same_entity(major, minor, docs[0].lang):
                    continue
                for path, (doc, f) in uses[minor].items():
                    if path in uses[major]:
                        continue
                    for m in f.mentions:
                        finding = self.finding(
                            m.start, m.end,
                            f"'{minor}' here, but '{major}' in {len(uses[major])} other file(s) of this run.",
                            [major], confidence=0.6, entity=major)
                        finding.path = path
                        yield finding
