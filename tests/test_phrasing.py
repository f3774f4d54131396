"""Phrasing rules on real text with the real default model."""
from __future__ import annotations


import pytest

from tqcheck.rewrite.rescore import _FUNCTION

from tqcheck.document import Document
from tqcheck.findings import Applicability
from tqcheck.lm import LANGUAGE_MODEL
from tqcheck.context import Context
from tqcheck.engine import Engine
from tqcheck.rules.phrasing import lexicon
from tqcheck.analysis import reading
from tqcheck.rules.names import unlikely_name

from .lm_session import context_with, real_lm

from .conftest import SEED


@pytest.fixture(scope="module")
def lm():
    return real_lm()


def _run(text, ctx, rules, lang="en", source=None):
    doc = Document.from_text(text, lang=lang)
    if source is not None:
        doc.source = Document.from_text(source, lang="en")
    return doc, Engine(ctx, only=rules).run([doc]).files[0].findings


def _pairs():
    return sorted((src, tgt) for tgt in lexicon.targets() for src in lexicon.load_lexicons(tgt))


@pytest.mark.parametrize("lang,target", [
    pytest.param(src, tgt, marks=() if (src, tgt) in (("es", "en"), ("en", "de")) else pytest.mark.slow)
    for src, tgt in _pairs()])
def test_lexicon_examples(lm, lang, target):
    """Every entry's bad sentences are flagged at the calque, its good sentences are not.

    All examples of a language pair go in one document, one paragraph each, so the
    model scores them in a few batches (a paragraph is the rule's context).
    """
    entries = lexicon.raw_entries(lang, target)
    bad = [(b, e) for e in entries for b in e["bad"]]
    good = [(g, e) for e in entries for g in e.get("good", [])]
    paras = [s for s, _ in bad] + [s for s, _ in good]
    text = "\n\n".join(paras)
    doc, findings = _run(text, context_with(lm, source_lang=lang), ["mt-calque"], lang=target)
    starts = []
    pos = 0
    for p in paras:
        starts.append(pos)
        pos += len(p) + 2
    missed, false = [], []
    for i, (sent, e) in enumerate(bad):
        lo, hi = starts[i], starts[i] + len(sent)
        hits = [f for f in findings if lo <= f.start < hi]
        if not any(f.evidence["source_word"] == e["source"] for f in hits):
            missed.append(sent)
    for j, (sent, e) in enumerate(good):
        i = len(bad) + j
        lo, hi = starts[i], starts[i] + len(sent)
        if any(lo <= f.start < hi and f.evidence["source_word"] == e["source"] for f in findings):
            false.append(sent)
    # The lexicon is data, checked against the model: a few entries (Chinese officialese the model
    # has seen often) do not reach the margin, but a broken mechanism misses them all.
    # Only Spanish (the seed's source language) runs by default; the others are -m slow.
    assert len(missed) <= max(1, len(bad) // 4), f"{lang}-{target}: not flagged: {missed}"
    assert len(false) <= max(1, len(good) // 6), f"{lang}-{target}: wrongly flagged: {false}"


def test_assured_victory_left_alone_but_assured_that_flagged(lm):
    ctx = context_with(lm)
    _, ok = _run("The late goal assured victory for the home side, which now leads the table.", ctx, ["mt-calque"])
    assert ok == []
    _, bad = _run("Qin assured Blinken that the two countries would keep talking.", ctx, ["mt-calque"])
    assert [f.text for f in bad] == ["assured"]
    assert bad[0].suggestions[0] in ("told", "said")
    assert bad[0].evidence["gain"] > 0


@pytest.mark.skipif(not SEED.exists(), reason="seeds/ not present")
def test_seed_calques(lm):
    ctx = context_with(lm)
    doc, findings = _run(SEED.read_text("utf-8"), ctx, ["mt-calque"])
    by_text = {f.text: f for f in findings}
    assert by_text["displacement"].suggestions[0] in ("visit", "trip")
    assert by_text["displacement"].evidence["source_lang"] == "es"  # inferred: no source language given
    assured = [f for f in findings if f.text == "assured"]
    assert len(assured) == 2 and all(f.suggestions[0] in ("told", "said") for f in assured)
    assert by_text["a pandemic"].suggestions[0] == "an epidemic"
    assert "covid-19 pandemic" not in [doc.raw[f.start - 9:f.end] for f in findings]


def test_german_wire_copy_with_eventuell_for_eventually_gets_schliesslich_or_letztlich(lm):
    # MT from English: "eventually" (in the end) rendered as "eventuell" (possibly).
    text = ("Bundeskanzler Olaf Scholz traf am Montag in Paris den französischen Präsidenten. Nach stundenlangen "
            "Gesprächen einigten sich die beiden eventuell auf eine gemeinsame Erklärung zur Energiepolitik.\n\n"
            "Die Regierung will eventuell weitere Hilfen beschließen, falls die Preise im Winter steigen.")
    _, found = _run(text, context_with(lm), ["mt-calque"], lang="de")
    assert [f.text for f in found] == ["eventuell"] and found[0].suggestions[0] in ("schließlich", "letztlich")
    assert "English 'eventually'" in found[0].message
    # "eventuell" in its own sense (possibly), in the second paragraph, is left alone.
    assert found[0].start < text.index("\n\n")


def test_french_wire_copy_with_actuellement_for_actually_gets_en_fait(lm):
    text = ("Le ministre de l'Intérieur avait promis une baisse des effectifs. Actuellement, le nombre de policiers "
            "déployés dans la capitale a doublé depuis janvier, selon un rapport publié mardi.")
    source = ("The interior minister had promised to cut numbers. Actually, the number of police officers deployed "
              "in the capital has doubled since January, according to a report released on Tuesday.")
    _, found = _run(text, context_with(lm), ["mt-calque"], lang="fr", source=source)
    assert [f.text for f in found] == ["Actuellement"]
    assert found[0].suggestions[0] in ("En fait", "En réalité")
    # Fluent French on its own ("currently"): only the source says it is wrong, so a person decides.
    assert found[0].evidence["in_source"] and found[0].fixes[0].applicability is Applicability.SUGGEST
    # A source that says "currently" is no calque: the French word is right in its own sense.
    _, kept = _run(text, context_with(lm), ["mt-calque"], lang="fr", source=source.replace("Actually", "Currently"))
    assert kept == []


def test_russian_wire_copy_with_magazin_for_magazine_gets_zhurnal(lm):
    text = ("Министр иностранных дел заявил в интервью американскому магазину Time, что Москва готова к "
            "переговорам.\n\nГрабители ворвались в ювелирный магазин в центре города.")
    _, found = _run(text, context_with(lm), ["mt-calque"], lang="ru")
    assert [(f.text, f.suggestions[0]) for f in found] == [("магазину", "журналу")]


def test_without_model_only_unambiguous_forms():
    ctx = Context(use_model=False)
    _, findings = _run("Police fired tear gas at manifestants. The late goal assured victory.", ctx, ["mt-calque"])
    assert [f.text for f in findings] == ["manifestants"]
    assert findings[0].severity.value == "info"


def test_fix_cli_applies_calques_and_keeps_a_backup(lm, tmp_path, cli, monkeypatch):
    import tqcheck.lm as lm_mod

    monkeypatch.setattr(lm_mod, "_load", lambda ctx: lm)  # the session's model instead of a second load
    src = tmp_path / "story.txt"
    src.write_text("It is the first displacement of a head of US diplomacy to Chinese territory in almost "
                   "five years.\n\nQin assured Blinken that relations would improve.\n", "utf-8")
    out = tmp_path / "fixed.txt"
    # Two calques alone do not settle the source language: without it, they are suggestions only.
    code, stdout, _ = cli("fix", src, "-o", out, "--rule", "mt-calque")
    assert code == 0 and "displacement" in out.read_text("utf-8")
    out.unlink()
    code, stdout, _ = cli("fix", src, "-o", out, "--rule", "mt-calque", "--source-lang", "es")
    assert code == 0
    fixed = out.read_text("utf-8")
    assert "first visit of" in fixed or "first trip of" in fixed
    assert "Qin told Blinken" in fixed or "Qin said" in fixed
    assert stdout.startswith("--- ") and "-It is the first displacement" in stdout
    assert "displacement" in src.read_text("utf-8")  # -o never touches the input
    code, _, _ = cli("fix", src, "--in-place", "--rule", "mt-calque", "--source-lang", "es")
    assert code == 0
    assert "displacement" not in src.read_text("utf-8")
    assert "displacement" in (tmp_path / "story.txt.bak").read_text("utf-8")


@pytest.mark.skipif(not SEED.exists(), reason="seeds/ not present")
def test_seed_phrasing_is_not_a_flood(lm):
    ctx = context_with(lm)
    doc, findings = _run(SEED.read_text("utf-8"), ctx, ["mt-calque", "lm-disfluency", "lm-awkward-clause",
                                                        "name-unlikely"])
    assert len(findings) < 30
    # The article's recurring names are its entities, not spellings to doubt, however surprising each
    # paragraph finds its first mention (every paragraph is read on its own).
    assert not {"Blinken", "Blinken’s", "Qin", "Gang", "Taiwan", "Biden-Xi", "EXPAND", "Foreign"} & {
        f.text for f in findings if f.rule == "name-unlikely"}
    dis = [f for f in findings if f.rule == "lm-disfluency"]
    # A rewrite the model prefers may change the meaning: it is offered, never applied unattended.
    assert dis and all(f.autofix is None and all(fx.applicability is Applicability.SUGGEST for fx in f.fixes)
                       for f in dis)
    assert all(f.evidence["surprisal"] >= 10 for f in dis if not f.suggestions)
    # A fix is offered only with a measured gain for the sentence.
    assert all(f.evidence["gain"] >= 1.0 for f in dis if f.suggestions)
    # Names are routed to the name checks, not reported as disfluent words.
    assert not {"Qing", "Qin", "Gang", "Blinken", "CCTV", "Uyghur"} & {f.text for f in dis}
    # A content-word swap ("villa" -> "of") would change the meaning: flagged for a person, never suggested.
    assert all(f.severity.value == "info" for f in dis)
    assert any(not f.suggestions for f in dis)
    for f in dis:
        if f.suggestions:  # only a function word or another form of the same word is offered as a fix
            assert f.text.lower() in _FUNCTION or f.text.lower()[:4] == f.suggestions[0].lower()[:4], f.message


def test_garbled_clause_flagged_where_its_words_go_wrong(lm):
    text = ("Experts pointed out that the rise of prices in the vegetable, mainly because of weather the cold "
            "lasting, supply reduced.")
    doc, findings = _run(text, context_with(lm), ["lm-awkward-clause"])
    assert [f.text for f in findings] == ["supply reduced"]
    f = findings[0]
    assert f.category.value == "fluency" and f.severity.value == "info"
    assert f.evidence["mean_surprisal"] >= 6.0 and "nats per word" in f.message


def test_fluent_wire_copy_has_no_awkward_clause(lm):
    text = ("US Secretary of State Antony Blinken met Chinese Foreign Minister Qin Gang in Beijing on Sunday, "
            "the first visit by a US secretary of state in five years. The two sides agreed to keep talking, "
            "but officials said no breakthrough was expected.")
    _, findings = _run(text, context_with(lm), ["lm-awkward-clause"])
    assert findings == []


def test_word_and_clause_rules_share_one_reading_of_the_document(lm):
    calls = []

    class Counting:
        def __getattr__(self, name):
            return getattr(lm, name)

        def alternatives(self, *args, **kwargs):
            calls.append(args)
            return lm.alternatives(*args, **kwargs)

    ctx = Context()
    ctx.resource(LANGUAGE_MODEL, lambda: Counting())
    _run("Experts pointed out that the rise of prices in the vegetable, mainly because of weather the cold "
         "lasting, supply reduced.", ctx, ["lm-disfluency", "lm-awkward-clause"])
    assert len(calls) == 1


def test_calque_rescoring_rides_along_with_the_reading(lm):
    # The calque rule declares its rewrites before any check runs, so they are scored in the paragraph
    # pass (which the clause rule needs): one model pass, not two.
    passes = []
    real_forward = lm._forward

    def counting(*args, **kwargs):
        passes.append(len(args[0]))
        return real_forward(*args, **kwargs)

    lm.forget()
    lm._forward = counting
    try:
        ctx = Context()
        ctx.resource(LANGUAGE_MODEL, lambda: lm)
        _, findings = _run("It is the first displacement of a head of US diplomacy to Chinese territory in almost "
                        "five years.", ctx, ["mt-calque", "lm-awkward-clause"])
    finally:
        del lm._forward
    assert len(passes) == 1
    assert any(f.rule == "mt-calque" and "visit" in f.suggestions for f in findings)


def test_a_garbled_transliteration_is_an_unlikely_name(lm):
    # Real MT output (WMT23 zh-en): Hans Modrow rendered as "Modello" in a later sentence.
    text = ("After coming to power in the Soviet Union, Mikhail Gorbachev called for changes in Eastern Europe. "
            "In March 1990, Modello declared the first and only free elections in East Germany.")
    _, findings = _run(text, context_with(lm), ["name-unlikely"])
    flagged = {f.text for f in findings}
    assert "Modello" in flagged
    assert not {"Gorbachev", "Soviet", "Union", "Eastern", "Europe", "East", "Germany"} & flagged


def test_a_name_the_model_completes_from_its_first_word_is_not_unlikely(lm):
    # The founding article: "Latin" costs 11.5 nats after "the shipment to" (the model expected
    # "Taiwan", "China"), but "America" after it costs almost nothing: the model knows the name.
    text = ("According to an aide, Blinken also wants to pressure China to halt the shipment to Latin America of "
            "the precursor chemicals that are then used to make fentanyl.")
    doc, findings = _run(text, context_with(lm), ["name-unlikely"])
    assert "Latin" not in {f.text for f in findings}
    latin, america = (w for para in reading.read(doc, context_with(lm)) for w in para if w.text in ("Latin", "America"))
    # What the rule would flag but for its second word.
    assert latin.surprisal >= unlikely_name.MIN_SURPRISAL and america.surprisal < unlikely_name.KNOWN_CONTINUATION


def test_clauses_end_at_sentences_and_clause_punctuation_not_inside_abbreviations_or_numbers():
    from tqcheck.rules.phrasing.clause import clauses
    from tqcheck.analysis.reading import Word

    doc = Document.from_text("U.S. officials said 3.5 million people, or 600,000 households, were affected. "
                             "Qin (the minister) disagreed.", lang="en")
    words = [Word(s, e, t, 0.0, [], (0, len(doc.text))) for s, e, t in doc.words()]
    cut = [" ".join(w.text for w in c) for c in clauses(doc.text, words, {s for s, _ in doc.sentences})]
    assert cut == ["U.S officials said 3.5 million people", "or 600 000 households", "were affected", "Qin",
                   "the minister", "disagreed"]


def test_the_seed_garbled_flights_fragment_is_flagged(lm):
    # The founding article's garbled clause: a verbless fragment hung on the wrong clause.
    text = ("The Foreign Minister invited them to visit Washington later and assured that the two diplomats will "
            "work together to expand the number of flights between the two largest economies in the world, to "
            "the lowest since the covid-19 pandemic.")
    _, findings = _run(text, context_with(lm), ["lm-awkward-clause"])
    fragments = [f for f in findings if f.evidence.get("fragment")]
    assert [f.text for f in fragments] == ["to the lowest since the covid-19 pandemic"]
    assert "no verb" in fragments[0].message
    # The same words as a sentence of their own, or a fragment that makes sense, are not flagged.
    _, findings = _run("Flights between the two largest economies in the world fell to the lowest level since the "
                       "covid-19 pandemic, officials said.", context_with(lm), ["lm-awkward-clause"])
    assert not findings


def test_clause_rule_says_it_is_english_only():
    ctx = Context()
    ctx.use_model = False
    doc = Document.from_text("Die beiden Minister trafen sich am Sonntag in Peking.", lang="de")
    result = Engine(ctx, only=["lm-awkward-clause"]).run([doc]).files[0]
    assert result.findings == []
    assert any(n.startswith("lm-awkward-clause: not run on language 'de'") for n in result.notices)


AFP_STYLE = ("French President Emmanuel Macron's government forced its pension reform through parliament on "
             "Thursday without a final vote, using a special constitutional power.\n\n"
             "The move sparked anger among lawmakers and thousands of protesters, who gathered in central Paris "
             "in the evening.\n\n"
             "The unions called for a new day of strikes and demonstrations next week.\n\n"
             "The opposition said it would file a motion of no confidence in the government.")


def test_a_paragraph_is_read_after_the_article_before_it(lm):
    # Read alone, a paragraph's opening words look improbable ("The unions ..." 16.5 nats in a
    # 7-paragraph AFP-style article), which flooded wire copy with hints.  In context, each paragraph
    # after the first is read with the text before it.
    from tqcheck.analysis import reading

    doc = Document.from_text(AFP_STYLE, lang="en")
    ctx = Context()
    ctx.resource(LANGUAGE_MODEL, lambda: lm)
    words = reading.read(doc, ctx)
    assert [(p[0].paragraph) for p in words] == reading._paragraphs(doc)
    opening = {p[0].text + " " + p[1].text: p[0].surprisal + p[1].surprisal for p in words}
    alone = lm.alternatives([doc.text[s:e] for s, e in reading._paragraphs(doc)], k=reading.TOP_K,
                            min_surprisal=reading.PROPOSALS_FROM)
    alone_opening = {}
    for (s, e), toks in zip(reading._paragraphs(doc), alone):
        second = doc.text.index(" ", doc.text.index(" ", s) + 1)  # the first two words' tokens
        alone_opening[doc.text[s:second]] = -sum(lp for ts, _, lp, _ in toks if s + ts < second)
    for opener in ("The unions", "The opposition"):
        assert opening[opener] < alone_opening[opener] - 2, (opener, opening[opener], alone_opening[opener])
    # The first paragraph has nothing before it: read exactly as alone.
    first = next(iter(opening))
    assert abs(opening[first] - alone_opening[first]) < 0.01


def test_by_default_paragraphs_are_read_in_context():
    # The trained detector learned from in-context readings: the default must be what it was trained on.
    from tqcheck.analysis import reading
    from tqcheck.pipeline import CheckRequest

    assert Context().read_in_context and CheckRequest().context().read_in_context
    doc = Document.from_text(SEED.read_text("utf-8"), lang="en")
    assert any(w.context for w in reading.windows(doc))


def test_reading_alone_is_a_field_of_the_request_and_its_context_not_a_module_global():
    # The evaluation's --read-alone once set a module global that worker processes and the results
    # cache's key never saw.
    from tqcheck.analysis import reading
    from tqcheck.pipeline import CheckRequest
    from tqcheck.results_cache import run_signature

    alone = CheckRequest(read_in_context=False)
    assert not alone.context().read_in_context
    assert not hasattr(reading, "IN_CONTEXT")
    assert run_signature(alone, ["lm-error-span"]) != run_signature(CheckRequest(), ["lm-error-span"])


def test_read_alone_every_paragraph_is_its_own_window():
    from tqcheck.analysis import reading

    doc = Document.from_text(SEED.read_text("utf-8"), lang="en")
    wins = reading.windows(doc, in_context=False)
    assert [w.paragraphs for w in wins] == [[p] for p in reading._paragraphs(doc)]
    assert all(w.context == "" for w in wins)


def test_windows_cover_every_paragraph_once_each_after_the_text_before_it():
    from tqcheck.analysis import reading

    text = SEED.read_text("utf-8")
    doc = Document.from_text(text, lang="en")
    wins = reading.windows(doc)
    assert [p for w in wins for p in w.paragraphs] == reading._paragraphs(doc)
    assert 1 < len(wins) < len(reading._paragraphs(doc))  # a few windows, not one per paragraph
    assert wins[0].context == ""
    for w in wins[1:]:
        assert w.end - w.start <= reading.WINDOW_CHARS or len(w.paragraphs) == 1
        # The context is the text right before the window, after the lede.
        assert text[:w.start].endswith(w.context[-200:]) and w.context.startswith(text[:40])
        assert len(w.context) <= reading.CONTEXT_CHARS + reading.TITLE_CHARS + 2


def test_hint_allowance_is_per_block_of_words_not_per_paragraph():
    from tqcheck.analysis.reading import LMReading, blocks

    one_sentence_paragraphs = LMReading([[i] * 12 for i in range(10)])  # 120 words, 10 paragraphs
    long_paragraphs = LMReading([[i] * 60 for i in range(2)])  # the same 120 words, 2 paragraphs
    assert [len(b) for b in blocks(one_sentence_paragraphs, 40)] == [40, 40, 40]
    assert [len(b) for b in blocks(long_paragraphs, 40)] == [40, 40, 40]
    assert [len(b) for b in blocks(LMReading([[0] * 50, [1] * 45]), 40)] == [40, 55]
    assert [len(b) for b in blocks(one_sentence_paragraphs)] == [120]  # BLOCK_WORDS, 100: one block


def test_read_alone_the_hint_allowance_stays_per_paragraph():
    from tqcheck.analysis.reading import LMReading, blocks

    read_alone = LMReading([[i] * 12 for i in range(10)], in_context=False)
    assert [len(b) for b in blocks(read_alone)] == [12] * 10
