"""How the rewriter turns the model's continuations into candidates and scores them, on a stand-in model
whose beliefs each test states (what the real model and the trained acceptor make of real copy is in
test_rewrite.py)."""
from __future__ import annotations

from tqcheck.document import Document
from tqcheck.rewrite import problem_of
from tqcheck.rewrite.acceptor import features
from tqcheck.rewrite.candidates import generate, score, slot

from .stand_in_lm import StandInLM

MISSING_VERB = "The government will take measures to the prices of vegetables stable during the festival."


def _candidates(text: str, span_text: str, lm: StandInLM, proposals=None):
    doc = Document.from_text(text, lang="en")
    start = text.index(span_text)
    sl = slot(doc, start, start + len(span_text))
    (cands,) = generate(lm, doc, [sl], {0: proposals} if proposals else None)
    score(lm, doc, [sl], [cands])
    return doc, sl, {c.text: c for c in cands}


def test_a_beam_that_comes_back_to_the_next_word_is_an_infill_of_the_missing_word():
    lm = StandInLM(bigrams={("to", "the"): -12.0, ("measures", "the"): -12.0},
                   proposals={"measures": ["to"], "to": ["keep"], "keep": ["the"], "the": ["prices"]})
    doc, sl, cands = _candidates(MISSING_VERB, "to", lm)
    assert sl.original == " to"  # the span with its space: a deletion takes it along
    infill = cands[" to keep"]
    assert infill.rejoins and infill.origin == "beam"
    assert infill.gain > 0 and infill.rank == 0  # the slip "to the" is gone from the sentence
    feats = features(sl, infill, 0.7, 0.3)
    assert feats["insert"] == 1.0 and feats["n_cand"] == 2.0
    infill.features = feats
    assert problem_of(infill) == "a word looks missing here"


def test_deleting_the_span_is_always_a_candidate_and_takes_its_space_along():
    lm = StandInLM()
    _, sl, cands = _candidates("He said that that the talks went well.", "that", lm)
    assert "" in cands and cands[""].origin == "delete"


def test_a_number_is_never_the_models_to_change():
    lm = StandInLM(proposals={"killed": ["15", "about"], "15": ["people"], "about": ["12"], "12": ["people"]})
    _, _, cands = _candidates("The storm killed 12 people in the province on Monday.", "12 people", lm)
    assert cands and all("12" in c for c in cands)  # not changed, not dropped: not even by deleting the span


def test_the_words_after_the_span_judge_what_the_words_before_proposed():
    # 'have' is what the model writes after 'they', but 'have arrived' is impossible: the rewrite loses.
    lm = StandInLM(bigrams={("they", "has"): -12.0, ("have", "arrived"): -18.0},
                   proposals={"they": ["have"], "have": ["arrived"]})
    _, _, cands = _candidates("On Monday they has arrived in Beijing for talks.", "has", lm)
    assert cands[" have"].gain < 0


def test_a_span_at_the_start_of_a_paragraph_is_not_written_on_from_the_paragraph_before():
    lm = StandInLM(proposals={"ended": ["Thus"]})
    doc = Document.from_text("The talks ended.\n\nHe left Beijing on Monday.", lang="en")
    start = doc.text.index("He")
    (cands,) = generate(lm, doc, [slot(doc, start, start + 2)])
    assert [c.origin for c in cands] == ["delete"]
    assert ("continuations", [], []) not in lm.calls and not any(m == "continuations" for m, _, _ in lm.calls)


def test_a_missing_article_is_a_one_word_edit_from_the_models_proposal():
    lm = StandInLM(bigrams={("reached", "agreement"): -12.0}, proposals={"reached": ["an"]})
    text = "The two sides reached agreement on trade during the talks in Beijing."
    doc = Document.from_text(text, lang="en")
    start = text.index("agreement")
    sl = slot(doc, start, start + len("agreement on"))
    words = [(start, start + 9, ("an",)), (start + 10, start + 12, ())]
    (cands,) = generate(lm, doc, [sl], None, {0: words})
    texts = {c.text: c for c in cands}
    assert " an agreement on" in texts and texts[" an agreement on"].origin == "edit"
    assert texts[" agreement"].origin == "edit"  # the second word left out
    score(lm, doc, [sl], [cands])
    assert texts[" an agreement on"].gain > 0


def test_a_word_that_says_something_is_never_simply_left_out():
    # Against post-edits, dropping a wrong content word often lowers TER; an editor would lose its meaning.
    lm = StandInLM(bigrams={("first", "displacement"): -14.0}, proposals={"first": ["visit"]})
    _, _, cands = _candidates("It was the first displacement of a US secretary of state to China.", "displacement", lm)
    assert "" not in cands
    assert " visit" in cands  # a word for a word stays a candidate


def _acceptor(show: float, autofix: float):
    from tqcheck.rewrite.acceptor import Acceptor

    # One column: the sentence's gain, standardised as is; the probability rises with it.
    return Acceptor(("gain",), (0.0,), (1.0,), (1.0,), 0.0, show, autofix, "test")


def test_a_rewrite_is_offered_from_the_show_bar_and_applied_only_from_the_fix_bar():
    from tqcheck.rewrite import Span, rewrite

    from .stand_in_lm import context_with_stand_in

    lm = StandInLM(bigrams={("to", "the"): -12.0, ("measures", "the"): -12.0},
                   proposals={"measures": ["to"], "to": ["keep"], "keep": ["the"], "the": ["prices"]})
    doc = Document.from_text(MISSING_VERB, lang="en")
    start = MISSING_VERB.index(" to ") + 1
    ctx = context_with_stand_in(lm)
    (sr,) = rewrite(doc, ctx, [Span(start, start + 2, 0.7, 0.2)], acceptor=_acceptor(0.9, 0.999))
    best = sr.offered[0]
    assert doc.text[best.start:best.end] == "to" and best.text == "to keep"
    assert best.probability >= 0.9 and sr.problem == "a word looks missing here"
    assert not sr.autofix  # below the fix bar: shown, not applied
    (sr,) = rewrite(doc, ctx, [Span(start, start + 2, 0.7, 0.2)], acceptor=_acceptor(0.9, 0.9))
    assert sr.autofix


def test_an_acceptor_that_offers_nothing_runs_no_search():
    from tqcheck.rewrite import Span, rewrite

    from .stand_in_lm import context_with_stand_in

    lm = StandInLM(proposals={"measures": ["to"]})
    doc = Document.from_text(MISSING_VERB, lang="en")
    assert rewrite(doc, context_with_stand_in(lm), [Span(30, 32, 0.7, 0.2)], acceptor=_acceptor(1.0, 1.0)) is None
    assert not any(m == "continuations" for m, _, _ in lm.calls)
