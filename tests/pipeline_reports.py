"""Reports the HTML tests read, made by the real pipeline (run_check) on real text.

- ``check_text``/``seed_report``: the model-free checks, as ``tqcheck check --no-model`` runs them.
- ``model_seed_report``: the seed with every default rule and the language model, plus BLEU/chrF/TER
  against the seed as ``tqcheck fix`` corrects it (what an editor's corrected copy would be).
- ``bilingual_report``: a translation checked against its Chinese source, whose name ledger carries
  the source's evidence.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from tqcheck.config import Config
from tqcheck.document import Document
from tqcheck.findings import Finding, fingerprint
from tqcheck.pipeline import CheckRequest, run_check
from tqcheck.report import Report

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "blinken-beijing.en.txt"
SEED_PATH = "seeds/blinken-beijing.en.txt"

TYPOGRAPHY = ["space-before-punctuation", "doubled-word", "doubled-space", "unbalanced-pairs", "mixed-quotes",
              "run-in-heading"]

# Two renderings of 王沪宁 (Wang Huning) that their letters cannot join; the source can.
BILINGUAL_TARGET = ("Vice Chairman Xia Liyan met Song Tao and Wang Yanming, a member of the Standing Committee. "
                    "In Beijing, Xia Liyan also met Wang Yining, the senior official, and other leaders.\n")
BILINGUAL_SOURCE = "国民党副主席夏立言会见宋涛与中共中央政治局常委王沪宁。在北京期间，夏立言分别会见王沪宁等人。\n"


def check_text(text: str, lang: str | None = "en", path: str = "article.txt",
               rules: list[str] | None = None) -> Report:
    """The model-free rules (or only ``rules``) on one text, as `tqcheck check --no-model` runs them."""
    doc = Document.from_text(text, lang=lang, path=path)
    report = run_check(CheckRequest(documents=[doc], rules=list(rules or []), use_model=False))
    report.run.command = f"tqcheck check {path} --no-model"
    return report


def seed_report() -> Report:
    return check_text(SEED.read_text("utf-8"), path=SEED_PATH)


@lru_cache(maxsize=1)
def _model_seed(folder: str) -> Report:
    from tqcheck.fix import apply_fixes

    first = seed_report()
    fixed, _ = apply_fixes(first.files[0].document.raw, first.files[0].findings)
    reference = Path(folder) / "blinken-beijing.fixed.txt"
    reference.write_text(fixed, "utf-8")
    report = run_check(CheckRequest(paths=[str(SEED)], config=Config(), reference=str(reference)))
    report.run.command = f"tqcheck check {SEED_PATH} --reference {reference.name}"
    return report


def model_seed_report(tmp_folder: Path) -> Report:
    """The seed with the model (loaded once per test session); the same report for every caller."""
    return _model_seed(str(tmp_folder))


def bilingual_report(folder: Path, use_model: bool = False) -> Report:
    target, source = folder / "statement.en.txt", folder / "statement.zh.txt"
    target.write_text(BILINGUAL_TARGET, "utf-8")
    source.write_text(BILINGUAL_SOURCE, "utf-8")
    return run_check(CheckRequest(paths=[str(target)], lang="en", source=str(source), source_lang="zh",
                                  use_model=use_model))


def place(doc: Document, f: Finding) -> Finding:
    """Fill in what the engine fills in (quoted text, line/column, fingerprint) on a hand-made finding."""
    f.path = doc.path
    f.text = doc.raw[f.start:f.end]
    f.line, f.column = doc.line_col(f.start)
    f.end_line, f.end_column = doc.line_col(f.end)
    f.fingerprint = fingerprint(f.rule, doc.raw, f.start, f.end)
    return f
