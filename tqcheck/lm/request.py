"""What a caller asks the model for, and the shapes of the answers.

A ``Request`` is one text to score after its left context, with or without the model's
own proposals.  It is the key of the model's queue and of the scores it keeps, so it is
frozen (hashable) and two requests for the same work are equal.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

# One scored token: (start, end) in the scored text, natural-log probability.
TokenLP = tuple[int, int, float]
# One scored token with the model's likeliest tokens at its position: (start, end, log-prob, [(token, log-prob), ...]).
TokenProposals = tuple[int, int, float, list[tuple[str, float]]]


class TokenStates(list):
    """One text's ``TokenProposals``; with ``states`` (asked for with ``layers``), a float32 array with
    one row per token: the hidden states of the layers asked for, side by side."""

    states = None


@dataclass(frozen=True)
class Request:
    context: str
    text: str
    proposals: bool = False  # also the k likeliest tokens at each position (``alternatives``)
    k: int = 0  # with proposals: how many
    min_surprisal: float | None = None  # with proposals: only in words at least this surprising (None: everywhere)
    # With proposals: also the model's hidden state at every token from these layers (1-based; the last
    # is the final, normalised state), concatenated: what a trained detector reads (``TokenStates``).
    layers: tuple[int, ...] = ()

    @classmethod
    def tokens(cls, context: str, text: str) -> "Request":
        return cls(context, text)

    @classmethod
    def alternatives(cls, context: str, text: str, k: int, min_surprisal: float | None,
                     layers: tuple[int, ...] = ()) -> "Request":
        return cls(context, text, proposals=True, k=k, min_surprisal=min_surprisal, layers=tuple(layers))

    def without_proposals(self) -> "Request":
        """The token scores alone: a pass that answers this request answers that one too."""
        return replace(self, proposals=False, k=0, min_surprisal=None, layers=())
