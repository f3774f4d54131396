"""An organisation named two ways in one story, and an acronym expanded two ways (issue #27), on the WMT21
zh-en trade-union story and a CIIE report."""
from __future__ import annotations

import pytest

from tqcheck.document import Document
from tqcheck.engine import Engine
from tqcheck.names.compare import same_organisation

pytest.importorskip("spacy")

# One system's translation of the trade-union story (WMT21 zh-en, chinanews.com.229501), shortened: the
# regional federation is named two ways; the county and district federations are other bodies.
TRADE_UNIONS = (
    "Since July 17, trade unions at all levels in Xinjiang have responded to the call of the General Union of "
    "the Autonomous Region and actively participated in the epidemic prevention and control work. Recently, the "
    "Urumqi Tianshan District Federation of Trade Unions sent a group of urgently needed supplies to the staff of "
    "12 isolation points. On July 19, the Urumqi County Federation of Trade Unions launched a condolence campaign "
    "to \"send coolness\" to front-line workers. \"We must give full play to the role of trade unions in uniting "
    "workers,\" the head of the Autonomous Region Federation of Trade Unions said.")


def findings(text, ctx):
    return Engine(ctx, only=["name-variant"]).run([Document.from_text(text, lang="en")]).files[0].findings


def test_one_federation_named_as_a_general_union_and_a_federation_of_trade_unions_is_flagged(names_ctx):
    found = findings(TRADE_UNIONS, names_ctx)
    assert [(TRADE_UNIONS[f.start:f.end], f.suggestions) for f in found] == [
        ("Autonomous Region Federation of Trade Unions", ["General Union of the Autonomous Region"])]
    assert "named 'General Union of the Autonomous Region' elsewhere" in found[0].message


def test_bodies_with_other_key_words_or_the_same_words_reordered_are_not_one_organisation_named_two_ways():
    assert same_organisation("Ministry of Culture", "Culture Bureau")
    assert not same_organisation("Urumqi County Federation of Trade Unions",
                                 "Urumqi Tianshan District Federation of Trade Unions")
    assert not same_organisation("Golmud Public Security Bureau", "Public Security Bureau of Golmud")
    assert not same_organisation("Ministry of Foreign Affairs", "Foreign Affairs Committee")


def test_two_countries_ministries_of_one_name_are_two_ministries(names_ctx):
    text = ("The US Commerce Department added the firms to its entity list on Friday. "
            "China's Ministry of Commerce said it would take the necessary measures.")
    assert findings(text, names_ctx) == []


def test_one_acronym_introduced_by_two_expansions_is_one_name_written_two_ways(names_ctx):
    text = ("The third China International Import Expo (CIIE) opened in Shanghai on Thursday. Exhibitors from "
            "150 countries took part. Officials said the China International Imports Fair (CIIE) would return "
            "next year.")
    found = findings(text, names_ctx)
    assert [(text[f.start:f.end], f.suggestions) for f in found] == [
        ("China International Imports Fair", ["China International Import Expo"])]
    assert "both introduce 'CIIE'" in found[0].message


def test_an_expansion_differing_by_one_word_with_the_introduced_acronyms_letters_is_flagged(names_ctx):
    text = ("The third China International Import Expo (CIIE) opened in Shanghai on Thursday. Exhibitors from "
            "150 countries took part. Officials said the China International Import Exhibition would return "
            "next year.")
    found = findings(text, names_ctx)
    assert [(text[f.start:f.end], f.suggestions) for f in found] == [
        ("China International Import Exhibition", ["China International Import Expo"])]


def test_an_introduced_acronym_garbled_once_is_suggested_back_not_fixed_unattended(names_ctx):
    from tqcheck.findings import Applicability

    text = ("The China International Import Expo (CIIE) opened in Shanghai on Sunday.\n\nMore than 3,000 companies "
            "are taking part in the CIIE this year.\n\nOrganisers said the CIIF would return next November.\n")
    found = findings(text, names_ctx)
    assert [(f.text, f.suggestions, f.fixes[0].applicability) for f in found] == [
        ("CIIF", ["CIIE"], Applicability.SUGGEST)]
    assert "introduces 'CIIE'" in found[0].message
    swapped = ("China's National Development and Reform Commission (NDRC) said it would cut fuel prices. The NDRC "
               "said the cut followed a fall in oil prices. Analysts said the NDCR had signalled the move.")
    assert [(f.text, f.suggestions) for f in findings(swapped, names_ctx)] == [("NDCR", ["NDRC"])]


def test_a_real_acronym_a_letter_away_is_another_organisation(names_ctx):
    parties = ("Germany's Christian Democratic Union (CDU) chose a new leader on Saturday. The CDU and its Bavarian "
               "sister party, the CSU, lead the polls. The CDU leader said the alliance would hold.")
    assert findings(parties, names_ctx) == []
    council = ("China's National Development and Reform Commission (NDRC) said it would cut fuel prices. The NDRC "
               "said the cut followed a fall in oil prices. The NRDC, an American environmental group, objected.")
    assert findings(council, names_ctx) == []
