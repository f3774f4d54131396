"""Calibrate the detector on the evaluation set's gold and choose its default threshold.

    python -m tqcheck.lab.detector.calibrate tqcheck/data/detector/gemma-3-270m.npz \
        --eval ../shared/eval/dev.docs.jsonl work/dev-zhen-article.npz work/dev-zhen-sentences.npz

The network is trained on one rater per segment; the evaluation gold is the union of three, so its raw
probabilities are not what a user reads as confidence.  Platt scaling (two numbers) on the dev words of
every layout given makes them so; the default threshold (``--min-confidence``) is then the lowest at
which the character precision, scored by the evaluation set's own scorer, reaches the target in every
layout.  Nothing is learned from the evaluation set but these three numbers.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

from ..evaluation import KIND, scorer_path
from ...detector import Detector, _sigmoid, flagged_runs, kind_of
from ...detector.features import bridges, commas

def scorer(eval_path: str):
    """The evaluation set's own scorer, as a module (its ``score`` is called in-process, per threshold)."""
    spec = importlib.util.spec_from_file_location("score_eval", scorer_path(eval_path))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def segment_commas(z: dict, se, docs: list[dict]) -> np.ndarray:
    """``features.commas`` for one feature file's words, from the evaluation documents' segments."""
    by_id = {se.doc_key(d): d for d in docs}
    ids = [str(i) for i in z["ids"]]
    doc, seg, local = z["doc"], z["seg"], z["local"]
    ends = local + z["end"] - z["start"]
    out = np.zeros(len(doc), dtype=bool)
    cut = np.flatnonzero((np.diff(doc) != 0) | (np.diff(seg) != 0)) + 1
    for lo, hi in zip(np.r_[0, cut], np.r_[cut, len(doc)]):
        target = by_id[ids[int(doc[lo])]]["segments"][int(seg[lo])]["target"]
        out[lo:hi] = commas(target, local[lo:hi], ends[lo:hi])
    return out


def predictions(z: dict, marked: np.ndarray, major: np.ndarray, threshold: float, bridge: bool = True,
                others: dict[str, list[dict]] | None = None, commas: np.ndarray | None = None,
                fluency: np.ndarray | None = None, fluent_from: float | None = None) -> list[dict]:
    """The scorer's prediction lines from one feature file's words and their probabilities; with
    ``others`` (per document, the other rules' spans), those spans too, and a run that overlaps one of
    them is left out, as the engine leaves out a generic hint on a specific finding.  ``commas``
    (``segment_commas``) lets runs go on across commas, as the rule does; ``fluency`` and
    ``fluent_from`` type the runs as the rule does where the detector types the language."""
    others = others or {}
    out = []
    ids = [str(i) for i in z["ids"]]
    doc, seg, start, end, local = z["doc"], z["seg"], z["start"], z["end"], z["local"]
    joins = bridges(z["X"]) if bridge else None
    bounds = np.flatnonzero(np.diff(doc)) + 1
    for a, b in zip(np.r_[0, bounds], np.r_[bounds, len(doc)]):
        kept = others.get(ids[int(doc[a])], [])
        spans = list(kept)
        # A run stops at a segment's end: the scorer reads spans per segment.
        cut = np.flatnonzero(np.diff(seg[a:b])) + 1 + a
        for lo, hi in zip(np.r_[a, cut], np.r_[cut, b]):
            for run in flagged_runs(start[lo:hi], end[lo:hi], marked[lo:hi], major[lo:hi], threshold,
                                    None if joins is None else joins[lo:hi],
                                    commas=None if commas is None else commas[lo:hi],
                                    fluency=None if fluency is None else fluency[lo:hi], fluent_from=fluent_from):
                i, j = lo + run.first, lo + run.last
                span = {"seg": int(seg[i]), "start": int(local[i]), "end": int(local[i] + end[j] - start[i]),
                        "kind": KIND[kind_of(run)]}
                if not any(o["seg"] == span["seg"] and o["start"] < span["end"] and span["start"] < o["end"]
                           for o in kept):
                    spans.append(span)
        out.append({"id": ids[int(doc[a])], "spans": spans})
    return out


def _other_spans(path: str) -> dict[str, list[dict]]:
    out = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            out[rec["id"]] = [s for s in rec["spans"] if s.get("rule") != "lm-error-span"]
    return out


def fit_platt(z: np.ndarray, y: np.ndarray, iters: int = 200) -> tuple[float, float]:
    """(a, b) minimising the log loss of sigmoid(a z + b) against y (Newton's method)."""
    a, b = 1.0, 0.0
    for _ in range(iters):
        p = _sigmoid(a * z + b)
        g = np.array([np.sum((p - y) * z), np.sum(p - y)])
        w = p * (1 - p)
        h = np.array([[np.sum(w * z * z), np.sum(w * z)], [np.sum(w * z), np.sum(w)]]) + 1e-6 * np.eye(2)
        step = np.linalg.solve(h, g)
        a, b = a - step[0], b - step[1]
        if np.abs(step).max() < 1e-8:
            break
    return float(a), float(b)


def reliability(p: np.ndarray, y: np.ndarray, bins: int = 10) -> tuple[list[tuple], float]:
    """Per bin of predicted probability: (low, high, words, mean prediction, share marked); and the ECE."""
    rows, ece = [], 0.0
    edges = np.linspace(0, 1, bins + 1)
    for lo, hi in zip(edges[:-1], edges[1:]):
        inside = (p >= lo) & ((p < hi) | (hi == 1.0))
        if inside.any():
            rows.append((lo, hi, int(inside.sum()), float(p[inside].mean()), float(y[inside].mean())))
            ece += inside.sum() / len(p) * abs(p[inside].mean() - y[inside].mean())
    return rows, float(ece)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("weights")
    ap.add_argument("features", nargs="+", help="the evaluation set's features, one file per layout")
    ap.add_argument("--eval", required=True, help="the evaluation file the features were read from")
    ap.add_argument("--lang", required=True, help="the target language these features are in")
    ap.add_argument("--with", dest="others", action="append", default=[],
                    help="per features file, in order: a prediction file (tqcheck.lab.evaluation --out) of the other "
                         "default rules, scored beside the detector so the threshold is chosen for what a user "
                         "gets (its lm-error-span spans, if any, are ignored)")
    ap.add_argument("--target-precision", type=float, default=0.60)
    ap.add_argument("--dry-run", action="store_true", help="print, do not write the weights")
    args = ap.parse_args(argv)
    det = Detector.load(Path(args.weights))
    files = [dict(np.load(f)) for f in args.features]
    if args.others and len(args.others) != len(files):
        raise SystemExit("--with: one prediction file per features file")
    others = [_other_spans(p) for p in args.others] or [None] * len(files)
    raw = [det.logits(det.inputs(z["X"], z["doc"])) for z in files]
    zs = np.concatenate([r[:, 0] for r in raw])
    ys = np.concatenate([z["y"] for z in files]).astype(np.float64)
    a, b = fit_platt(zs, ys)
    p_all = _sigmoid(a * zs + b)
    rows, ece = reliability(p_all, ys)
    _, ece_raw = reliability(_sigmoid(zs), ys)
    print(f"Platt a={a:.3f} b={b:.3f}; ECE raw {ece_raw:.3f} -> calibrated {ece:.3f} ({len(ys)} words)")
    for lo, hi, n, mp, my in rows:
        print(f"  {lo:.1f}-{hi:.1f}: {n:6d} words, predicted {mp:.3f}, marked {my:.3f}")
    se = scorer(args.eval)
    docs = se.read_jsonl(args.eval)
    comma_files = [segment_commas(z, se, docs) for z in files]
    chosen = None
    for t in np.arange(0.05, 0.91, 0.025):
        row = []
        for z, r, other, cm in zip(files, raw, others, comma_files):
            preds = predictions(z, _sigmoid(a * r[:, 0] + b), _sigmoid(r[:, 1]), t, others=other, commas=cm)
            res = se.score(docs, preds)
            row.append((res["overall"]["char_precision"], res["overall"]["char_recall"],
                        res["fluency"]["char_precision"], res["fluency"]["char_recall"]))
        print(f"t={t:.3f} " + "  ".join(f"P {p:.3f} R {rr:.3f} (fl {fp:.3f}/{fr:.3f})" for p, rr, fp, fr in row))
        if chosen is None and min(p for p, *_ in row) >= args.target_precision:
            chosen = round(float(t), 3)
    if chosen is None:
        print(f"no threshold reaches precision {args.target_precision} in every layout: 0.9", file=sys.stderr)
        chosen = 0.9
    print(json.dumps({"lang": args.lang, "calibration": [a, b], "threshold": chosen, "ece": ece}))
    if not args.dry_run:
        replace(det, calibration={**det.calibration, args.lang: (a, b)},
                thresholds={**det.thresholds, args.lang: chosen}).save(Path(args.weights))


if __name__ == "__main__":
    main()
