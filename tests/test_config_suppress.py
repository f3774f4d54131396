"""Configuration files, inline suppressions and baselines."""
from __future__ import annotations

import json

from .conftest import SEED

SEED_RULES = ("--rule", "space-before-punctuation", "--rule", "run-in-heading")


def _findings(out):
    return [f for entry in json.loads(out)["files"] for f in entry["findings"]]


def test_pyproject_config_found_upward(tmp_path, cli, monkeypatch):
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "news"\n\n[tool.tqcheck]\nfail-on = "warning"\n\n'
        '[tool.tqcheck.rules]\nrun-in-heading = "off"\nspace-before-punctuation = "error"\n', "utf-8")
    sub = tmp_path / "articles" / "2023"
    sub.mkdir(parents=True)
    (sub / "a.txt").write_text(SEED.read_text("utf-8"), "utf-8")
    monkeypatch.chdir(sub)
    code, out, _ = cli("check", "a.txt", "--no-model", "-f", "json")
    found = _findings(out)
    assert [f["rule"] for f in found if f["rule"] in ("run-in-heading", "space-before-punctuation")] == [
        "space-before-punctuation"]
    assert next(f for f in found if f["rule"] == "space-before-punctuation")["severity"] == "error"
    assert code == 1


def _refused(cli, cfg, text: str) -> str:
    """Check the seed under a config holding ``text``: a usage error (exit 2); its message."""
    cfg.write_text(text, "utf-8")
    code, _, err = cli("check", SEED, "--no-model", "--config", cfg)
    assert code == 2
    return err


def test_tqcheck_toml_and_bad_config(tmp_path, cli):
    cfg = tmp_path / "tqcheck.toml"
    err = _refused(cli, cfg, 'fail-on = "info"\n[rules]\nno-such-rule = "off"\n')
    assert "no-such-rule" in err and str(cfg) in err
    assert "sometimes" in _refused(cli, cfg, 'fail-on = "sometimes"\n')
    assert "invalid TOML" in _refused(cli, cfg, 'fail-on = [unclosed\n')


def test_per_file_ignores_set_a_rule_aside_for_the_files_a_glob_names_and_only_those(tmp_path, cli, monkeypatch):
    (tmp_path / "pyproject.toml").write_text(
        '[tool.tqcheck]\nlang = "en"\n\n[tool.tqcheck.per-file-ignores]\n"wire/*.txt" = ["space-before-punctuation"]\n'
        '"notes.txt" = "run-in-heading"\n', "utf-8")
    (tmp_path / "wire").mkdir()
    for name in ("wire/a.txt", "b.txt"):
        (tmp_path / name).write_text("Blinken met his counterpart , Qin Gang.\n", "utf-8")
    monkeypatch.chdir(tmp_path)
    code, out, _ = cli("check", ".", "--no-model", "--no-cache", "-f", "json", "--rule", "space-before-punctuation")
    assert [(e["path"], len(e["findings"])) for e in json.loads(out)["files"]] == [("./b.txt", 1), ("./wire/a.txt", 0)]


def test_a_new_per_file_ignore_takes_effect_from_the_cache_without_checking_anything_again(tmp_path, cli):
    cfg = tmp_path / "tqcheck.toml"
    cfg.write_text('lang = "en"\n', "utf-8")
    story = tmp_path / "a.txt"
    story.write_text("Blinken met his counterpart , Qin Gang.\n", "utf-8")
    args = ("check", story, "--no-model", "-f", "json", "--config", cfg, "--cache-dir", tmp_path / "cache",
            "--rule", "space-before-punctuation")
    assert len(_findings(cli(*args)[1])) == 1
    cfg.write_text('lang = "en"\n\n[per-file-ignores]\n"a.txt" = ["space-before-punctuation"]\n', "utf-8")
    out = json.loads(cli(*args)[1])
    assert out["files"][0]["findings"] == [] and out["meta"]["cache"] == {"hits": 1, "misses": 0}


def test_per_file_ignores_naming_an_unknown_rule_or_no_list_is_a_config_error(tmp_path, cli):
    cfg = tmp_path / "tqcheck.toml"
    err = _refused(cli, cfg, '[per-file-ignores]\n"*.txt" = ["no-such-rule"]\n')
    assert "no-such-rule" in err and str(cfg) in err
    assert "per-file-ignores" in _refused(cli, cfg, 'per-file-ignores = ["mixed-quotes"]\n')


MD = """Blinken met his counterpart , Qin Gang.

<!-- tqcheck-disable-next-line space-before-punctuation -->
They spoke for hours , in a villa.

<!-- tqcheck-disable space-before-punctuation -->
Qin said the relations are poor , and worsening.
<!-- tqcheck-enable space-before-punctuation -->

Blinken left , later.
"""


def test_inline_suppressions(tmp_path, cli):
    p = tmp_path / "a.md"
    p.write_text(MD, "utf-8")
    code, out, _ = cli("check", p, "--no-model", "-f", "json", "--lang", "en", "--rule", "space-before-punctuation")
    assert [f["line"] for f in _findings(out)] == [1, 10]
    p.write_text("<!-- tqcheck-disable-file -->\n" + MD, "utf-8")
    code, out, _ = cli("check", p, "--no-model", "-f", "json", "--lang", "en")
    assert _findings(out) == []


def test_baseline_survives_edits_elsewhere_and_reports_new(tmp_path, cli):
    p = tmp_path / "seed.txt"
    text = SEED.read_text("utf-8")
    p.write_text(text, "utf-8")
    base = tmp_path / "baseline.json"
    code, out, _ = cli("check", p, "--no-model", "-f", "json", "--write-baseline", base, *SEED_RULES)
    assert len(_findings(out)) == 2
    # Lines move (a new first paragraph) and a new problem appears at the end.
    edited = "Editor's note: updated on Monday.\n\n" + text + "\nThe talks ended , finally.\n"
    p.write_text(edited, "utf-8")
    code, out, _ = cli("check", p, "--no-model", "-f", "json", "--baseline", base, *SEED_RULES)
    new = _findings(out)
    assert [f["text"] for f in new] == [" ,"] and new[0]["line"] == edited.count("\n") 
    code, _, err = cli("check", p, "--no-model", "--baseline", tmp_path / "nope.json")
    assert code == 2 and "nope.json" in err
