"""Throughput of the rule-only path (no model): words/s and peak RSS.

    python benchmarks/rules_throughput.py [--mb 1] [--big-mb 10]

Builds a ~1 MB corpus of 100 files from the seed article and the eval
targets (when ../shared/eval is present), checks it with `--no-model`
in-process, then checks one ~10 MB file, each in a fresh subprocess so peak
RSS is per run.
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT.parent / "shared" / "eval" / "dev.docs.jsonl"


def corpus_text() -> str:
    parts = [(ROOT / "seeds" / "blinken-beijing.en.txt").read_text("utf-8")]
    if EVAL.exists():
        for line in EVAL.open(encoding="utf-8"):
            rec = json.loads(line)
            parts.append("\n\n".join(s["target"] for s in rec["segments"]))
    return "\n\n".join(parts)


def child(paths: list[str]) -> None:
    from tqcheck.pipeline import CheckRequest, run_check

    t0 = time.perf_counter()
    report = run_check(CheckRequest(paths=paths, use_model=False))
    docs = [r.document for r in report.files]
    elapsed = time.perf_counter() - t0
    words = sum(len(d.raw.split()) for d in docs)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"files": len(docs), "mb": sum(len(d.raw.encode()) for d in docs) / 1e6, "words": words,
                      "seconds": round(elapsed, 2), "words_per_s": round(words / elapsed),
                      "findings": len(report.findings), "peak_rss_mb": round(rss)}))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=float, default=1.0)
    ap.add_argument("--big-mb", type=float, default=10.0)
    ap.add_argument("--child", nargs="*")
    args = ap.parse_args()
    if args.child is not None:
        child(args.child)
        return
    text = corpus_text()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        per_file = int(args.mb * 1e6 / 100)
        for i in range(100):
            start = (i * per_file) % max(1, len(text) - per_file)
            (corpus / f"doc{i:03}.txt").write_text(text[start:start + per_file], "utf-8")
        big = Path(tmp) / "big.txt"
        reps = int(args.big_mb * 1e6 / len(text.encode())) + 1
        big.write_text("\n\n".join([text] * reps), "utf-8")
        for label, target in (("corpus (100 files)", corpus), ("one big file", big)):
            out = subprocess.run([sys.executable, __file__, "--child", str(target)], capture_output=True,
                                 text=True, check=True).stdout
            print(f"{label:20} {out.strip()}")


if __name__ == "__main__":
    main()
