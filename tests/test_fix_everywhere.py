"""Every fix reaches every output, labelled: the ones `tqcheck fix` applies as applied, the rest (below the
fix confidence, or a rewrite that may change the meaning) as suggestions left for a person (issue 25).

The reports are real pipeline output: the model-free rules on the seed, and the phrasing rule on a
stand-in model whose beliefs the test states (its rewrites are suggestions, never applied unattended).
"""
from __future__ import annotations

import json
import re

from tqcheck.engine import Engine
from tqcheck.document import Document
from tqcheck.fix import apply_fixes
from tqcheck.render import render

from .pipeline_reports import seed_report
from .stand_in_lm import StandInLM, context_with_stand_in

TEXT = "On Monday they has arrived in Beijing , for talks with the minister.\n"


def _slip_report():
    """A safe spacing fix and the model's rewrite of 'has', a suggestion (Applicability.SUGGEST)."""
    lm = StandInLM(bigrams={("they", "has"): -12.0}, proposals={"they": ["have", "are"]})
    doc = Document.from_text(TEXT, lang="en", path="story.txt")
    report = Engine(context_with_stand_in(lm), only=["lm-disfluency", "space-before-punctuation"]).run([doc])
    by_text = {f.text.strip() or f.text: f for f in report.files[0].findings}
    assert by_text["has"].fixes[0].applicability.value == "suggest"
    return report, by_text["has"], next(f for f in report.files[0].findings if f.rule == "space-before-punctuation")


def _card(html: str, report, finding) -> str:
    """The HTML card of ``finding`` (cards are numbered in the report's order)."""
    i = next(i for i, f in enumerate(report.files[0].findings) if f is finding)
    return re.search(rf'<li class="finding[^"]*" id="f-{i}".*?(?=<li class="finding|</ol>)', html, re.S)[0]


def _finding(report, text: str):
    return next(f for f in report.files[0].findings if f.text == text)


def test_a_rewrite_that_may_change_the_meaning_reaches_every_output_and_is_applied_by_none():
    report, has, space = _slip_report()
    fixed, applied = apply_fixes(TEXT, report.files[0].findings)
    assert applied == [space] and "they has arrived" in fixed and "Beijing," in fixed

    found = {f["text"]: f for f in json.loads(render(report, "json"))["files"][0]["findings"]}
    assert [fx["applicability"] for fx in found["has"]["fixes"]] == ["suggest"] * len(has.fixes)
    assert found["has"]["suggestions"][0] == "have"

    sarif = json.loads(render(report, "sarif"))["runs"][0]["results"]
    by_rule = {r["ruleId"]: r for r in sarif}
    slip = by_rule["lm-disfluency"]["fixes"]
    assert len(slip) == len(has.fixes) and all(not fx["properties"]["applied"] for fx in slip)
    assert slip[0]["properties"]["applicability"] == "suggest"
    assert slip[0]["description"]["text"].startswith("Suggestion, not applied by `tqcheck fix` (may change")
    assert slip[0]["artifactChanges"][0]["replacements"] == [{
        "deletedRegion": {"charOffset": has.start, "charLength": 3}, "insertedContent": {"text": "have"}}]
    (spacing,) = by_rule["space-before-punctuation"]["fixes"]
    assert spacing["properties"] == {"applicability": "safe", "applied": True}
    assert spacing["description"]["text"].startswith("Fix, applied by `tqcheck fix`")

    html = render(report, "html")
    card = _card(html, report, has)
    assert card.count('class="suggestion left"') == len(has.fixes) and 'class="suggestion applied"' not in card
    assert "suggestion, not applied: may change the meaning" in card and "applied in the fix</span>" not in card
    assert "(applied in the fix)" in _card(html, report, space)
    diff = html[html.index('class="diff'):]
    assert "<del>has</del>" not in diff and "<ins>have</ins>" not in diff


def test_a_safe_fix_below_the_fix_confidence_is_labelled_a_suggestion_and_not_applied():
    # The seed without the model: the spacing fix at confidence 1.0, the name fix at 0.75.
    report = seed_report()
    html = render(report, "html", fix_confidence=0.9)
    qing = _card(html, report, _finding(report, "Qing Gang"))
    assert "suggestion, not applied: below the fix confidence 0.9" in qing and 'data-applicability="safe"' in qing
    assert "applied in the fix</span>" not in qing
    sarif = json.loads(render(report, "sarif", fix_confidence=0.9))["runs"][0]["results"]
    name = next(r for r in sarif if r["ruleId"] == "name-variant")
    assert name["fixes"][0]["properties"] == {"applicability": "safe", "applied": False}
    assert "below the fix confidence 0.9" in name["fixes"][0]["description"]["text"]
    # At the default bar (0.7) the same fix is applied, and every output says so.
    html = render(report, "html")
    assert "(applied in the fix)" in _card(html, report, _finding(report, "Qing Gang"))
    sarif = json.loads(render(report, "sarif"))["runs"][0]["results"]
    assert next(r for r in sarif if r["ruleId"] == "name-variant")["fixes"][0]["properties"]["applied"]


def test_every_fix_of_a_finding_is_in_the_sarif_and_the_html_not_only_the_first():
    report, has, _ = _slip_report()
    assert len(has.fixes) == 2  # 'have' and 'are'
    sarif = json.loads(render(report, "sarif"))["runs"][0]["results"]
    texts = [fx["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"]
             for fx in next(r for r in sarif if r["ruleId"] == "lm-disfluency")["fixes"]]
    assert texts == [fx.edits[0].replacement for fx in has.fixes]
    card = _card(render(report, "html"), report, has)
    assert card.count("<li class=\"suggestion") == 2 and "<ins>are</ins>" in card
