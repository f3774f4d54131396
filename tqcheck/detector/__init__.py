"""A trained error-span detector: per word, the calibrated probability that a professional rater marks it.

It reads what the language model's reading already holds (``tqcheck.analysis.reading``: the hidden
states of two layers at each word, its surprisal and its neighbours') plus a few plain signals
(``features``), through three small two-layer networks (bagged, their outputs averaged) trained on a
seeded sample of the MQM-annotated MT in ``../shared/train`` (7,630 segments; ``train``, ``build``).
Its raw outputs are calibrated per target language on the evaluation set's three-rater gold
(``calibrate``), so a confidence of 0.7 means that about 70 % of the words flagged with it were marked
by a rater there.

A second, smaller head on the same inputs types what is flagged (``typing``): the probability that a
marked word's mark is of the fluency family (grammar, awkward wording, punctuation, spelling) rather
than accuracy (mistranslation), trained on the MQM categories of the TED files in ``../shared/train``
and calibrated per target language on the evaluation set's dev gold.

The weights ship inside the package (``tqcheck/data/detector/``, 1.8 MB) with their card
(``models/detector.md``); they were trained on one model's hidden states, so they serve that model only.
"""
from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass, field
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
    # The typing head (None in a file trained before it): the same standardised inputs -> hidden (GELU)
    # -> one logit, "a marked word's mark is of the fluency family", its members stacked and averaged
    # like the networks'.  Per target language, Platt scaling of that logit and the run-level
    # probability from which a flagged run is typed fluency, (a, b, fluent_from), chosen on dev.
    t_w1: np.ndarray | None = None
    t_b1: np.ndarray | None = None
    t_w2: np.ndarray | None = None
    t_b2: np.ndarray | None = None
    typing: dict[str, tuple[float, float, float]] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> Detector:
        data = path.read_bytes()
        with np.load(io.BytesIO(data), allow_pickle=False) as z:
            meta = json.loads(str(z["meta"]))
            head = tuple(z.get(k) for k in _HEAD)
            return cls(meta["model_id"], tuple(meta["layers"]), tuple(meta["scalars"]), z["mean"], z["scale"],
                       z["w1"], z["b1"], z["w2"], z["b2"],
                       {k: tuple(v) for k, v in meta["calibration"].items()}, dict(meta["thresholds"]),
                       tuple(meta["languages"]), meta["version"], int(meta.get("neighbours", 0)),
                       hashlib.sha256(data).hexdigest(), *head,
                       {k: tuple(v) for k, v in meta.get("typing", {}).items()})

    def save(self, path: Path) -> None:
        from ..textio import atomic_write

        meta = {"model_id": self.model_id, "layers": list(self.layers), "scalars": list(self.scalars),
                "calibration": {k: list(v) for k, v in self.calibration.items()}, "thresholds": self.thresholds,
                "languages": list(self.languages), "version": self.version, "neighbours": self.neighbours}
        head = {}
        if self.t_w1 is not None:
            meta["typing"] = {k: list(v) for k, v in self.typing.items()}
            head = dict(zip(_HEAD, (self.t_w1, self.t_b1, self.t_w2, self.t_b2)))
        buf = io.BytesIO()
        np.savez_compressed(buf, meta=np.array(json.dumps(meta)), mean=self.mean, scale=self.scale,
                            w1=self.w1, b1=self.b1, w2=self.w2, b2=self.b2, **head)
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
        return _members((X.astype(np.float32) - self.mean) / self.scale, self.w1, self.b1, self.w2, self.b2)

    @property
    def types(self) -> bool:
        """Whether it carries the typing head."""
        return self.t_w1 is not None

    def typing_logits(self, X: np.ndarray) -> np.ndarray:
        """The typing head's raw output per row of the inputs (``inputs``): fluency given marked."""
        x = (X.astype(np.float32) - self.mean) / self.scale
        return _members(x, self.t_w1, self.t_b1, self.t_w2, self.t_b2)[:, 0]

    def typed(self, lang: str) -> bool:
        return self.types and lang in self.typing

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

    def read(self, X: np.ndarray, lang: str, groups: np.ndarray | None = None, rows: np.ndarray | None = None
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """``probabilities`` and, where it types ``lang`` (``typed``), the calibrated probability that a
        word's mark is of the fluency family (None otherwise); the inputs built once for both heads.  With
        ``rows``, for those rows only (their neighbours still read from all of ``X``)."""
        x = self.inputs(X, groups)
        if rows is not None:
            x = x[rows]
        z = self.logits(x)
        a, b = self.calibration[lang]
        fluency = None
        if self.typed(lang):
            ta, tb, _ = self.typing[lang]
            fluency = _sigmoid(ta * self.typing_logits(x) + tb)
        return _sigmoid(a * z[:, 0] + b), _sigmoid(z[:, 1]), fluency

    def fluent_from(self, lang: str) -> float | None:
        """The run-level fluency probability from which a flagged run is typed fluency (None: untyped)."""
        return self.typing[lang][2] if self.typed(lang) else None


_HEAD = ("t_w1", "t_b1", "t_w2", "t_b2")


def _members(x: np.ndarray, W1, B1, W2, B2) -> np.ndarray:
    """Stacked two-layer networks on standardised inputs ``x``, their raw outputs averaged."""
    out = np.zeros((len(x), W2.shape[-1]), dtype=np.float32)
    for w1, b1, w2, b2 in zip(W1, B1, W2, B2):
        h = x @ w1 + b1
        h = 0.5 * h * (1.0 + np.tanh(0.7978845608 * (h + 0.044715 * h ** 3)))  # GELU (tanh form, as trained)
        out += h @ w2 + b2
    return out / len(W1)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -40, 40)))


@lru_cache(maxsize=1)
def calibrated_languages() -> frozenset[str]:
    """The target languages some shipped detector is calibrated for (its file's metadata only): the
    languages ``lm-error-span`` supports."""
    out: set[str] = set()
    for path in sorted(WEIGHTS.glob("*.npz")):
        with np.load(path, allow_pickle=False) as z:
            out |= set(json.loads(str(z["meta"]))["calibration"])
    return frozenset(out)


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
    # The mean calibrated probability that a mark there is of the fluency family, and whether that
    # makes it a fluency flag (the typing head's dev-chosen cut); None where the detector does not
    # type the language.
    fluency: float | None = None
    fluent: bool | None = None


# Without the typing head, severity stands in for the kind: a run the network expects a rater to mark as
# major is reported as a likely mistranslation, a minor one as fluency (in MQM most major errors are
# mistranslations and most minor ones fluency or style).
MAJOR_FROM = 0.5


def kind_of(run: Flag) -> str:
    """"accuracy" or "fluency": the category a run is reported in.  From the typing head where the
    detector types the language (``Flag.fluent``), else from the expected severity."""
    if run.fluent is not None:
        return "fluency" if run.fluent else "accuracy"
    return "accuracy" if run.major >= MAJOR_FROM else "fluency"


# Two flagged phrases with only a comma between them are one finding when each is at least this many
# words long: a garbled clause goes on across its commas, but a lone flagged word beside a comma is
# its own problem, and joining it would only add the unmarked comma (on en-de dev, where a comma
# opens most subordinate clauses, joining every pair cost 0.007 character precision).
COMMA_PHRASE = 3


def flagged_runs(starts, ends, marked: np.ndarray, major: np.ndarray, threshold: float,
                 bridges: np.ndarray | None = None, max_gap: int = 1, commas: np.ndarray | None = None,
                 fluency: np.ndarray | None = None, fluent_from: float | None = None) -> list[Flag]:
    """Adjacent words at or above ``threshold`` joined into runs: words are adjacent when at most
    ``max_gap`` characters (a space) stand between them, so a run never crosses a paragraph break.
    One word between two flagged ones joins them when ``bridges`` allows it (a function word:
    "Keep channels [of] communication").  Two phrases of ``COMMA_PHRASE`` words or more with only a
    comma between them (``commas``, from ``features.commas``) join too ("TO EXPAND the dialogue to
    improve their relations, at their worst moment in years").  Raters mark phrases ("to the lowest
    since"), and one finding per phrase reads better than one per word.  With ``fluency`` (per word,
    the typing head's probability) and ``fluent_from``, each run is typed: fluency from that mean."""
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
    typed = fluency is not None and fluent_from is not None
    out = []
    for i, j in spans:
        fl = float(fluency[i:j + 1].mean()) if typed else None
        out.append(Flag(i, j, float(marked[i:j + 1].mean()), float(major[i:j + 1].mean()), fl,
                        None if fl is None else fl >= fluent_from))
    return out
