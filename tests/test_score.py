"""`tqcheck score` agrees with sacrebleu's own command line, and --reference adds the metrics to check."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tqcheck.cli import app
from tqcheck.metrics import tokenizer_for

DATA = Path(__file__).parent / "data"
HYP = DATA / "es_news.en.txt"
# A second, independent English translation of the same Spanish text, as the reference.
REF = DATA / "es_news.ref.en.txt"


def _lines(path: Path, tmp_path: Path) -> Path:
    """One sentence per line, so both tools see the same segments."""
    import re

    text = path.read_text("utf-8")
    out = tmp_path / path.name
    out.write_text("\n".join(s for s in re.split(r"(?<=[.%])\s+(?=[A-Z\"])", text.strip()) if s) + "\n", "utf-8")
    return out


def _sacrebleu(ref: Path, hyp: Path, *extra) -> list[float]:
    out = subprocess.run([sys.executable, "-m", "sacrebleu", str(ref), "-i", str(hyp), "-m", "bleu", "chrf", "ter",
                          "-b", *extra], capture_output=True, text=True, check=True).stdout
    return [float(x) for x in json.loads(out)]


@pytest.mark.parametrize("lang_args,sb_args", [([], []), (["--lang", "zh"], ["--tokenize", "zh"])])
def test_score_matches_sacrebleu_cli(tmp_path, lang_args, sb_args):
    hyp = _lines(HYP, tmp_path)
    (tmp_path / "r").mkdir()
    ref = _lines(REF, tmp_path / "r")
    assert len(hyp.read_text().splitlines()) == len(ref.read_text().splitlines())
    result = CliRunner().invoke(app, ["score", str(hyp), "--ref", str(ref), "--format", "json", *lang_args],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    ours = json.loads(result.stdout)["corpus"]
    theirs = _sacrebleu(ref, hyp, *sb_args)
    # sacrebleu -b prints one decimal: agree to that precision.
    assert [round(ours[m]["score"], 1) for m in ("bleu", "chrf", "ter")] == theirs
    assert ours["bleu"]["signature"].startswith("nrefs:1|case:mixed|eff:no|tok:" + (sb_args[1] if sb_args else "13a"))


def test_score_text_output_states_tokenizer(tmp_path):
    hyp = _lines(HYP, tmp_path)
    (tmp_path / "r").mkdir()
    ref = _lines(REF, tmp_path / "r")
    result = CliRunner().invoke(app, ["score", str(hyp), "--ref", str(ref)], catch_exceptions=False)
    assert "tokenizer 13a" in result.stdout and "BLEU = " in result.stdout and "chrF2 = " in result.stdout
    assert "worst segments" in result.stdout


def test_score_rejects_unequal_line_counts(tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("one\ntwo\n", "utf-8")
    b.write_text("one\n", "utf-8")
    result = CliRunner().invoke(app, ["score", str(a), "--ref", str(b)])
    assert result.exit_code == 2 and "lines" in result.stderr


def test_tokenizer_choice():
    assert tokenizer_for("zh")[0] == "zh"
    assert tokenizer_for("en")[0] == "13a"
    assert tokenizer_for("ja")[0] in ("ja-mecab", "char")


def test_check_with_reference_reports_metrics_in_json_and_text():
    args = ["check", str(HYP), "--reference", str(REF), "--no-model", "--fail-on", "never"]
    data = json.loads(CliRunner().invoke(app, args + ["--format", "json"], catch_exceptions=False).stdout)
    metrics = data["meta"]["metrics"]
    assert {"bleu", "chrf", "ter"} <= set(metrics["corpus"]) and metrics["worst"]
    assert "metrics" in data["files"][0]
    text = CliRunner().invoke(app, args, catch_exceptions=False).stdout
    assert "reference metrics" in text and "signature" not in text and "nrefs:1" in text


@pytest.mark.parametrize("fmt,needle", [("sarif", '"metrics"'), ("github", "::notice title=reference metrics::")])
def test_metrics_in_sarif_and_github_output(fmt, needle):
    out = CliRunner().invoke(app, ["check", str(HYP), "--reference", str(REF), "--no-model", "--fail-on", "never",
                                   "--format", fmt], catch_exceptions=False).stdout
    assert needle in out
    if fmt == "sarif":
        assert json.loads(out)["runs"][0]["properties"]["metrics"]["corpus"]["chrf"]["score"] > 0
