"""How likely a post-editor is to make a candidate rewrite: a logistic model over what the rewrite is and
what the language model thinks of it, learned from professional post-edits.

The label it was trained on (``tqcheck.lab.rewrite``, on MLQE-PE's training sentences): applying the
candidate to the machine translation brings it closer to what the post-editor wrote (sentence TER
falls).  Its output is calibrated on MLQE-PE dev and read as "the probability that this change is one
a post-editor would make".  Two bars ship with it, chosen on dev: the lowest probability a suggestion
is shown at, and the autofix bar above which ``tqcheck fix`` applies it (see models/rewriter.md).
"""
from __future__ import annotations

import difflib
import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .candidates import Candidate, Slot, _bare, _words
from .rescore import _FUNCTION

# A typical token's cost in nats in running English text under the default model (about 3: the mean
# surprisal of a word piece on news copy).
TOKEN_COST = 3.0
WEIGHTS = Path(__file__).resolve().parent.parent / "data" / "rewrite" / "acceptor.json"


def features(slot: Slot, cand: Candidate, confidence: float, major: float) -> dict[str, float]:
    """What the acceptor reads about one candidate (names are the model file's columns)."""
    ow = [_bare(w) for w in _words(slot.original)]
    cw = [_bare(w) for w in _words(cand.text)]
    n_o, n_c = len(ow), len(cw)
    dist = _edit_distance(ow, cw)
    o_set, c_set = set(ow), set(cw)
    insert = n_c > n_o and _subsequence(ow, cw)
    delete_part = n_c < n_o and _subsequence(cw, ow)
    changed = (o_set ^ c_set) - {""}
    new_caps = [w for w in _words(cand.text) if w.strip()[:1].isupper() and _bare(w) not in o_set]
    gain = cand.gain
    return {
        "gain": gain,
        "gain_pos": math.log1p(max(gain, 0.0)),
        "rest_gain": cand.rest_gain,
        "span_gain": gain - cand.rest_gain,
        # What the candidate's own words gain once the tokens it leaves out or adds are priced at a
        # typical word's cost: a deletion gains the cost of every token it removes, right or wrong.
        "fair_gain": gain - cand.rest_gain + TOKEN_COST * (cand.tokens - cand.original_tokens),
        "d_tokens": float(cand.tokens - cand.original_tokens),
        "n_orig": float(n_o),
        "n_cand": float(n_c),
        "d_words": float(n_c - n_o),
        "edit": dist / max(n_o, 1),
        "edit1": float(dist == 1),
        "char_ratio": difflib.SequenceMatcher(None, slot.original.strip(), cand.text.strip()).ratio(),
        "delete": float(cand.origin == "delete"),
        "insert": float(insert),
        "delete_part": float(delete_part),
        "reorder": float(n_o > 1 and sorted(ow) == sorted(cw) and ow != cw),
        "same_words": float(ow == cw),  # only case or punctuation differs
        "morph": float(n_o == n_c == 1 and len(ow[0]) > 3 and ow[0][:4] == cw[0][:4]),
        "function_only": float(bool(changed) and changed <= _FUNCTION),
        "beam": float(cand.origin == "beam"),
        "proposal": float(cand.origin == "proposal"),
        "edit_origin": float(cand.origin == "edit"),
        "rejoins": float(cand.rejoins),
        "rank0": float(cand.rank == 0),
        "rank": float(cand.rank),
        "confidence": confidence,
        "major": major,
        "new_caps": float(len(new_caps)),
    }


def _subsequence(short: list[str], long: list[str]) -> bool:
    it = iter(long)
    return all(any(w == x for x in it) for w in short)


def _edit_distance(a: list[str], b: list[str]) -> int:
    prev = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        cur = [i]
        for j, y in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x != y)))
        prev = cur
    return prev[-1]


@dataclass(frozen=True)
class Acceptor:
    columns: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float
    show: float  # the lowest probability at which a suggestion is offered
    autofix: float  # from here ``tqcheck fix`` applies it
    version: str

    def probability(self, feats: dict[str, float]) -> float:
        z = self.bias + sum(w * (feats.get(c, 0.0) - m) / s
                            for c, w, m, s in zip(self.columns, self.weights, self.mean, self.scale))
        return 1.0 / (1.0 + math.exp(-max(-40.0, min(40.0, z))))

    def to_json(self) -> dict:
        return {"version": self.version, "columns": list(self.columns), "mean": list(self.mean),
                "scale": list(self.scale), "weights": list(self.weights), "bias": self.bias,
                "bars": {"show": self.show, "fix": self.autofix}}

    @classmethod
    def from_json(cls, data: dict) -> "Acceptor":
        return cls(tuple(data["columns"]), tuple(data["mean"]), tuple(data["scale"]), tuple(data["weights"]),
                   float(data["bias"]), float(data["bars"]["show"]), float(data["bars"]["fix"]),
                   str(data["version"]))


@lru_cache(maxsize=1)
def shipped() -> Acceptor | None:
    """The acceptor that ships in the package, or None before one was trained."""
    if not WEIGHTS.is_file():
        return None
    return Acceptor.from_json(json.loads(WEIGHTS.read_text(encoding="utf-8")))
