"""Score tqcheck on an MQM-annotated evaluation set (../shared/eval format).

Each evaluation document (one system's translation of one source document) is
joined into one Document, segments separated by a blank line where a
paragraph starts and a space otherwise; findings are mapped back to
(segment, start, end) and written in the scorer's prediction format.

    python -m tqcheck.lab.evaluation ../shared/eval/dev.docs.jsonl --rule name-variant --out pred.jsonl

The checks run through ``run_check``, exactly as ``tqcheck check`` runs them.  With ``--source`` the
source is aligned by the same aligner as ``tqcheck check --source`` (what a user gets);
``--gold-alignment`` hands the checks the segment pairing instead, as a bilingual file would.
"""
from __future__ import annotations

import argparse
import bisect
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from ..config import Config, load_config
from ..document import Document
from ..findings import Finding
from ..pipeline import CheckRequest, run_check
from ..settings import parse_option

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


def join_segments(segments: list[str], para_starts: list[bool]) -> tuple[str, list[int]]:
    """The segments as one text, a blank line before each that starts a paragraph and a space before
    the others; and where each segment starts in it."""
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


LAYOUTS = ("article", "sentences")


def load_eval(path: str | Path, limit: int | None = None, layout: str = "article") -> list[EvalDoc]:
    """The evaluation documents as ``Document``s.  ``layout``: "article" keeps the documents' own
    paragraphs (a blank line where a segment starts one, else a space); "sentences" writes every
    segment as a paragraph of its own, as much wire copy is laid out (a WMT segment is usually one
    sentence, sometimes two: each stays whole)."""
    if layout not in LAYOUTS:
        raise ValueError(f"layout: one of {', '.join(LAYOUTS)}, not {layout!r}")
    out = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            segs = rec["segments"]
            # Segments may hold internal newlines; flatten them so "\n\n" stays our separator.
            tgt_text, tgt_starts = join_segments([s["target"].replace("\n", " ") for s in segs],
                                         [_starts(s, layout) for s in segs])
            src_text, src_starts = join_segments([s["source"].replace("\n", " ") for s in segs],
                                         [_starts(s, layout) for s in segs])
            src_lang, tgt_lang = rec.get("lang_pair", "zh-en").split("-")
            target = Document.from_text(tgt_text, lang=tgt_lang, path=rec["id"])
            source = Document.from_text(src_text, lang=src_lang, path=rec["id"] + "#source")
            out.append(EvalDoc(rec["id"], rec, target, source, tgt_starts, src_starts))
            if limit and len(out) >= limit:
                break
    return out


def _starts(segment: dict, layout: str) -> bool:
    return layout == "sentences" or segment.get("starts_paragraph", False)


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


def gold_units(doc: EvalDoc) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """Segment i of the target translates segment i of the source."""
    segs = doc.record["segments"]
    return [((ts, ts + len(s["target"].replace("\n", " "))), (ss, ss + len(s["source"].replace("\n", " "))))
            for s, ts, ss in zip(segs, doc.seg_starts, doc.src_seg_starts)]


def run(eval_path: str, rules: list[str] | None, use_source: bool, use_model: bool,
        limit: int | None = None, config: Config | None = None, gold_alignment: bool = False,
        layout: str = "article", read_in_context: bool = True) -> list[dict]:
    docs = load_eval(eval_path, limit, layout)
    for d in docs:
        if use_source:
            d.target.source = d.source
            d.target.units = gold_units(d) if gold_alignment else None
    config = config or Config()
    if not rules:
        # The evaluation documents are independent (ten systems' translations of each source
        # document), not one content repository: the corpus check would compare systems.
        from ..rules.registry import all_rules

        registry = all_rules()
        rules = [r for r in registry if r != "name-variant-corpus" and config.rule_enabled(r, registry[r].default)]
    report = run_check(CheckRequest(documents=[d.target for d in docs], config=config, rules=rules,
                                    use_model=use_model, read_in_context=read_in_context))
    return [to_prediction(d, r.findings) for d, r in zip(docs, report.files)]


def score(eval_path: str, pred_path: str, extra: list[str] | None = None, scorer: str | Path | None = None) -> str:
    """Run the evaluation set's own scorer (found beside the eval file, or one folder up for ende/)."""
    if scorer is None:
        scorer = scorer_path(eval_path)
    cmd = [sys.executable, str(scorer), str(eval_path), str(pred_path), *(extra or [])]
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def scorer_path(eval_path: str | Path) -> Path:
    """The evaluation set's own scorer: beside the eval file, or one folder up (for ende/)."""
    here = Path(eval_path).resolve().parent
    return next((d / "score_eval.py" for d in (here, here.parent) if (d / "score_eval.py").exists()),
                here / "score_eval.py")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("eval_path")
    ap.add_argument("--rule", action="append", help="only these rules (repeatable)")
    ap.add_argument("--source", action="store_true", help="give the checks the source text")
    ap.add_argument("--no-model", action="store_true")
    ap.add_argument("--limit", type=int)
    ap.add_argument("--out", default="pred.jsonl")
    ap.add_argument("--layout", choices=LAYOUTS, default="article",
                    help="article: the documents' own paragraphs; sentences: every segment a paragraph of its own")
    ap.add_argument("--read-alone", action="store_true",
                    help="read every paragraph alone, not after the article before it (CheckRequest.read_in_context off)")
    ap.add_argument("--scorer-args", default="", help="extra arguments for score_eval.py")
    ap.add_argument("--gold-alignment", action="store_true",
                    help="with --source: pair the segments as the data does, instead of aligning them")
    ap.add_argument("--config", help="a tqcheck.toml (e.g. entity-style = \"strict\")")
    ap.add_argument("--set", action="append", default=[], metavar="RULE.KEY=VALUE",
                    help="a rule setting, as in [tool.tqcheck.rules.RULE] (repeatable), e.g. lm-error-span.min-confidence=0.6")
    args = ap.parse_args(argv)
    config = load_config(Path(args.config)) if args.config else Config()
    for option in args.set:
        parse_option(option, config)
    preds = run(args.eval_path, args.rule, args.source, not args.no_model, args.limit, config=config,
                gold_alignment=args.gold_alignment, layout=args.layout, read_in_context=not args.read_alone)
    with open(args.out, "w", encoding="utf-8") as fh:
        for p in preds:
            fh.write(json.dumps(p, ensure_ascii=False) + "\n")
    print(score(args.eval_path, args.out, args.scorer_args.split()))


if __name__ == "__main__":
    main()
