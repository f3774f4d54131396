"""Reports built from real text for the HTML report's tests and benchmark.

The foundation's rules find only typography on the seed; the other checks
(names, fluency, source) land on their own branches.  To exercise every part of
the page, these helpers add what those checks attach, computed from the text
itself: a names ledger counted in the article, a unigram surprisal per
sentence (wordfreq), sacrebleu scores of the article against its fixed self,
and findings of the kinds the other checks produce (overlapping spans, a
zero-width "something is missing here").
"""
from __future__ import annotations

import math
import re
from pathlib import Path

from tqcheck.document import Document
from tqcheck.context import Context
from tqcheck.engine import Engine
from tqcheck.findings import Category, Finding, Severity, fingerprint
from tqcheck.fix import apply_suggestions
from tqcheck.report import Report

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "blinken-beijing.en.txt"
SEED_PATH = "seeds/blinken-beijing.en.txt"


TYPOGRAPHY = ["space-before-punctuation", "doubled-word", "doubled-space", "unbalanced-pairs", "mixed-quotes",
              "run-in-heading"]


def check_text(text: str, lang: str | None = "en", path: str = "article.txt",
               rules: list[str] | None = None) -> Report:
    """Run the registered model-free rules (or only ``rules``) on one text, as `tqcheck check --no-model` does."""
    doc = Document.from_text(text, lang=lang, path=path)
    report = Engine(Context(use_model=False), only=rules).run([doc])
    report.meta["command"] = f"tqcheck check {path} --no-model"
    return report


def seed_report() -> Report:
    return check_text(SEED.read_text("utf-8"), path=SEED_PATH)


def place(doc: Document, f: Finding) -> Finding:
    """Fill in what the engine fills in (quoted text, line/column, fingerprint)."""
    f.path = doc.path
    f.text = doc.raw[f.start:f.end]
    f.line, f.column = doc.line_col(f.start)
    f.end_line, f.end_column = doc.line_col(f.end)
    f.fingerprint = fingerprint(f.rule, doc.raw, f.start, f.end)
    return f


def unigram_surprisal(doc: Document) -> list[dict]:
    """Mean -ln p(word) per sentence under wordfreq's unigram frequencies (a stand-in for the LM's scores)."""
    from wordfreq import word_frequency

    out = []
    for start, end in doc.sentences:
        scores = [-math.log(word_frequency(w.lower(), doc.lang, minimum=1e-8)) for _, _, w in doc.words(start, end)]
        if scores:
            out.append({"start": start, "end": end, "score": sum(scores) / len(scores), "tokens": scores,
                        "unit": "nats per word, unigram"})
    return out


def names_ledger(text: str) -> list[dict]:
    """The Qin Gang ledger, counted in the article (the names check will attach its own)."""
    counts = {v: len(re.findall(rf"\b{v}\b(?! Gang)", text)) for v in ("Qin", "Gang")}
    full = {v: len(re.findall(rf"\b{v}\b", text)) for v in ("Qin Gang", "Qing Gang")}
    return [
        {"chosen": "Qin Gang", "type": "person",
         "variants": [{"text": k, "count": n} for k, n in {**full, **counts}.items() if n],
         "why": "most frequent full form; 'Gang' alone is the given name"},
        {"chosen": "Antony Blinken", "type": "person",
         "variants": [{"text": v, "count": len(re.findall(rf"\b{v}\b", text))} for v in ("Antony Blinken",)],
         "why": "one spelling"},
    ]


def enriched_seed_report() -> Report:
    """The seed report plus everything the other checks attach, so every section of the page shows."""
    import sacrebleu

    report = seed_report()
    result = report.files[0]
    doc = result.document
    raw = doc.raw
    extra = []
    i = raw.index("Qing Gang")
    extra.append(Finding("name-variant", i, i + len("Qing Gang"), "'Qing Gang' ×1, 'Qin Gang' ×1: use 'Qin Gang'.",
                         Category.NAME, Severity.ERROR, ["Qin Gang"], 0.9, {"variants": {"Qin Gang": 1,
                                                                                         "Qing Gang": 1}}))
    i = raw.index("counterpart , Qing")
    extra.append(Finding("awkward-phrase", i, i + len("counterpart , Qing"),
                         "Unusual phrasing around the name.", Category.FLUENCY, Severity.INFO, [], 0.4,
                         {"surprisal": [2.1, 3.4, 9.8, 7.2, 3.0], "gain": 1.25}))
    i = raw.index("displacement")
    extra.append(Finding("false-friend", i, i + len("displacement"),
                         "'displacement' is a calque of Spanish 'desplazamiento': a trip or visit.",
                         Category.ACCURACY, Severity.ERROR, ["visit", "trip"], 0.85,
                         {"source_word": "desplazamiento", "gain": 4.31}))
    i = raw.index("in the world,") + len("in the world,")
    extra.append(Finding("omission", i, i, "A clause seems to be missing here (flights are at their lowest...).",
                         Category.ACCURACY, Severity.WARNING, [], 0.6))
    result.findings = sorted(result.findings + [place(doc, f) for f in extra], key=lambda f: (f.start, f.end, f.rule))
    result.extras["names"] = names_ledger(raw)
    result.extras["surprisal"] = unigram_surprisal(doc)
    fixed, _ = apply_suggestions(raw, result.findings)
    metrics = {}
    for metric in (sacrebleu.BLEU(), sacrebleu.CHRF()):
        score = metric.corpus_score([raw], [[fixed]])
        metrics[score.name.lower()] = {"score": score.score, "signature": str(metric.get_signature())}
    result.extras["metrics"] = metrics
    report.meta["model"] = "unigram stand-in (wordfreq), for the page's tests"
    return report
