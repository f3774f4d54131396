"""False friends and calques of machine translation, confirmed by a language model in context."""
from __future__ import annotations

import re
from collections import Counter

from ...analysis.source import source_side
from ...findings import Applicability, Category, Severity
from ...languages import profile
from ...lm import get_language_model
from ..registry import DocumentRule, register
from . import lexicon
from ...rewrite.rescore import prefetch, rescore

# A replacement must raise the sentence's log-probability by this many nats.  Calibrated on the
# lexicons' own examples with the default model: at 1.5, 156 of 168 bad sentences gain at least this
# much and 1 of 94 good ones does (at 2.5: 150 and 1; at 1.0: 158 and 5).
MARGIN = 1.5
# Where the sentence aligned in the source has the entry's own word, the source is the evidence and the
# model only has to find the replacement not much worse than the calque (nats): "Actuellement, le nombre
# ... a doublé" is fluent French for "currently" (en réalité scores -0.2 to -3.1 by the context), and only
# the source's "Actually" says it is wrong.  Set by judgment: MT in the shared WMT21/22 en-de data never
# leaves one of these calques beside its source word, so there is nothing to calibrate on.  Such a fix
# the model does not prefer is a suggestion, never applied unattended.
SOURCE_MARGIN = -4.0
# Calques that must agree on one source language before their fixes are applied without the source given.
INFERRED_FROM = 3


def source_language(doc, ctx) -> str | None:
    lang = ctx.preferred_source_lang
    if not lang and doc.source is not None:
        lang = doc.source.lang
    return lang


@register
class Calque(DocumentRule):
    id = "mt-calque"
    family = "phrasing"
    category = Category.ACCURACY
    severity = Severity.WARNING
    languages = lexicon.targets()
    description = """A false friend or calque left by machine translation ("displacement" for a trip).

    Looks up the forms that translation tends to produce (tqcheck/data/lexicons):
    into English from Spanish, French, Portuguese, Italian, German and Chinese;
    into German, French, Spanish and Russian from English ("eventuell" for
    eventually, "actuellement" for actually, "billón" for billion, "магазин"
    for magazine).  Then it asks the
    language model whether a replacement reads better in this sentence: only
    when the replacement raises the sentence's log-probability by a margin is it
    reported, so correct uses ("the late goal assured victory") are left alone.
    The source language comes from --source-lang / the config / the source
    file; otherwise all lexicons into the text's language are used and the
    language is inferred from the calques found.  With the source text, a
    calque whose source word the source never uses is not reported.  Without a
    model only forms that are almost never right are reported, at info level."""
    bad = ("It is the first displacement of a head of US diplomacy to Chinese territory in almost five years.",
           "Qin assured Blinken that relations are at their lowest point in decades.")
    good = ("The late goal assured victory for the home side.",
            "Flights fell to the lowest level since the covid-19 pandemic.")

    def _hits(self, doc, ctx):
        """Lexicon matches (start, end, entries), and per match the span and replacements to rescore.
        ``prepare`` and ``check`` both match: one compiled pattern over the text costs less than keeping
        the matches on the document."""
        target = profile(doc.lang).code
        src = source_language(doc, ctx)
        lexicons = lexicon.load_lexicons(target)
        if src and src not in lexicons:
            return [], []
        pattern, by_form = lexicon.matcher((src,) if src else tuple(sorted(lexicons)), target)
        in_source = _source_words(doc, ctx)
        hits, spans = [], []
        for m in pattern.finditer(doc.text):
            entries = by_form[" ".join(m.group(0).split()).casefold()]
            sourced = False
            if in_source is not None:
                # A calque comes from a word of the source: where the source never uses it, the form is
                # the target language's own word in its own sense.
                uses = {en.source: in_source(en.source, m.start()) for en in entries if en.lang == doc.source.lang}
                entries = [en for en in entries if en.lang != doc.source.lang or uses[en.source][0]]
                if not entries:
                    continue
                sourced = any(aligned for _, aligned in uses.values())
            hits.append((m.start(), m.end(), entries, sourced))
            cands = [lexicon.match_case(r, m.group(0)) for en in entries for r in en.replacements]
            s2 = m.start()
            if target == "en":
                s2, cands = lexicon.with_article(doc.text, m.start(), cands)
            spans.append((s2, m.end(), cands))
        return hits, spans

    def prepare(self, doc, ctx):
        _, spans = self._hits(doc, ctx)
        lm = get_language_model(ctx) if spans else None
        if lm is not None:
            prefetch(lm, doc, spans)  # scored along with the paragraph pass

    def check(self, doc, ctx):
        src = source_language(doc, ctx)
        hits, spans = self._hits(doc, ctx)
        if not hits:
            return
        lm = get_language_model(ctx)
        if lm is None:
            yield from self._without_model(doc, hits)
            return
        agreed = []
        for (s, e, entries, sourced), rw in zip(hits, rescore(lm, doc, spans)):
            model_margin = min(en.margin if en.margin is not None else MARGIN for en in entries)
            margin = min(SOURCE_MARGIN, model_margin) if sourced else model_margin
            best = rw.best
            if best and best[1] >= margin:
                agreed.append((rw.start, e, entries, rw, margin, model_margin, sourced))
        votes = Counter(en.lang for _, _, entries, *_ in agreed for en in {x.lang: x for x in entries}.values())
        for s, e, entries, rw, margin, model_margin, sourced in agreed:
            entry = max(entries, key=lambda en: votes[en.lang])
            own = {r.casefold() for r in entry.replacements}
            above = [(c, round(g, 2)) for c, g in rw.ranked if g >= margin]
            good = [x for x in above if _of(x[0], own)] or above
            gain = good[0][1]
            where = f"{entry.lang_name} '{entry.source}'" if src else \
                f"{entry.lang_name} '{entry.source}' (source language inferred from the calques found)"
            # Unattended only when the source language is known, or when the calques found agree on one
            # (INFERRED_FROM of them): a single English word that reads like one is often just English
            # ("actually", "sympathetic" in MT from Estonian, where post-editors kept them).
            confirmed = gain >= model_margin  # the model itself prefers the replacement, source or not
            sure = (bool(src) or votes[entry.lang] >= INFERRED_FROM) and confirmed
            why = (f"the model prefers '{good[0][0]}' (+{gain:.1f} log-prob)" if confirmed else
                   f"the source has '{entry.source}' here; '{good[0][0]}' is a suggestion the model finds about "
                   f"as likely ({gain:+.1f} log-prob)")
            f = self.finding(s, e, f"'{rw.original}' reads like a calque of {where}, meaning {entry.meaning}; {why}.",
                             [c for c, _ in good],
                             confidence=min(0.95, 0.65 + (gain - margin) / 20 + (0.15 if sourced else 0.0)),
                             applicability=Applicability.SAFE if sure else Applicability.SUGGEST,
                             source_lang=entry.lang, source_word=entry.source, gain=gain,
                             candidates=[list(x) for x in rw.ranked], inferred_source=not src, in_source=sourced)
            if entry.lang == "zh":
                f.category = Category.STYLE  # Chinese-English officialese: unidiomatic rather than wrong
            yield f

    def _without_model(self, doc, hits):
        for s, e, entries, _ in hits:
            sure = [en for en in entries if not en.ambiguous]
            if not sure:
                continue  # also ordinary text in another sense: needs the model to decide
            en = sure[0]
            orig = doc.text[s:e]
            f = self.finding(s, e, f"'{orig}' may be a calque of {en.lang_name} '{en.source}' ({en.meaning}); "
                                   "not confirmed by a language model.",
                             [lexicon.match_case(r, orig) for r in en.replacements], confidence=0.4,
                             source_lang=en.lang, source_word=en.source, model=False)
            f.severity = Severity.INFO
            yield f


def _source_words(doc, ctx):
    """``uses(word, offset)``: whether the source text uses ``word`` anywhere (any inflection: its stem,
    less a short ending, starting a word), and whether the sentence aligned with the target at
    ``offset`` has the word itself; None without a source text."""
    if doc.source is None:
        return None
    text = doc.source.text.casefold()
    # The alignment is read only where a lexicon form is found, and optionally: the rule runs without a
    # source too, so it does not require SourceSide (which would skip it on a file without one).
    side = None

    def uses(word: str, offset: int) -> tuple[bool, bool]:
        word = word.casefold()
        if any(ord(ch) >= 0x2E80 for ch in word):  # Chinese or Japanese: no spaces to find a word's start by
            stem = exact = re.escape(word)
        else:
            stem = r"(?<!\w)" + re.escape(word if len(word) <= 5 else word[:max(5, len(word) - 3)])
            exact = rf"(?<!\w){re.escape(word)}(?!\w)"
        if re.search(stem, text) is None:
            return False, False
        nonlocal side
        side = side or source_side(doc, ctx)
        i = side.segment_at(offset) if side is not None else None
        return True, i is not None and re.search(exact, side.source_text_of(i).casefold()) is not None

    return uses


def _of(candidate: str, own: set[str]) -> bool:
    """Whether a (possibly article-prefixed) candidate comes from this entry's replacements."""
    c = candidate.casefold()
    return c in own or any(c.endswith(" " + r) for r in own)
