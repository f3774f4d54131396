"""The rewriter with the real model on real copy: the flags' messages, the rewrites the model writes for
them, and the continuations kept on disk."""
from __future__ import annotations

import re

import pytest

from tqcheck.document import Document
from tqcheck.engine import Engine
from tqcheck.rewrite import rewrite
from tqcheck.rewrite.acceptor import Acceptor
from tqcheck.rewrite.rescore import _FUNCTION

from .lm_session import context_with, real_lm
from .pipeline_reports import SEED

# Offers every candidate at probability 0.5 (no column, no bias): the search and the candidates are the
# model's, only the choice is taken out of the test.
OFFER_ALL = Acceptor((), (), (), (), 0.0, 0.0, 0.5, "test")


@pytest.fixture(scope="module")
def seed_flags():
    lm = real_lm()
    doc = Document.from_text(SEED.read_text("utf-8"), lang="en")
    ctx = context_with(lm)
    report = Engine(ctx, only=["lm-error-span"]).run([doc])
    return doc, ctx, report.files[0].findings


def test_a_flag_never_quotes_the_models_raw_expectations(seed_flags):
    _, _, findings = seed_flags
    assert findings
    for f in findings:
        assert "the model expected" not in f.message and "log-prob" not in f.message and "nats" not in f.message


def test_a_flag_without_a_rewrite_says_what_to_check(seed_flags):
    _, _, findings = seed_flags
    bare = [f for f in findings if not f.fixes]
    assert bare and all("check" in f.message and "source" in f.message for f in bare)


def test_the_models_rewrites_of_the_seeds_flags_keep_its_numbers_and_what_its_words_say(seed_flags):
    from tqcheck.detector import flagged_runs
    from tqcheck.detector.detection import detection
    from tqcheck.rules.phrasing.error_span import span_of

    doc, ctx, _ = seed_flags
    found = detection(doc, ctx)
    runs = flagged_runs(found.starts, found.ends, found.marked, found.major, found.threshold, found.bridges,
                        commas=found.commas)
    spans = [span_of(r, found.words[r.first:r.last + 1]) for r in runs]
    result = rewrite(doc, ctx, spans, acceptor=OFFER_ALL)
    assert result is not None and len(result) == len(spans)
    offered = [s for sr in result for s in sr.offered]
    assert offered, "the model wrote no rewrite for any flag of the seed"
    assert any(c.origin == "beam" for sr in result for c in sr.candidates), "no candidate came from the search"
    for sr in result:
        para = next((a, b) for a, b in doc.paragraphs if a <= sr.span.start < b)
        for s in sr.offered:
            assert para[0] <= s.start <= s.end <= para[1] and s.probability == 0.5
            old = doc.text[s.start:s.end]
            assert re.findall(r"\d+", old) == re.findall(r"\d+", s.text)
            if not s.text.strip():  # only small words are ever simply left out
                assert all(w.strip(".,;:").lower() in _FUNCTION for w in old.split())
        assert sr.autofix == bool(sr.offered)


def test_a_stored_continuation_is_the_one_the_model_writes(tmp_path):
    from tqcheck.lm.cache import CachedLM, ScoreCache

    lm = real_lm()
    cached = CachedLM(lm.card, "cpu", ScoreCache(tmp_path / "scores.sqlite3"), lambda: lm)
    contexts = ["The government said it will take measures to", "Blinken's trip is the first"]
    fresh = cached.continuations(contexts, 3, 4)
    again = cached.continuations(contexts, 3, 4)
    assert cached.hits == 2 and [[tuple(c) for c in cs] for cs in again] == [[tuple(c) for c in cs] for cs in fresh]
    assert all(len(cs) == 3 and cs[0][1] >= cs[-1][1] for cs in fresh)
