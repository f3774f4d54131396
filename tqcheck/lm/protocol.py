"""What the checks may ask of a language model: ``CausalLM`` (the model itself) and ``CachedLM``
(scores kept on disk, the model loaded on the first miss) both provide all of it, so a rule
calls any of these on whatever ``get_language_model`` returns."""
from __future__ import annotations

from typing import Protocol

from .request import TokenLP, TokenStates


class LanguageModel(Protocol):
    def score(self, texts: list[str], contexts: list[str] | None = None) -> list[float]:
        """Total natural-log probability of each text, given its left context."""
        ...

    def token_logprobs(self, texts: list[str], contexts: list[str] | None = None) -> list[list[TokenLP]]:
        """Per text, every token's (start, end, log-probability); offsets relative to the text."""
        ...

    def alternatives(self, texts: list[str], contexts: list[str] | None = None, k: int = 8,
                     min_surprisal: float | None = None, layers: tuple[int, ...] = ()) -> list[TokenStates]:
        """Like ``token_logprobs``, plus the k likeliest tokens at each position (only in words at
        least ``min_surprisal`` surprising when it is given; empty elsewhere); with ``layers``, also
        the hidden states at each token (``TokenStates.states``)."""
        ...

    def prefetch(self, texts: list[str], contexts: list[str] | None = None, k: int = 8,
                 min_surprisal: float | None = None, proposals: bool = False, layers: tuple[int, ...] = ()) -> None:
        """Queue texts for the next pass (for ``alternatives`` with ``proposals``): whichever call comes
        next scores them all at once."""
        ...

    def continuations(self, contexts: list[str], beams: int = 4, steps: int = 6) -> list[list[tuple[str, float]]]:
        """Per context, the model's ``beams`` likeliest continuations of up to ``steps`` tokens, as
        (text, log-probability), likeliest first."""
        ...
