"""Words the model finds very unlikely in context: hints, with a fix when a safe rewrite makes the sentence likelier."""
from __future__ import annotations

import math
from dataclasses import dataclass

from ...analysis import reading
from ...analysis.lexical import name_at
from ...findings import Applicability, Category, Severity
from ...lm import get_language_model
from ..registry import DocumentRule, register
from ...rewrite.rescore import kind_of, rescore, safe_rewrite

# Thresholds from sweeps on all 130 zh-en dev documents (one paragraph pass each, cached):
# - the three most surprising words of a paragraph at >= 10 nats: all-error char precision 0.693 at
#   recall 0.045 (typed as fluency 0.467 at 0.050); at >= 8 nats 0.701 at 0.053, but the seed article
#   (short wire-copy paragraphs) would get over 30 hints;
# - the earlier filter (keep a word only when the model's best rewrite raises the sentence by 1 nat)
#   gave 0.664 at 0.033: rescoring removed true errors as often as false ones, so it no longer
#   decides what is flagged, only whether a fix is offered.
MIN_SURPRISAL = 10.0  # nats for a word (sum over its tokens) to be flagged
# A grammar slip ("demand of the its products") is less surprising than a wrong content word; from this
# many nats a word is flagged when a safe rewrite (function word, inflection) makes the sentence likelier.
FIXABLE_SURPRISAL = 8.0
MIN_GAIN = 1.0  # nats a safe rewrite must add to the sentence to be offered as a fix
MAX_CANDIDATES_PER_PARAGRAPH = 3  # per ``reading.blocks``: a paragraph, or 100 words when read in context
MAX_REWRITES = 3  # safe rewrites (function words, inflections) rescored per flagged word
CONTEXT_CHARS = 200

@register
class Surprisal(reading.ReadsParagraphs, DocumentRule):
    @dataclass(frozen=True)
    class Settings:
        min_surprisal: float = MIN_SURPRISAL  # nats for a word to be flagged without a fix

    id = "lm-disfluency"
    family = "phrasing"
    category = Category.FLUENCY
    # About half of these flags land on an annotated error (dev char precision ~0.55): a hint, not a verdict.
    severity = Severity.INFO
    requires = (reading.LMReading,)
    generic = True  # a hint: it gives way to a specific finding on the same words (engine)
    # Replaced by the trained detector (lm-error-span), which reads the same pass: on zh-en dev it
    # reaches higher precision and recall in both layouts than these thresholds (README, "Measured").
    default = False
    description = """A word the language model finds very unlikely here: awkward, or a possible mistranslation.

    Every paragraph is scored in one pass (each sentence with the paragraph
    before it as context), which also gives the model's own likeliest words at
    each position.  The (at most three) most surprising words of a paragraph
    above a calibrated threshold are reported as hints, with the words the
    model expected there; somewhat less surprising words only when a fix is
    found for them (below).  Names, numbers and transliterations are left to the
    name checks.  When the model's alternatives include a function word or
    another form of the same word, those rewrites are rescored with the words
    after them and offered as a fix if they make the sentence clearly likelier
    (typed fluency); replacing a content word would change the meaning, so it
    is left to a person (typed accuracy: check it against the source)."""
    bad = ("The government said it will take measures to the prices of vegetables stable during the festival.",
           "The company's profits rose sharply last year, which it attributed to strong demand of the its products.")
    good = ("The two leaders are likely to attend the next G20 summit in New Delhi in September.",)

    def check(self, doc, ctx):
        paragraphs = reading.read(doc, ctx)
        if paragraphs is None:
            return
        lm = get_language_model(ctx)
        min_surprisal = ctx.settings(self).min_surprisal
        fixable = min(FIXABLE_SURPRISAL, min_surprisal)
        flagged = []
        # A word read with nothing before it (the document's first; every paragraph's first, unless the
        # paragraphs are read in context) is surprising whatever it is: its surprisal says little.
        opening = paragraphs[0][0].start if paragraphs and paragraphs[0] else -1
        alone = not paragraphs.in_context
        for words in reading.blocks(paragraphs):
            cands = []
            for word in words:
                ws, we, w = word.start, word.end, word.text
                if not w[:1].isalpha() or ws == opening or (alone and ws == word.paragraph[0]):
                    continue
                if name_at(doc, ws, w):
                    continue
                if word.surprisal >= fixable:
                    cands.append((word.surprisal, ws, we, w, word.proposals))
            cands.sort(reverse=True)
            for surp, ws, we, w, alts in cands[:MAX_CANDIDATES_PER_PARAGRAPH]:
                # A capitalised proposal for a lowercase word is a name the model guesses, not a rewording.
                words = [a.strip() for a, _ in alts
                         if a.startswith((" ", "\u2581")) and a.strip().replace("-", "").isalpha()
                         and a.strip().lower() != w.lower() and not (w.islower() and a.strip()[:1].isupper())]
                flagged.append((surp, ws, we, w, list(dict.fromkeys(words))))
        if not flagged:
            return
        # Only rewrites that could be offered as a fix are worth a rescoring pass.
        safe = [(ws, we, [c for c in words if safe_rewrite(w, c)][:MAX_REWRITES]) for _, ws, we, w, words in flagged]
        todo = [sp for sp in safe if sp[2]]
        rewrites = {(rw.start, rw.end): rw for rw in rescore(lm, doc, todo, max_context=CONTEXT_CHARS)} if todo else {}
        for surp, ws, we, w, words in flagged:
            rw = rewrites.get((ws, we))
            fixes = [(c, g) for c, g in rw.ranked if g >= MIN_GAIN] if rw else []
            if surp < min_surprisal and not fixes:
                continue
            conf = 1 / (1 + math.exp(-(surp - fixable - 2) / 2))
            expected = ", ".join(f"'{c}'" for c in words[:3])
            if fixes:
                best, gain = fixes[0]
                message = (f"'{w}' is very unlikely here ({surp:.1f} nats); the model prefers '{best}' "
                           f"({gain:+.1f} log-prob for the sentence).")
                f = self.finding(ws, we, message, [c for c, _ in fixes[:3]], confidence=round(conf, 3),
                                 surprisal=round(surp, 2), gain=round(gain, 2),
                                 rest_gain=round(rw.rest_gain[best], 2),
                                 applicability=Applicability.SUGGEST,
                                 candidates=[[c, round(g, 2)] for c, g in rw.ranked[:5]], expected=words[:5])
                f.category = Category.FLUENCY
            else:
                where = f" (the model expected {expected})" if expected else ""
                message = (f"'{w}' is very unlikely here ({surp:.1f} nats){where}: check the wording "
                           "against the source.")
                f = self.finding(ws, we, message, [], confidence=round(conf, 3), surprisal=round(surp, 2),
                                 expected=words[:5])
                f.category = kind_of(w, words[0], doc.lang) if words else Category.FLUENCY
            yield f
