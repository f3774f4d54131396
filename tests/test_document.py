"""The Document: offsets, lines, sentences and language."""
from __future__ import annotations

import json

import pytest

from tqcheck.document import Document
from tqcheck.readers import read_source

from .conftest import EVAL_ENDE, EVAL_ZHEN, SEED, need


def test_seed_structure(seed_text):
    doc = Document.from_text(seed_text)
    assert doc.lang == "en"
    assert len(doc.paragraphs) == seed_text.strip().count("\n\n") + 1
    first = doc.text[slice(*doc.sentences[0])]
    assert first.startswith("TO EXPAND the dialogue") and first.endswith("Qing Gang.")
    # Offsets are code points into the file text: the curly quotes do not shift them.
    i = seed_text.index("“sincere”")
    assert doc.raw[i:i + 9] == "“sincere”"
    words = [w for _, _, w in doc.words(*doc.sentences[0])]
    assert "Blinken" in words and "Qing" in words


def test_line_col_is_one_based_and_counts_code_points():
    doc = Document.from_text("héllo\nwörld „x“ y", lang="de")
    assert doc.line_col(0) == (1, 1)
    assert doc.line_col(6) == (2, 1)
    assert doc.line_col(doc.raw.index("y")) == (2, 11)


@pytest.mark.parametrize("path,lang", [(EVAL_ZHEN, "en"), (EVAL_ENDE, "de")])
def test_language_detected_on_eval_targets_and_sources(path, lang):
    rec = json.loads(need(path).open().readline())
    target = " ".join(s["target"] for s in rec["segments"])
    source = " ".join(s["source"] for s in rec["segments"])
    assert Document.from_text(target).lang == lang
    assert Document.from_text(source).lang == ("zh" if lang == "en" else "en")


def test_lang_override():
    assert Document.from_text("Blinken talked to Qin.", lang="de").lang == "de"


def test_seed_file_reads_back_identically():
    src = read_source(str(SEED))
    assert src.text == SEED.read_text("utf-8")


def test_wire_copy_with_single_line_breaks_has_the_same_paragraphs(seed_text):
    # Many feeds separate paragraphs with one line break: each long line is a paragraph, exactly as
    # when blank lines separate them.
    single = seed_text.replace("\n\n", "\n")
    blank, one = Document.from_text(seed_text, lang="en"), Document.from_text(single, lang="en")
    assert len(one.paragraphs) == len(blank.paragraphs) == 19
    assert [one.text[s:e] for s, e in one.paragraphs] == [blank.text[s:e] for s, e in blank.paragraphs]


def test_hard_wrapped_text_stays_one_paragraph_per_block():
    text = ("Blinken arrived in Beijing on Sunday for two days of talks, the first visit\n"
            "by a US secretary of state in five years.\n\n"
            "Qin told him that relations were at their lowest point\r\n"
            "since the two countries established ties.\n")
    doc = Document.from_text(text, lang="en")
    assert [doc.text[s:e].split()[0] for s, e in doc.paragraphs] == ["Blinken", "Qin"]
    assert len(doc.paragraphs) == 2
    # Long lines are paragraphs, but a line that goes on in lower case continues the sentence before it.
    long = ("It is the first visit by a US secretary of state to China in almost five years, and the talks are\n"
            "expected to be difficult, officials in Washington said on Saturday before the trip began.\n"
            "Qin told Blinken that relations between the two countries were at their lowest point since ties began.")
    doc = Document.from_text(long, lang="en")
    assert [doc.text[s:e].split()[0] for s, e in doc.paragraphs] == ["It", "Qin"]
