"""Every rule's documented examples are tests: bad ones are flagged, good ones are not."""
from __future__ import annotations

import pytest

from tqcheck.document import Document
from tqcheck.context import Context
from tqcheck.engine import Engine
from tqcheck.lm import get_language_model
from tqcheck.rules import all_rules

RULES = all_rules()


@pytest.fixture(scope="module")
def ctx():
    # One context for all examples, so models and NER load once.
    return Context()


def _findings(rule_id, text, lang, ctx):
    rule = RULES[rule_id]
    if "model" in rule.needs() and get_language_model(ctx) is None:
        # Without the model a model rule finds nothing: its good examples would pass without being tested.
        pytest.skip(f"{rule_id} needs the language model, which is not installed")
    if "source" in rule.needs():
        # Source rules document themselves with "SOURCE => TARGET" examples.
        source, text = text.split(" => ")
        doc = Document.from_text(text, lang=lang)
        doc.source = Document.from_text(source)
    else:
        doc = Document.from_text(text, lang=lang)
    report = Engine(ctx, only=[rule_id, *rule.example_with]).run([doc])
    return [f for f in report.findings if f.rule == rule_id]


def _cases(kind):
    for rule_id, rule in RULES.items():
        for i, example in enumerate(getattr(rule, kind)):
            yield pytest.param(rule_id, example, id=f"{rule_id}-{kind}{i}")


def test_every_rule_documents_itself():
    for rule_id, rule in RULES.items():
        assert rule.description.strip(), rule_id
        assert rule.bad, f"{rule_id} has no bad example"
        assert rule.good, f"{rule_id} has no good example"
        assert rule_id == rule_id.lower() and " " not in rule_id
        if "source" in rule.needs():
            assert all(" => " in ex for ex in rule.bad + rule.good), rule_id


@pytest.mark.parametrize("rule_id,example", list(_cases("bad")))
def test_bad_example_is_flagged(rule_id, example, ctx):
    rule = RULES[rule_id]
    assert _findings(rule_id, example, rule.example_lang, ctx), f"{rule_id} missed: {example!r}"


@pytest.mark.parametrize("rule_id,example", list(_cases("good")))
def test_good_example_is_not_flagged(rule_id, example, ctx):
    rule = RULES[rule_id]
    found = _findings(rule_id, example, rule.example_lang, ctx)
    assert not found, f"{rule_id} flagged {[f.text for f in found]} in {example!r}"
