"""The name development set's label rule (tqcheck.lab.names.devset), on sentences of the WMT21 copy it reads."""
from __future__ import annotations

from tqcheck.lab.names.devset import label, variant

SEGS = ["A small plane crashed into a building in {0}, North Rhine-Westphalia, killing three people.",
        "The plane stopped at the airport in {0} and took off again.",
        "Police in {0} said the pilot had died."]


def _records(writes: dict[str, list[str]]) -> list[dict]:
    return [{"system": sysname, "doc": "chinanews.com.229454", "lang_pair": "zh-en",
             "segments": [{"seg_id": str(i), "source": "", "target": t.format(name)}
                          for i, (t, name) in enumerate(zip(SEGS, names))]}
            for sysname, names in writes.items()]


def test_a_system_that_writes_the_majoritys_name_two_ways_is_positive_and_the_others_negative():
    writes = {f"sys{i}": ["Wesel County"] * 3 for i in range(6)}
    writes["odd"] = ["Wessel County", "Wesel County", "Wesel County"]
    writes["own"] = ["Weiser County"] * 3  # its own spelling, kept throughout: consistent
    status = {i["record"]["system"]: i for i in label(_records(writes))}
    assert status["odd"]["status"] == "positive"
    assert status["odd"]["variants"][0]["forms"] == ["Wesel County", "Wessel County"]
    assert status["own"]["status"] == "negative" and status["sys0"]["status"] == "negative"


def test_a_majority_split_between_two_spellings_still_labels_a_system_that_mixes_them():
    writes = {f"a{i}": ["Macao"] * 3 for i in range(4)}
    writes.update({f"b{i}": ["Macau"] * 3 for i in range(4)})
    writes["mix"] = ["Macao", "Macau", "Macao"]
    status = {i["record"]["system"]: i["status"] for i in label(_records(writes))}
    assert status["mix"] == "positive" and status["a0"] == "negative"


def test_acronyms_plurals_titles_and_one_letter_words_are_no_variants():
    assert variant("UK", "United Kingdom") is None
    assert variant("Golden Goblet Award", "Golden Goblet Awards") is None
    assert variant("President Duterte", "Rodrigo Duterte") is None
    assert variant("Plan A", "Plan B") is None
    assert variant("Lina", "Li Na") == "formatting"
    assert variant("Ministry of Commerce", "Commerce Department") == "organisation"
