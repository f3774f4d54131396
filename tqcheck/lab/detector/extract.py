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


def documents(path: str | Path, layout: str, fraction: float = 1.0, seed: int = 0):
    """(Document, per segment its start in the document's text, the record) for the file's documents:
    a ``fraction`` of them chosen with ``seed``.  ``layout``: the data's own paragraphs (where it
    has them; the training files have none, so "article" writes three segments a paragraph),
    every segment a paragraph, or either at random per document ("mixed")."""
    rng = random.Random(seed)
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            if fraction < 1.0 and rng.random() >= fraction:
                continue
            mode = layout if layout != "mixed" else rng.choice(("article", "sentences"))
            segs = rec["segments"]
            new_para = [mode == "sentences" or (bool(s["starts_paragraph"]) if "starts_paragraph" in s else i % 3 == 0)
                        for i, s in enumerate(segs)]
            text, starts = join_segments([s["target"].replace("\n", " ") for s in segs], new_para)
            lang = rec.get("lang_pair", "zh-en").split("-")[1]
            yield Document.from_text(text, lang=lang, path=rec["id"]), starts, rec


def labels(words, starts: list[int], rec: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per word: marked (any rater's span overlaps it), major, its segment and its start in that segment."""
    marked = np.zeros(len(words), dtype=np.uint8)
    major = np.zeros(len(words), dtype=np.uint8)
    seg_of = np.zeros(len(words), dtype=np.int32)
    local = np.zeros(len(words), dtype=np.int32)
    spans = []
    for i, (seg, base) in enumerate(zip(rec["segments"], starts)):
        for err in seg.get("errors", []):
            if err["end"] > err["start"]:
                spans.append((base + err["start"], base + err["end"], err["severity"].lower() == "major"))
    for j, w in enumerate(words):
        i = bisect.bisect_right(starts, w.start) - 1
        seg_of[j], local[j] = i, w.start - starts[i]
        for s, e, big in spans:
            if s < w.end and w.start < e:
                marked[j] = 1
                major[j] |= big
    return marked, major, seg_of, local


def extract(path: str, out: str, layout: str = "mixed", fraction: float = 1.0, seed: int = 0,
            batch: int = 8, limit: int | None = None) -> None:
    ctx = Context()  # read in context, as ``tqcheck check`` reads
    rows: dict[str, list] = {k: [] for k in ("X", "y", "major", "doc", "seg", "start", "end", "local")}
    ids: list[str] = []
    t0, n_words = time.time(), 0
    pending: list = []

    def flush():
        nonlocal n_words
        for doc, _, _ in pending:
            reading.prefetch(doc, ctx)  # one model pass for the batch
        for doc, starts, rec in pending:
            words, X = word_features(doc, reading.read(doc, ctx))
            y, major, seg, local = labels(words, starts, rec)
            k = len(ids)
            ids.append(rec["id"])
            rows["X"].append(X.astype(np.float16))
            rows["y"].append(y)
            rows["major"].append(major)
            rows["doc"].append(np.full(len(words), k, dtype=np.int32))
            rows["seg"].append(seg)
            rows["local"].append(local)
            rows["start"].append(np.array([w.start for w in words], dtype=np.int32))
            rows["end"].append(np.array([w.end for w in words], dtype=np.int32))
            n_words += len(words)
        pending.clear()
        print(f"{len(ids)} documents, {n_words} words, {time.time() - t0:.0f} s", file=sys.stderr, flush=True)

    for item in documents(path, layout, fraction, seed):
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
    args = ap.parse_args(argv)
    extract(args.path, args.out, args.layout, args.fraction, args.seed, limit=args.limit)


if __name__ == "__main__":
    main()
