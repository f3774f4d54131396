"""Time against input size on purpose-built input: linear code doubles its time when the input doubles.

    python benchmarks/pathological.py [--max-kb 800] [--budget 10] [--only NAME]

Each case times one function over inputs of growing size (25 KB, 50 KB, ... up to --max-kb) and
prints the seconds and the ratio to the previous size: about 2 per doubling is linear, about 4 is
quadratic.  A case stops growing once one size takes more than --budget seconds (a quadratic case
would otherwise run for minutes).  Add a case by appending a ``Case`` to ``CASES``: a name, a builder
from a size in characters to the input, and the function to time on that input.

Suppression cases (issue #23, class 10), measured on the shared 2-core development machine (timings
vary with its load; the ratio per doubling is what to read), before (main at fe6ae21) -> after:
- suppress, next-line comment on every line, a finding per line: 11.3 s at 800 KB (x3.9 per
  doubling) -> 0.064 s (x2.0)
- suppress, disable/enable pairs: 7.0 s at 800 KB (x4.0) -> 0.062 s (x2.0)
- suppress, disable-file repeated: 18.1 s at 800 KB (x3.8) -> 0.063 s (x2.1)
- parse_inline, directive openings that no comment closes: 16.7 s at 200 KB (x3.4), the same with one
  '>' at the end 17.8 s at 200 KB (x3.8) -> 0.004 s and 0.018 s at 800 KB (x2.0)
- parse_inline, many next-line comments on one long line: 0.25 s at 800 KB (x2.5-3.2: each looked for
  the next LF) -> 0.064 s (x2.0); comment markers, whitespace after openers and a huge rule list were
  linear before and stay so.
End to end, ``tqcheck check --no-model`` on 800 KB of next-line comments with a finding under each
(three rules): 18.0 s -> 2.6 s, the same JSON report.

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

from tqcheck.findings import Category, Finding, Severity  # noqa: E402
from tqcheck.readers.markdown import markdown_ignored, plain_ignored  # noqa: E402
from tqcheck.suppress import parse_inline  # noqa: E402


@dataclass
class Case:
    name: str
    build: Callable[[int], Any]  # size in characters -> the input (built outside the timing)
    run: Callable[[Any], Any]  # the timed call


def _repeat(unit: str, size: int) -> str:
    return unit * max(1, size // len(unit))


# --- suppressions (tqcheck/suppress.py) ---------------------------------------------------------

def _finding(rule: str, start: int) -> Finding:
    return Finding(rule, start, start + 1, "m", Category.TYPOGRAPHY, Severity.WARNING)


def _findings_on_lines(text: str, rule: str, marker: str) -> list[Finding]:
    """One finding of ``rule`` at each occurrence of ``marker`` (what a rule would report there)."""
    out, i = [], text.find(marker)
    while i != -1:
        out.append(_finding(rule, i))
        i = text.find(marker, i + 1)
    return out


def _match_all(args: tuple[str, list[Finding]]) -> int:
    """What the engine does per file: parse the comments once, then ask about every finding."""
    text, findings = args
    sup = parse_inline(text)
    hits = sum(sup.suppressed(f) for f in findings)
    return hits + len(sup.unused())


def _next_line_every_line(size: int):
    text = _repeat("<!-- tqcheck-disable-next-line doubled-space -->\nA  line , here.\n", size)
    return text, _findings_on_lines(text, "space-before-punctuation", " ,")


def _disable_enable_pairs(size: int):
    text = _repeat("<!-- tqcheck-disable doubled-space -->\nA  line , here.\n<!-- tqcheck-enable doubled-space -->\n",
                   size)
    return text, _findings_on_lines(text, "space-before-punctuation", " ,")


def _disable_file_many(size: int):
    text = _repeat("<!-- tqcheck-disable-file doubled-space -->\nA  line , here.\n", size)
    return text, _findings_on_lines(text, "doubled-space", "  ")


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
    Case("suppress: next-line directive on every line, a finding per line", _next_line_every_line, _match_all),
    Case("suppress: disable/enable pairs, findings of another rule", _disable_enable_pairs, _match_all),
    Case("suppress: disable-file repeated, every finding silenced", _disable_file_many, _match_all),
    Case("parse_inline: unclosed directives (no '>' after them)",
         lambda n: _repeat("<!-- tqcheck-disable a ", n), parse_inline),
    Case("parse_inline: unclosed directives, then one '>' at the end",
         lambda n: _repeat("<!-- tqcheck-disable a ", n) + ">", parse_inline),
    Case("parse_inline: many directives on one long line",
         lambda n: _repeat("<!-- tqcheck-disable-next-line a, b --> x ", n) + "\nlast line", parse_inline),
    Case("parse_inline: comment markers without a directive", lambda n: _repeat("<!--", n), parse_inline),
    Case("parse_inline: a comment opener then whitespace, repeated",
         lambda n: _repeat("<!--" + " " * 60 + "tqcheck", n), parse_inline),
    Case("parse_inline: a directive with a huge rule list",
         lambda n: "<!-- tqcheck-disable " + _repeat("r, ", n) + " -->", parse_inline),
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
        print(f"  {size // 1000:6} KB  {took:8.3f} s  {ratio}")
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
