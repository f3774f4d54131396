"""An entity spelled one way across the corpus and another way in one file."""
from __future__ import annotations

from collections import defaultdict

from ...findings import Category, Severity
from ...names import cluster, extract_mentions, same_entity
from ..registry import Rule, register


def units(docs, ctx):
    """(document, mentions) per file; a form feed splits a file into several (concatenated corpora)."""
    for doc in docs:
        mentions = extract_mentions(doc, ctx)
        bounds = [0] + [i + 1 for i, c in enumerate(doc.text) if c == "\f"] + [len(doc.text) + 1]
        for start, end in zip(bounds, bounds[1:]):
            part = [m for m in mentions if start <= m.start < end]
            if part:
                yield doc, start, part


@register
class NameVariantCorpus(Rule):
    id = "name-variant-corpus"
    family = "names"
    category = Category.NAME
    reads = frozenset({"entities"})
    severity = Severity.INFO
    scope = "corpus"
    description = """A file spells an entity differently from the other files of the run.

    All files checked together form a corpus (a content repository, a book, a site; a form
    feed also separates documents inside one file).  When at least two other documents
    agree on one spelling and this one consistently uses another close spelling (a
    romanisation or spelling variant), its mentions are flagged."""
    bad = ("Xia Liyan arrived in Beijing on Wednesday. Xia Liyan met officials.\n\f\n"
           "Xia Liyan spoke in Shanghai on Thursday. Xia Liyan praised the talks.\n\f\n"
           "Hsia Liyan returned to Taipei on Friday. Hsia Liyan thanked his hosts.",)
    good = ("Xia Liyan arrived in Beijing on Wednesday. Xia Liyan met officials.\n\f\n"
            "Xia Liyan spoke in Shanghai on Thursday. Xia Liyan praised the talks.\n\f\n"
            "Xia Liyan returned to Taipei on Friday. Xia Liyan thanked his hosts.",)

    def check_corpus(self, docs, ctx):
        # spelling -> {unit: (doc, form)} for units that use it as their only spelling of an entity
        uses: dict[str, dict[tuple, tuple]] = defaultdict(dict)
        for doc, start, mentions in units(docs, ctx):
            for e in cluster(mentions, doc.lang):
                if e.has_variants or len(e.spellings) != 1 or len(e.spellings[0].tokens) < 2:
                    continue
                f = e.spellings[0]
                uses[f.surface][(doc.path, start)] = (doc, f)
        spellings = sorted(uses, key=lambda s: -len(uses[s]))
        for i, major in enumerate(spellings):
            for minor in spellings[i + 1:]:
                if len(uses[major]) < 2 or len(uses[major]) <= len(uses[minor]):
                    continue
                if not same_entity(major, minor, docs[0].lang):
                    continue
                for unit, (doc, f) in uses[minor].items():
                    for m in f.mentions:
                        finding = self.finding(
                            m.start, m.end,
                            f"'{minor}' here, but '{major}' in {len(uses[major])} other document(s) of this run.",
                            [major], confidence=0.6, entity=major)
                        finding.path = doc.path
                        yield finding
