"""Disfluent spans: words the model finds very unlikely and can rewrite into something far likelier."""
from __future__ import annotations

import math

from ...findings import Category, Severity
from ...lm import get_language_model
from ..registry import Rule, register
from .rescore import rescore

# Thresholds from a sweep on 13 zh-en dev documents (GPT4-5shot's output of each source document):
# surprisal >= 8, gain >= 1 gave all-error char precision 0.55 at recall 0.037 (typed fluency 0.46 at
# 0.023); the plateau is ~0.55 whatever the thresholds, recall is bounded by one word per flag.
# Requiring the rewrite to also raise the words *after* the span ("rest gain") looked principled
# but halved precision there (0.58 -> 0.26), so rest gain is reported as evidence, not required.
MIN_SURPRISAL = 8.0  # nats for a word (sum over its tokens) to be a candidate
MIN_GAIN = 1.0  # nats the best rewrite must add to the whole sentence
MAX_CANDIDATES_PER_PARAGRAPH = 3
TOP_K = 5  # the model's likeliest words at each position, from the paragraph pass
# Of those, how many are rescored with the words after them.  Each costs a forward pass over the rest of
# the sentence; the model's first choices carry nearly all the gains.
MAX_REWRITES = 3
CONTEXT_CHARS = 200

# Words whose replacement is grammar (fluency), not meaning: articles, prepositions, auxiliaries...
_FUNCTION = set("""a an the of to in on at for from by with about into over after before since during
under between as than and or but nor so yet if that which who whom whose what when where while because
although though is are was were be been being am has have had do does did will would shall should can
could may might must not no it its this these those there their they them he him his she her we us our
you your i my me one ones some any each every all both either neither such more most less least very
also only just even still already up down out off again""".split())


def is_name_like(word: str, lang: str, sentence_start: bool) -> bool:
    """Names, numbers and transliterations belong to the name checks.

    Capitalised mid-sentence words count as names in English only (German capitalises nouns).
    """
    if any(c.isdigit() for c in word) or any(ord(c) > 0x24F for c in word):
        return True
    return lang == "en" and word[:1].isupper() and not sentence_start


def kind_of(word: str, alternative: str, lang: str) -> Category:
    """Grammar-level swaps (function words, other forms of the same word) are fluency; content-word
    swaps change the meaning, so they are reported as accuracy (a likely mistranslation)."""
    if lang != "en":
        return Category.FLUENCY
    w, a = word.lower(), alternative.lower().split()[0] if alternative.split() else ""
    if w in _FUNCTION or a in _FUNCTION or w[:4] == a[:4]:
        return Category.FLUENCY
    return Category.ACCURACY


def safe_rewrite(word: str, alternative: str) -> bool:
    """Whether the rewrite can be offered as a fix: a function word or another form of the same word.

    Replacing a content word ("villa" -> "of", "dialogue" -> "possibilities") changes what the text
    says, even when the model likes the result better; that is for a person to decide.
    """
    w, a = word.lower(), alternative.lower()
    return w in _FUNCTION or (len(w) > 3 and w[:4] == a[:4])


def _word_at_alternatives(toks, ws, we, base):
    """Surprisal of the word [ws, we) and the model's alternatives at its first token."""
    lp, alts, first = 0.0, [], True
    for s, e, l, top in toks:
        if base + e <= ws or base + s >= we:
            continue
        lp += l
        if first:
            alts, first = top, False
    return -lp, alts


@register
class Surprisal(Rule):
    id = "lm-disfluency"
    family = "phrasing"
    category = Category.FLUENCY
    # About half of these flags land on an annotated error (dev char precision ~0.55): a hint, not a verdict.
    severity = Severity.INFO
    requires = frozenset({"model"})
    description = """A word the language model finds very unlikely here and can rewrite into something far likelier.

    Every paragraph is scored in one pass (each sentence with the paragraph
    before it as context), which also gives the model's own likeliest words at
    each position.  Very surprising words are rescored against those
    alternatives with the rest of the sentence; a word is reported only when a
    rewrite makes the whole sentence clearly more probable (a rare but correct
    word has no likelier replacement that fits the rest of the sentence).
    Names, numbers and transliterations are left to the name checks.
    Swaps involving a function word or another form of the same word are
    typed fluency, content-word swaps accuracy (possible mistranslation).
    Only a function word or an inflection is offered as a fix; replacing a
    content word ("villa" -> "of") would change the meaning, so that is left
    to a person, with the model's likelier wording in the message."""
    bad = ("The government said it will take measures to the prices of vegetables stable during the festival.",
           "The company's profits rose sharply last year, which it attributed to strong demand of the its products.")
    good = ("The two leaders are likely to attend the next G20 summit in New Delhi in September.",)

    def check(self, doc, ctx):
        lm = get_language_model(ctx)
        if lm is None or not hasattr(lm, "alternatives"):
            return
        paras = [(s, e) for s, e in doc.paragraphs if doc.text[s:e].strip()]
        per_para = lm.alternatives([doc.text[s:e] for s, e in paras], k=TOP_K)
        sent_starts = {s for s, _ in doc.sentences}
        spans, meta = [], []
        for (ps, pe), toks in zip(paras, per_para):
            cands = []
            for ws, we, w in doc.words(ps, pe):
                if not w[:1].isalpha() or ws == ps:
                    continue
                if is_name_like(w, doc.lang, ws in sent_starts or _after_sentence_start(doc, ws)):
                    continue
                surp, alts = _word_at_alternatives(toks, ws, we, ps)
                if surp >= ctx.options.get("min_surprisal", MIN_SURPRISAL):
                    cands.append((surp, ws, we, w, alts))
            cands.sort(reverse=True)
            for surp, ws, we, w, alts in cands[:MAX_CANDIDATES_PER_PARAGRAPH]:
                # A capitalised proposal for a lowercase word is a name the model guesses, not a rewording.
                words = [a.strip() for a, _ in alts
                         if a.startswith((" ", "\u2581")) and a.strip().replace("-", "").isalpha()
                         and a.strip().lower() != w.lower() and not (w.islower() and a.strip()[:1].isupper())]
                if words:
                    spans.append((ws, we, words[:MAX_REWRITES]))
                    meta.append((surp, w))
        if not spans:
            return
        calibrating = bool(ctx.options.get("calibrate"))  # report every candidate, for threshold sweeps
        for (surp, w), rw in zip(meta, rescore(lm, doc, spans, max_context=CONTEXT_CHARS)):
            ok = [(c, g) for c, g in rw.ranked if g >= MIN_GAIN]
            if calibrating and rw.ranked:
                ok = ok or rw.ranked[:1]
            if not ok:
                continue
            best, gain = ok[0]
            conf = 1 / (1 + math.exp(-(gain - MIN_GAIN - 2) / 2))
            kind = kind_of(w, best, doc.lang)
            if safe_rewrite(w, best):
                message = (f"'{w}' is very unlikely here ({surp:.1f} nats); the model prefers '{best}' "
                           f"({gain:+.1f} log-prob for the sentence).")
                suggestions = [c for c, _ in ok[:3]]
            else:
                message = (f"'{w}' is very unlikely here ({surp:.1f} nats), and the likelier wordings "
                           f"('{best}') would change the meaning: check it against the source.")
                suggestions = []
            f = self.finding(rw.start, rw.end, message, suggestions, confidence=round(conf, 3),
                             surprisal=round(surp, 2), gain=round(gain, 2), rest_gain=round(rw.rest_gain[best], 2),
                             autofix=False, candidates=[[c, round(g, 2)] for c, g in rw.ranked[:5]])
            f.category = kind
            yield f


def _after_sentence_start(doc, offset: int) -> bool:
    """Whether only quotes/brackets stand between the sentence start and this word."""
    sent = doc.sentence_at(offset)
    return bool(sent) and not any(c.isalnum() for c in doc.text[sent[0]:offset])
