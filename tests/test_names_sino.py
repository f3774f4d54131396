"""Korean and Vietnamese names behind a Chinese source's characters (tqcheck.names.sino): the same
characters behind two renderings join them, and a Vietnamese name's reading says how it is spelled."""
from __future__ import annotations

import pytest

from tqcheck.document import Document
from tqcheck.engine import Engine
from tqcheck.names.sino import vietnamese_reading

pytest.importorskip("spacy")

VI_SOURCE = """越共中央总书记阮富仲周二在河内会见了到访的老挝国家主席通伦。

双方讨论了两国在能源和交通领域的合作。

阮富仲表示，越南愿同老挝加强铁路建设合作。

会谈结束后，两国领导人出席了合作协议签字仪式。

据越南通讯社报道，阮富仲还邀请通伦出席明年在河内举行的地区峰会。
"""
VI_TARGET = """Vietnamese Communist Party General Secretary {0} met visiting Lao President Thongloun in Hanoi on Tuesday.

The two sides discussed cooperation between the two countries in energy and transport.

{1} said Vietnam was willing to strengthen cooperation with Laos on railway construction.

After the talks, the two leaders attended a signing ceremony for cooperation agreements.

According to the Vietnam News Agency, {2} also invited Thongloun to attend a regional summit in Hanoi next year.
"""
KO_SOURCE = """韩国总统尹锡悦周三在首尔会见了来访的日本首相岸田文雄。

两国领导人就朝鲜半岛局势交换了意见。

尹锡悦表示，韩日两国应当加强在安全领域的合作。

岸田文雄说，日本愿意同韩国一道推进经济合作。
"""
KO_TARGET = """South Korean President {0} met visiting Japanese Prime Minister Fumio Kishida in Seoul on Wednesday.

The two leaders exchanged views on the situation on the Korean Peninsula.

{1} said South Korea and Japan should strengthen cooperation in the field of security.

Kishida said Japan was willing to promote economic cooperation together with South Korea.
"""


def check(target: str, source: str | None, ctx):
    doc = Document.from_text(target, lang="en")
    if source is not None:
        doc.source = Document.from_text(source, lang="zh")
    return Engine(ctx, only=["name-variant"]).run([doc]).files[0].findings


def test_the_sino_vietnamese_reading_of_a_leaders_characters():
    assert vietnamese_reading("阮富仲") == "Nguyễn Phú Trọng"
    assert vietnamese_reading("范明政") == "Phạm Minh Chính"
    assert vietnamese_reading("阮富X") is None


def test_a_vietnamese_leader_garbled_two_ways_is_corrected_to_the_reading_of_the_source_characters(names_ctx):
    text = VI_TARGET.format("Nguyen Phu Trung", "Nguyen Phu Trung", "Nguyen Phu Thong")
    found = check(text, VI_SOURCE, names_ctx)
    assert [(f.text, f.suggestions) for f in found] == [("Nguyen Phu Trung", ["Nguyen Phu Trong"])] * 2 + [
        ("Nguyen Phu Thong", ["Nguyen Phu Trong"])]
    assert "should be spelled 'Nguyen Phu Trong'" in found[0].message
    assert "the source's characters read 'Nguyen Phu Trong'" in found[0].message


def test_the_source_reading_outweighs_a_misspelling_written_more_often(names_ctx):
    text = VI_TARGET.format("Nguyen Phu Thong", "Nguyen Phu Thong", "Nguyen Phu Trong")
    # Without the source the letters join them, and the more frequent, wrong, spelling wins.
    assert {f.suggestions[0] for f in check(text, None, names_ctx)} == {"Nguyen Phu Thong"}
    found = check(text, VI_SOURCE, names_ctx)
    assert [(f.text, f.suggestions) for f in found] == [("Nguyen Phu Thong", ["Nguyen Phu Trong"])] * 2
    assert found[0].evidence["decided_by"] == "source"


def test_a_pinyin_rendering_of_a_vietnamese_name_is_joined_to_the_vietnamese_spelling(names_ctx):
    text = VI_TARGET.format("Nguyen Phu Trong", "Ruan Fuzhong", "Nguyen Phu Trong")
    found = check(text, VI_SOURCE, names_ctx)
    assert [(f.text, f.suggestions) for f in found] == [("Ruan Fuzhong", ["Nguyen Phu Trong"])]


def test_a_korean_president_in_pinyin_is_corrected_to_the_korean_spelling(names_ctx):
    text = KO_TARGET.format("Yoon Suk-yeol", "Yin Xiyue")
    assert check(text, None, names_ctx) == []
    found = check(text, KO_SOURCE, names_ctx)
    assert [(f.text, f.suggestions) for f in found] == [("Yin Xiyue", ["Yoon Suk-yeol"])]
    assert "尹锡悦" in found[0].message


def test_two_vietnamese_leaders_of_one_family_named_together_stay_two_people(names_ctx):
    source = "越共中央总书记阮富仲和政府总理阮春福周二会见了通伦。\n\n阮富仲表示，越南愿加强合作。\n"
    text = ("Party General Secretary Nguyen Phu Trong and Prime Minister Nguyen Xuan Phuc met Thongloun on "
            "Tuesday.\n\nNguyen Phu Trong said Vietnam would strengthen cooperation.\n")
    assert check(text, source, names_ctx) == []


def test_consistent_renderings_of_a_korean_name_get_no_finding(names_ctx):
    assert check(KO_TARGET.format("Yoon Suk-yeol", "Yoon Suk-yeol"), KO_SOURCE, names_ctx) == []
