"""The rewriter with the real model and the shipped acceptor, on real copy: flags carry rewrites the model
wrote, each with the probability that a post-editor would make it, and only the likely ones are applied."""
from __future__ import annotations

import pytest

from tqcheck.document import Document
from tqcheck.engine import Engine
from tqcheck.findings import Applicability
from tqcheck.fix import DEFAULT_FIX_CONFIDENCE, apply_fixes
from tqcheck.rewrite.acceptor import shipped

from .lm_session import context_with, real_lm
from .pipeline_reports import SEED

pytestmark = pytest.mark.skipif(shipped() is None, reason="no acceptor trained yet")


@pytest.fixture(scope="module")
def seed_flags():
    lm = real_lm()
    doc = Document.from_text(SEED.read_text("utf-8"), lang="en")
    report = Engine(context_with(lm), only=["lm-error-span"]).run([doc])
    return doc, report.files[0].findings


def test_flags_on_the_seed_carry_rewrites_the_model_wrote(seed_flags):
    doc, findings = seed_flags
    fixed = [f for f in findings if f.fixes]
    assert fixed, "no flag on the seed article carries a rewrite"
    bars = shipped()
    for f in fixed:
        for fx in f.fixes:
            assert fx.probability is not None and bars.show <= fx.probability <= 1
            assert fx.applicability is Applicability.SUGGEST or fx.probability >= bars.autofix
        assert f.suggestions, "a rewrite the text renderers cannot show"
        assert "probability" in f.message


def test_a_flag_never_quotes_the_models_raw_expectations(seed_flags):
    _, findings = seed_flags
    for f in findings:
        assert "the model expected" not in f.message and "log-prob" not in f.message and "nats" not in f.message


def test_a_flag_without_a_rewrite_says_what_to_check(seed_flags):
    _, findings = seed_flags
    bare = [f for f in findings if not f.fixes]
    assert bare
    assert all("check" in f.message for f in bare)


def test_fix_applies_only_rewrites_a_post_editor_would_probably_make(seed_flags):
    doc, findings = seed_flags
    _, applied = apply_fixes(doc.raw, findings)
    bars = shipped()
    for f in applied:
        assert f.fixes[0].probability >= max(bars.autofix, DEFAULT_FIX_CONFIDENCE)
    suggested_only = [f for f in findings if f.fixes and f not in applied]
    assert all(f.fixes[0].probability < max(bars.autofix, DEFAULT_FIX_CONFIDENCE)
               or f.fixes[0].applicability is Applicability.SUGGEST for f in suggested_only)


def test_a_stored_continuation_is_the_one_the_model_writes(tmp_path):
    from tqcheck.lm.cache import CachedLM, ScoreCache

    lm = real_lm()
    cached = CachedLM(lm.card, "cpu", ScoreCache(tmp_path / "scores.sqlite3"), lambda: lm)
    contexts = ["The government said it will take measures to", "Blinken's trip is the first"]
    fresh = cached.continuations(contexts, 3, 4)
    again = cached.continuations(contexts, 3, 4)
    assert cached.hits == 2 and [[tuple(c) for c in cs] for cs in again] == [[tuple(c) for c in cs] for cs in fresh]
    assert all(len(cs) == 3 and cs[0][1] >= cs[-1][1] for cs in fresh)
