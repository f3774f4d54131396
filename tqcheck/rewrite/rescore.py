"""Rank rewrites of a span by whole-sentence log-probability under the language model.

Variants of one sentence share everything before the span, so comparing the
log-probability of ``replacement + rest of sentence`` given ``paragraph so far
+ sentence prefix`` is comparing whole sentences, at a fraction of the cost.
The rest is cut after ``REST_WORDS`` words: a misfit shows in the next few
words, and on the seed article scoring whole tails took 25 s against 17 s,
with the same findings.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..document import Document
from ..findings import Category

MAX_CONTEXT_CHARS = 600
# Words after the span that are scored with each variant.  A misfit shows in the next few words; the
# tail of a long sentence adds cost (every scored token goes through the 262k-word output layer) but
# hardly any evidence.
REST_WORDS = 8


@dataclass
class Rewrite:
    start: int
    end: int
    original: str
    ranked: list[tuple[str, float]]  # (replacement, gain in nats over the original), best first
    rest_gain: dict[str, float]  # the part of each gain earned by the rest of the sentence, after the span
    # Per variant (the original too): how many of the model's tokens it is itself, before the rest.  A
    # shorter variant gains simply by leaving tokens out, so a fair comparison needs their number.
    tokens: dict[str, int] = field(default_factory=dict)

    @property
    def best(self) -> tuple[str, float] | None:
        return self.ranked[0] if self.ranked else None


def _bounds(doc: Document, start: int, end: int, rest_words: int | None = REST_WORDS) -> tuple[int, int]:
    """Left edge of the context (paragraph start, capped) and the end of what is scored after the span:
    the sentence end, or the end of its ``rest_words``-th word after the span if that comes first."""
    para = next(((s, e) for s, e in doc.paragraphs if s <= start < e), (0, len(doc.text)))
    sent = doc.sentence_at(start)
    sent_end = max(sent[1] if sent else para[1], end)
    if rest_words is not None:
        after = [we for ws, we, _ in doc.words(end, sent_end)][:rest_words]
        if len(after) == rest_words:
            sent_end = after[-1]
    return max(para[0], start - MAX_CONTEXT_CHARS), sent_end


def _requests(doc: Document, spans: list[tuple[int, int, list[str]]], max_context: int, rest_words: int | None):
    """The (text, context) pairs ``rescore`` scores: per span, the original and each candidate, each
    followed by the rest of the sentence, after the same left context."""
    texts: list[str] = []
    contexts: list[str] = []
    plan = []
    for start, end, cands in spans:
        left, sent_end = _bounds(doc, start, end, rest_words)
        left = max(left, start - max_context)
        ctx = doc.text[left:start]
        rest = doc.text[end:sent_end]
        cands = [c for c in dict.fromkeys(cands) if c != doc.text[start:end]]
        plan.append((start, end, cands, len(texts)))
        for variant in [doc.text[start:end], *cands]:
            texts.append(variant + rest)
            contexts.append(ctx)
    return texts, contexts, plan


def prefetch(lm, doc: Document, spans: list[tuple[int, int, list[str]]], max_context: int = MAX_CONTEXT_CHARS,
             rest_words: int | None = REST_WORDS) -> None:
    """Queue what ``rescore`` with the same arguments will score, for the model's next pass."""
    texts, contexts, _ = _requests(doc, spans, max_context, rest_words)
    if texts:
        lm.prefetch(texts, contexts)


def rescore(lm, doc: Document, spans: list[tuple[int, int, list[str]]], max_context: int = MAX_CONTEXT_CHARS,
            rest_words: int | None = REST_WORDS) -> list[Rewrite]:
    """For each (start, end, candidates): candidates ranked by sentence log-prob gain.

    ``rest_gain`` separates what a candidate earns on the words after it: a
    rare but correct word loses only its own probability, while a wrong one
    also makes the rest of the sentence unlikely.
    """
    texts, contexts, plan = _requests(doc, spans, max_context, rest_words)
    toks = lm.token_logprobs(texts, contexts) if texts else []
    total = [sum(lp for _, _, lp in ts) for ts in toks]
    out = []
    for start, end, cands, k in plan:
        variants = [doc.text[start:end], *cands]
        # Log-prob of the rest of the sentence: tokens that start after the variant's own text.
        rest = [sum(lp for s, _, lp in toks[k + i] if s >= len(v)) for i, v in enumerate(variants)]
        ranked = sorted(((c, total[k + 1 + i] - total[k]) for i, c in enumerate(cands)), key=lambda x: -x[1])
        rest_gain = {c: rest[1 + i] - rest[0] for i, c in enumerate(cands)}
        tokens = {v: sum(1 for s, _, _ in toks[k + i] if s < len(v)) for i, v in enumerate(variants)}
        out.append(Rewrite(start, end, doc.text[start:end], ranked, rest_gain, tokens))
    return out


# Words whose replacement is grammar (fluency), not meaning: articles, prepositions, auxiliaries...
_FUNCTION = set("""a an the of to in on at for from by with about into over after before since during
under between as than and or but nor so yet if that which who whom whose what when where while because
although though is are was were be been being am has have had do does did will would shall should can
could may might must not no it its this these those there their they them he him his she her we us our
you your i my me one ones some any each every all both either neither such more most less least very
also only just even still already up down out off again""".split())


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
