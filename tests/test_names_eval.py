"""Name consistency on the shared MQM evaluation sets (slow: runs NER over 230 documents).

    python -m pytest -m slow tests/test_names_eval.py
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RULES = ["name-variant", "name-order", "entity-style"]


def shared(*parts) -> Path:
    for base in (ROOT.parent / "shared", ROOT.parent.parent / "shared"):
        if (base / "eval").is_dir():
            return base.joinpath(*parts)
    pytest.skip("shared evaluation data (../shared/eval) not present")


def score(eval_path: Path, tmp_path: Path, **kw) -> dict:
    from tqcheck.lab.evaluation import run, score as run_scorer

    from tqcheck.config import Config

    config = Config(entity_style="strict") if kw.get("strict") else None
    preds = run(str(eval_path), RULES, use_source=kw.get("source", False), use_model=False, config=config,
                gold_alignment=kw.get("gold", False))
    out = tmp_path / "pred.jsonl"
    out.write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in preds), "utf-8")
    text = run_scorer(str(eval_path), str(out))
    m = re.search(r"name-inconsistency docs: recall ([\d.]+) precision ([\d.]+).*?localisation\(auto\) ([\d.]+)", text)
    return {"recall": float(m.group(1)), "precision": float(m.group(2)), "localisation": float(m.group(3)),
            "preds": preds, "text": text}


def suggestions_right(eval_path: Path, preds: list[dict]) -> float:
    """Share of name findings on gold variant occurrences whose suggestion is the other gold form
    (the fix makes the document consistent; which form is right the gold does not say)."""
    from tqcheck.lab.names.measure import variant_overlaps

    right = [span.get("suggestion") in v["forms"] and span.get("suggestion") != o["text"]
             for span, v, o in variant_overlaps(eval_path, preds)]
    return sum(right) / len(right) if right else 0.0


@pytest.fixture(scope="module")
def zh_strict(tmp_path_factory):
    # Strict entity style (modifier uses of "US" count) is how the dev raters judged US/United States;
    # the Chinese source (as a bilingual file gives it) joins renderings of one transliterated name.
    r = score(shared("eval", "dev.docs.jsonl"), tmp_path_factory.mktemp("zh"), strict=True, source=True, gold=True)
    print(r["text"])
    return r


@pytest.mark.slow
def test_zh_en_measured_level(zh_strict):
    # Regression guard (measured R 0.853, P 0.806, loc 1.000).  P was 0.737 when the name merges read
    # each gold segment whole; they now read the typed source side, whose sentences are aligned inside
    # each segment as a bilingual file's units are.  R rose from 0.824 when "KMT" never introduced
    # after "Kuomintang" became a finding.
    assert zh_strict["recall"] >= 0.85 and zh_strict["precision"] >= 0.78
    assert zh_strict["localisation"] >= 0.95


@pytest.mark.slow
def test_zh_en_issue_target(zh_strict):
    # Of the 7 false positives, 4 are real renderings of one source name the gold does not label
    # ("Raisi" / "Lacey") or KMT / Kuomintang mixes the raters marked in other systems' identical
    # text; the 5 misses are rater flags with no spelling variant (Supreme Leader / supreme leader
    # written as AP writes it, Agribank, the First Support Foreign Medical Corps).
    assert zh_strict["recall"] >= 0.8 and zh_strict["precision"] >= 0.7


@pytest.mark.slow
def test_zh_en_default_precision_and_suggestions(tmp_path):
    path = shared("eval", "dev.docs.jsonl")
    r = score(path, tmp_path)
    print(r["text"])
    # The issue's target, default configuration, no source: R >= 0.80 at P >= 0.80 (measured R 0.824,
    # P 0.903; R was 0.647 before a spelled-out text's "US forces" and an un-introduced "KMT" counted).
    assert r["precision"] >= 0.85 and r["recall"] >= 0.8
    assert suggestions_right(path, r["preds"]) >= 0.6


@pytest.mark.slow
def test_zh_en_source_through_the_aligner_raises_recall(tmp_path):
    """With --source as the CLI gives it (the aligner, not the gold pairing), recall is higher than without."""
    path = shared("eval", "dev.docs.jsonl")
    plain, with_source = score(path, tmp_path), score(path, tmp_path, source=True)
    print(with_source["text"])
    assert with_source["recall"] > plain["recall"]  # measured 0.853 against 0.824
    assert with_source["precision"] >= 0.8  # measured 0.829


@pytest.mark.slow
def test_en_de_no_flood(tmp_path):
    path = shared("eval", "ende", "dev.docs.jsonl")
    r = score(path, tmp_path)
    print(r["text"])
    flagged = sum(p["name_inconsistent"] for p in r["preds"])
    assert flagged <= 10  # of 100 German documents
    assert r["recall"] >= 0.8 and r["precision"] >= 0.7


@pytest.mark.slow
def test_cli_with_source_gives_the_evaluations_name_findings(cli, tmp_path):
    """The evaluation's --source and `tqcheck check --source` on the same texts agree finding for finding."""
    from tqcheck.lab.evaluation import load_eval, run

    # The documents whose raters found a name spelled two ways, where the source has most to say.
    lines = [line for line in shared("eval", "dev.docs.jsonl").read_text("utf-8").splitlines()
             if json.loads(line)["name_inconsistent"]][:12]
    path = tmp_path / "subset.jsonl"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    docs = load_eval(path)
    preds = run(str(path), RULES, use_source=True, use_model=False)
    assert sum(len(p["spans"]) for p in preds) >= 5
    for d, pred in zip(docs, preds):
        target, source = tmp_path / "t.txt", tmp_path / "s.txt"
        target.write_text(d.target.raw, "utf-8")
        source.write_text(d.source.raw, "utf-8")
        args = ["check", target, "--source", source, "--lang", "en", "--source-lang", "zh", "--no-model", "-f", "json"]
        code, out, err = cli(*args, *[a for r in RULES for a in ("--rule", r)])
        assert code in (0, 1), err
        got = sorted((f["rule"], f["start"], f["end"]) for f in json.loads(out)["files"][0]["findings"])
        want = sorted((s["rule"], d.seg_starts[s["seg"]] + s["start"], d.seg_starts[s["seg"]] + s["end"])
                      for s in pred["spans"])
        assert got == want, d.id
