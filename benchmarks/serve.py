"""The review desk's speed with the model and the detector on: the first check of an article, and the
re-check after a one-word edit, on an 863-word and a 3,028-word article.

    python benchmarks/serve.py [--words 700 3000] [--edits 3] [--cli]

Goals (issue #28, on the 2-core development machine when it is quiet): the full re-check after a
one-word edit <= 1.5 s on the 863-word article, <= 3 s on the 3,028-word one.

The article is the seed followed by real MT output (the ../shared/eval dev documents' targets, one
translation of each source document, or the Spanish test article when the eval data is absent), whole
paragraphs up to --words words (700 gives the 863-word article of the earlier figures).  Each article
gets its own desk (the model is loaded once), which starts with an empty reading cache; the score
cache is one temporary file.  The edits change one word in a different paragraph of the seed each time;
the last one lies in the context of the next window, which is then read too.  Everything goes through
the HTTP API (Starlette's test client), as the page calls it.  With --cli, `tqcheck check` is timed on
each article too (a new process, its own empty score cache).

The page re-checks in two steps, and both are timed: the quick answer (the last check's findings
for the unchanged paragraphs, the model-free checks for the edited one; tqcheck.serve.quick), then
the full check, in which the model reads the windows whose text or context changed and every other
window comes from the reading cache (tqcheck.analysis.reading_cache); "windows read N, M from the
cache" says which.

Measured 2026-12-07 on a quiet 2-core development machine (load average 0.7-1.8; CPU, Gemma 3 270M,
detector on), before the reading cache (the commit before its merge, with this script) -> after:
- 863 words: full re-check after a one-word edit 3.79 s median, 3.83 s max (7.0-7.5 s CPU) -> 1.10 s
  median, 1.87 s max (2.1-3.6 s CPU; the max is the edit in the next window's context: two windows);
  first check 6.03 -> 6.62 s; quick re-check 0.14-0.15 s;
- 3,028 words: 14.83 s median, 16.52 s max (28-32 s CPU) -> 1.72 s median, 2.68 s max (2.9-4.7 s
  CPU); first check 21.08 -> 21.99 s (251 findings both); quick re-check 0.47-0.80 s.
Earlier the same day, on the machine crowded by other engineers' model runs, before -> after, process
CPU in brackets:
- 863 words (4 windows), load 9-10: full re-check after a one-word edit 25.7 s median, 30.5 s max
  (14-20 s CPU: the whole article read again) -> 6.6 s median, 11.1 s max (3.9-7.2 s CPU: one window
  read, two for the edit in the next window's context); at load 5 a later run gave 11.5 s median;
- 3,028 words (15 windows), load 10-11: 66.8 s median, 68.1 s max (44-45 s CPU) -> 11.6 s median,
  12.9 s max (4.7-8.4 s CPU); first check 113.2 s -> 93.0 s (251 findings both);
- the quick re-check: 0.15-0.7 s.
A re-check is now one window's model pass (about 2,300 characters with its context; 1.85 s of CPU on
one thread, measured alone) plus the model-free checks.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SEED = ROOT / "seeds" / "blinken-beijing.en.txt"
EVAL = next((p for p in (ROOT.parent / "shared" / "eval" / "dev.docs.jsonl",
                         ROOT.parent.parent / "shared" / "eval" / "dev.docs.jsonl") if p.exists()), None)
# One word in a different paragraph each time (seed paragraphs), and what replaces it.
EDITS = [("abruptly", "suddenly"), ("cordial", "friendly"), ("especially", "particularly"), ("further", "more")]


def _eval_paragraphs() -> list[str]:
    """Real MT output, paragraph by paragraph: each ../shared/eval dev document's targets once (the
    first system's translation of each source document), or the Spanish test article without it."""
    if EVAL is None:
        return (ROOT / "tests" / "data" / "es_news.en.txt").read_text("utf-8").split("\n\n")
    out: list[str] = []
    seen: set[str] = set()
    for line in EVAL.open(encoding="utf-8"):
        doc = json.loads(line)
        if doc["doc"] in seen or not doc["lang_pair"].endswith("-en"):
            continue
        seen.add(doc["doc"])
        para: list[str] = []
        for seg in doc["segments"]:
            if seg.get("starts_paragraph") and para:
                out.append(" ".join(para))
                para = []
            para.append(seg["target"])
        out.append(" ".join(para))
    return out


def article(words: int) -> str:
    """The seed, then real MT output, whole paragraphs until at least ``words`` words (700: the 863-word
    article of the earlier figures; 3000: about 3,000 words)."""
    text = SEED.read_text("utf-8").rstrip("\n")
    for p in _eval_paragraphs():
        if len(text.split()) >= words:
            break
        if p.strip():
            text += "\n\n" + p.strip()
    return text + "\n"


def bench(client, desk, words: int, edits: int, cli: bool, tmp: Path) -> dict:
    text = article(words)
    path = tmp / f"article-{words}.txt"
    path.write_text(text, "utf-8")
    n_words = len(text.split())
    print(f"article: {n_words} words, {len([p for p in text.split(chr(10) * 2) if p.strip()])} paragraphs")
    if cli:
        env = {**os.environ, "TQCHECK_SCORE_CACHE": str(tmp / f"cli-scores-{words}.sqlite3"), "PYTHONPATH": str(ROOT)}
        t = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "tqcheck", "check", str(path), "-f", "json"], env=env,
                              capture_output=True, text=True)
        took = time.perf_counter() - t
        print(f"  tqcheck check (new process, empty score cache): {took:.1f} s, "
              f"{len(json.loads(proc.stdout)['files'][0]['findings'])} findings")

    def review(body: str, quick: bool = False) -> tuple[float, dict]:
        t = time.perf_counter()
        r = client.post("/api/review", json={"text": body, "name": path.name, "quick": quick})
        r.raise_for_status()
        return time.perf_counter() - t, r.json()

    def calls(res: dict) -> str:
        read = res.get("reading")  # the windows the model read, and those taken from the reading cache
        windows = f"; windows read {read['read']}, {read['cached']} from the cache" if read else ""
        return f"{res['model_calls']['scored']} texts scored, {res['model_calls']['cached']} from the score cache{windows}"

    first, res = review(text)
    print(f"  first check: {first:.2f} s ({calls(res)}), {res['report']['summary']['findings']} findings")
    quick_times, full_times = [], []
    for old, new in EDITS[:edits]:
        assert old in text, old
        text = text.replace(old, new, 1)
        # What the page does after a pause in typing: the quick answer, then the full check.
        took, res = review(text, quick=True)
        quick_times.append(took)
        print(f"  '{old}' -> '{new}': quick re-check {took:.2f} s ({len(res['pending'])} paragraph pending)")
        c = time.process_time()
        took, res = review(text)
        full_times.append(took)
        print(f"      full re-check {took:.2f} s (process CPU {time.process_time() - c:.2f} s; {calls(res)}; "
              f"{res['report']['summary']['findings']} findings)")
    goal = 1.5 if n_words < 2000 else 3.0
    print(f"  one-word edit, {n_words} words: full re-check median {statistics.median(full_times):.2f} s, "
          f"max {max(full_times):.2f} s (goal <= {goal} s); quick re-check median "
          f"{statistics.median(quick_times):.2f} s")
    return {"words": n_words, "first": first, "full": full_times, "quick": quick_times}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--words", type=int, nargs="+", default=[700, 3000],
                    help="article sizes (700 gives the 863-word article)")
    ap.add_argument("--edits", type=int, default=3)
    ap.add_argument("--cli", action="store_true", help="also time `tqcheck check` on each article (a new process)")
    args = ap.parse_args()
    if len(args.words) > 1:
        # Each article in a process of its own: a desk of its own (an empty reading cache: the seed's
        # windows of one article do not serve the next one's re-checks), and no second desk on the
        # process's one model, whose score cache is bound to the first desk's thread.
        for words in args.words:
            subprocess.run([sys.executable, __file__, "--words", str(words), "--edits", str(args.edits)]
                           + (["--cli"] if args.cli else []), check=True)
        return
    tmp = Path(tempfile.mkdtemp(prefix="tqcheck-serve-bench-"))
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    os.environ["TQCHECK_SCORE_CACHE"] = str(tmp / "desk-scores.sqlite3")
    from starlette.testclient import TestClient

    from tqcheck.serve.app import create_app
    from tqcheck.serve.desk import Desk

    desk = Desk()
    timings = desk.run_sync(desk.start_now, lambda m: print("  desk:", m))
    client = TestClient(create_app(desk), base_url="http://127.0.0.1")
    print(f"desk start: model load {timings['model']:.1f} s, warm-up check {timings['warm']:.1f} s "
          "(the detector on: lm-error-span is a default rule)")
    bench(client, desk, args.words[0], args.edits, args.cli, tmp)
    print(f"load average over the last minute: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    desk.close()


if __name__ == "__main__":
    main()
