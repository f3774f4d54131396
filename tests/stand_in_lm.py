"""A stand-in language model for unit tests of the phrasing and detector logic.

It provides the whole ``tqcheck.lm.protocol.LanguageModel`` protocol at word level, with no weights:
the log-probability of a word after the previous one comes from a small table the test writes (its
world: "after 'they', 'has' costs 12 nats"), and every other word is fluent (``WORD_LOGPROB``); the
model's proposals at a position are the test's list for the previous word (none otherwise); hidden
states, when asked for, are a fixed pseudo-random vector per word.  Tests of the rules' logic then say exactly what the model believes, run in milliseconds, and need
no 270M model; the tests that measure the real model keep using ``lm_session.real_lm``.
"""
from __future__ import annotations

import re
import zlib

import numpy as np
from tqcheck.lm.request import TokenStates

_TOKEN = re.compile(r"\w+(?:['’]\w+)*|[^\w\s]")
WORD_LOGPROB = -3.0  # nats a word costs unless the test's table says otherwise: fluent, far below any threshold
PUNCTUATION_LOGPROB = -1.0


class StandInLM:
    def __init__(self, bigrams: dict[tuple[str, str], float] | None = None,
                 proposals: dict[str, list[str]] | None = None, hidden: int = 640):
        self.bigrams = {(a.lower(), b.lower()): lp for (a, b), lp in (bigrams or {}).items()}
        self.proposals = {a.lower(): list(ws) for a, ws in (proposals or {}).items()}
        self.hidden = hidden
        self.calls: list[tuple[str, list[str], list[str]]] = []  # (method, texts, contexts): what was asked

    # What the model believes -------------------------------------------------------------------------
    def logprob(self, word: str, previous: str) -> float:
        key = (previous.lower(), word.lower())
        if key in self.bigrams:
            return self.bigrams[key]
        return WORD_LOGPROB if word[:1].isalnum() else PUNCTUATION_LOGPROB

    def expected(self, previous: str, k: int) -> list[tuple[str, float]]:
        words = self.proposals.get(previous.lower(), [])
        return [(" " + w, self.logprob(w, previous)) for w in words[:k]]

    def _tokens(self, text: str, context: str) -> list[tuple[int, int, float, str]]:
        before = _TOKEN.findall(context or "")
        previous = before[-1] if before else ""
        out = []
        for m in _TOKEN.finditer(text):
            out.append((m.start(), m.end(), self.logprob(m.group(), previous), previous))
            previous = m.group()
        return out

    # The protocol ------------------------------------------------------------------------------------
    def score(self, texts, contexts=None):
        self.calls.append(("score", list(texts), list(contexts or [""] * len(texts))))
        return [sum(lp for _, _, lp, _ in self._tokens(t, c))
                for t, c in zip(texts, contexts or [""] * len(texts))]

    def token_logprobs(self, texts, contexts=None):
        self.calls.append(("token_logprobs", list(texts), list(contexts or [""] * len(texts))))
        return [[(s, e, lp) for s, e, lp, _ in self._tokens(t, c)]
                for t, c in zip(texts, contexts or [""] * len(texts))]

    def alternatives(self, texts, contexts=None, k=8, min_surprisal=None, layers=()):
        self.calls.append(("alternatives", list(texts), list(contexts or [""] * len(texts))))
        out = []
        for text, context in zip(texts, contexts or [""] * len(texts)):
            toks = self._tokens(text, context)
            row = TokenStates((s, e, lp, self.expected(prev, k) if min_surprisal is None or -lp >= min_surprisal else [])
                              for s, e, lp, prev in toks)
            if layers:
                row.states = np.stack([self._state(text[s:e], len(layers)) for s, e, _, _ in toks]) if toks \
                    else np.zeros((0, self.hidden * len(layers)), np.float32)
            out.append(row)
        return out

    def continuations(self, contexts, beams=4, steps=6):
        """Per context, one beam per proposal for its last word, each going on with the first proposal for
        the word before (a word a step): the test's world, written on."""
        self.calls.append(("continuations", [""] * len(contexts), list(contexts)))
        out = []
        for context in contexts:
            before = _TOKEN.findall(context)
            previous = before[-1] if before else ""
            found = []
            for first, _ in self.expected(previous, beams):
                words, lp, prev = [first.strip()], self.logprob(first.strip(), previous), first.strip()
                while len(words) < steps and self.proposals.get(prev.lower()):
                    nxt = self.proposals[prev.lower()][0]
                    lp += self.logprob(nxt, prev)
                    words.append(nxt)
                    prev = nxt
                found.append(("".join(" " + w for w in words), lp))
            out.append(sorted(found, key=lambda x: -x[1]))
        return out

    def prefetch(self, texts, contexts=None, k=8, min_surprisal=None, proposals=False, layers=()):
        self.calls.append(("prefetch", list(texts), list(contexts or [""] * len(texts))))

    def _state(self, word: str, n_layers: int) -> np.ndarray:
        rng = np.random.default_rng(zlib.crc32(word.lower().encode()))
        return rng.standard_normal(self.hidden * n_layers).astype(np.float32)


def context_with_stand_in(lm: StandInLM, **kwargs):
    """A Context whose language model is ``lm`` (as ``lm_session.context_with`` gives the real one)."""
    from tqcheck.context import Context
    from tqcheck.lm import LANGUAGE_MODEL

    ctx = Context(**kwargs)
    ctx.resource(LANGUAGE_MODEL, lambda: lm)
    return ctx
