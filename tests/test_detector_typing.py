"""Typed flags: the detector's labels from MQM categories, its typing head, and the held-out sample it is measured on."""
from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest

from tqcheck.detector import Detector, Flag, detector_for, flagged_runs, kind_of
from tqcheck.document import Document
from tqcheck.lab.detector.build import TRAINING
from tqcheck.lab.detector.extract import documents, is_fluency, labels

from .conftest import EVAL_ZHEN, SHARED, need

TED_ZHEN = SHARED / "train" / "2021-ted-zh-en.jsonl"
NEWS_ZHEN = SHARED / "train" / "2021-news-zh-en.jsonl"


class _Word:
    def __init__(self, start, end):
        self.start, self.end = start, end


def _labels_of(path, layout="article"):
    doc, starts, rec = next(documents(path, layout))
    return doc, rec, labels([_Word(s, e) for s, e, _ in doc.words()], starts, rec)


def test_ted_categories_map_to_the_families_the_eval_gold_uses():
    # Every category the evaluation set's dev gold puts in one family alone maps there from its name too.
    seen = {}
    for line in need(EVAL_ZHEN).open(encoding="utf-8"):
        for seg in json.loads(line)["segments"]:
            for err in seg["errors"]:
                cats = {a["category"] for a in err["annotations"]}
                if len(cats) == 1 and err["family"] != "name_entity":
                    seen.setdefault(cats.pop(), set()).add(err["family"] == "fluency")
    assert len(seen) > 10
    for category, fluent in seen.items():
        assert fluent == {is_fluency({"category": category})}, category
    # The TED files' own names for categories the dev gold spells differently.
    assert is_fluency({"category": "Style/Awkward"}) and is_fluency({"category": "Fluency/Register"})
    assert is_fluency({"category": "Terminology/Inconsistent use of terminology"})
    assert not is_fluency({"category": "Terminology/Inappropriate for context"})
    assert is_fluency({"category": None}) is None  # the news files: unknown, not "accuracy"


def test_a_ted_word_is_labelled_fluency_only_under_a_fluency_span():
    doc, rec, lab = _labels_of(need(TED_ZHEN))
    words = doc.words()
    # talk.2 opens with "take a moment" (Style/Awkward) and "most of what ... has" (Accuracy/Mistranslation).
    by_text = {}
    for i, (s, e, _) in enumerate(words):
        by_text.setdefault(doc.text[s:e], i)  # the first time the word occurs
    assert rec["segments"][0]["errors"][0]["category"] == "Style/Awkward"
    assert lab["fluency"][by_text["moment"]] == 1 and lab["y"][by_text["moment"]] == 1
    assert lab["fluency"][by_text["universe"]] == 0 and lab["y"][by_text["universe"]] == 1
    assert set(np.unique(lab["fluency"][lab["y"] == 0])) == {0}
    assert (lab["raters"] == 1).all() and ((lab["by_rater"] > 0) == (lab["y"] > 0)).all()


def test_a_news_word_without_a_category_is_not_labelled_accuracy():
    _, _, lab = _labels_of(need(NEWS_ZHEN))
    assert lab["y"].sum() > 0 and (lab["fluency"][lab["y"] > 0] == -1).all()


def test_each_dev_rater_has_their_own_bit_and_the_union_is_the_marked_label():
    _, _, lab = _labels_of(need(EVAL_ZHEN))
    assert (lab["raters"] == 3).all()
    assert ((lab["by_rater"] > 0) == (lab["y"] > 0)).all()
    # Three raters rarely agree: some words carry one bit, some several.
    bits = np.array([int(b).bit_count() for b in lab["by_rater"][lab["y"] > 0]])
    assert (bits == 1).any() and (bits > 1).any()


def test_the_held_out_sample_never_holds_a_document_the_detector_was_trained_on():
    share, seed = next((s, k) for name, s, k in TRAINING if name == NEWS_ZHEN.name)
    trained = {rec["id"] for _, _, rec in documents(need(NEWS_ZHEN), "mixed", share, seed)}
    held = {rec["id"] for _, _, rec in documents(NEWS_ZHEN, "mixed", held_out_of=(share, seed))}
    everything = {json.loads(line)["id"] for line in NEWS_ZHEN.open(encoding="utf-8")}
    assert trained and held and not trained & held and trained | held == everything


def test_a_typed_run_takes_its_kind_from_the_typing_head_not_from_severity():
    doc = Document.from_text("The talks was held, in a state villa.", lang="en")
    words = doc.words()
    starts, ends = [s for s, _, _ in words], [e for _, e, _ in words]
    marked = np.array([0.9 if w in ("talks", "was", "state", "villa") else 0.1 for _, _, w in words])
    fluency = np.array([0.8 if w in ("talks", "was") else 0.2 for _, _, w in words])
    major = np.full(len(words), 0.9)  # severity no longer decides the kind where the head types
    runs = flagged_runs(starts, ends, marked, major, 0.5, fluency=fluency, fluent_from=0.5)
    assert [kind_of(r) for r in runs] == ["fluency", "accuracy"] and runs[0].fluency == pytest.approx(0.8)
    # Without the head (a language it does not type, or the shipped file: see models/detector.md),
    # severity stands in.
    untyped = flagged_runs(starts, ends, marked, major, 0.5)
    assert [kind_of(r) for r in untyped] == ["accuracy", "accuracy"] and untyped[0].fluency is None
    assert kind_of(Flag(0, 0, 0.9, 0.2)) == "fluency"


def test_a_typing_head_beside_the_detector_leaves_its_flags_unchanged_and_travels_in_its_file(tmp_path):
    det = detector_for("gemma-3-270m")
    rng = np.random.default_rng(1)
    width = len(det.mean)
    head = replace(det, t_w1=rng.normal(size=(2, width, 4)).astype(np.float32) / 50,
                   t_b1=np.zeros((2, 4), np.float32), t_w2=rng.normal(size=(2, 4, 1)).astype(np.float32),
                   t_b2=np.zeros((2, 1), np.float32), typing={"en": (1.0, 0.0, 0.6)})
    head.save(tmp_path / "typed.npz")
    again = Detector.load(tmp_path / "typed.npz")
    X = rng.normal(size=(50, len(det.scalars) + det.state_width)).astype(np.float32)
    marked, major = det.probabilities(X, "en")
    typed_marked, typed_major, fluency = again.read(X, "en")
    assert np.array_equal(marked, typed_marked) and np.array_equal(major, typed_major)
    assert fluency is not None and ((fluency > 0) & (fluency < 1)).all() and again.fluent_from("en") == 0.6
    # German is not typed by this head: no fluency, and its runs keep the severity stand-in.
    assert again.read(X, "de")[2] is None and again.fluent_from("de") is None
    # The shipped file, without a head, reads as before.
    assert not det.types and det.read(X, "en")[2] is None


def test_the_flag_volume_reads_each_dev_rater_on_their_own_and_a_train_segments_one_rater():
    from tqcheck.lab.detector.volume import views

    _, _, dev = _labels_of(need(EVAL_ZHEN))
    seen = views(dev)
    assert list(seen) == ["rater 1 of 3", "rater 2 of 3", "rater 3 of 3", "any rater"]
    union = np.logical_or.reduce([marks for name, (_, marks) in seen.items() if name != "any rater"])
    assert np.array_equal(union, seen["any rater"][1])
    # Each rater alone marks fewer words than the three together.
    assert all(marks.sum() < union.sum() for name, (_, marks) in seen.items() if name != "any rater")
    _, _, news = _labels_of(need(NEWS_ZHEN))
    assert list(views(news)) == ["one rater"] and np.array_equal(views(news)["one rater"][1], news["y"] > 0)
