"""The typography rules on the founding article."""
from __future__ import annotations

from tqcheck.document import Document
from tqcheck.context import Context
from tqcheck.engine import Engine


def _run(text, rules=None, lang="en"):
    doc = Document.from_text(text, lang=lang, path="seed")
    return Engine(Context(use_model=False), only=rules).run([doc]).findings


TYPO = ["space-before-punctuation", "doubled-word", "doubled-space", "unbalanced-pairs", "mixed-quotes",
        "run-in-heading"]


def test_space_before_comma_in_seed_is_found_with_fix(seed_text):
    found = [f for f in _run(seed_text, TYPO) if f.rule == "space-before-punctuation"]
    assert len(found) == 1
    f = found[0]
    assert seed_text[f.start - 11:f.end + 10] == "counterpart , Qing Gang"
    assert f.suggestions == [","]
    assert (f.line, f.column) == (1, seed_text.index(" , Qing") + 1)


def test_run_in_subheading_in_seed_is_split_off(seed_text):
    found = [f for f in _run(seed_text, TYPO) if f.rule == "run-in-heading"]
    assert [f.text.strip() for f in found] == ["New Biden-Xi meeting"]
    fixed = seed_text[:found[0].start] + found[0].suggestions[0] + seed_text[found[0].end:]
    assert "overflying its territory.\n\nNew Biden-Xi meeting\n\nBiden said" in fixed


def test_seed_typography_is_not_a_flood(seed_text):
    # The article's curly quotes are balanced and consistent: only the two real problems.
    assert sorted(f.rule for f in _run(seed_text, TYPO)) == ["run-in-heading", "space-before-punctuation"]


def test_french_spacing_before_colon_is_correct_french():
    text = "Il a déclaré : « Nous travaillons ensemble ! » Puis il est parti ."
    found = _run(text, ["space-before-punctuation"], lang="fr")
    assert [f.text for f in found] == [" ."]


def test_german_doubled_article_is_grammatical():
    text = "Das sind die Diplomaten, die die Gespräche geführt haben."
    assert not _run(text, ["doubled-word"], lang="de")
    assert _run("Er sagte, dass dass die Gespräche offen waren und und konstruktiv.", ["doubled-word"], lang="de")


def test_german_straight_quotes_get_german_marks():
    found = _run('Tokajew sagte, die Lage sei "stabil".', ["mixed-quotes"], lang="de")
    assert [(f.text, f.suggestions) for f in found] == [('"', ["„"]), ('"', ["“"])]


def test_multi_paragraph_quotation_is_balanced():
    text = "“We will work together,” Qin said. “The talks were candid.\n\n“We agreed to keep talking,” he added."
    assert not _run(text, ["unbalanced-pairs"])
    assert _run("“We will work together, Qin said.\n\nHe left.", ["unbalanced-pairs"])
