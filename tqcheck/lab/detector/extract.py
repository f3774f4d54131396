"""Read MQM-annotated documents with the model and keep, per word, the detector's features and the raters' labels.

    python -m tqcheck.lab.detector.extract ../shared/train/2021-news-zh-en.jsonl work/news-zh-en.npz --fraction 0.4

Takes the training files (``../shared/train``) and the evaluation files (``../shared/eval``): both hold
documents as segments in order, each with its target and the target-side error spans.  Every document
is read the way ``tqcheck check`` reads one (``tqcheck.analysis.reading``, paragraphs in context), and
each word is labelled 1 when a rater's span overlaps it (and major when one of those spans is major).
"""
from __future__ import annotations

import argparse
import bisect
import json
import random
import sys
import time
from pathlib import Path

import numpy as np

from ...analysis import reading
from ...context import Context
from ...document import Document
from ..evaluation import join_segments
from ...detector.features import word_features

LAYOUTS = ("article", "sentences", "mixed")


def documents(path: str | Path, layout: str, fraction: float = 1.0, seed: int = 0,
              held_out_of: tuple[float, int] | None = None):
    """(Document, per segment its start in the document's text, the record) for the file's documents:
    a ``fraction`` of them chosen with ``seed``.  ``layout``: the data's own paragraphs (where it
    has them; the training files have none, so "article" writes three segments a paragraph),
    every segment a paragraph, or either at random per document ("mixed").  ``held_out_of``: (share,
    seed) of a "mixed" sample (the detector's training sample, ``build.TRAINING``) whose documents
    are left out, so what is read was never trained on."""
    rng = random.Random(seed)
    trained = random.Random(held_out_of[1]) if held_out_of else None
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            if trained is not None and trained.random() < held_out_of[0]:
                trained.choice(("article", "sentences"))  # the draw the training sample made for its layout
                continue
            if fraction < 1.0 and rng.random() >= fraction:
                continue
            mode = layout if layout != "mixed" else rng.choice(("article", "sentences"))
            segs = rec["segments"]
            new_para = [mode == "sentences" or (bool(s["starts_paragraph"]) if "starts_paragraph" in s else i % 3 == 0)
                        for i, s in enumerate(segs)]
            text, starts = join_segments([s["target"].replace("\n", " ") for s in segs], new_para)
            lang = rec.get("lang_pair", "zh-en").split("-")[1]
            yield Document.from_text(text, lang=lang, path=rec["id"]), starts, rec


# The evaluation set's category families (``../shared/eval/README.md``, "Category families"), so that a
# training label means what the dev gold's ``family`` means: fluency is Fluency/*, Style/*, Locale
# convention/Date and Currency format and Terminology/Inconsistent; everything else a rater can mark
# in the target (Accuracy/*, Terminology/Inappropriate, Non-translation, names) is not.
FLUENCY_PREFIXES = ("fluency/", "style/", "locale convention/date", "locale convention/currency",
                    "terminology/inconsistent")


def is_fluency(error: dict) -> bool | None:
    """Whether a rater's span is of the fluency family: from the evaluation set's own ``families`` where
    the record has them, else from its MQM ``category``; None when it carries neither (the news files)."""
    if "families" in error:
        return "fluency" in error["families"]
    category = error.get("category")
    if category is None:
        return None
    return category.lower().startswith(FLUENCY_PREFIXES)


def _raters_of(err: dict) -> list[str]:
    """The raters who marked a span: one in the training files, several in the evaluation set's."""
    if "annotations" in err:
        return [a["rater"] for a in err["annotations"]]
    return [err["rater"]] if err.get("rater") else []


def labels(words, starts: list[int], rec: dict) -> dict[str, np.ndarray]:
    """Per word: ``y`` marked (any rater's span overlaps it), ``major`` (one of those spans is major),
    ``fluency`` (one of them is of the fluency family; -1 where the spans carry no category),
    ``raters`` (how many raters rated its segment), ``by_rater`` (bit k: the segment's k-th rater
    marked it; one rater's view, for the flag volume an editor gets), ``seg`` and ``local`` (its
    segment and its start in that segment)."""
    n = len(words)
    out = {"y": np.zeros(n, dtype=np.uint8), "major": np.zeros(n, dtype=np.uint8),
           "fluency": np.zeros(n, dtype=np.int8), "raters": np.zeros(n, dtype=np.uint8),
           "by_rater": np.zeros(n, dtype=np.uint8), "seg": np.zeros(n, dtype=np.int32),
           "local": np.zeros(n, dtype=np.int32)}
    spans, seg_raters = [], []
    for i, (seg, base) in enumerate(zip(rec["segments"], starts)):
        raters = list(seg.get("raters") or [])
        seg_raters.append(len(raters))
        for err in seg.get("errors", []):
            if err["end"] > err["start"]:
                bits = sum(1 << raters.index(r) for r in _raters_of(err) if r in raters and raters.index(r) < 8)
                spans.append((base + err["start"], base + err["end"], err["severity"].lower() == "major",
                              is_fluency(err), bits))
    for j, w in enumerate(words):
        i = bisect.bisect_right(starts, w.start) - 1
        out["seg"][j], out["local"][j], out["raters"][j] = i, w.start - starts[i], min(seg_raters[i], 255)
        for s, e, big, fluent, bits in spans:
            if s < w.end and w.start < e:
                out["y"][j] = 1
                out["major"][j] |= big
                out["by_rater"][j] |= bits
                if fluent is None:
                    out["fluency"][j] = -1
                elif fluent and out["fluency"][j] >= 0:
                    out["fluency"][j] = 1
    return out


def extract(path: str, out: str, layout: str = "mixed", fraction: float = 1.0, seed: int = 0,
            batch: int = 8, limit: int | None = None, held_out_of: tuple[float, int] | None = None) -> None:
    ctx = Context()  # read in context, as ``tqcheck check`` reads
    rows: dict[str, list] = {k: [] for k in ("X", "y", "major", "fluency", "raters", "by_rater", "doc", "seg", "start",
                                             "end", "local")}
    ids: list[str] = []
    t0, n_words = time.time(), 0
    pending: list = []

    def flush():
        nonlocal n_words
        for doc, _, _ in pending:
            reading.prefetch(doc, ctx)  # one model pass for the batch
        for doc, starts, rec in pending:
            words, X = word_features(doc, reading.read(doc, ctx))
            k = len(ids)
            ids.append(rec["id"])
            rows["X"].append(X.astype(np.float16))
            for key, column in labels(words, starts, rec).items():
                rows[key].append(column)
            rows["doc"].append(np.full(len(words), k, dtype=np.int32))
            rows["start"].append(np.array([w.start for w in words], dtype=np.int32))
            rows["end"].append(np.array([w.end for w in words], dtype=np.int32))
            n_words += len(words)
        pending.clear()
        print(f"{len(ids)} documents, {n_words} words, {time.time() - t0:.0f} s", file=sys.stderr, flush=True)

    for item in documents(path, layout, fraction, seed, held_out_of):
        pending.append(item)
        if len(pending) >= batch:
            flush()
        if limit and len(ids) + len(pending) >= limit:
            break
    if pending:
        flush()
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    np.savez(out, ids=np.array(ids), **{k: np.concatenate(v) if v else np.zeros(0) for k, v in rows.items()})


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("path")
    ap.add_argument("out")
    ap.add_argument("--layout", choices=LAYOUTS, default="mixed")
    ap.add_argument("--fraction", type=float, default=1.0, help="share of the file's documents to read")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--limit", type=int, help="at most this many documents")
    ap.add_argument("--held-out-of", metavar="SHARE:SEED",
                    help="leave out the documents of this training sample (build.TRAINING), e.g. 0.30:1")
    args = ap.parse_args(argv)
    held = None
    if args.held_out_of:
        share, sample = args.held_out_of.split(":")
        held = (float(share), int(sample))
    extract(args.path, args.out, args.layout, args.fraction, args.seed, limit=args.limit, held_out_of=held)


if __name__ == "__main__":
    main()
