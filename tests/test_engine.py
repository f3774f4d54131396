"""The engine: suppressions (and the ones that suppress nothing), typed rule settings, folding hints."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tqcheck.config import load_config
from tqcheck.context import Context
from tqcheck.document import Document
from tqcheck.engine import Engine, _drop_shadowed
from tqcheck.errors import ConfigError, TqcheckError
from tqcheck.findings import Category, Finding, Severity


def _run(text: str, rules: list[str], fmt: str = "markdown", config=None):
    doc = Document.from_text(text, lang="en", path="story.md" if fmt == "markdown" else "story.txt")
    ctx = Context(use_model=False) if config is None else Context(config=config, use_model=False)
    return Engine(ctx, only=rules).run([doc]).files[0].findings


def test_a_suppression_that_silences_something_is_not_reported():
    text = "<!-- tqcheck-disable-next-line doubled-space -->\nA line with  two spaces.\n"
    assert _run(text, ["doubled-space", "unused-suppression"]) == []


def test_a_stale_suppression_is_reported_once_with_a_fix_that_removes_it():
    text = "Intro.\n\n<!-- tqcheck-disable-next-line doubled-space -->\nA line with single spaces.\n"
    [f] = _run(text, ["doubled-space", "unused-suppression"])
    assert f.rule == "unused-suppression" and f.text.startswith("<!-- tqcheck-disable-next-line")
    assert f.line == 3 and f.suggestions == [""]


def test_a_suppression_for_a_rule_that_did_not_run_is_not_judged():
    # doubled-space is not selected: its comment cannot be called stale.
    text = "<!-- tqcheck-disable-next-line doubled-space -->\nA line with single spaces.\n"
    assert _run(text, ["doubled-word", "unused-suppression"]) == []


def test_a_suppression_naming_an_unknown_rule_is_reported():
    text = "<!-- tqcheck-disable doubled-spaces -->\nA  line.\n<!-- tqcheck-enable doubled-spaces -->\n"
    findings = _run(text, ["doubled-space", "unused-suppression"])
    assert [f.rule for f in findings] == ["unused-suppression", "doubled-space"]
    assert "unknown" in findings[0].message


def test_a_file_wide_blanket_suppression_that_silences_nothing_is_stale():
    text = "<!-- tqcheck-disable-file -->\nNothing wrong here.\n"
    [f] = _run(text, ["doubled-space", "unused-suppression"])
    assert "suppresses nothing" in f.message


def test_rule_settings_come_from_the_rules_table(tmp_path: Path):
    cfg = tmp_path / "tqcheck.toml"
    cfg.write_text('[rules.lm-disfluency]\nseverity = "warning"\nmin-surprisal = 12\n', "utf-8")
    config = load_config(cfg)
    from tqcheck.rules import get_rule

    rule = get_rule("lm-disfluency")()
    ctx = Context(config=config, use_model=False)
    assert ctx.settings(rule).min_surprisal == 12.0
    assert config.severity_for("lm-disfluency", Severity.INFO) is Severity.WARNING


@pytest.mark.parametrize("table,message", [
    ('[rules.lm-disfluency]\nmin-surprisl = 12\n', "rules.lm-disfluency.min-surprisl: unknown setting"),
    ('[rules.lm-disfluency]\nmin-surprisal = "high"\n', "rules.lm-disfluency.min-surprisal must be float"),
    ('[rules.doubled-space]\nthreshold = 2\n', "rules.doubled-space.threshold: unknown setting"),
])
def test_a_bad_rule_setting_names_the_file_and_the_key(tmp_path: Path, table, message):
    cfg = tmp_path / "tqcheck.toml"
    cfg.write_text(table, "utf-8")
    with pytest.raises(ConfigError) as err:
        Engine(Context(config=load_config(cfg), use_model=False))
    assert str(cfg) in str(err.value) and message in str(err.value)


def _f(rule, start, end, severity=Severity.INFO, message="m"):
    return Finding(rule=rule, start=start, end=end, message=message, category=Category.FLUENCY, severity=severity)


def test_an_info_hint_on_the_span_of_a_warning_is_dropped():
    calque = _f("mt-calque", 17, 29, Severity.WARNING)
    hint = _f("lm-disfluency", 17, 29)
    elsewhere = _f("lm-disfluency", 40, 45)
    assert _drop_shadowed([calque, hint, elsewhere]) == [calque, elsewhere]


def test_a_hint_inside_a_longer_hint_of_another_rule_is_folded_into_it():
    # "in a state villa": the clause hint covers the word hint; one entry, which keeps the word's message.
    clause = _f("lm-awkward-clause", 100, 116)
    word = _f("lm-disfluency", 111, 116, message="'villa' is very unlikely here")
    heading = _f("run-in-heading", 199, 220, Severity.WARNING)
    heading_clause = _f("lm-awkward-clause", 200, 220)
    same_rule = _f("lm-awkward-clause", 102, 110)  # a rule's own spans are its business
    meaning = _f("lm-disfluency", 104, 108)
    meaning.category = Category.ACCURACY  # a possible mistranslation is another statement
    kept = _drop_shadowed([clause, same_rule, meaning, word, heading, heading_clause])
    assert kept == [clause, same_rule, meaning, heading]
    assert clause.evidence["also"] == ["lm-disfluency: 'villa' is very unlikely here"]


def test_a_generic_hint_that_overlaps_a_specific_finding_is_dropped_whatever_their_severities():
    # "the first displacement of a head": the detector's run covers the calque, which says what is wrong.
    calque = _f("mt-calque", 17, 29, Severity.WARNING)
    run = _f("lm-error-span", 10, 35, Severity.WARNING)
    name = _f("name-unlikely", 50, 55)
    on_name = _f("lm-error-span", 54, 60)
    alone = _f("lm-error-span", 70, 80)
    generic = {"lm-error-span"}
    assert _drop_shadowed([run, calque, name, on_name, alone], generic) == [calque, name, alone]
    # Without the generic flag the longer warning keeps the calque's span too (the older rule).
    assert run in _drop_shadowed([run, calque], set())


def test_opt_in_rules_run_only_when_the_config_switches_them_on(tmp_path):
    from tqcheck.engine import select_rules

    default = {r.id for r in select_rules(load_config(None))}
    assert "lm-disfluency" not in default and "lm-awkward-clause" not in default and "lm-error-span" in default
    cfg = tmp_path / "tqcheck.toml"
    cfg.write_text('[rules]\nlm-disfluency = "on"\nlm-error-span = "off"\n', "utf-8")
    chosen = {r.id for r in select_rules(load_config(cfg))}
    assert "lm-disfluency" in chosen and "lm-error-span" not in chosen
    assert "lm-awkward-clause" in {r.id for r in select_rules(load_config(None), only=["lm-awkward-clause"])}


def test_a_checked_document_keeps_no_hidden_states():
    # The report keeps every document; a corpus run must not keep every file's hidden states with it
    # (5 KB a word).  The states are read during the check only.
    from .lm_session import context_with, real_lm

    from tqcheck.analysis.reading import LMReading

    lm = real_lm()
    doc = Document.from_text("The minister said the talks will to strengthen cooperation of the fields.", lang="en")
    report = Engine(context_with(lm), only=["lm-error-span"]).run([doc])
    reading = report.files[0].document.analysis(LMReading, lambda: None)
    assert reading and all(w.state is None for para in reading for w in para)
    assert report.files[0].fluency  # what the report shows of the reading was taken first


NEW_RULE = '''"""A rule added by dropping one file into its family's folder."""
from ...findings import Category, Severity
from ..registry import DocumentRule, register


@register
class ExclamationMark(DocumentRule):
    id = "exclamation-mark"
    family = "typography"
    category = Category.STYLE
    severity = Severity.INFO
    description = """An exclamation mark in wire copy."""
    bad = ("Talks collapsed!",)
    good = ("Talks collapsed.",)

    def check(self, doc, ctx):
        for i, ch in enumerate(doc.text):
            if ch == "!":
                yield self.finding(i, i + 1, "An exclamation mark in wire copy.")
'''


def test_a_new_rule_file_is_found_without_being_listed_anywhere(tmp_path):
    # A rule missing from its family's __init__ once vanished silently: the package is walked instead.
    import shutil
    import subprocess
    import sys

    import tqcheck

    copy = tmp_path / "tqcheck"
    shutil.copytree(Path(tqcheck.__file__).parent, copy, ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "rules" / "typography" / "exclamation_mark.py").write_text(NEW_RULE, "utf-8")
    (tmp_path / "story.txt").write_text("Talks collapsed! The minister left.\n", "utf-8")
    out = subprocess.run([sys.executable, "-m", "tqcheck", "check", "--no-model", "-f", "json", "story.txt"],
                         cwd=tmp_path, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(tmp_path)})
    found = json.loads(out.stdout)["files"][0]["findings"]
    assert [(f["rule"], f["text"]) for f in found if f["rule"] == "exclamation-mark"] == [("exclamation-mark", "!")]


def _engine_with(monkeypatch, *rules):
    import tqcheck.engine as engine_module

    monkeypatch.setattr(engine_module, "select_rules", lambda config, only=None: [r() for r in rules])
    return Engine(Context(use_model=False))


def test_a_rule_that_requires_what_is_not_a_declared_analysis_fails_when_the_engine_is_built(monkeypatch):
    # Needs were strings ("model"): a typo made a rule that silently ran everywhere, or nowhere.
    from tqcheck.rules import DocumentRule

    class Misdeclared(DocumentRule):
        id = "misdeclared"
        family = "typography"
        category = Category.STYLE
        description = "requires a type that is no analysis"
        requires = (str,)

    with pytest.raises(TqcheckError, match="misdeclared requires 'str', which is not a declared analysis"):
        _engine_with(monkeypatch, Misdeclared)


def test_analyses_that_build_on_each_other_in_a_circle_are_refused():
    from tqcheck.analysis.declared import AnalysisGraphError, analysis, check_graph

    class First(list):
        pass

    @analysis(reads=[First])
    class Second(list):
        pass

    analysis(reads=[Second])(First)
    with pytest.raises(AnalysisGraphError, match="circle: First -> Second -> First"):
        check_graph({"some-rule": (First,)})


def test_a_document_keeps_analyses_only_under_declared_types():
    # Functions and tuples once served as keys: analyses nobody could declare, require or find.
    doc = Document.from_text("The talks ended.", lang="en")
    with pytest.raises(TypeError, match="not a declared analysis type"):
        doc.analysis(("calque", "zh"), lambda: [])


def test_a_rule_of_no_kind_cannot_be_registered():
    from tqcheck.rules import Rule, register

    class Kindless(Rule):
        id = "kindless"

    with pytest.raises(TypeError, match="subclass DocumentRule, CorpusRule or SuppressionRule"):
        register(Kindless)


def test_a_rule_reading_the_source_side_is_not_run_on_a_document_without_a_source(monkeypatch):
    from tqcheck.analysis.source import SourceSide
    from tqcheck.rules import DocumentRule

    seen = []

    class NeedsSource(DocumentRule):
        id = "needs-source"
        family = "source"
        category = Category.ACCURACY
        description = "reads the source side"
        requires = (SourceSide,)

        def check(self, doc, ctx):
            seen.append(doc.path)
            return ()

    engine = _engine_with(monkeypatch, NeedsSource)
    lone = Document.from_text("The talks ended.", lang="en", path="lone.txt")
    paired = Document.from_text("The talks ended.", lang="en", path="paired.txt")
    paired.source = Document.from_text("Die Gespräche endeten.", lang="de", path="paired.de.txt")
    engine.run([lone, paired])
    assert seen == ["paired.txt"]
    assert NeedsSource.needs() == ["source"]
