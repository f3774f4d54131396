"""Score tqcheck on an MQM-annotated evaluation set (../shared/eval format).

Each evaluation document (one system's translation of one source document) is
joined into one Document, segments separated by a blank line where a
paragraph starts and a space otherwise; findings are mapped back to
(segment, start, end) and written in the scorer's prediction format.

    python -m tqcheck.evaluation ../shared/eval/dev.docs.jsonl --rule name-variant --out pred.jsonl
"""
from __future__ import annotations

import argparse
import bisect
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from .config import Config
from .document import Document
from .engine import Context, Engine
from .findings import Finding

# Finding category -> the scorer's "kind" (it maps kinds to families by substring).
KIND = {
    "name": "name_inconsistency",
    "fluency": "fluency",
    "style": "style",
    "typography": "punctuation",
    "locale": "fluency/locale",
    "accuracy": "mistranslation",
    "terminology": "terminology",
}


@dataclass
class EvalDoc:
    id: str
    record: dict
    target: Document
    source: Document
    seg_starts: list[int]  # offset of each segment in target.raw
    src_seg_starts: list[int]


def _join(segments: list[str], para_starts: list[bool]) -> tuple[str, list[int]]:
    parts: list[str] = []
    starts: list[int] = []
    pos = 0
    for i, (seg, new_para) in enumerate(zip(segments, para_starts)):
        if i:
            sep = "\n\n" if new_para else " "
            parts.append(sep)
            pos += len(sep)
        starts.append(pos)
        parts.append(seg)
        pos += len(seg)
    return "".join(parts), starts


def load_eval(path: str | Path, limit: int | None = None) -> list[EvalDoc]:
    out = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            segs = rec["segments"]
            # Segments may hold internal newlines; flatten them so "\n\n" stays our separator.
            tgt_text, tgt_starts = _join([s["target"].replace("\n", " ") for s in segs],
                                         [s.get("starts_paragraph", False) for s in segs])
            src_text, src_starts = _join([s["source"].replace("\n", " ") for s in segs],
                                         [s.get("starts_paragraph", False) for s in segs])
            src_lang, tgt_lang = rec.get("lang_pair", "zh-en").split("-")
            target = Document.from_text(tgt_text, lang=tgt_lang, path=rec["id"])
            source = Document.from_text(src_text, lang=src_lang, path=rec["id"] + "#source")
            target.extras["source"] = source
            # Gold sentence alignment: segment i of the target translates segment i of the source.
            target.extras["segment_alignment"] = [
                ((ts, ts + len(s["target"])), (ss, ss + len(s["source"])))
                for s, ts, ss in zip(segs, tgt_starts, src_starts)
            ]
            out.append(EvalDoc(rec["id"], rec, target, source, tgt_starts, src_starts))
            if limit and len(out) >= limit:
                break
    return out


def to_prediction(doc: EvalDoc, findings: list[Finding]) -> dict:
    spans = []
    segs = doc.record["segments"]
    for f in findings:
        i = bisect.bisect_right(doc.seg_starts, f.start) - 1
        if i < 0:
            continue
        base = doc.seg_starts[i]
        seg_len = len(segs[i]["target"])
        start, end = f.start - base, min(f.end - base, seg_len)
        if start >= seg_len:
            continue  # in the separator between segments
        span = {"seg": i, "start": start, "end": max(end, start), "kind": KIND.get(f.category.value, "other"),
                "rule": f.rule}
        if f.suggestions:
            span["suggestion"] = f.suggestions[0]
        spans.append(span)
    return {"id": doc.id, "spans": spans,
            "name_inconsistent": any(f.category.value == "name" for f in findings)}


def run(eval_path: str, rules: list[str] | None, use_source: bool, use_model: bool,
        limit: int | None = None, config: Config | None = None, options: dict | None = None) -> list[dict]:
    docs = load_eval(eval_path, limit)
    if not use_source:
        for d in docs:
            d.target.extras.pop("source", None)
            d.target.extras.pop("segment_alignment", None)
    ctx = Context(config=config or Config(), use_model=use_model, options=dict(options or {}))
    if not rules:
        # The evaluation documents are independent (ten systems' translations of each source
        # document), not one content repository: the corpus check would compare systems.
        from .rules.registry import all_rules

        cfg = ctx.config
        rules = [r for r in all_rules() if r != "name-variant-corpus" and cfg.rule_enabled(r)]
    engine = Engine(ctx, only=rules)
    report = engine.run([d.target for d in docs])
    return [to_prediction(d, r.findings) for d, r in zip(docs, report.files)]


def score(eval_path: str, pred_path: str, extra: list[str] | None = None, scorer: str | Path | None = None) -> str:
    """Run the evaluation set's own scorer (found beside the eval file, or one folder up for ende/)."""
    if scorer is None:
        here = Path(eval_path).resolve().parent
        scorer = next((d / "score_eval.py" for d in (here, here.parent) if (d / "score_eval.py").exists()),
                      here / "score_eval.py")
    cmd = [sys.executable, str(scorer), str(eval_path), str(pred_path), *(extra or [])]
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("eval_path")
    ap.add_argument("--rule", action="append", help="only these rules (repeatable)")
    ap.add_argument("--source", action="store_true", help="give the checks the source text")
    ap.add_argument("--no-model", action="store_true")
    ap.add_argument("--limit", type=int)
    ap.add_argument("--out", default="pred.jsonl")
    ap.add_argument("--scorer-args", default="", help="extra arguments for score_eval.py")
    ap.add_argument("--option", action="append", default=[], metavar="KEY=VALUE",
                    help="rule option for the run's Context.options (repeatable), e.g. entity-style=strict")
    args = ap.parse_args(argv)
    options = dict(o.split("=", 1) for o in args.option)
    preds = run(args.eval_path, args.rule, args.source, not args.no_model, args.limit, options=options)
    with open(args.out, "w", encoding="utf-8") as fh:
        for p in preds:
            fh.write(json.dumps(p, ensure_ascii=False) + "\n")
    print(score(args.eval_path, args.out, args.scorer_args.split()))


if __name__ == "__main__":
    main()
