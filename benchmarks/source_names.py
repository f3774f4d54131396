"""How often does the source decide between two spellings of a name? (zh-en dev, auto-detected variants)

For every variant pair in ../shared/eval/dev.names.jsonl (one source entity
rendered two ways in one system's output), each form is scored against the
Chinese source segments where it occurs with
tqcheck.source.names.source_name_candidates (pinyin).  A pair is "decided" when
one form's best candidate scores at least 0.1 higher than the other's; we
print the decided share and examples, so the name check's owner can see what
the evidence is worth (pinyin cannot speak for Vietnamese or Korean names).

    python benchmarks/source_names.py
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tqcheck.source.names import source_name_candidates  # noqa: E402


def main() -> None:
    root = Path(__file__).resolve().parent.parent
    shared = next((p / "shared/eval" for p in (root.parent, root.parent.parent) if (p / "shared/eval").exists()))
    docs = {json.loads(ln)["id"]: json.loads(ln) for ln in open(shared / "dev.docs.jsonl", encoding="utf-8")}
    pairs = decided = 0
    examples = []
    for line in open(shared / "dev.names.jsonl", encoding="utf-8"):
        rec = json.loads(line)
        segs = docs[rec["id"]]["segments"]
        for var in rec["auto_variants"]:
            forms = var["forms"][:2]
            best = {}
            for form in forms:
                srcs = {segs[o["seg"]]["source"] for o in var["occurrences"] if o["text"] == form}
                scores = [c.score for s in srcs for c in source_name_candidates(s, form, min_score=0.0, limit=1)]
                best[form] = (max(scores) if scores else 0.0,
                              next((c.spelling for s in srcs for c in source_name_candidates(s, form, limit=1)), ""))
            pairs += 1
            a, b = forms
            if abs(best[a][0] - best[b][0]) >= 0.1:
                decided += 1
                win = a if best[a][0] > best[b][0] else b
                examples.append(f"{a!r} {best[a][0]:.2f} vs {b!r} {best[b][0]:.2f} -> {win!r} "
                                f"(pinyin {best[win][1]!r})")
    print(f"{pairs} variant pairs, decided by the source: {decided} ({decided / max(pairs, 1):.0%})")
    for e in examples[:25]:
        print("  " + e)


if __name__ == "__main__":
    main()
