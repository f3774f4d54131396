"""What the rewrites cost: the whole check of an article with every default rule and the model loaded,
with the flags' rewrites (the model's search and rescoring) and without them.

    python benchmarks/rewrite.py [--article PATH] [--repeats 2]

The shipped acceptor offers nothing (no bar helped on dev, models/rewriter.md), and then the rule
does not search at all; "with_rewrites" times the search with an acceptor that offers every
candidate, which is what a check costs once an acceptor offers any.

Goal (issue #25): the whole check, rewrites included, <= 5 s per 700 words on the project's 2-core
machine; peak RSS <= 3 GB.  The score cache is off and the model's memory of earlier scores is
cleared before every run, so each run reads and writes everything afresh.  The machine's load
average is printed with the figures: on a shared machine they are not comparable across runs.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path

os.environ["TQCHECK_SCORE_CACHE"] = "off"
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

ARTICLE = Path(__file__).resolve().parents[1] / "seeds" / "blinken-beijing.en.txt"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--article", type=Path, default=ARTICLE)
    ap.add_argument("--repeats", type=int, default=2)
    a = ap.parse_args()

    from tqcheck.config import Config
    from tqcheck.context import Context
    from tqcheck.document import Document
    from tqcheck.engine import Engine
    from tqcheck.lm import LANGUAGE_MODEL, get_language_model
    from tqcheck.rules.registry import all_rules

    text = a.article.read_text("utf-8")
    words = len(text.split())
    lm = get_language_model(Context())
    registry = all_rules()
    rules = [r for r in registry if Config().rule_enabled(r, registry[r].default)]
    out = {"article": str(a.article), "words": words}
    import tqcheck.rewrite as rewrite_mod
    from tqcheck.rewrite.acceptor import Acceptor

    offer_all = Acceptor((), (), (), (), 0.0, 0.0, 1.0, "benchmark: offers every candidate, applies none")
    shipped = rewrite_mod.shipped
    for label, rewrites in (("without_rewrites", False), ("with_rewrites", True)):
        config = _config(rewrites)
        rewrite_mod.shipped = (lambda: offer_all) if rewrites else shipped
        times, offered = [], 0
        for _ in range(a.repeats):
            lm.forget()
            ctx = Context(config=config)
            ctx.resource(LANGUAGE_MODEL, lambda: lm)
            doc = Document.from_text(text, lang="en")
            t = time.perf_counter()
            report = Engine(ctx, only=rules).run([doc])
            times.append(time.perf_counter() - t)
            offered = sum(1 for f in report.files[0].findings if f.rule == "lm-error-span" and f.fixes)
        best = min(times)
        out[label] = {"seconds": round(best, 2), "seconds_per_700_words": round(best * 700 / words, 2),
                      "flags_with_rewrite": offered}
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    out["load_average"] = os.getloadavg()[0]
    print(json.dumps(out, indent=1))


def _config(rewrites: bool):
    import tempfile

    from tqcheck.config import load_config

    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "tqcheck.toml"
        p.write_text(f"[rules.lm-error-span]\nrewrites = {str(rewrites).lower()}\n", "utf-8")
        return load_config(p)


if __name__ == "__main__":
    main()
