"""tqcheck.fix: applying suggestions and the word-level diff."""
from __future__ import annotations

import pytest

from tqcheck.document import Document
from tqcheck.findings import Applicability, Category, Edit, Finding, Fix, Severity
from tqcheck.fix import apply_fixes, tokenize, unified_word_diff, word_diff

from .pipeline_reports import place, seed_report


def _finding(doc: Document, start: int, end: int, suggestion: str | None, confidence: float = 1.0,
             severity: Severity = Severity.WARNING, rule: str = "test-rule") -> Finding:
    return place(doc, Finding(rule, start, end, "msg", Category.STYLE, severity,
                              [Fix.replacing(start, end, suggestion)] if suggestion is not None else [], confidence))


def test_seed_fix_applies_confident_suggestions():
    report = seed_report()
    doc = report.files[0].document
    findings = report.files[0].findings
    fixed, applied = apply_fixes(doc.raw, findings, fix_confidence=0.7)
    assert "counterpart, Qin Gang" in fixed and "counterpart , Qing" not in fixed
    assert "Blinken talked to Qin for seven" in fixed  # name order: the family name, not "Gang"
    assert "territory.\n\nNew Biden-Xi meeting" in fixed  # the run-in subheading, confidence 0.75
    assert {f.rule for f in applied} >= {"space-before-punctuation", "run-in-heading"}
    # A higher bar leaves the 0.75 heading fix for a person.
    fixed_strict, applied_strict = apply_fixes(doc.raw, findings, fix_confidence=0.8)
    assert "run-in-heading" not in {f.rule for f in applied_strict}
    assert "territory. New Biden-Xi meeting" in fixed_strict
    assert doc.raw == report.files[0].document.raw  # input untouched


def test_overlapping_findings_keep_the_most_confident():
    doc = Document.from_text("It is the first displacement of a head of US diplomacy.", lang="en")
    i = doc.raw.index("displacement")
    weak = _finding(doc, i - 6, i + 12, "first trip", confidence=0.75)
    strong = _finding(doc, i, i + 12, "visit", confidence=0.9)
    later = _finding(doc, doc.raw.index("head"), doc.raw.index("head") + 4, "chief", confidence=0.8)
    fixed, applied = apply_fixes(doc.raw, [weak, later, strong])
    assert fixed == "It is the first visit of a chief of US diplomacy."
    assert applied == [strong, later]  # in text order


def test_equal_confidence_prefers_the_more_severe_and_skips_stale_and_low():
    doc = Document.from_text("Blinken talked to Gang for seven hours.", lang="en")
    i = doc.raw.index("Gang")
    info = _finding(doc, i, i + 4, "Qin", severity=Severity.INFO)
    error = _finding(doc, i, i + 4, "Qin Gang", severity=Severity.ERROR)
    stale = _finding(doc, 0, 7, "Blinken's")
    stale.text = "Pompeo"  # the text changed since the check ran
    low = _finding(doc, doc.raw.index("seven"), doc.raw.index("seven") + 5, "7", confidence=0.3)
    fixed, applied = apply_fixes(doc.raw, [info, error, stale, low])
    assert fixed == "Blinken talked to Qin Gang for seven hours."
    assert applied == [error]


def test_two_insertions_at_one_point_conflict():
    doc = Document.from_text("in the world, to the lowest", lang="en")
    at = doc.raw.index(" to the")
    a = _finding(doc, at, at, " where flights are", confidence=0.9)
    b = _finding(doc, at, at, " where travel is", confidence=0.8)
    fixed, applied = apply_fixes(doc.raw, [b, a])
    assert fixed == "in the world, where flights are to the lowest" and applied == [a]


@pytest.mark.parametrize("text", [
    "Blinken talked to Gang, in Beijing.",
    "外交部长秦刚与布林肯会谈。",
    "التقى بلينكن وزير الخارجية الصيني.",
    "नमस्ते दुनिया",
    "สวัสดีครับ",
])
def test_tokens_reassemble_the_text(text):
    assert "".join(tokenize(text)) == text


def test_word_diff_is_word_level_and_complete(seed_text):
    fixed = seed_text.replace("displacement", "visit").replace("counterpart , Qing", "counterpart, Qin")
    ops = word_diff(seed_text, fixed)
    assert "".join(op.old for op in ops) == seed_text
    assert "".join(op.new for op in ops) == fixed
    changes = [(op.old, op.new) for op in ops if op.tag != "equal"]
    assert ("displacement", "visit") in changes
    assert (" ", "") in changes and ("Qing", "Qin") in changes
    for op in ops:  # offsets point into the original
        assert seed_text[op.a_start:op.a_end] == op.old


def test_word_diff_cjk_is_per_character():
    ops = word_diff("外交部长秦刚说", "外交部长秦刚表示")
    assert [(op.old, op.new) for op in ops if op.tag != "equal"] == [("说", "表示")]


def test_unified_word_diff():
    assert unified_word_diff("the first displacement of", "the first visit of") == \
        "the first [-displacement-]{+visit+} of"


def test_whitespace_runs_diff_by_character():
    ops = [(op.tag, op.old, op.new) for op in word_diff("Line two  two.", "Line two two.") if op.tag != "equal"]
    assert ops == [("delete", " ", "")]


def test_word_diff_round_trips_random_edits():
    import random

    rng = random.Random(7)
    for _ in range(300):
        a = " ".join(rng.choice(["Qin", "Gang", "the", ".", ",", "秦", "\n"]) for _ in range(rng.randint(0, 30)))
        b = list(a)
        for _ in range(rng.randint(0, 4)):
            if b:
                b[rng.randrange(len(b))] = rng.choice("Qa ,.\n刚")
        b = "".join(b)
        ops = word_diff(a, b)
        assert "".join(o.old for o in ops) == a and "".join(o.new for o in ops) == b
        assert all(a[o.a_start:o.a_end] == o.old for o in ops)


def test_fix_confidence_sets_what_fix_applies_and_min_confidence_means_what_it_means_in_check(cli, tmp_path):
    # --min-confidence was the detector's threshold in check and the apply bar in fix: one option, two
    # meanings.  The bar is --fix-confidence now; --min-confidence means in fix what it means in check.
    story = tmp_path / "story.txt"
    story.write_text("The talks  ended, and the the minister left.\n", "utf-8")  # doubled space 1.0, doubled word 0.9
    out = tmp_path / "out.txt"
    code, _, err = cli("fix", story, "-o", out, "--no-model")
    assert code == 0 and out.read_text("utf-8") == "The talks ended, and the minister left.\n"
    code, _, err = cli("fix", story, "-o", out, "--no-model", "--fix-confidence", "0.95")
    assert code == 0 and out.read_text("utf-8") == "The talks ended, and the the minister left.\n"
    assert "confidence >= 0.95" in err
    code, _, err = cli("fix", story, "-o", out, "--no-model", "--min-confidence", "0.95")
    assert code == 0 and out.read_text("utf-8") == "The talks ended, and the minister left.\n"
    assert "--min-confidence sets which findings are reported, as in check" in err and "--fix-confidence" in err


def test_a_fix_that_may_change_the_meaning_is_offered_but_never_applied():
    # This was an "autofix": False flag in a finding's evidence, which every reader had to know about.
    doc = Document.from_text("The talks were a displacement of great importance.", lang="en")
    at = doc.raw.index("displacement")
    f = place(doc, Finding("lm-disfluency", at, at + 12, "msg", Category.FLUENCY, Severity.INFO,
                           [Fix.replacing(at, at + 12, "visit", Applicability.SUGGEST)], 0.99))
    fixed, applied = apply_fixes(doc.raw, [f])
    assert fixed == doc.raw and applied == []
    assert f.suggestions == ["visit"] and f.to_dict()["fixes"] == [
        {"edits": [{"start": at, "end": at + 12, "replacement": "visit"}], "applicability": "suggest"}]


def test_a_fix_of_several_edits_is_applied_whole_or_not_at_all():
    # Word order: one fix moves a word, two edits that only make sense together.
    doc = Document.from_text("He yesterday arrived in Beijing. The talks  ended.", lang="en")
    move = Fix((Edit(3, 13, ""), Edit(31, 31, " yesterday")))
    order = place(doc, Finding("word-order", 3, 31, "msg", Category.FLUENCY, Severity.WARNING, [move], 0.9))
    space = doc.raw.index("  ")
    spacing = _finding(doc, space, space + 2, " ")
    fixed, applied = apply_fixes(doc.raw, [order, spacing])
    assert fixed == "He arrived in Beijing yesterday. The talks ended."
    assert applied == [order, spacing]
    assert order.suggestions == []  # not a replacement of its own span: the JSON's "fixes" carries it
    inside = _finding(doc, 16, 23, "at")  # overlaps the moved stretch: the more confident fix wins
    assert apply_fixes(doc.raw, [order, inside])[1] == [inside]
