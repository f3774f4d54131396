"""Disfluent spans: words the model finds very unlikely and can rewrite into something far likelier."""
from __future__ import annotations

import math
import re

from ...findings import Category, Severity
from ...lm import get_language_model
from ..registry import Rule, register
from .rescore import rescore

# Calibrated on ../shared/eval dev (zh-en); see benchmarks/README or the commit message for figures.
MIN_SURPRISAL = 9.0  # nats for a word (sum over its tokens) to be a candidate
MIN_GAIN = 4.0  # nats the best rewrite must add to the whole sentence
MAX_CANDIDATES_PER_PARAGRAPH = 4
TOP_K = 6

_NAME_LIKE = re.compile(r"^[A-Z]|[0-9]|[^\x00-\x7f]")


def is_name_like(word: str, sentence_start: bool) -> bool:
    """Capitalised mid-sentence, digits, non-ASCII letters: names and transliterations go to the name checks."""
    if any(c.isdigit() for c in word) or any(ord(c) > 0x24F for c in word):
        return True
    return word[:1].isupper() and not sentence_start


@register
class Surprisal(Rule):
    id = "lm-disfluency"
    family = "phrasing"
    category = Category.FLUENCY
    severity = Severity.WARNING
    requires = frozenset({"model"})
    description = """A word the language model finds very unlikely here and can rewrite into something far likelier.

    Every paragraph is scored in one pass (each sentence with the paragraph
    before it as context); words whose surprisal is high are rescored against
    the model's own best alternatives with the rest of the sentence, and only
    those the model can replace with a much more probable wording are
    reported.  A rare but correct word is not: nothing likelier fits.  Names,
    numbers and transliterations are left to the name checks."""
    bad = ("The Foreign Minister invited them to visit Washington later and said that the two diplomats will work "
           "together to expand the number of flights between the two largest economies in the world, to the lowest "
           "since the covid-19 pandemic.",)
    good = ("The two leaders are likely to attend the next G20 summit in New Delhi in September.",)

    def check(self, doc, ctx):
        lm = get_language_model(ctx)
        if lm is None or not hasattr(lm, "token_logprobs"):
            return
        paras = [(s, e) for s, e in doc.paragraphs if doc.text[s:e].strip()]
        texts = [doc.text[s:e] for s, e in paras]
        per_para = lm.token_logprobs(texts)
        sent_starts = {s for s, _ in doc.sentences}
        for (ps, pe), toks in zip(paras, per_para):
            words = doc.words(ps, pe)
            scored = []
            ti = 0
            for ws, we, w in words:
                lp = 0.0
                while ti < len(toks) and ps + toks[ti][1] <= ws:
                    ti += 1
                j = ti
                while j < len(toks) and ps + toks[j][0] < we:
                    lp += toks[j][2]
                    j += 1
                if not w[:1].isalpha() or ws == ps:
                    continue
                if is_name_like(w, ws in sent_starts or _after_sentence_start(doc, ws)):
                    continue
                if -lp >= MIN_SURPRISAL:
                    scored.append((-lp, ws, we, w))
            scored.sort(reverse=True)
            cands = scored[:MAX_CANDIDATES_PER_PARAGRAPH]
            if not cands:
                continue
            proposals = lm.next_words([doc.text[max(ps, ws - 600):ws].rstrip() for _, ws, _, _ in cands], k=TOP_K)
            spans = [(ws, we, [p for p, _ in props if p.lower() != w.lower()])
                     for (_, ws, we, w), props in zip(cands, proposals)]
            for (surp, ws, we, w), rw in zip(cands, rescore(lm, doc, spans)):
                best = rw.best
                if not best or best[1] < MIN_GAIN:
                    continue
                conf = 1 / (1 + math.exp(-(best[1] - MIN_GAIN - 2) / 2))
                yield self.finding(ws, we, f"'{w}' is very unlikely here ({surp:.1f} nats); "
                                           f"the model prefers '{best[0]}' (+{best[1]:.1f} log-prob for the sentence).",
                                   [c for c, g in rw.ranked if g >= MIN_GAIN][:3], confidence=round(conf, 3),
                                   surprisal=round(surp, 2), gain=round(best[1], 2), autofix=False,
                                   candidates=[[c, round(g, 2)] for c, g in rw.ranked[:5]])


def _after_sentence_start(doc, offset: int) -> bool:
    """Whether only quotes/brackets stand between the sentence start and this word."""
    sent = doc.sentence_at(offset)
    return bool(sent) and not any(c.isalnum() for c in doc.text[sent[0]:offset])
