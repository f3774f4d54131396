"""Render time of every output format on a long file: each must stay linear in lines and findings.

    python benchmarks/renderers.py [--lines 200000] [--every 1] [--timeout 600] [--formats text,json,...]

The file is ``--lines`` short lines (LF endings), every ``--every``-th of them with one
space-before-punctuation finding that has a suggestion, so the HTML report's fix diff has one
edit per finding.  The check runs once, model-free, with that one rule; each format is then
rendered and timed (a format still running after ``--timeout`` seconds is reported as such).
Also prints the seconds per 10,000 findings, which stays flat when a renderer is linear: run
with --lines 20000 and --lines 200000 to compare.

Measured on 200,000 lines / 200,000 findings (2 CPU cores shared with other jobs, so +-30 %):
text 1.0 s, json 14.2 s, sarif 34.0 s, github 0.9 s, html 119.1 s (286 MB page).  Before
issue #17 the HTML report did not finish 5,000 lines in 240 s (the fix diff matched the whole
text with difflib, and choosing fixes compared every pair of findings); json 16.3 s, sarif 80.1 s.
"""
from __future__ import annotations

import argparse
import signal
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tqcheck.document import Document  # noqa: E402
from tqcheck.context import Context  # noqa: E402
from tqcheck.engine import Engine  # noqa: E402
from tqcheck.render import FORMATS, render  # noqa: E402


class _TimedOut(Exception):
    pass


def _alarm(signum, frame):
    raise _TimedOut


def make_text(lines: int, every: int) -> str:
    out = []
    for i in range(lines):
        if i % every == 0:
            out.append(f"Line {i}: the minister met his counterpart , Qin Gang, in Beijing.")
        else:
            out.append(f"Line {i}: the talks went on for two days in the capital.")
    return "\n".join(out) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lines", type=int, default=200_000)
    ap.add_argument("--every", type=int, default=1, help="one finding every N lines")
    ap.add_argument("--timeout", type=int, default=600, help="seconds allowed per format")
    ap.add_argument("--formats", default=",".join(f.name for f in FORMATS))
    args = ap.parse_args()

    text = make_text(args.lines, args.every)
    t0 = time.perf_counter()
    doc = Document.from_text(text, lang="en", path="long.txt")
    report = Engine(Context(use_model=False), only=["space-before-punctuation"]).run([doc])
    n = len(report.findings)
    print(f"{args.lines:,} lines, {len(text):,} characters, {n:,} findings; "
          f"check {time.perf_counter() - t0:.1f} s")
    signal.signal(signal.SIGALRM, _alarm)
    for fmt in args.formats.split(","):
        signal.alarm(args.timeout)
        t0 = time.perf_counter()
        try:
            out = render(report, fmt, color=False)
        except _TimedOut:
            print(f"{fmt:<7} still running after {args.timeout} s")
            continue
        finally:
            signal.alarm(0)
        took = time.perf_counter() - t0
        per = took / max(n, 1) * 10_000
        print(f"{fmt:<7} {took:7.1f} s  {len(out) / 1e6:8.1f} MB  {per:6.2f} s per 10,000 findings")


if __name__ == "__main__":
    main()
