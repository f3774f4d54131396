"""The trained detector's reading of a document: per word, the calibrated probability that a rater marks it.

Built once per document from the model's reading (``reading.LMReading``: hidden states, surprisal) by
the shipped detector (``tqcheck.detector``); the rules that report it read this, not the network.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import RuleSkipped
from ..analysis import reading
from ..analysis.declared import Needs, analysis
from ..analysis.reading_cache import derived_per_word, stale_parts


@analysis(needs=[Needs.MODEL], reads=[reading.LMReading])
@dataclass
class Detection:
    words: list  # ``reading.Word``s, in document order
    marked: np.ndarray  # per word: calibrated probability that a rater marks it
    major: np.ndarray  # per word: probability that such a mark is major
    bridges: np.ndarray  # per word: whether it may join two flagged words into one run (a function word)
    commas: np.ndarray  # per word: whether a comma alone separates it from the next (a run may go on across it)
    threshold: float  # the detector's default: the lowest confidence reported (chosen on dev)
    detector: str  # its version, for reports
    # Per word: the calibrated probability that a mark there is of the fluency family, and the run-level
    # cut from which a run is typed fluency (``flagged_runs``); None where the detector does not type the
    # document's language.
    fluency: np.ndarray | None = None
    fluent_from: float | None = None

    @property
    def starts(self) -> list[int]:
        return [w.start for w in self.words]

    @property
    def ends(self) -> list[int]:
        return [w.end for w in self.words]


def detection(doc, ctx) -> Detection | None:
    """The detector's reading of ``doc``; None without a model.  Raises RuleSkipped (the rule is skipped
    on this file with that notice) when no detector serves the run's model or the document's language."""
    return doc.analysis(Detection, lambda: _detect(doc, ctx))


def _detect(doc, ctx) -> Detection | None:
    from . import detector_for
    from .features import SCALARS, bridges, commas, word_features
    from ..lm.cards import get_card

    model_id = get_card(ctx.model).id
    det = detector_for(model_id)
    if det is None:
        raise RuleSkipped(f"no trained detector for the model {model_id} (one ships for gemma-3-270m)")
    # Calibration is the evidence that the detector serves a language: Russian was never trained on, but
    # its word ranking carries over (models/detector.md) and it is calibrated on WMT22 en-ru.
    if not det.calibrated(doc.lang):
        raise RuleSkipped(f"the detector is calibrated for {', '.join(sorted(det.calibration))} targets, "
                          f"not {doc.lang!r}")
    read = reading.read(doc, ctx)
    if read is None:
        return None
    words, X = word_features(doc, read)
    if len(words) and X.shape[1] != len(det.scalars) + det.state_width:
        raise RuleSkipped(f"the model's reading has {X.shape[1] - len(det.scalars)} hidden-state columns; "
                          f"the detector expects {det.state_width}")
    if not len(words):
        outputs = {name: np.zeros(0) for name in ("marked", "major")}
        if det.typed(doc.lang):
            outputs["fluency"] = np.zeros(0)
    else:
        # Per word, the detector's outputs; for the windows the reading took from its cache, those kept
        # with it (``reading_cache.derived_per_word``), so a re-check runs the network only on the
        # re-read windows and the words within its reach of their edges.
        key = ("detector", det.version, det.digest, doc.lang)
        stale = stale_parts(read.parts, key, X[:, :len(SCALARS)], det.neighbours)
        if stale:  # nothing kept for this detector (its file changed): their hidden states are read again
            reading.restore_states(doc, ctx, read, stale)
            words, X = word_features(doc, read)
        outputs = derived_per_word(read.parts, key, X[:, :len(SCALARS)], det.neighbours,
                                   lambda rows: per_word(det, X, doc.lang, rows))
    return Detection(words, bridges=bridges(X), commas=commas(doc.text, [w.start for w in words], [w.end for w in words]),
                     threshold=det.threshold(doc.lang), detector=det.version, fluent_from=det.fluent_from(doc.lang),
                     **outputs)


def per_word(det, X: np.ndarray, lang: str, rows: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """The detector's outputs for the ``rows`` of ``X`` (all without), by ``Detection`` field: each a
    value per word, which the reading cache keeps per window (the typing head's too, where it types
    ``lang``)."""
    marked, major, fluency = det.read(X, lang, rows=rows)
    out = {"marked": marked, "major": major}
    if fluency is not None:
        out["fluency"] = fluency
    return out
