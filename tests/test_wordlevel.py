"""The word-level measure (tqcheck.lab.detector.wordlevel): post-edit tags placed on the MT's characters,
and the Matthews correlation it reports."""
from __future__ import annotations

import json

import numpy as np

from tqcheck.lab.detector.wordlevel import _bad_spans, mcc, postedit_records

from .conftest import SHARED, need


def test_post_edit_tags_land_on_the_words_the_post_editor_changed():
    path = need(SHARED / "postedit" / "en-de.dev.jsonl")
    for line in open(path, encoding="utf-8"):
        rec = json.loads(line)
        tokens, tags = rec["mt_tok"].split(), rec["mt_tags"].split()
        if "BAD" in tags and len(tokens) == len(tags):
            break
    spans = _bad_spans(rec["mt"], tokens, tags)
    bad = [t for t, g in zip(tokens, tags) if g == "BAD"]
    assert [rec["mt"][s["start"]:s["end"]] for s in spans] == bad


def test_post_edited_sentences_become_records_of_ten_paragraphs():
    path = need(SHARED / "postedit" / "en-zh.dev.jsonl")
    first = next(postedit_records(path))
    assert first["lang_pair"] == "en-zh" and len(first["segments"]) == 10
    assert all(seg["starts_paragraph"] for seg in first["segments"])


def test_mcc_is_one_for_the_tags_themselves_and_minus_one_for_their_opposite():
    y = np.array([True, False, True, False, False])
    assert mcc(y, y) == 1.0 and mcc(~y, y) == -1.0
    assert mcc(np.ones(5, dtype=bool), y) == 0.0  # flagging everything says nothing


def test_the_cross_encoder_labels_the_target_words_under_a_raters_span_and_reads_chinese_per_character():
    from tqcheck.lab.detector.cross_encoder import Encoder, words_of

    assert words_of("Der Minister sagte 中国 ok.") == [(0, 3), (4, 12), (13, 18), (19, 20), (20, 21), (22, 25)]
    path = need(SHARED / "train" / "2022-news-en-de.jsonl")
    with open(path, encoding="utf-8") as fh:
        seg = next(s for s in (s for line in fh for s in json.loads(line)["segments"])
                   if any(e["end"] > e["start"] for e in s["errors"]))
    spans = [(e["start"], e["end"]) for e in seg["errors"] if e["end"] > e["start"]]
    enc = Encoder()
    ids, firsts, labels = enc.example(seg["source"], seg["target"], spans)
    marked = [seg["target"][a:b] for (a, b), y in zip(words_of(seg["target"]), labels) if y]
    assert marked and all(any(s < b and a < e for s, e in spans) for (a, b), y in zip(words_of(seg["target"]), labels) if y)
    assert len(firsts) == len(labels) == len(words_of(seg["target"]))
    # Each word's first token sits after the source's pieces and the two separators.
    assert firsts[0] == len(enc.pieces(seg["source"])[:100]) + 3 and ids[-1] == enc.tok.eos


def test_a_paragraph_longer_than_one_example_is_read_in_windows_that_cover_every_word():
    from tqcheck.lab.detector.cross_encoder import MAX_TOKENS, Encoder, words_of

    path = need(SHARED / "eval" / "ende" / "dev.docs.jsonl")
    with open(path, encoding="utf-8") as fh:
        seg = max((s for line in fh for s in json.loads(line)["segments"]), key=lambda s: len(s["target"]))
    enc = Encoder()
    windows = enc.windows(seg["source"], seg["target"])
    assert len(windows) > 1 and all(len(ids) <= MAX_TOKENS for ids, _, _ in windows)
    assert sum(len(firsts) for _, firsts, _ in windows) == len(words_of(seg["target"]))
