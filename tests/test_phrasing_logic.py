"""The phrasing rules' logic on a stand-in language model whose beliefs each test states.

What the real model finds in real copy is tested in test_phrasing.py and test_detector.py; these tests
pin down what the rules do with a model's answer (which words they flag, when they offer a fix, what
they read in context), in milliseconds and without the 270M model.
"""
from __future__ import annotations

from tqcheck.analysis import reading
from tqcheck.document import Document
from tqcheck.engine import Engine

from .stand_in_lm import StandInLM, context_with_stand_in


def _check(text: str, lm: StandInLM, rules: list[str], **ctx):
    doc = Document.from_text(text, lang="en")
    report = Engine(context_with_stand_in(lm, **ctx), only=rules).run([doc])
    return report.files[0].findings


def test_the_stand_in_model_answers_the_reading_like_the_real_one():
    lm = StandInLM()
    doc = Document.from_text("The talks ended.\n\nThe minister left Beijing.", lang="en")
    words = reading.read(doc, context_with_stand_in(lm))
    assert [[w.text for w in para] for para in words] == [["The", "talks", "ended"], ["The", "minister", "left", "Beijing"]]
    assert all(w.surprisal > 0 for para in words for w in para)
    assert words.in_context
    # Read in context: the second paragraph's window carries the first as its context.
    method, texts, contexts = lm.calls[-1]
    assert method == "alternatives" and len(texts) == 1  # one window holds both short paragraphs


def test_a_paragraph_read_alone_is_asked_for_with_no_context():
    lm = StandInLM()
    doc = Document.from_text("The talks ended.\n\nThe minister left Beijing.", lang="en")
    words = reading.read(doc, context_with_stand_in(lm, read_in_context=False))
    assert not words.in_context
    method, texts, contexts = lm.calls[-1]
    assert texts == ["The talks ended.", "The minister left Beijing."] and contexts == ["", ""]


def test_a_very_unlikely_content_word_is_a_hint_with_no_fix():
    # Replacing a content word would change what the text says: the rule points at it and leaves it to a person.
    lm = StandInLM(bigrams={("a", "displacement"): -15.0}, proposals={"a": ["visit", "trip"]})
    findings = _check("Blinken said it was a displacement of great importance for both sides.", lm, ["lm-disfluency"])
    (f,) = findings
    assert f.text == "displacement" and f.suggestions == []
    assert "'visit'" in f.message and "check the wording" in f.message


def test_a_function_word_slip_gets_the_rewrite_that_makes_the_sentence_likelier():
    lm = StandInLM(bigrams={("they", "has"): -12.0}, proposals={"they": ["have", "are"]})
    findings = _check("On Monday they has arrived in Beijing for talks with the minister.", lm, ["lm-disfluency"])
    (f,) = findings
    assert f.text == "has" and f.suggestions[0] == "have"


def test_a_rewrite_the_rest_of_the_sentence_does_not_support_is_not_offered():
    # 'have' is likelier in the slot but makes the next word impossible: no fix, only the hint.
    lm = StandInLM(bigrams={("they", "has"): -12.0, ("have", "arrived"): -18.0},
                   proposals={"they": ["have"]})
    findings = _check("On Monday they has arrived in Beijing for talks with the minister.", lm, ["lm-disfluency"])
    (f,) = findings
    assert f.text == "has" and f.suggestions == []


def test_the_first_word_of_a_document_is_never_flagged_for_having_nothing_before_it():
    lm = StandInLM(bigrams={("", "zebras"): -16.0, ("the", "summit"): -16.0})
    assert [f.text for f in _check("Zebras were seen near the summit venue on Monday.", lm, ["lm-disfluency"])] \
        == ["summit"]


def test_the_detector_says_plainly_which_languages_it_serves_on_another():
    # A target the detector was not calibrated for gets a notice, not silence and not uncalibrated flags.
    lm = StandInLM(bigrams={("est", "arrivé"): -15.0})
    doc = Document.from_text("Le ministre est arrivé à Pékin lundi pour des entretiens.", lang="fr")
    report = Engine(context_with_stand_in(lm), only=["lm-error-span"]).run([doc])
    assert report.files[0].findings == []
    (notice,) = [n for n in report.files[0].notices if n.startswith("lm-error-span")]
    assert "'fr'" in notice and "en" in notice
