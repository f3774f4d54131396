"""A trained error-span detector: per word, the calibrated probability that a professional rater marks it.

It reads what the language model's reading already holds (``tqcheck.analysis.reading``: the hidden
states of two layers at each word, its surprisal and its neighbours') plus a few plain signals
(``features``), through three small two-layer networks (bagged, their outputs averaged) trained on a
seeded sample of the MQM-annotated MT in ``../shared/train`` (7,630 segments; ``train``, ``build``).
Its raw outputs are calibrated per target language on the evaluation set's three-rater gold
(``calibrate``), so a confidence of 0.7 means that about 70 % of the words flagged with it were marked
by a rater there.

The weights ship inside the package (``tqcheck/data/detector/``, 1.8 MB) with their card
(``models/detector.md``); they were trained on one model's hidden states, so they serve that model only.
"""
from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

WEIGHTS = Path(__file__).resolve().parent.parent / "data" / "detector"


@dataclass(frozen=True)
class Detector:
    model_id: str  # the language model whose hidden states it reads
    layers: tuple[int, ...]
    scalars: tuple[str, ...]  # the plain signals' names, in column order (``features.SCALARS``)
    mean: np.ndarray
    scale: np.ndarray
    # The networks' weights, stacked (one per member; their raw outputs are averaged): inputs -> hidden
    # (GELU) -> two outputs, marked and major given marked.
    w1: np.ndarray
    b1: np.ndarray
    w2: np.ndarray
    b2: np.ndarray
    # Per target language, Platt scaling of the "marked" logit, sigmoid(a * logit + b), and the default
    # --min-confidence (a word is flagged from this calibrated probability).  Per language because
    # how much raters mark differs by language pair (on the dev sets a third of the zh-en words, a
    # fifth of the en-de ones), and a confidence is a share of words marked.
    calibration: dict[str, tuple[float, float]]
    thresholds: dict[str, float]
    languages: tuple[str, ...]  # target languages it was trained on
    version: str
    neighbours: int = 0  # words on each side whose mean state is added to a word's (``features.with_neighbours``)
    digest: str = ""  # sha256 of the file it was loaded from: part of the key of what was derived with it

    @classmethod
    def load(cls, path: Path) -> Detector:
        data = path.read_bytes()
        with np.load(io.BytesIO(data), allow_pickle=False) as z:
            meta = json.loads(str(z["meta"]))
            return cls(meta["model_id"], tuple(meta["layers"]), tuple(meta["scalars"]), z["mean"], z["scale"],
                       z["w1"], z["b1"], z["w2"], z["b2"],
                       {k: tuple(v) for k, v in meta["calibration"].items()}, dict(meta["thresholds"]),
                       tuple(meta["languages"]), meta["version"], int(meta.get("neighbours", 0)),
                       hashlib.sha256(data).hexdigest())

    def save(self, path: Path) -> None:
        from ..textio import atomic_write

        meta = {"model_id": self.model_id, "layers": list(self.layers), "scalars": list(self.scalars),
                "calibration": {k: list(v) for k, v in self.calibration.items()}, "thresholds": self.thresholds,
                "languages": list(self.languages), "version": self.version, "neighbours": self.neighbours}
        buf = io.BytesIO()
        np.savez_compressed(buf, meta=np.array(json.dumps(meta)), mean=self.mean, scale=self.scale,
                            w1=self.w1, b1=self.b1, w2=self.w2, b2=self.b2)
        atomic_write(path, buf.getvalue())

    @property
    def state_width(self) -> int:
        """Hidden-state columns it expects from ``features.word_features`` (the layers side by side)."""
        return (len(self.mean) - len(self.scalars)) // (2 if self.neighbours else 1)

    def inputs(self, X: np.ndarray, groups: np.ndarray | None = None) -> np.ndarray:
        """The network's inputs from ``features.word_features`` rows (one document, or ``groups`` of them)."""
        from .features import with_neighbours

        return with_neighbours(X, groups, self.neighbours) if self.neighbours else X

    def logits(self, X: np.ndarray) -> np.ndarray:
        """The network's two raw outputs per row of its inputs (``inputs``): (marked, major given marked)."""
        x = (X.astype(np.float32) - self.mean) / self.scale
        out = np.zeros((len(x), 2), dtype=np.float32)
        for w1, b1, w2, b2 in zip(self.w1, self.b1, self.w2, self.b2):  # the members, averaged
            h = x @ w1 + b1
            h = 0.5 * h * (1.0 + np.tanh(0.7978845608 * (h + 0.044715 * h ** 3)))  # GELU (tanh form, as trained)
            out += h @ w2 + b2
        return out / len(self.w1)

    def calibrated(self, lang: str) -> bool:
        return lang in self.calibration

    def threshold(self, lang: str) -> float:
        return self.thresholds[lang]

    def probabilities(self, X: np.ndarray, lang: str, groups: np.ndarray | None = None,
                      rows: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Per word (rows of ``features.word_features``) of a text in ``lang`` (one it was calibrated
        for): the calibrated probability that a rater marks it, and that such a mark is major; with
        ``rows``, for those rows only (their neighbours still read from all of ``X``)."""
        inputs = self.inputs(X, groups)
        z = self.logits(inputs if rows is None else inputs[rows])
        a, b = self.calibration[lang]
        return _sigmoid(a * z[:, 0] + b), _sigmoid(z[:, 1])


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -40, 40)))


@lru_cache(maxsize=4)
def detector_for(model_id: str) -> Detector | None:
    """The shipped detector trained on ``model_id``'s hidden states, or None when there is none."""
    path = WEIGHTS / f"{model_id}.npz"
    return Detector.load(path) if path.is_file() else None


@dataclass(frozen=True)
class Flag:
    """A run of adjacent flagged words: one finding."""
    first: int  # index of its first word
    last: int  # ... and of its last
    confidence: float  # the mean of its words' calibrated probabilities
    major: float  # the mean probability that a mark there is major


# A run the network expects a rater to mark as major is reported as a likely mistranslation (accuracy);
# a minor one as fluency.  In MQM most major errors are mistranslations and most minor ones fluency or
# style, and the training data carry severities but no categories, so severity is the network's only
# view of the kind.
MAJOR_FROM = 0.5


def kind_of(run: Flag) -> str:
    """"accuracy" or "fluency": the category a run is reported in."""
    return "accuracy" if run.major >= MAJOR_FROM else "fluency"


# Two flagged phrases with only a comma between them are one finding when each is at least this many
# words long: a garbled clause goes on across its commas, but a lone flagged word beside a comma is
# its own problem, and joining it would only add the unmarked comma (on en-de dev, where a comma
# opens most subordinate clauses, joining every pair cost 0.007 character precision).
COMMA_PHRASE = 3


def flagged_runs(starts, ends, marked: np.ndarray, major: np.ndarray, threshold: float,
                 bridges: np.ndarray | None = None, max_gap: int = 1, commas: np.ndarray | None = None) -> list[Flag]:
    """Adjacent words at or above ``threshold`` joined into runs: words are adjacent when at most
    ``max_gap`` characters (a space) stand between them, so a run never crosses a paragraph break.
    One word between two flagged ones joins them when ``bridges`` allows it (a function word:
    "Keep channels [of] communication").  Two phrases of ``COMMA_PHRASE`` words or more with only a
    comma between them (``commas``, from ``features.commas``) join too ("TO EXPAND the dialogue to
    improve their relations, at their worst moment in years").  Raters mark phrases ("to the lowest
    since"), and one finding per phrase reads better than one per word."""
    spans: list[tuple[int, int]] = []
    i, n = 0, len(starts)

    def near(a: int, b: int) -> bool:
        return starts[b] - ends[a] <= max_gap

    while i < n:
        if marked[i] < threshold:
            i += 1
            continue
        j = i
        while True:
            if j + 1 < n and marked[j + 1] >= threshold and near(j, j + 1):
                j += 1
            elif (bridges is not None and j + 2 < n and bridges[j + 1] and marked[j + 2] >= threshold
                  and near(j, j + 1) and near(j + 1, j + 2)):
                j += 2
            else:
                break
        first, last = spans[-1] if spans else (-1, -1)
        if (commas is not None and last == i - 1 and commas[last] and last - first + 1 >= COMMA_PHRASE
                and j - i + 1 >= COMMA_PHRASE):
            spans[-1] = (first, j)
        else:
            spans.append((i, j))
        i = j + 1
    return [Flag(i, j, float(marked[i:j + 1].mean()), float(major[i:j + 1].mean())) for i, j in spans]
