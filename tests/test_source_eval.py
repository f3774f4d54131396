"""Source checks and alignment on the MQM dev documents (../shared/eval; skipped when absent)."""
from __future__ import annotations

import importlib.util
import json
import random
from pathlib import Path

import pytest

from tqcheck.context import Context
from tqcheck.engine import Engine
from tqcheck.lab.evaluation import load_eval

ROOT = Path(__file__).resolve().parent.parent
EVAL = next((p / "shared/eval/dev.docs.jsonl" for p in (ROOT.parent, ROOT.parent.parent)
             if (p / "shared/eval/dev.docs.jsonl").exists()), ROOT.parent / "shared/eval/dev.docs.jsonl")


@pytest.fixture(scope="module")
def docs():
    if not EVAL.exists():
        pytest.skip(f"{EVAL} not present (shared evaluation data lives beside the repo)")
    out = load_eval(EVAL)
    for d in out:
        d.target.source = d.source  # aligned by the checks' own aligner, not the gold segments
    return out


def _bench():
    spec = importlib.util.spec_from_file_location("align_bench", ROOT / "benchmarks" / "align.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_alignment_recovers_dev_segments(docs):
    bench = _bench()
    sample = random.Random(1).sample(docs, 30)
    plain = bench.evaluate(sample, "none")
    dropped = bench.evaluate(sample, "drop-target")
    # Measured on all 130 documents: F1 0.951 unperturbed, 0.893 with 10 % of target segments dropped.
    assert plain["F1"] > 0.9
    assert dropped["F1"] > 0.82 and dropped["P"] > 0.8


def _findings(doc, rule):
    return Engine(Context(use_model=False), only=[rule]).run([doc]).findings


def test_garbled_number_in_mt_output_is_flagged(docs):
    # 51.7万 (517,000) came out as "5.17,000" in some systems' output.
    hits = [d for d in docs if "5.17,000" in d.target.text]
    assert hits
    for d in hits:
        assert "5.17,000" in {f.text for f in _findings(d.target, "source-number-mismatch")}


def test_numbers_written_differently_are_not_flagged(docs):
    # 九二共识 is "the 1992 Consensus"; 500余万 is "more than 5 million".
    cases = [d for d in docs if "1992 Consensus" in d.target.text or "5 million" in d.target.text]
    assert len(cases) >= 10
    for d in cases:
        texts = {f.text for f in _findings(d.target, "source-number-mismatch")}
        assert not texts & {"1992", "5 million"}, d.id


def test_chinese_left_in_english_output_is_untranslated(docs):
    import re

    hits = [d for d in docs if re.search(r"[\u4e00-\u9fff]", d.target.text)]
    assert hits
    for d in hits:
        found = _findings(d.target, "source-untranslated")
        assert found and all(re.search(r"[\u4e00-\u9fff]", f.text) for f in found), d.id


@pytest.mark.slow
def test_source_rules_precision_on_dev(tmp_path):
    if not EVAL.exists():
        pytest.skip("no eval data")
    from tqcheck.lab.evaluation import run, score

    rules = ["source-number-mismatch", "source-number-missing", "source-omission", "source-addition",
             "source-length-ratio", "source-untranslated", "source-quote-missing"]
    preds = run(str(EVAL), rules, use_source=True, use_model=False)
    out = tmp_path / "pred.jsonl"
    out.write_text("".join(json.dumps(p) + "\n" for p in preds), "utf-8")
    report = score(str(EVAL), str(out))
    line = next(ln for ln in report.splitlines() if ln.startswith("mistranslation"))
    precision = float(line.split()[1])
    assert precision > 0.7, report  # measured 0.819 (span level)


def test_sentences_layout_writes_every_segment_as_a_paragraph():
    if not EVAL.exists():
        pytest.skip(f"{EVAL} not present")
    article = load_eval(EVAL, limit=3)
    sentences = load_eval(EVAL, limit=3, layout="sentences")
    for a, s in zip(article, sentences):
        segs = a.record["segments"]
        paragraphs = [p for p in s.target.paragraphs if s.target.text[p[0]:p[1]].strip()]
        assert len(paragraphs) == len(segs)
        # Same segment texts at their recorded offsets, only the separators differ.
        for i, seg in enumerate(segs):
            text = seg["target"].replace("\n", " ")
            assert s.target.text[s.seg_starts[i]:s.seg_starts[i] + len(text)] == text
            assert a.target.text[a.seg_starts[i]:a.seg_starts[i] + len(text)] == text
        assert sum(x.get("starts_paragraph", False) for x in segs) < len(segs)  # the layouts really differ
    with pytest.raises(ValueError):
        load_eval(EVAL, limit=1, layout="lines")
