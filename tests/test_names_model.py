"""What the language model knows of names (tqcheck.names.model_evidence, canonical.model_completion): a
garbled one-off far less likely than the established name, and the spelling the model completes from
its first word.  Read with the real default model; the model never decides alone."""
from __future__ import annotations

import pytest

from tqcheck.document import Document
from tqcheck.engine import Engine

from .lm_session import context_with, real_lm

pytest.importorskip("spacy")

RAISI = """Iran's President Ebrahim Raisi said on Sunday that talks with the International Atomic Energy Agency would continue.

Speaking in Tehran, Raisi said Iran had nothing to hide.

Western diplomats said the agency's inspectors had been denied access to two sites.

Ebrahim {0} later told state television that the inspections would resume within a month.
"""
TRONG = """Vietnamese Communist Party General Secretary Nguyen Phu Trong met visiting Lao President Thongloun in Hanoi on Tuesday.

The two sides discussed cooperation between the two countries in energy and transport.

Nguyen Phu Thong said Vietnam was willing to strengthen cooperation with Laos on railway construction.

According to the Vietnam News Agency, Nguyen Phu Thong also invited Thongloun to a regional summit next year.
"""


@pytest.fixture(scope="module")
def lm():
    return real_lm()


def variants(text, ctx):
    findings = Engine(ctx, only=["name-variant"]).run([Document.from_text(text, lang="en")]).files[0].findings
    return [(f.text, f.suggestions) for f in findings], findings


def test_a_garbled_family_name_the_model_cannot_read_there_is_the_established_name(lm, names_ctx):
    text = RAISI.format("Lacey")
    assert variants(text, names_ctx)[0] == []  # the letters alone keep Lacey and Raisi apart
    found, findings = variants(text, context_with(lm))
    assert found == [("Ebrahim Lacey", ["Ebrahim Raisi"])]
    assert "language model reads 'Ebrahim Raisi' far more readily" in findings[0].message


def test_another_man_of_the_same_given_name_is_not_joined_by_the_model(lm):
    # Rahimi does not sound like Raisi: the model's preference for the president is not enough.
    assert variants(RAISI.format("Rahimi"), context_with(lm))[0] == []


def test_two_people_of_one_family_are_never_joined_by_the_model(lm):
    text = ("Hillary Clinton spoke at a fundraiser in New York on Tuesday.\n\nClinton said the party had to win "
            "back rural voters.\n\nHer husband, former president Bill Clinton, did not attend the event.\n\n"
            "Clinton later met donors at a hotel in Manhattan.\n")
    assert variants(text, context_with(lm))[0] == []


def test_the_spelling_the_model_completes_and_the_story_introduced_outweighs_a_misspelling_written_twice(
        lm, names_ctx):
    assert {s[0] for _, s in variants(TRONG, names_ctx)[0]} == {"Nguyen Phu Thong"}  # frequency alone
    found, findings = variants(TRONG, context_with(lm))
    assert found == [("Nguyen Phu Thong", ["Nguyen Phu Trong"])] * 2
    assert findings[0].evidence["decided_by"] == "model"
