"""Alignment quality and speed on the MQM dev documents (../shared/eval).

The dev documents pair source and target segment by segment, which gives gold
sentence links: a target sentence is linked to every source sentence of its
segment.  We align the documents' sentences without that information, after
perturbing them (drop segments on either side, merge adjacent target
segments, swap two adjacent target segments), and report link precision /
recall / F1 and seconds per 1,000 sentence pairs.

    python benchmarks/align.py [--eval ../shared/eval/dev.docs.jsonl] [--limit N] [--offset N] [--embed]

Measured (2026-11-28, 2 shared CPU cores, link F1; 10 % of segments dropped):

                     length+anchors        +e5 (weight tuned on docs 0-19)
    documents        all 130   20-129      20-129 (held out from tuning)
    none             0.951     0.950       0.975
    drop-target      0.893     0.895       0.953
    drop-source      0.892     0.900       0.953
    merge-target     0.946     0.946       0.973
    swap-target      0.850     0.852       0.879   (a monotonic aligner cannot undo a swap)

All 130 documents joined into one (1,458 x 1,300 sentences): F1 0.957 in 32 s (the band
widens when the path runs along its edge).

Speed: length+anchors 1-3 s per 1,000 sentence pairs in document-sized pieces; with e5 the DP costs 3-25 s per
1,000 pairs once sentences are encoded, and encoding ran at 8-12 segments/s on the
contended machine (56 sentences/s measured earlier, uncontended).
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tqcheck.align import align_sentences  # noqa: E402
from tqcheck.document import Document  # noqa: E402
from tqcheck.lab.evaluation import load_eval  # noqa: E402


def sentences_of(units: list[list[tuple[int, str]]], lang: str) -> tuple[list[str], list[int]]:
    """Sentences of each unit (segmented as tqcheck does) and the gold segment each comes from.

    A unit is a list of (segment id, text) pieces: several when segments were merged.
    """
    sents, owner = [], []
    for pieces in units:
        text = " ".join(t for _, t in pieces)
        bounds, pos = [], 0
        for seg_id, t in pieces:
            bounds.append((pos, seg_id))
            pos += len(t) + 1
        doc = Document.from_text(text, lang=lang)
        for s, e in doc.sentences:
            sents.append(text[s:e])
            owner.append([sid for b, sid in bounds if b <= s][-1])
    return sents, owner


def perturb(pairs: list[tuple[str, str]], mode: str, rng: random.Random):
    """Segment pairs -> source units and target units, each a list of (segment id, text)."""
    src = [[(i, s)] for i, (s, _) in enumerate(pairs)]
    tgt = [[(i, t)] for i, (_, t) in enumerate(pairs)]
    n = len(pairs)
    if mode == "drop-target" and n > 2:
        for k in sorted(rng.sample(range(n), max(1, n // 10)), reverse=True):
            del tgt[k]
    elif mode == "drop-source" and n > 2:
        for k in sorted(rng.sample(range(n), max(1, n // 10)), reverse=True):
            del src[k]
    elif mode == "merge-target" and n > 2:
        k = rng.randrange(n - 1)
        tgt[k:k + 2] = [tgt[k] + tgt[k + 1]]
    elif mode == "swap-target" and n > 2:
        k = rng.randrange(n - 1)
        tgt[k], tgt[k + 1] = tgt[k + 1], tgt[k]
    return src, tgt


def evaluate(docs, mode: str, embed=None, seed: int = 0) -> dict:
    rng = random.Random(seed)
    tp = fp = fn = 0
    n_pairs = 0
    elapsed = 0.0
    for d in docs:
        segs = d.record["segments"]
        src_l, tgt_l = d.record.get("lang_pair", "zh-en").split("-")
        pairs = [(s["source"].replace("\n", " "), s["target"].replace("\n", " ")) for s in segs]
        src, tgt = perturb(pairs, mode, rng)
        s_sents, s_seg = sentences_of(src, src_l)
        t_sents, t_seg = sentences_of(tgt, tgt_l)
        gold = {(i, j) for i in range(len(s_sents)) for j in range(len(t_sents)) if s_seg[i] == t_seg[j]}
        t0 = time.perf_counter()
        beads = align_sentences(s_sents, t_sents, src_l, tgt_l, embed)
        elapsed += time.perf_counter() - t0
        n_pairs += max(len(s_sents), len(t_sents))
        pred = {(i, j) for b in beads for i in b.src for j in b.tgt}
        tp += len(gold & pred)
        fp += len(pred - gold)
        fn += len(gold - pred)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"mode": mode, "P": p, "R": r, "F1": f, "sec_per_1000": 1000 * elapsed / max(n_pairs, 1),
            "pairs": n_pairs}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    root = Path(__file__).resolve().parent.parent
    default = next((p / "shared/eval/dev.docs.jsonl" for p in (root.parent, root.parent.parent)
                    if (p / "shared/eval/dev.docs.jsonl").exists()), root.parent / "shared/eval/dev.docs.jsonl")
    ap.add_argument("--eval", default=str(default))
    ap.add_argument("--limit", type=int)
    ap.add_argument("--offset", type=int, default=0, help="skip this many documents (e.g. those tuned on)")
    ap.add_argument("--embed", action="store_true", help="add the multilingual-e5-small embedding cost")
    args = ap.parse_args()
    docs = load_eval(args.eval, args.limit + args.offset if args.limit else None)[args.offset:]
    embed = None
    if args.embed:
        from tqcheck.align.encoder import load_encoder

        encoder = load_encoder()
        memo: dict[str, object] = {}

        def embed(texts):  # the perturbations reuse sentences: embed each once
            todo = [t for t in dict.fromkeys(texts) if t not in memo]
            if todo:
                memo.update(zip(todo, encoder.embed(todo)))
            return [memo[t] for t in texts]
    if embed:
        t0 = time.perf_counter()
        sample = [s for d in docs[:5] for seg in d.record["segments"] for s in (seg["source"], seg["target"])]
        encoder.embed(sample)
        print(f"encoder: {len(sample) / (time.perf_counter() - t0):.0f} segments/s; speed figures below "
              "exclude encoding after the first sight of a sentence (memoised)")
    print(f"{len(docs)} documents from {args.eval}; aligner: length+anchors{'+e5' if embed else ''}")
    for mode in ("none", "drop-target", "drop-source", "merge-target", "swap-target"):
        r = evaluate(docs, mode, embed)
        print(f"{r['mode']:<13} link P {r['P']:.3f} R {r['R']:.3f} F1 {r['F1']:.3f}   "
              f"{r['sec_per_1000']:.2f} s per 1,000 sentence pairs ({r['pairs']} pairs)")
    if not embed:
        # All documents as one long document: sentence counts drift far from the diagonal.
        class Joined:
            record = {"segments": [s for d in docs for s in d.record["segments"]],
                      "lang_pair": docs[0].record.get("lang_pair", "zh-en")}

        r = evaluate([Joined()], "none")
        print(f"{'one long doc':<13} link P {r['P']:.3f} R {r['R']:.3f} F1 {r['F1']:.3f}   "
              f"{r['sec_per_1000']:.2f} s per 1,000 sentence pairs ({r['pairs']} pairs)")


if __name__ == "__main__":
    main()
