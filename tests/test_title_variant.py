"""title-variant: one work the source names with the same title marks, translated under two titles.

The texts are one system's translation of a Xinhua story in WMT21 zh-en news (../shared/train), a
sentence a paragraph, with the story's own source sentences."""
from __future__ import annotations

import pytest

from tqcheck.document import Document
from tqcheck.engine import Engine

pytest.importorskip("spacy")

GOOD_LUCK = [
    ("大鹏导演的首部现实题材影片《吉祥如意》，成功入围本届上影节金爵奖，同时影片官方发布了首款海报。",
     ("Dapeng's first reality-themed film, \"Good Luck,\" was successfully shortlisted for the Golden Goblet Award "
      "at this year's Shanghai Film Festival, and the film's first poster was officially released.")),
    ("影片《吉祥如意》是大鹏导演的第一部现实题材作品，也是他与金爵奖的二度结缘。",
     ("The film \"Jixiang Ruyi\" is the first realistic work directed by Dapeng, and it is also the second time he "
      "has been associated with the Golden Goblet Award.")),
    ("毫无疑问《吉祥如意》是充满实验性的，几乎全素人的阵容和创新的视听风格将镜头前的生活变成了一部电影。",
     ("There is no doubt that \"Good Luck\" is full of experimentation. The almost all-amateur lineup and innovative "
      "audio-visual style turn the life in front of the camera into a film.")),
]


def check(pairs, ctx):
    doc = Document.from_text("\n\n".join(t for _, t in pairs), lang="en")
    doc.source = Document.from_text("\n\n".join(s for s, _ in pairs), lang="zh")
    return Engine(ctx, only=["title-variant"]).run([doc]).files[0].findings


def test_a_film_translated_under_two_titles_gets_the_title_used_most(names_ctx):
    found = check(GOOD_LUCK, names_ctx)
    assert [(f.text, f.suggestions) for f in found] == [("Jixiang Ruyi", ["Good Luck"])]
    assert "《吉祥如意》" in found[0].message
    assert found[0].fixes[0].applicability.value == "suggest"  # the published title may be neither


def test_one_title_written_with_and_without_its_article_and_comma_is_one_title(names_ctx):
    pairs = [GOOD_LUCK[0], (GOOD_LUCK[1][0], GOOD_LUCK[1][1].replace("\"Jixiang Ruyi\"", "\"The Good Luck\"")),
             GOOD_LUCK[2]]
    assert check(pairs, names_ctx) == []


def test_a_quoted_remark_beside_a_title_left_unquoted_is_not_read_as_its_title(names_ctx):
    # The source quotes "一场天意" beside the title; the translation's quotations cannot be told apart.
    pairs = GOOD_LUCK[:1] + [
        ("据导演大鹏介绍，《吉祥如意》的创作源自“一场天意”，拍摄期间家庭突如其来的一系列变故。",
         ("According to director Dapeng, the creation of Jixiang Ruyi originated from \"a providence,\" a series "
          "of sudden changes in the family during the shooting."))]
    assert check(pairs, names_ctx) == []


def test_a_sequel_and_its_first_film_are_two_works(names_ctx):
    pairs = [("三年前，由原班人马制作出品的《拆弹专家》，斩获了当年的五一档票房冠军。",
              "Three years ago, \"Shock Wave\", produced by the original team, won the May Day box office."),
             ("《拆弹专家2》近日宣布将于12月24日上映。", "\"Shock Wave 2\" will be released on December 24."),
             ("此次的《拆弹专家2》，也令人再次期待这对王牌组合能否擦出新火花。",
              "This time, \"Shock Wave 2\" also makes people look forward to new sparks.")]
    assert check(pairs, names_ctx) == []
