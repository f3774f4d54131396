"""How many words the detector flags against how many one rater marks: the flag volume an editor gets.

    python -m tqcheck.lab.detector.volume tqcheck/data/detector/gemma-3-270m.npz --lang en \
        work/detector/heldout-news-zh-en.npz work/detector/dev-en-article.npz

The detector's confidence is calibrated on the evaluation set's gold, the union of three raters; an
editor is one reader.  Per feature file (``extract``; a held-out part of ``../shared/train``, read with
``--held-out-of``, or the evaluation set) and per threshold, this prints the words flagged (in runs,
as the rule forms them) over the words marked

- by the one rater of each segment (training files: segments with a single rater),
- by each single rater (the evaluation set: the k-th of each segment's three raters, k = 1, 2, 3),
- by any of the segment's raters,

and the share of flagged words that one rater (or any) marked.  A word counts as flagged when a run
covers it, so a function word that joins two flagged ones counts too.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from ...detector import Detector, _sigmoid, flagged_runs
from ...detector.features import bridges

THRESHOLDS = (0.3, 0.4, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8)


def flagged_words(z: dict, marked: np.ndarray, threshold: float) -> np.ndarray:
    """Per word: whether a run (``flagged_runs``, per document, joined over function words) covers it."""
    out = np.zeros(len(marked), dtype=bool)
    doc, start, end = z["doc"], z["start"], z["end"]
    joins = bridges(z["X"])
    cut = np.flatnonzero(np.diff(doc)) + 1
    for lo, hi in zip(np.r_[0, cut], np.r_[cut, len(doc)]):
        for run in flagged_runs(start[lo:hi], end[lo:hi], marked[lo:hi], marked[lo:hi], threshold, joins[lo:hi]):
            out[lo + run.first:lo + run.last + 1] = True
    return out


def views(z: dict) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The raters' views of a feature file: name -> (the words it covers, the words it marks)."""
    y, raters, by_rater = z["y"] > 0, z["raters"], z["by_rater"]
    if raters.max() <= 1:
        one = raters == 1
        return {"one rater": (one, y & one)}
    out = {f"rater {k + 1} of {int(raters.max())}": (raters > k, (by_rater >> k) & 1 > 0)
           for k in range(int(raters.max()))}
    out["any rater"] = (raters > 0, y)
    return out


def volume(det: Detector, z: dict, lang: str, thresholds=THRESHOLDS) -> list[dict]:
    """Per threshold and view: words flagged / words marked, and the share of flagged words marked."""
    raw = det.logits(det.inputs(z["X"], z["doc"]))[:, 0]
    a, b = det.calibration[lang]
    marked = _sigmoid(a * raw + b)
    rows = []
    for t in thresholds:
        flagged = flagged_words(z, marked, t)
        for name, (covered, marks) in views(z).items():
            f, m = int((flagged & covered).sum()), int(marks.sum())
            rows.append({"threshold": t, "view": name, "words": int(covered.sum()), "marked": m, "flagged": f,
                         "ratio": round(f / max(m, 1), 3), "precision": round(int((flagged & marks).sum()) / max(f, 1), 3),
                         "recall": round(int((flagged & marks).sum()) / max(m, 1), 3)})
    return rows


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("weights")
    ap.add_argument("features", nargs="+")
    ap.add_argument("--lang", required=True, help="the target language of the features (its calibration)")
    ap.add_argument("--threshold", type=float, action="append", help="thresholds to measure (repeatable)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    det = Detector.load(Path(args.weights))
    for path in args.features:
        z = dict(np.load(path))
        rows = volume(det, z, args.lang, tuple(args.threshold or THRESHOLDS))
        if args.json:
            print(json.dumps({"file": path, "rows": rows}))
            continue
        print(f"{path}: {len(z['y'])} words, {len(z['ids'])} documents (default threshold {det.threshold(args.lang)})")
        for r in rows:
            print(f"  t={r['threshold']:.2f} {r['view']:<14} marked {r['marked']:6d} ({r['marked'] / max(r['words'], 1):.3f})"
                  f"  flagged {r['flagged']:6d}  flagged/marked {r['ratio']:.2f}  P {r['precision']:.3f}  R {r['recall']:.3f}")


if __name__ == "__main__":
    main()
