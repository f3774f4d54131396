"""Calibrate the detector's typing head on the evaluation set's gold and choose where a run turns fluency.

    python -m tqcheck.lab.detector.calibrate_typing tqcheck/data/detector/gemma-3-270m.npz \
        work/detector/dev-en-article.npz work/detector/dev-en-sentences.npz --eval ../shared/eval/dev.docs.jsonl \
        --lang en --with work/detector/dev-en-article.others.jsonl --with work/detector/dev-en-sentences.others.jsonl

Platt scaling (two numbers) of the head's logit on the dev words a rater marked, against whether a
fluency-family span (the gold's ``families``) covers them; then the run-level cut: the lowest mean
probability at which the runs typed fluency, scored by the evaluation set's own scorer beside the
other default rules' spans (as ``calibrate`` scores the threshold), reach the target fluency character
precision at the minimum fluency recall in every layout.  A head whose Platt slope comes out negative
ranks dev backwards, and types nothing.  Where no cut does, the language stays untyped (severity stands in, as
before the head; ``build`` leaves a head that types no language out of the file).  The detector's
threshold and its two outputs are not changed.
"""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

from ...detector import Detector, _sigmoid
from .calibrate import (
    _other_spans,
    fit_platt,
    predictions,
    reliability,
    scorer,
    segment_commas,
)
from .train import _auc

CUTS = np.round(np.arange(0.30, 0.801, 0.025), 3)


def typing_scores(det: Detector, files: list[dict], others: list, comma_files: list, se, docs: list[dict],
                  lang: str, a: float, b: float, cuts=CUTS) -> list[tuple[float, list[tuple]]]:
    """Per cut: per layout (overall P, R, fluency-typed P, R) at the detector's threshold for ``lang``."""
    ca, cb = det.calibration[lang]
    rows = []
    cache = []
    for z in files:
        x = det.inputs(z["X"], z["doc"])
        raw = det.logits(x)
        cache.append((_sigmoid(ca * raw[:, 0] + cb), _sigmoid(raw[:, 1]), _sigmoid(a * det.typing_logits(x) + b)))
    for cut in cuts:
        row = []
        for z, (marked, major, fluency), other, cm in zip(files, cache, others, comma_files):
            res = se.score(docs, predictions(z, marked, major, det.threshold(lang), others=other, commas=cm,
                                             fluency=fluency, fluent_from=float(cut)))
            row.append((res["overall"]["char_precision"], res["overall"]["char_recall"],
                        res["fluency"]["char_precision"], res["fluency"]["char_recall"]))
        rows.append((float(cut), row))
    return rows


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("weights")
    ap.add_argument("features", nargs="+", help="the evaluation set's features, one file per layout")
    ap.add_argument("--eval", required=True)
    ap.add_argument("--lang", required=True)
    ap.add_argument("--with", dest="others", action="append", default=[],
                    help="per features file: the other default rules' predictions (as for calibrate)")
    ap.add_argument("--target-precision", type=float, default=0.50, help="fluency-typed character precision")
    ap.add_argument("--min-recall", type=float, default=0.20, help="... at no less than this fluency recall")
    ap.add_argument("--dry-run", action="store_true")
    args = ap.parse_args(argv)
    det = Detector.load(Path(args.weights))
    if not det.types:
        raise SystemExit(f"{args.weights}: no typing head (python -m tqcheck.lab.detector.typing_head)")
    files = [dict(np.load(f)) for f in args.features]
    others = [_other_spans(p) for p in args.others] or [None] * len(files)
    zs = np.concatenate([det.typing_logits(det.inputs(z["X"], z["doc"]))[z["y"] > 0] for z in files])
    ys = np.concatenate([z["fluency"][z["y"] > 0] for z in files]).astype(np.float64)
    a, b = fit_platt(zs, ys)
    rows, ece = reliability(_sigmoid(a * zs + b), ys)
    print(f"typing on {len(ys)} marked words ({ys.mean():.3f} fluency): AUC {_auc(zs, ys):.3f}, "
          f"Platt a={a:.3f} b={b:.3f}, ECE {ece:.3f}")
    for lo, hi, n, mp, my in rows:
        print(f"  {lo:.1f}-{hi:.1f}: {n:6d} words, predicted {mp:.3f}, fluency {my:.3f}")
    se = scorer(args.eval)
    docs = se.read_jsonl(args.eval)
    comma_files = [segment_commas(z, se, docs) for z in files]
    chosen = None
    for cut, row in typing_scores(det, files, others, comma_files, se, docs, args.lang, a, b):
        print(f"cut={cut:.3f} " + "  ".join(f"P {p:.3f} R {r:.3f} (fl {fp:.3f}/{fr:.3f})" for p, r, fp, fr in row))
        if (chosen is None and a > 0 and min(fp for _, _, fp, _ in row) >= args.target_precision
                and min(fr for *_, fr in row) >= args.min_recall):
            chosen = cut
    if chosen is None:
        # Then the head does not type this language: its runs keep the severity stand-in (``kind_of``).
        why = "the head ranks dev backwards (Platt slope < 0)" if a <= 0 else (
            f"no cut reaches fluency precision {args.target_precision} at recall {args.min_recall} in every layout")
        print(f"{why}: {args.lang} stays untyped", file=sys.stderr)
        out = replace(det, typing={k: v for k, v in det.typing.items() if k != args.lang})
    else:
        out = replace(det, typing={**det.typing, args.lang: (a, b, chosen)})
    print(json.dumps({"lang": args.lang, "typing": [a, b, chosen], "ece": ece}))
    if not args.dry_run:
        out.save(Path(args.weights))


if __name__ == "__main__":
    main()
