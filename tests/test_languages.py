"""Language profiles: one place that says what tqcheck knows about a language, read by the rules."""
from __future__ import annotations

from tqcheck.languages import profile, profiled
from tqcheck.source.numbers import format_number


def test_the_wire_languages_each_have_a_profile():
    assert {"en", "de", "fr", "es", "pt", "it", "ru"} <= set(profiled())


def test_a_region_tag_reads_as_its_language():
    assert profile("pt-BR") is profile("pt") and profile("de_AT") is profile("de")


def test_a_language_without_a_profile_gets_the_generic_one_under_its_own_code():
    sv = profile("sv")
    assert sv.code == "sv" and sv.decimal_comma and sv.ner_model is None and not sv.capitalises_nouns


def test_a_brazilian_portuguese_number_is_written_with_a_decimal_comma():
    assert format_number(2.5, "pt-BR") == "2,5"

