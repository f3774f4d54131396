"""Name variants in German, French, Spanish, Portuguese, Italian and Russian wire copy (tests/data/wire):
one story per problem, and stories with many names spelled consistently, which must stay silent.

The stories were written for these tests; no evaluation set is drawn from.  No language model is needed:
mentions come from capitalisation, word frequency and the text's own evidence (tqcheck.names.mentions).
"""
from __future__ import annotations

from pathlib import Path

import pytest

from tqcheck.config import Config
from tqcheck.context import Context
from tqcheck.document import Document
from tqcheck.engine import Engine
from tqcheck.findings import Applicability

WIRE = Path(__file__).resolve().parent / "data" / "wire"


@pytest.fixture(scope="module")
def ctx():
    return Context(config=Config(), use_model=False)


def fixes(ctx, story: str, lang: str):
    doc = Document.from_text((WIRE / f"{story}.txt").read_text("utf-8"), lang=lang)
    found = Engine(ctx, only=["name-variant"]).run([doc]).files[0].findings
    return [(f.text, f.suggestions[0] if f.suggestions else None) for f in found]


def test_a_german_surname_misspelt_once_later_is_a_name_variant_with_the_fix(ctx):
    # "Scholz" is a common word in German text: the text's "Olaf Scholz ... Scholz" makes it a name.
    assert fixes(ctx, "de-scholz-misspelt", "de") == [("Scholtz", "Scholz")]


def test_a_rare_german_surname_misspelt_once_is_a_name_variant(ctx):
    assert fixes(ctx, "de-baerbock-misspelt", "de") == [("Baerbok", "Baerbock")]


def test_a_german_surname_introduced_once_and_used_alone_only_misspelt_is_a_name_variant(ctx):
    # "Olaf Scholz" once, then only "Scholtz": the misspelling is the surname's use alone.
    assert fixes(ctx, "de-scholz-misspelt-alone", "de") == [("Scholtz", "Scholz")]


def test_a_surname_misspelt_alone_in_german_is_a_suggestion_not_an_unattended_fix(ctx):
    # Without a name model one capitalised word may be another person a letter away (MLQE-PE en-de MT:
    # "Marcus Valerius" ... "Galerius"), so `tqcheck fix` leaves it to a person; English keeps its fix.
    doc = Document.from_text((WIRE / "de-scholz-misspelt-alone.txt").read_text("utf-8"), lang="de")
    (found,) = Engine(ctx, only=["name-variant"]).run([doc]).files[0].findings
    assert found.text == "Scholtz" and found.fixes[0].applicability is Applicability.SUGGEST


def test_german_common_nouns_are_never_name_variants(ctx):
    # Regierung/Regierungen, Kanzler/Kanzlerin, Bundestag/Bundesrat beside consistent names.
    assert fixes(ctx, "de-koalition-clean", "de") == []


def test_a_french_first_name_without_its_accent_once_is_a_name_variant(ctx):
    assert fixes(ctx, "fr-darmanin-accent", "fr") == [("Gerald Darmanin", "Gérald Darmanin")]


def test_a_french_name_without_its_accent_at_a_sentence_start_is_a_name_variant(ctx):
    # Two capitalised words at a sentence's start: the second one's capital says it is a name.
    assert fixes(ctx, "fr-darmanin-accent-sentence-start", "fr") == [("Gerald Darmanin", "Gérald Darmanin")]


def test_a_french_union_leader_given_an_accent_he_does_not_have_is_a_name_variant(ctx):
    # "Philippe" is a common French word: a given name stays part of the name.
    assert fixes(ctx, "fr-martinez-accent", "fr") == [("Philippe Martínez", "Philippe Martinez")]


def test_a_french_story_with_names_spelled_consistently_is_silent(ctx):
    assert fixes(ctx, "fr-retraites-clean", "fr") == []


def test_a_spanish_surname_without_its_tilde_once_is_a_name_variant(ctx):
    assert fixes(ctx, "es-munoz-accent", "es") == [("Munoz", "Muñoz")]


def test_a_spanish_story_with_names_spelled_consistently_is_silent(ctx):
    assert fixes(ctx, "es-presupuestos-clean", "es") == []


def test_a_portuguese_minister_misspelt_once_is_a_name_variant(ctx):
    assert fixes(ctx, "pt-lula-misspelt", "pt") == [("Mauro Vierra", "Mauro Vieira")]


def test_a_portuguese_story_with_names_spelled_consistently_is_silent(ctx):
    assert fixes(ctx, "pt-cimeira-clean", "pt") == []


def test_an_italian_minister_misspelt_once_is_a_name_variant(ctx):
    assert fixes(ctx, "it-meloni-misspelt", "it") == [("Antonio Taiani", "Antonio Tajani")]


def test_an_italian_story_with_names_spelled_consistently_is_silent(ctx):
    assert fixes(ctx, "it-vertice-clean", "it") == []


def test_a_russian_surname_misspelt_once_at_a_sentence_start_is_a_name_variant(ctx):
    # "Лавроф" opens its sentence, and Russian does not know the word: its capital is the name's.
    assert fixes(ctx, "ru-lavrov-misspelt-sentence-start", "ru") == [("Лавроф", "Лавров")]


def test_a_russian_surname_misspelt_once_is_a_name_variant_but_its_case_forms_are_not(ctx):
    # Cyrillic capitals are name evidence; "Лаврова" is Лавров declined, "Лавроф" a misspelling.
    assert fixes(ctx, "ru-lavrov-misspelt", "ru") == [("Лавроф", "Лавров")]


def test_a_russian_story_with_declined_names_spelled_consistently_is_silent(ctx):
    assert fixes(ctx, "ru-peregovory-clean", "ru") == []


def test_a_czech_story_whose_surnames_are_declined_is_silent(ctx):
    # Fiala, Fialu, Fialovi; Petrem Pavlem, Pavla: one name each, declined; "Opozice" opens its sentence.
    assert fixes(ctx, "cs-fiala-declined-clean", "cs") == []


def test_a_czech_surname_without_its_hacek_once_is_a_name_variant(ctx):
    assert fixes(ctx, "cs-babis-accent", "cs") == [("Babis", "Babiš")]


def test_japanese_copy_says_the_name_checks_cannot_read_it_instead_of_finding_nothing(ctx):
    # No capitals to read and no name model: a notice, not an empty names table.
    doc = Document.from_text((WIRE / "ja-kishida.txt").read_text("utf-8"), lang="ja")
    result = Engine(ctx, only=["name-variant"]).run([doc]).files[0]
    assert result.findings == []
    assert any(n.startswith("name-variant") and "capitals" in n for n in result.notices)
