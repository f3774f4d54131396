"""Numbers compared as values across notations and languages."""
from __future__ import annotations

import pytest

from tqcheck.source.numbers import extract_numbers, format_number, parse_chinese_numeral


def values(text, lang, words=True):
    return [(n.text, sorted(n.values), n.kind) for n in extract_numbers(text, lang, words)]


@pytest.mark.parametrize("text,lang,expected", [
    ("3,5 millones", "es", 3.5e6), ("3.5 million", "en", 3.5e6), ("3.5万", "zh", 35000), ("35,000", "en", 35000),
    ("1,2 Mrd. Euro", "de", 1.2e9), ("1.2bn", "en", 1.2e9), ("500余万", "zh", 5e6), ("1.23亿", "zh", 1.23e8),
    ("3百万", "zh", 3e6), ("2,5 milliards", "fr", 2.5e9), ("1.000", "de", 1000),
])
def test_amounts_with_scale_words(text, lang, expected):
    (n,) = extract_numbers(text, lang, words=False)
    assert expected in n.values and n.text == text.replace(" Euro", "")


def test_percentages_in_every_notation_agree():
    es, en, zh = (extract_numbers(t, lang)[0] for t, lang in
                  (("13,75 %", "es"), ("13.75%", "en"), ("百分之十三点七五", "zh")))
    assert es.values == en.values == zh.values == frozenset({13.75})
    assert es.kind == en.kind == zh.kind == "percent"


def test_ambiguous_separator_keeps_both_readings():
    (n,) = extract_numbers("1,500", "es", words=False)
    assert n.values == frozenset({1.5, 1500.0})
    (n,) = extract_numbers("1,500", "en", words=False)
    assert n.values == frozenset({1500.0})


@pytest.mark.parametrize("numeral,value", [("三百五十", 350), ("两千零二十三", 2023), ("二〇二三", 2023),
                                           ("十五", 15), ("十三点七五", 13.75), ("一亿二千万", 120_000_000)])
def test_chinese_numerals(numeral, value):
    assert parse_chinese_numeral(numeral) == value


def test_chinese_words_containing_digits_are_not_numbers():
    # 一些 (some), 统一 (unify), 十分 (very) are words; 三家 (three companies) is a count.
    assert values("一些人十分支持统一", "zh", words=False) == []
    assert values("三家机构", "zh", words=False) == [("三", [3.0], "number")]


def test_codes_and_dates():
    found = values("On February 10th, COVID-19 cases in the G20 fell", "en")
    assert ("February", [2.0], "month") in found and ("10th", [10.0], "number") in found
    assert all(kind == "code" for text, _, kind in found if text in ("19", "20"))
    assert values("2月10日", "zh") == [("2", [2.0], "number"), ("10", [10.0], "number")]


def test_format_number_follows_the_language():
    assert format_number(2_800_000, "en") == "2,800,000"
    assert format_number(2.8, "es") == "2,8"
    assert format_number(2024, "de") == "2024"


@pytest.mark.parametrize("a,la,b,lb", [("around 1.30pm", "en", "gegen 13:30 Uhr", "de"),
                                       ("at 10 a.m.", "en", "um 10.00 Uhr", "de"),
                                       ("下午3时30分", "zh", "at 3.30pm", "en")])
def test_clock_times_agree_across_notations(a, la, b, lb):
    (x,) = extract_numbers(a, la, words=False)
    (y,) = extract_numbers(b, lb, words=False)
    assert x.kind == y.kind == "time" and x.values & y.values


def test_german_compound_amounts():
    (n,) = extract_numbers("die 44-Millionen-Pfund-Verpflichtung", "de", words=False)
    assert n.values == frozenset({44e6})
