"""Name-document recall and precision on the development set's two halves and on ../shared/eval dev.

    python -m tqcheck.lab.names.measure WORKDIR [--eval ../shared/eval/dev.docs.jsonl] [--misses] [--source]
                                                [--model] [--layout sentences]

The checks run as ``tqcheck check`` runs them (``tqcheck.lab.evaluation.run``: the name rules, no
model unless ``--model``, and no source unless ``--source``: then each document's Chinese source, through
the aligner as ``--source`` gives it), and each set's own scorer (``score_eval.py``) scores them.  ``--misses`` lists the
missed and the wrongly flagged documents with the variants of each, for reading (tune half only: the
held-out half is measured, never read).
"""
from __future__ import annotations

import argparse
import json
import re
import tempfile
from pathlib import Path

from ..evaluation import LAYOUTS, run, score, scorer_path

RULES = ["name-variant", "name-order", "entity-style", "title-variant"]
_ROOT = Path(__file__).resolve().parents[3]
# ../shared beside the checkout, or two folders up for a worktree.
DEV = next((b / "eval" / "dev.docs.jsonl" for b in (_ROOT.parent / "shared", _ROOT.parent.parent / "shared")
            if (b / "eval" / "dev.docs.jsonl").exists()), _ROOT.parent / "shared" / "eval" / "dev.docs.jsonl")


def variant_overlaps(path: Path, preds: list[dict]):
    """(span, variant, occurrence) for each prediction span over a labelled variant's occurrence in the set
    at ``path`` (its ``name_evidence.auto_variants``, as ``../shared/eval`` writes them)."""
    gold = {}
    for line in path.read_text("utf-8").splitlines():
        rec = json.loads(line)
        gold[rec["id"]] = rec.get("name_evidence", {}).get("auto_variants", [])
    for p in preds:
        for span in p["spans"]:
            for v in gold.get(p["id"], []):
                for o in v.get("occurrences", []):
                    if o["seg"] == span["seg"] and o["start"] < span["end"] and span["start"] < o["end"]:
                        yield span, v, o


def right_fixes(path: Path, preds: list[dict]) -> tuple[int, int]:
    """(right, all) name fixes on the development set's labelled variants: a fix of an occurrence is right
    when it suggests the form most systems write there (the label's entity), which the others support."""
    fixes = [span.get("suggestion") == v["entity"] for span, v, o in variant_overlaps(path, preds)
             if o["text"] != v["entity"]]
    return sum(fixes), len(fixes)


def measure(path: Path, scorer: Path | None = None, source: bool = False,
            model: bool = False, layout: str = "article") -> tuple[dict, list[dict]]:
    """The name rules' document figures on one set, scored by ../shared/eval's scorer unless told another."""
    preds = run(str(path), RULES, use_source=source, use_model=model, layout=layout)
    scorer = scorer or scorer_path(DEV)
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as fh:
        fh.write("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in preds))
    text = score(str(path), fh.name, scorer=scorer)
    Path(fh.name).unlink()
    m = re.search(r"name-inconsistency docs: recall ([\d.]+) precision ([\d.]+).*?\(tp (\d+) fp (\d+) fn (\d+)", text)
    return ({"recall": float(m.group(1)), "precision": float(m.group(2)), "tp": int(m.group(3)),
             "fp": int(m.group(4)), "fn": int(m.group(5))}, preds)


def misses(path: Path, preds: list[dict]) -> None:
    gold = {json.loads(line)["id"]: json.loads(line) for line in path.read_text("utf-8").splitlines()}
    for p in preds:
        g = gold[p["id"]]
        if g["name_inconsistent"] == p["name_inconsistent"]:
            continue
        print("MISS" if g["name_inconsistent"] else "FALSE", p["id"])
        for v in g["name_evidence"]["auto_variants"]:
            print("    gold:", v["forms"])
        segs = g["segments"]
        for s in p["spans"]:
            t = segs[s["seg"]]["target"]
            print(f"    flag: {t[s['start']:s['end']]!r} -> {s.get('suggestion')!r} ({s['rule']})")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("workdir", help="where tqcheck.lab.names.devset wrote the halves")
    ap.add_argument("--eval", default=str(DEV), help="../shared/eval dev (the check)")
    ap.add_argument("--misses", action="store_true", help="list the tune half's misses and false flags")
    ap.add_argument("--source", action="store_true", help="give the checks each document's source")
    ap.add_argument("--model", action="store_true", help="load the language model (its spelling evidence)")
    ap.add_argument("--layout", choices=LAYOUTS, default="article",
                    help="the article's paragraphs, or one sentence a paragraph")
    args = ap.parse_args(argv)
    work = Path(args.workdir)
    scorer = scorer_path(args.eval)
    for half in ("tune", "heldout"):
        path = next(work.glob(f"*.names.{half}.jsonl"))
        r, preds = measure(path, scorer, args.source, args.model, args.layout)
        right, total = right_fixes(path, preds)
        print(f"{half:8s} R {r['recall']:.3f} P {r['precision']:.3f} (tp {r['tp']} fp {r['fp']} fn {r['fn']}); "
              f"fixes to the majority's spelling {right} of {total}")
        if args.misses and half == "tune":
            misses(path, preds)
    if Path(args.eval).exists():
        r, _ = measure(Path(args.eval), scorer, args.source, args.model, args.layout)
        print(f"eval dev R {r['recall']:.3f} P {r['precision']:.3f} (tp {r['tp']} fp {r['fp']} fn {r['fn']})")


if __name__ == "__main__":
    main()
