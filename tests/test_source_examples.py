"""Source rules document themselves with "SOURCE => TARGET" examples: bad ones are flagged, good ones not."""
from __future__ import annotations

import pytest

from tqcheck.document import Document
from tqcheck.engine import Context, Engine
from tqcheck.rules import all_rules

RULES = {k: v for k, v in all_rules().items() if "source" in v.requires}


def pair(example: str, lang: str = "en") -> Document:
    source, target = example.split(" => ")
    doc = Document.from_text(target, lang=lang)
    doc.extras["source"] = Document.from_text(source)
    return doc


def _findings(rule_id: str, example: str) -> list:
    report = Engine(Context(use_model=False), only=[rule_id]).run([pair(example, RULES[rule_id].example_lang)])
    return [f for f in report.findings if f.rule == rule_id]


def _cases(kind):
    for rule_id, rule in RULES.items():
        for i, example in enumerate(getattr(rule, kind)):
            yield pytest.param(rule_id, example, id=f"{rule_id}-{kind}{i}")


def test_source_rules_exist_and_document_themselves():
    assert len(RULES) >= 6
    for rule_id, rule in RULES.items():
        assert rule.family == "source" and rule.bad and rule.good, rule_id
        assert all(" => " in ex for ex in rule.bad + rule.good), rule_id


@pytest.mark.parametrize("rule_id,example", list(_cases("bad")))
def test_bad_example_is_flagged(rule_id, example):
    assert _findings(rule_id, example), f"{rule_id} missed: {example!r}"


@pytest.mark.parametrize("rule_id,example", list(_cases("good")))
def test_good_example_is_not_flagged(rule_id, example):
    found = _findings(rule_id, example)
    assert not found, f"{rule_id} flagged {[(f.text, f.message) for f in found]} in {example!r}"


def test_source_rules_do_not_run_without_source():
    doc = Document.from_text("The company earned 35 million euros.", lang="en")
    report = Engine(Context(use_model=False), only=list(RULES)).run([doc])
    assert report.findings == []
