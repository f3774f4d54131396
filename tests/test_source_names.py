"""Source-side name evidence: pinyin of the aligned Chinese settles the target spelling."""
from __future__ import annotations

from tqcheck.document import Document
from tqcheck.source.names import source_name_candidates

SOURCE = "外交部长秦刚当天会见了美国国务卿布林肯。国民党副主席夏立言访问大陆，会见了宋涛。"


def test_qing_gang_is_settled_by_the_source():
    best = source_name_candidates(Document.from_text(SOURCE, lang="zh"), "Qing Gang")[0]
    assert (best.spelling, best.source_text) == ("Qin Gang", "秦刚")
    assert SOURCE[best.start:best.start + 2] == "秦刚"


def test_three_character_name_and_correct_spelling_scores_highest():
    best = source_name_candidates(SOURCE, "Xia Liyang")[0]
    assert best.spelling == "Xia Liyan"
    assert source_name_candidates(SOURCE, "Xia Liyan")[0].score == 1.0


def test_within_limits_the_search_to_the_aligned_sentence():
    second = (SOURCE.index("国民党"), len(SOURCE))
    assert source_name_candidates(SOURCE, "Qing Gang", within=second) == []
    assert source_name_candidates(SOURCE, "Song Tao", within=second)[0].source_text == "宋涛"


def test_unrelated_name_has_no_candidate():
    assert source_name_candidates(SOURCE, "Angela Merkel") == []


def test_latin_script_source_names_compare_directly():
    src = "La ministra Teresa Ribera viajó a Bruselas."
    assert source_name_candidates(src, "Teresa Rivera")[0].spelling == "Teresa Ribera"


def test_other_scripts_are_transliterated():
    src = "Министр иностранных дел Сергей Лавров встретился с Блинкеном."
    best = source_name_candidates(src, "Sergey Lavrov")[0]
    assert (best.spelling, best.source_text) == ("Sergey Lavrov", "Сергей Лавров")
    assert source_name_candidates(src, "Lavrow")[0].spelling == "Lavrov"
