"""The trained error-span detector: its shipped weights, its runs, its confidence, and what a user gets."""
from __future__ import annotations

import json

import numpy as np
import pytest

from tqcheck.analysis import reading
from tqcheck.context import Context
from tqcheck.detector import Detector, detector_for, flagged_runs
from tqcheck.detector.features import SCALARS, word_features
from tqcheck.document import Document
from tqcheck.engine import Engine

from .conftest import SEED
from .lm_session import context_with, real_lm

GARBLED = ("The minister said that the two sides will to strengthen cooperation of the fields of the economy "
           "and the trade, to the level highest since the years.")
CLEAN = "The two leaders are likely to attend the next G20 summit in New Delhi in September."


@pytest.fixture(scope="module")
def lm():
    return real_lm()


def test_the_shipped_detector_reads_what_the_reading_keeps():
    det = detector_for("gemma-3-270m")
    assert det is not None
    assert det.layers == reading.STATE_LAYERS and det.scalars == SCALARS
    assert det.state_width == 640 * len(det.layers) and det.w1.shape[1:] == (len(det.mean), det.b1.shape[1])
    assert {"en", "de"} <= set(det.languages) and {"en", "de"} <= set(det.calibration)
    for lang in ("en", "de"):
        a, _ = det.calibration[lang]
        assert a > 0 and 0.0 < det.threshold(lang) < 1.0  # calibration keeps the order; a threshold was chosen


def test_a_model_without_a_trained_detector_has_none():
    assert detector_for("smollm2-135m-instruct") is None


def test_the_weights_round_trip_through_the_file(tmp_path):
    det = detector_for("gemma-3-270m")
    det.save(tmp_path / "d.npz")
    again = Detector.load(tmp_path / "d.npz")
    X = np.random.default_rng(0).normal(size=(5, len(SCALARS) + det.state_width)).astype(np.float32)
    assert np.allclose(det.probabilities(X, "en")[0], again.probabilities(X, "en")[0]) and again.version == det.version


def test_adjacent_flagged_words_make_one_run_and_a_paragraph_break_ends_it():
    doc = Document.from_text("Talks were held in a state villa.\n\nThe flights rose.", lang="en")
    words = doc.words()
    starts, ends = [s for s, _, _ in words], [e for _, e, _ in words]
    marked = np.array([0.9 if w in ("held", "state", "villa", "The") else 0.1 for _, _, w in words])
    runs = flagged_runs(starts, ends, marked, np.zeros(len(words)), 0.5)
    # "state villa" is one run, "held" (two words before) another; "The" opens the next paragraph.
    assert [doc.text[starts[r.first]:ends[r.last]] for r in runs] == ["held", "state villa", "The"]
    assert all(abs(r.confidence - 0.9) < 1e-9 for r in runs)


def test_features_have_one_row_per_word_with_the_hidden_states(lm):
    doc = Document.from_text(f"{CLEAN}\n\n{GARBLED}", lang="en")
    words, X = word_features(doc, reading.read(doc, context_with(lm)))
    assert X.shape == (len(words), len(SCALARS) + 1280)
    assert len(words) == len(doc.words())
    assert np.abs(X[:, len(SCALARS):]).sum(axis=1).min() > 0  # every word has its states


def _findings(text, ctx, rules=("lm-error-span",), lang="en"):
    doc = Document.from_text(text, lang=lang)
    return Engine(ctx, only=list(rules)).run([doc]).files[0]


def test_a_garbled_sentence_is_flagged_with_a_calibrated_confidence_and_a_clean_one_is_not(lm):
    ctx = context_with(lm)
    bad = _findings(GARBLED, ctx).findings
    assert bad and all(f.rule == "lm-error-span" for f in bad)
    det = detector_for("gemma-3-270m")
    assert all(det.threshold("en") <= f.confidence <= 1.0 for f in bad)
    assert all(("warning" if f.confidence >= 0.75 else "info") == f.severity.value for f in bad)
    assert _findings(CLEAN, ctx).findings == []


def test_russian_copy_is_checked_by_the_detector_calibrated_on_wmt22_en_ru(lm):
    # Never trained on Russian; calibrated on WMT22 en-ru (tqcheck.lab.detector.wordlevel).
    ctx = context_with(lm)
    garbled = ("Министр сказал, что две стороны будут к укреплению сотрудничества областей экономики и торговли, "
               "до уровня самый высокий с годов.")
    result = _findings(garbled, ctx, lang="ru")
    assert not [n for n in result.notices if n.startswith("lm-error-span")]
    flagged = [f for f in result.findings if f.rule == "lm-error-span"]
    det = detector_for("gemma-3-270m")
    assert flagged and all(f.start >= garbled.index("до уровня") for f in flagged)
    assert all(det.threshold("ru") <= f.confidence for f in flagged)
    clean = "Министр заявил, что переговоры прошли успешно и стороны договорились о сотрудничестве в области энергетики."
    assert _findings(clean, ctx, lang="ru").findings == []


def test_the_detector_says_why_it_does_not_run_on_a_language_it_is_not_calibrated_for(lm):
    result = _findings("Ministr prohlásil, že jednání proběhla úspěšně a strany se dohodly na spolupráci.",
                       context_with(lm), lang="cs")
    assert result.findings == []
    assert any("lm-error-span" in n and "'cs'" in n for n in result.notices)


@pytest.mark.skipif(not SEED.exists(), reason="seeds/ not present")
def test_a_generic_hint_never_sits_on_a_specific_finding_in_the_seed(lm):
    text = SEED.read_text("utf-8")
    findings = _findings(text, context_with(lm), rules=("lm-error-span", "mt-calque", "name-variant",
                                                        "name-order", "space-before-punctuation")).findings
    specific = [f for f in findings if f.rule != "lm-error-span"]
    assert {f.rule for f in specific} >= {"mt-calque", "name-variant", "name-order"}
    for f in findings:
        if f.rule == "lm-error-span":
            assert not any(s.start < f.end and f.start < s.end for s in specific), f


@pytest.mark.skipif(not SEED.exists(), reason="seeds/ not present")
def test_min_confidence_filters_the_detectors_findings_from_the_cli(cli, tmp_path, lm):
    code, out, err = cli("check", SEED, "--format", "json", "--rule", "lm-error-span", "--min-confidence", "0.5")
    low = [f for f in json.loads(out)["files"][0]["findings"]]
    code, out, err = cli("check", SEED, "--format", "json", "--rule", "lm-error-span", "--min-confidence", "0.8")
    high = [f for f in json.loads(out)["files"][0]["findings"]]
    assert low and len(high) < len(low)
    assert all(f["confidence"] >= 0.8 for f in high) and all(f["confidence"] >= 0.5 for f in low)
    code, out, err = cli("check", SEED, "--min-confidence", "1.5")
    assert code == 2 and "--min-confidence" in err


def test_a_min_confidence_out_of_range_in_the_config_is_an_error_naming_the_key(tmp_path, lm):
    from tqcheck.config import load_config
    from tqcheck.errors import ConfigError

    cfg = tmp_path / "tqcheck.toml"
    cfg.write_text('[rules.lm-error-span]\nmin-confidence = 2\n', "utf-8")
    ctx = context_with(lm)
    ctx.config = load_config(cfg)
    with pytest.raises(ConfigError, match="min-confidence"):
        _findings(GARBLED, ctx)


def test_opt_in_rules_are_listed_as_such(cli):
    code, out, _ = cli("rules")
    lines = {line.split()[0]: line for line in out.splitlines() if line.strip()}
    assert "off by default" not in lines["lm-error-span"] and "off by default" in lines["lm-disfluency"]
    code, out, _ = cli("rules", "--json")
    table = {r["id"]: r for r in json.loads(out)}
    assert table["lm-error-span"]["default"] is True and table["lm-awkward-clause"]["default"] is False


def test_without_a_model_the_detector_is_silent():
    result = _findings(GARBLED, Context(use_model=False))
    assert result.findings == []


def test_a_function_word_between_two_flagged_words_joins_them_into_one_finding():
    # 'the importance of "Keep channels of communication open"': one problem, one finding.
    doc = Document.from_text("Blinken stressed the importance of Keep channels of communication open.", lang="en")
    words = doc.words()
    starts, ends = [s for s, _, _ in words], [e for _, e, _ in words]
    marked = np.array([0.9 if w in ("Keep", "channels", "communication") else 0.2 for _, _, w in words])
    common = np.array([w in ("of", "the") for _, _, w in words])
    joined = flagged_runs(starts, ends, marked, np.zeros(len(words)), 0.5, common)
    assert [doc.text[starts[r.first]:ends[r.last]] for r in joined] == ["Keep channels of communication"]
    apart = flagged_runs(starts, ends, marked, np.zeros(len(words)), 0.5)
    assert len(apart) == 2


def test_a_comma_inside_a_garbled_clause_does_not_split_it_into_two_findings():
    from tqcheck.detector.features import commas

    doc = Document.from_text("We expand the dialogue, at their worst moment, they agreed. Talks ended. Then, rain fell.",
                             lang="en")
    words = doc.words()
    starts, ends = [s for s, _, _ in words], [e for _, e, _ in words]
    flagged = {"expand", "the", "dialogue", "at", "their", "worst", "ended", "Then", "rain"}
    marked = np.array([0.9 if w in flagged else 0.2 for _, _, w in words])
    runs = flagged_runs(starts, ends, marked, np.zeros(len(words)), 0.5, commas=commas(doc.text, starts, ends))
    # Two phrases across a comma, yes; across a sentence end ("ended. Then"), or a lone word beside a
    # comma ("Then, rain"), no.
    assert [doc.text[starts[r.first]:ends[r.last]] for r in runs] == [
        "expand the dialogue, at their worst", "ended", "Then", "rain"]


@pytest.mark.skipif(not SEED.exists(), reason="seeds/ not present")
def test_the_seeds_garbled_opening_is_one_finding(lm):
    # "TO EXPAND the dialogue to improve their relations, at their worst moment in years, the United
    # States and China agreed ...": a Spanish word order kept in English; both halves are flagged.
    findings = _findings(SEED.read_text("utf-8"), context_with(lm), rules=("lm-error-span",)).findings
    opening = [f for f in findings if f.end <= len("TO EXPAND the dialogue to improve their relations, at their "
                                                   "worst moment in years")]
    assert len(opening) == 1 and ", at their worst" in opening[0].text


def test_the_reading_keeps_hidden_states_only_when_a_rule_of_the_run_reads_them(lm):
    # Without the detector the paragraph pass needs no states, so it can come from the disk score cache.
    ctx = context_with(lm)
    Engine(ctx, only=["name-unlikely"])  # the engine tells the reading what its rules read
    assert not ctx.model_states
    without = Document.from_text(GARBLED, lang="en")
    assert all(w.state is None for para in reading.read(without, ctx) for w in para)
    Engine(ctx, only=["lm-error-span"])
    assert ctx.model_states
    with_states = Document.from_text(GARBLED, lang="en")
    assert all(w.state is not None for para in reading.read(with_states, ctx) for w in para)
