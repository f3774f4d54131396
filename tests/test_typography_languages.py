"""Typography and locale per language: quotes, French spacing, Spanish ¿…? ¡…!, number notation."""
from __future__ import annotations

from tqcheck.context import Context
from tqcheck.document import Document
from tqcheck.engine import Engine
from tqcheck.findings import Applicability


def _run(text, rules, lang, source=None):
    doc = Document.from_text(text, lang=lang, path="copy")
    if source is not None:
        doc.source = Document.from_text(source, lang="en")
    return Engine(Context(use_model=False), only=rules).run([doc]).findings


def _fixed(text, findings):
    for f in sorted(findings, key=lambda f: f.start, reverse=True):
        text = text[:f.start] + f.suggestions[0] + text[f.end:]
    return text


def test_german_copy_with_english_quotes_gets_the_german_marks():
    text = "Scholz nannte die Lage “ernst, aber stabil”."
    found = _run(text, ["mixed-quotes"], "de")
    assert _fixed(text, found) == "Scholz nannte die Lage „ernst, aber stabil“."


def test_german_copy_consistently_in_guillemets_is_not_flagged():
    text = "Scholz nannte die Lage »ernst«. Merz sprach von einer »Krise«."
    assert not _run(text, ["mixed-quotes"], "de")
    # A second convention nested in the first is German usage too.
    assert not _run("Scholz sagte: „Wir nennen das »Zeitenwende«.“", ["mixed-quotes"], "de")


def test_german_copy_mixing_two_conventions_is_flagged_at_the_minority():
    text = "Scholz nannte die Lage „ernst“. Merz sprach von einer „Krise“, Lindner von »Chancen«."
    found = _run(text, ["mixed-quotes"], "de")
    assert [f.text for f in found] == ["»", "«"]
    assert _fixed(text, found).endswith("Lindner von „Chancen“.")


def test_german_copy_wholly_in_straight_quotes_is_suggested_the_german_marks_not_fixed_unattended():
    # House style on screen: post-editors of German MT mostly keep straight quotes (MLQE-PE en-de).
    text = 'Scholz nannte die Lage "ernst, aber stabil".'
    found = _run(text, ["mixed-quotes"], "de")
    assert _fixed(text, found) == "Scholz nannte die Lage „ernst, aber stabil“."
    assert {fx.applicability for f in found for fx in f.fixes} == {Applicability.SUGGEST}
    # Beside typographic quotes, the straight ones are a slip, and the fix is applied.
    text = 'Scholz nannte die Lage „ernst“, Merz sprach von einer "Krise".'
    found = _run(text, ["mixed-quotes"], "de")
    assert [f.text for f in found] == ['"', '"']
    assert {fx.applicability for f in found for fx in f.fixes} == {Applicability.SAFE}


def test_french_copy_with_english_quotes_gets_guillemets_with_narrow_spaces():
    text = "Le ministre a qualifié la situation de “grave mais stable”."
    found = _run(text, ["mixed-quotes"], "fr")
    assert _fixed(text, found) == "Le ministre a qualifié la situation de «\u202fgrave mais stable\u202f»."


def test_french_copy_with_straight_quotes_gets_guillemets_without_doubled_spaces():
    text = 'Le ministre a qualifié la situation de " grave ".'
    assert _fixed(text, _run(text, ["mixed-quotes"], "fr")) == \
        "Le ministre a qualifié la situation de «\u202fgrave\u202f»."


def test_spanish_copy_mixing_guillemets_and_english_quotes_is_flagged_at_the_minority():
    text = "El ministro dijo que la economía estaba «sana» y «estable», pero “frágil”."
    found = _run(text, ["mixed-quotes"], "es")
    assert _fixed(text, found).endswith("pero «frágil».")


def test_french_colon_without_its_narrow_no_break_space_is_flagged_with_the_fix():
    text = "Le ministre a prévenu: la situation reste tendue."
    (f,) = _run(text, ["high-punctuation-spacing"], "fr")
    assert _fixed(text, [f]) == "Le ministre a prévenu\u202f: la situation reste tendue."


def test_french_question_mark_after_an_ordinary_space_gets_a_narrow_no_break_space():
    text = "Le gouvernement tiendra-t-il ?"
    (f,) = _run(text, ["high-punctuation-spacing"], "fr")
    assert f.text == " ?" and f.suggestions == ["\u202f?"]


def test_french_guillemets_without_inner_spaces_are_flagged_with_the_fix():
    text = "Il a dit «non» aux syndicats."
    found = _run(text, ["high-punctuation-spacing"], "fr")
    assert _fixed(text, found) == "Il a dit «\u202fnon\u202f» aux syndicats."


def test_french_times_urls_ratios_and_emoticons_keep_their_colons():
    text = "Rendez-vous à 12:30 sur https://example.org/?q=1, score final 3:1. Merci :)"
    assert not _run(text, ["high-punctuation-spacing"], "fr")
    assert not _run("Il a déclaré\u00a0: «\u202foui\u202f»\u202f; puis\u202f?!", ["high-punctuation-spacing"], "fr")


def test_english_is_never_asked_for_a_space_before_a_colon():
    text = "The minister warned: the situation remains tense. Will it hold? Nobody knows!"
    assert not _run(text, ["high-punctuation-spacing", "space-before-punctuation"], "en")
    # French spacing carried into English copy is the error there, narrow space or not.
    found = _run("Will the government hold\u202f? Nobody knows !", ["space-before-punctuation"], "en")
    assert [f.suggestions for f in found] == [["?"], ["!"]]


def test_a_spanish_question_without_its_opening_mark_is_flagged_with_the_fix():
    text = "Cuándo llegará el ministro a Bruselas? Nadie lo sabe."
    (f,) = _run(text, ["opening-marks"], "es")
    assert _fixed(text, [f]) == "¿Cuándo llegará el ministro a Bruselas? Nadie lo sabe."


def test_a_spanish_question_after_a_colon_gets_its_mark_where_it_starts():
    text = "El ministro preguntó: vendrán los socios a la cumbre?"
    assert _fixed(text, _run(text, ["opening-marks"], "es")) == \
        "El ministro preguntó: ¿vendrán los socios a la cumbre?"


def test_a_spanish_exclamation_without_its_opening_mark_is_flagged_with_the_fix():
    text = "Si llueve, ¿vendrás? Qué sorpresa tan grande!"
    assert _fixed(text, _run(text, ["opening-marks"], "es")) == "Si llueve, ¿vendrás? ¡Qué sorpresa tan grande!"


def test_a_spanish_opening_question_mark_never_closed_is_flagged():
    (f,) = _run("¿Cuándo llegará el ministro a Bruselas. Nadie lo sabe.", ["opening-marks"], "es")
    assert f.text == "¿"


def test_spanish_titles_and_quoted_english_keep_their_bare_question_marks():
    text = "La película se llama Who Killed Laura Palmer? Y el ministro dijo: What do you want?"
    assert not _run(text, ["opening-marks"], "es")
    assert not _run("When will the minister arrive? Nobody knows!", ["opening-marks"], "en")


def test_a_french_number_grouped_with_an_ordinary_space_matches_the_english_source():
    source = "Some 12,000 people marched in Paris."
    assert not _run("Quelque 12 000 personnes ont défilé à Paris.", ["source-number-mismatch"], "fr", source)
    (f,) = _run("Quelque 15 000 personnes ont défilé à Paris.", ["source-number-mismatch"], "fr", source)
    assert f.suggestions == ["12 000"]  # in the copy's own grouping


def test_german_copy_with_english_quotes_is_one_finding_not_two():
    # “ernst” is balanced, only in the wrong language's style: mixed-quotes says so, and unbalanced-pairs
    # no longer reads the opening “ as a German closer with no opener.
    from tqcheck.document import Document
    from tqcheck.context import Context
    from tqcheck.engine import Engine

    doc = Document.from_text("Die Lage sei “ernst”, sagte der Minister am Montag in Berlin.", lang="de")
    report = Engine(Context(use_model=False), only=["mixed-quotes", "unbalanced-pairs"]).run([doc])
    assert {f.rule for f in report.findings} == {"mixed-quotes"}
    unclosed = Document.from_text("Die Lage sei „ernst, sagte der Minister am Montag in Berlin.", lang="de")
    report = Engine(Context(use_model=False), only=["unbalanced-pairs"]).run([unclosed])
    assert [f.text for f in report.findings] == ["„"]


def test_a_space_before_chinese_and_japanese_full_width_marks_is_flagged_with_the_fix():
    zh = "秦刚周日在北京会见了布林肯 ，两人交谈了七个小时\u3000。"
    found = _run(zh, ["space-before-punctuation"], "zh")
    assert [f.text for f in found] == [" ，", "\u3000。"]
    # Shown with the fix, which `tqcheck fix` leaves to a person (MLQE-PE en-zh post-editors kept them).
    assert {fx.applicability for f in found for fx in f.fixes} == {Applicability.SUGGEST}
    assert _fixed(zh, found) == "秦刚周日在北京会见了布林肯，两人交谈了七个小时。"
    ja = "岸田首相はブリンケン国務長官と会談した 。両氏は「協力を強化する 」と述べた。"
    assert _fixed(ja, _run(ja, ["space-before-punctuation"], "ja")) == \
        "岸田首相はブリンケン国務長官と会談した。両氏は「協力を強化する」と述べた。"
    # A space between sentences (after the mark) is not this rule's business.
    assert _run("会谈结束。 双方同意继续沟通。", ["space-before-punctuation"], "zh") == []


def test_japanese_copy_with_english_quotes_gets_kagikakko():
    text = "岸田首相は会談後、“日米同盟はかつてなく強固だ”と述べた。"
    found = _run(text, ["mixed-quotes"], "ja")
    assert _fixed(text, found) == "岸田首相は会談後、「日米同盟はかつてなく強固だ」と述べた。"


def test_japanese_quotes_nested_in_kagikakko_are_japanese_usage():
    assert not _run("岸田首相は「日米同盟は『かつてなく』強固だ」と述べた。", ["mixed-quotes"], "ja")


def test_japanese_copy_wholly_in_straight_quotes_is_suggested_kagikakko_not_fixed_unattended():
    found = _run('岸田首相は"日米同盟は強固だ"と述べた。', ["mixed-quotes"], "ja")
    assert [(f.suggestions, f.fixes[0].applicability) for f in found] == [
        (["「"], Applicability.SUGGEST), (["」"], Applicability.SUGGEST)]
