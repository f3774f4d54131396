"""Time against input size on purpose-built Markdown: linear code doubles its time when the input doubles.

    python benchmarks/pathological_markdown.py [--max-kb 800] [--budget 10] [--only NAME]

The same shape as benchmarks/pathological.py (to be merged into it): each case times one function
over inputs of growing size (25 KB, 50 KB, ... up to --max-kb) and prints the seconds and the ratio
to the previous size: about 2 per doubling is linear, about 4 is quadratic.  A case stops growing once
one size takes more than --budget seconds.

Markdown cases (issue #23, class 9): ``markdown_ignored``, the reader's whole scan of a .md file
(markdown-it's block parse, front matter, comments, code spans, autolinks, link targets, URLs, tags).
Figures are in the commit that made the reader linear.
"""
from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tqcheck.readers.markdown import markdown_ignored, plain_ignored  # noqa: E402


@dataclass
class Case:
    name: str
    build: Callable[[int], Any]  # size in characters -> the input (built outside the timing)
    run: Callable[[Any], Any]  # the timed call


def _repeat(unit: str, size: int) -> str:
    return unit * max(1, size // len(unit))


def _backtick_runs_of_every_length(size: int) -> str:
    """Runs of 1, 2, 3, ... backticks: no two alike, so no run closes another and each is an opener."""
    parts, n, length = [], 0, 1
    while n < size:
        parts.append("`" * length + "a")
        n += length + 1
        length += 1
    return "".join(parts)


def _targets_then_unclosed_title(size: int) -> str:
    half = size // 2
    return _repeat("](", half) + ' "' + "a" * half


CASES: list[Case] = [
    Case("markdown: '](' repeated", lambda n: _repeat("](", n), markdown_ignored),
    Case("markdown: '[' then '](' (half each)", lambda n: _repeat("[", n // 2) + _repeat("](", n // 2),
         markdown_ignored),
    Case("markdown: nested brackets '[[[...]]]'", lambda n: _repeat("[", n // 2) + _repeat("]", n // 2),
         markdown_ignored),
    Case("markdown: '[a](' repeated (links never closed)", lambda n: _repeat("[a](", n), markdown_ignored),
    Case("markdown: '](' then one unclosed title", _targets_then_unclosed_title, markdown_ignored),
    Case("markdown: '](a \"' repeated (titles never closed)", lambda n: _repeat('](a "', n), markdown_ignored),
    Case("markdown: unclosed comments '<!--'", lambda n: _repeat("<!--", n), markdown_ignored),
    Case("markdown: '<!--' on every line", lambda n: _repeat("<!-- a\n", n), markdown_ignored),
    Case("markdown: backtick runs of every length, none closed", _backtick_runs_of_every_length, markdown_ignored),
    Case("markdown: '`a``' repeated (many backticks)", lambda n: _repeat("`a``", n), markdown_ignored),
    Case("markdown: one long emphasis run '***...a___...'", lambda n: _repeat("*", n // 2) + "a" + _repeat("_", n // 2),
         markdown_ignored),
    Case("markdown: '*a_' repeated (emphasis never closed)", lambda n: _repeat("*a_", n), markdown_ignored),
    Case("markdown: HTML tags never closed '<a '", lambda n: _repeat("<a ", n), markdown_ignored),
    Case("markdown: autolink schemes never closed '<a:'", lambda n: _repeat("<a:", n), markdown_ignored),
    Case("markdown: 'www.' repeated", lambda n: _repeat("www.", n), markdown_ignored),
    Case("plain text: 'http://' then punctuation", lambda n: _repeat("http://.,", n), plain_ignored),
]


def run_case(case: Case, sizes: list[int], budget: float) -> None:
    print(case.name)
    last = None
    for size in sizes:
        arg = case.build(size)
        t0 = time.perf_counter()
        case.run(arg)
        took = time.perf_counter() - t0
        ratio = f"x{took / last:4.1f}" if last and last > 1e-4 else "     "
        print(f"  {size // 1000:6} KB  {took:8.3f} s  {ratio}", flush=True)
        last = took
        if took > budget:
            print(f"  (stopped: over the {budget:g} s budget)")
            break


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--max-kb", type=int, default=800)
    ap.add_argument("--budget", type=float, default=10.0, help="stop growing a case past this many seconds")
    ap.add_argument("--only", default="", help="run the cases whose name contains this")
    args = ap.parse_args()
    sizes, kb = [], 25
    while kb <= args.max_kb:
        sizes.append(kb * 1000)
        kb *= 2
    for case in CASES:
        if args.only in case.name:
            run_case(case, sizes, args.budget)


if __name__ == "__main__":
    main()
