"""Source-aware checks on a real Spanish news paragraph and its English translation.

The translation (tests/data/es_news.en.txt) changes 2,8 millones into 28 million,
drops the quotation marks and leaves out the last sentence of the source.
"""
from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from tqcheck.cli import app
from tqcheck.document import Document
from tqcheck.context import Context
from tqcheck.engine import Engine

DATA = Path(__file__).parent / "data"
SRC, TGT = DATA / "es_news.es.txt", DATA / "es_news.en.txt"


def _check(*extra):
    result = CliRunner().invoke(app, ["check", str(TGT), "--source", str(SRC), "--no-model", "--format", "json",
                                      "--fail-on", "never", *extra], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["files"][0]["findings"]


def test_changed_number_is_flagged_with_the_source_value():
    found = [f for f in _check() if f["rule"] == "source-number-mismatch"]
    assert [f["text"] for f in found] == ["28 million"]
    assert found[0]["suggestions"] == ["2.8 million"]
    assert found[0]["line"] == 3


def test_correct_numbers_are_not_flagged():
    # 1,9 % = 1.9%, 3,5 % = 3.5%, "tres décimas" = "three tenths", 2024 = 2024.
    texts = {f["text"] for f in _check() if f["rule"].startswith("source-number")}
    assert not texts & {"1.9%", "3.5%", "2024"}


def test_dropped_sentence_is_an_omission_at_the_end_of_the_paragraph():
    found = [f for f in _check() if f["rule"] == "source-omission"]
    assert len(found) == 1
    assert "107,5" in found[0]["message"]
    assert found[0]["line"] == 3


def test_dropped_quotation_marks():
    found = [f for f in _check() if f["rule"] == "source-quote-missing"]
    assert len(found) == 1 and found[0]["text"].startswith("It is a moderate slowdown")


def test_source_directory_mirrors_target_directory(tmp_path):
    (tmp_path / "en" / "news").mkdir(parents=True)
    (tmp_path / "es" / "news").mkdir(parents=True)
    (tmp_path / "en" / "news" / "a.txt").write_text(TGT.read_text("utf-8"), "utf-8")
    (tmp_path / "es" / "news" / "a.txt").write_text(SRC.read_text("utf-8"), "utf-8")
    result = CliRunner().invoke(app, ["check", str(tmp_path / "en"), "--source", str(tmp_path / "es"), "--no-model",
                                      "--format", "json", "--fail-on", "never", "--rule", "source-number-mismatch"])
    findings = json.loads(result.stdout)["files"][0]["findings"]
    assert [f["text"] for f in findings] == ["28 million"]


def test_source_file_for_many_targets_is_a_usage_error(tmp_path):
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text("Hello there, world.", "utf-8")
    result = CliRunner().invoke(app, ["check", str(tmp_path), "--source", str(SRC), "--no-model"])
    assert result.exit_code == 2 and "mirrors the target tree" in result.stderr


def test_chinese_source_amounts():
    doc = Document.from_text("The company hired 3,500 people and its revenue grew 13.75% to 120 million yuan.",
                             lang="en")
    doc.source = Document.from_text("公司招聘了3.5万人，收入增长百分之十三点七五，达到1.2亿元。", lang="zh")
    report = Engine(Context(use_model=False), only=["source-number-mismatch"]).run([doc])
    assert [f.text for f in report.findings] == ["3,500"]
    assert report.findings[0].suggestions == ["35,000"]
