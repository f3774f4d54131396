"""An entity spelled one way across the corpus and another way in one file."""
from __future__ import annotations

from collections import defaultdict

from ...findings import Category, Severity
from ...names import cluster, extract_mentions, same_entity
from ...names.mentions import Mentions
from ...names.compare import blocking_keys
from ..registry import CorpusRule, register


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
class NameVariantCorpus(CorpusRule):
    id = "name-variant-corpus"
    family = "names"
    requires = (Mentions,)
    category = Category.NAME
    reads = frozenset({"entities"})
    severity = Severity.INFO
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

    def map_document(self, doc, ctx):
        """Per unit of the document: each entity it spells one way only, in full (two words or more), with
        the places it does so."""
        out = []
        for _, start, mentions in units([doc], ctx):
            forms = [[e.spellings[0].surface, [[m.start, m.end] for m in e.spellings[0].mentions]]
                     for e in cluster(mentions, doc.lang)
                     if not e.has_variants and len(e.spellings) == 1 and len(e.spellings[0].tokens) >= 2]
            out.append({"start": start, "lang": doc.lang, "forms": forms})
        return out

    def check_summary(self, summary, size):
        from ...cache_entry import check_span

        if not isinstance(summary, list):
            raise ValueError("not a list of units")
        for i, unit in enumerate(summary):
            if not (isinstance(unit, dict) and isinstance(unit.get("lang"), str)
                    and isinstance(unit.get("forms"), list)):
                raise ValueError(f"unit {i} is not a table with a language and forms")
            check_span(unit.get("start"), unit.get("start"), size, f"unit {i}")
            for form in unit["forms"]:
                if not (isinstance(form, list) and len(form) == 2 and isinstance(form[0], str)
                        and isinstance(form[1], list)):
                    raise ValueError(f"unit {i} has a form that is not (spelling, spans)")
                for span in form[1]:
                    if not (isinstance(span, list) and len(span) == 2):
                        raise ValueError(f"unit {i} has a span that is not (start, end)")
                    check_span(span[0], span[1], size, f"unit {i} span")

    def reduce(self, summaries, ctx):
        # spelling -> {unit: (path, spans)} for units that use it as their only spelling of an entity
        uses: dict[str, dict[tuple, tuple]] = defaultdict(dict)
        lang = next((u["lang"] for _, units_ in summaries for u in units_), "en")
        for path, units_ in summaries:
            for unit in units_:
                for surface, spans in unit["forms"]:
                    uses[surface][(path, unit["start"])] = (path, spans)
        # Only spellings that share a block are compared: linear in the corpus, not quadratic.
        by_block: dict[str, set[str]] = defaultdict(set)
        for spelling in uses:
            for b in blocking_keys(spelling):
                by_block[b].add(spelling)
        order = {s: i for i, s in enumerate(sorted(uses, key=lambda s: (-len(uses[s]), s)))}
        for major in sorted(uses, key=order.__getitem__):
            if len(uses[major]) < 2:
                break  # sorted by use: no later spelling is used by two units either
            candidates = set().union(*(by_block[b] for b in blocking_keys(major)))
            for minor in sorted(candidates, key=order.__getitem__):
                if order[minor] <= order[major] or len(uses[major]) <= len(uses[minor]):
                    continue
                if not same_entity(major, minor, lang):
                    continue
                for path, spans in uses[minor].values():
                    for start, end in spans:
                        finding = self.finding(
                            start, end,
                            f"'{minor}' here, but '{major}' in {len(uses[major])} other document(s) of this run.",
                            [major], confidence=0.6, entity=major)
                        finding.path = path
                        yield finding
