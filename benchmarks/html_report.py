"""Size and render time of the HTML review report for a ~5,000-word article.

    python benchmarks/html_report.py [--words 5000] [--runs 5]

The article is real MT output: ../shared/eval dev targets joined until the
word count is reached (the seed article repeated when the eval data is absent).
Findings: what the model-free rules find, plus the human MQM error spans of
those documents as findings (the density a complete checker would reach), and
a per-sentence surprisal strip (wordfreq unigram scores), so every section of
the page is rendered (--rules-only leaves the MQM spans out).  Prints the page
size (raw and gzip), the render time (cold: first render incl. template
compile; warm: median of --runs) and, when Chromium and Playwright are here,
the page's load time in headless Chromium.
"""
from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.pipeline_reports import place  # noqa: E402
from tqcheck.document import Document  # noqa: E402
from tqcheck.context import Context  # noqa: E402
from tqcheck.engine import Engine  # noqa: E402
from tqcheck.findings import Category, Finding, Severity  # noqa: E402

# shared/ sits beside the repository (one level further up from a worktree under wt/).
EVAL = next((p for p in (ROOT.parent / "shared" / "eval" / "dev.docs.jsonl",
                         ROOT.parent.parent / "shared" / "eval" / "dev.docs.jsonl") if p.exists()),
            ROOT.parent / "shared" / "eval" / "dev.docs.jsonl")
_CATEGORY = {"accuracy": Category.ACCURACY, "fluency": Category.FLUENCY, "style": Category.STYLE,
             "terminology": Category.TERMINOLOGY, "locale convention": Category.LOCALE}
_SEVERITY = {"major": Severity.ERROR, "minor": Severity.WARNING}


def article(words: int) -> tuple[str, list[tuple[int, int, str, str]]]:
    """Text of about ``words`` words and its MQM spans (start, end, category, severity)."""
    if not EVAL.exists():
        seed = (ROOT / "seeds" / "blinken-beijing.en.txt").read_text("utf-8")
        return "\n\n".join([seed] * max(1, round(words / len(seed.split())))), []
    text, spans = "", []
    for line in EVAL.open(encoding="utf-8"):
        for seg in json.loads(line)["segments"]:
            if text:
                text += "\n\n" if seg.get("starts_paragraph") else " "
            base = len(text)
            text += seg["target"]
            for e in seg.get("errors", []):
                spans.append((base + e["start"], base + e["end"], e["category"], e["severity"]))
        if len(text.split()) >= words:
            return text, spans
    return text, spans


def build_report(words: int, mqm: bool = True):
    text, spans = article(words)
    spans = spans if mqm else []
    doc = Document.from_text(text, lang="en", path="eval-dev-5000-words.txt")
    report = Engine(Context(use_model=False)).run([doc])
    result = report.files[0]
    rule_findings = len(result.findings)
    for start, end, cat, sev in spans:
        top = cat.split("/")[0].strip().lower()
        category = _CATEGORY.get(top, Category.FLUENCY)
        result.findings.append(place(doc, Finding("mqm-" + top.replace(" ", "-"), start, end, f"MQM: {cat}",
                                                  category, _SEVERITY.get(sev.lower(), Severity.INFO))))
    result.findings.sort(key=lambda f: (f.start, f.end, f.rule))
    report.meta["command"] = "benchmarks/html_report.py"
    return report, len(text.split()), rule_findings


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--words", type=int, default=5000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--out", type=Path, help="also write the page here")
    ap.add_argument("--rules-only", action="store_true", help="leave out the MQM spans")
    args = ap.parse_args()
    report, n_words, rule_findings = build_report(args.words, mqm=not args.rules_only)
    from tqcheck.render.html import render

    t0 = time.perf_counter()
    html = render(report)
    cold = time.perf_counter() - t0
    warm = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        render(report)
        warm.append(time.perf_counter() - t0)
    raw = html.encode("utf-8")
    print(f"article: {n_words} words, {len(report.files[0].document.raw)} chars, "
          f"{len(report.files[0].document.sentences)} sentences")
    print(f"findings: {len(report.findings)} ({rule_findings} from the rules, "
          f"{len(report.findings) - rule_findings} MQM spans)")
    print(f"page: {len(raw) / 1024:.0f} KiB ({len(gzip.compress(raw)) / 1024:.0f} KiB gzipped)")
    print(f"render: cold {cold * 1000:.0f} ms, warm median {statistics.median(warm) * 1000:.0f} ms "
          f"(min {min(warm) * 1000:.0f}, max {max(warm) * 1000:.0f}; {args.runs} runs)")
    if args.out:
        args.out.write_text(html, "utf-8")
    browser_timing(html, args.runs)


def browser_timing(html: str, runs: int) -> None:
    """Load time in headless Chromium (DOM ready and load event, from Navigation Timing), if it is here."""
    import shutil
    import tempfile

    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("browser: playwright not installed, skipped")
        return
    if not Path(chromium).exists():
        print("browser: no chromium, skipped")
        return
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        page_path = Path(tmp) / "report.html"
        page_path.write_text(html, "utf-8")
        browser = pw.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        ready, loaded = [], []
        for _ in range(runs):
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(page_path.as_uri())
            nav = page.evaluate("() => performance.getEntriesByType('navigation')[0].toJSON()")
            ready.append(nav["domContentLoadedEventEnd"])
            loaded.append(nav["loadEventEnd"])
            page.close()
        browser.close()
    print(f"browser: DOM ready median {statistics.median(ready):.0f} ms, load median "
          f"{statistics.median(loaded):.0f} ms ({runs} loads, headless Chromium)")


if __name__ == "__main__":
    main()
