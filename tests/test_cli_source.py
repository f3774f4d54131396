"""The source's evidence for names reaches a user through the CLI (check, fix and names take --source)."""
from __future__ import annotations

import json

import pytest

from .pipeline_reports import BILINGUAL_SOURCE, BILINGUAL_TARGET

RAISI_TARGET = ("Anti-government hackers briefly interrupted President Ebrahim Raisi's televised speech. "
                "As Iran marks the anniversary of its revolution, Lacey's hardline government faces its biggest "
                "challenge yet from young protesters.\n")
RAISI_SOURCE = "反政府黑客短暂中断了总统易卜拉欣·莱希的电视讲话。在伊朗纪念革命周年之际，莱希的强硬派政府面临年轻抗议者迄今最大的挑战。\n"


@pytest.fixture
def pair(tmp_path):
    def write(target: str, source: str):
        t, s = tmp_path / "story.en.txt", tmp_path / "story.zh.txt"
        t.write_text(target, "utf-8")
        s.write_text(source, "utf-8")
        return t, s
    return write


def _findings(out: str) -> list[tuple[str, str, list[str]]]:
    return [(f["rule"], f["text"], f["suggestions"]) for f in json.loads(out)["files"][0]["findings"]]


def test_check_with_a_chinese_source_joins_two_renderings_of_one_transliterated_name(cli, pair):
    target, source = pair(RAISI_TARGET, RAISI_SOURCE)
    code, out, err = cli("check", target, "--source", source, "--lang", "en", "--no-model", "--rule", "name-variant",
                         "-f", "json")
    assert code == 0, err
    assert _findings(out) == [("name-variant", "Lacey", ["Raisi"])]
    message = json.loads(out)["files"][0]["findings"][0]["message"]
    assert "莱希" in message and "another rendering of 'Raisi'" in message
    # Without the source the two names are two people.
    code, out, _ = cli("check", target, "--lang", "en", "--no-model", "--rule", "name-variant", "-f", "json")
    assert _findings(out) == []


def test_check_with_a_chinese_source_reads_chinese_names_through_pinyin(cli, pair):
    target, source = pair(BILINGUAL_TARGET, BILINGUAL_SOURCE)
    code, out, err = cli("check", target, "--source", source, "--lang", "en", "--no-model", "-f", "json")
    assert code == 0, err
    assert ("name-variant", "Wang Yanming", ["Wang Yining"]) in _findings(out)
    ledger = json.loads(out)["files"][0]["names"]
    wang = next(e for e in ledger if e["entity"] == "Wang Yining")
    assert any(r["kind"] == "source" and "wanghuning" in r["text"] for r in wang["reasons"])
    assert {s["spelling"] for s in wang["spellings"]} == {"Wang Yanming", "Wang Yining"}


def test_names_command_takes_the_source(cli, pair):
    target, source = pair(RAISI_TARGET, RAISI_SOURCE)
    code, out, err = cli("names", target, "--source", source, "--lang", "en", "--no-model", "--json")
    assert code == 0, err
    raisi = next(e for e in json.loads(out)["entities"] if e["entity"] == "Raisi" or "Raisi" in e["entity"])
    assert {s["spelling"] for s in raisi["spellings"]} >= {"Lacey"} and not raisi["consistent"]
    code, out, _ = cli("names", target, "--lang", "en", "--no-model", "--json")
    assert all(not ("Lacey" in {s["spelling"] for s in e["spellings"]} and "Raisi" in e["entity"])
               for e in json.loads(out)["entities"])


def test_fix_takes_the_source(cli, pair, tmp_path):
    target, source = pair(RAISI_TARGET, RAISI_SOURCE)
    out_file = tmp_path / "fixed.txt"
    code, diff, err = cli("fix", target, "--source", source, "--lang", "en", "--no-model", "--rule", "name-variant",
                          "--min-confidence", "0.5", "-o", out_file)
    assert code == 0, err
    assert "Raisi's hardline government" in out_file.read_text("utf-8")
    assert "-As Iran marks" in diff or "Lacey" in diff
    assert target.read_text("utf-8") == RAISI_TARGET  # the input is untouched


FLOOD_TARGET = ("Floods hit central Hunan province on Monday, killing 12 people. Rescue teams from across Henan "
                "were sent to the worst-hit towns on Tuesday. The provincial government said schools would reopen "
                "next week.\n")
FLOOD_SOURCE = ("周一，洪水袭击湖南省中部，造成12人死亡。周二，来自湖南各地的救援队被派往受灾最严重的城镇。"
                "省政府表示，学校将于下周复课。\n")


def test_check_with_a_chinese_source_catches_one_province_written_for_another(cli, pair):
    # Hunan and Henan are both real provinces: only the source says both spellings stand for 湖南.
    target, source = pair(FLOOD_TARGET, FLOOD_SOURCE)
    code, out, err = cli("check", target, "--source", source, "--lang", "en", "--no-model", "--rule", "name-variant",
                         "-f", "json")
    assert code == 0, err
    assert _findings(out) == [("name-variant", "Henan", ["Hunan"])]
    assert "source" in json.loads(out)["files"][0]["findings"][0]["message"]
    code, out, _ = cli("check", target, "--lang", "en", "--no-model", "--rule", "name-variant", "-f", "json")
    assert _findings(out) == []
