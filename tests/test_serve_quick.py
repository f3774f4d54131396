"""The quick re-check after an edit (tqcheck.serve.quick): findings of unchanged paragraphs carried over
and moved, the edited paragraph's from the model-free checks, on the seed and real pipeline output."""
from __future__ import annotations

from tqcheck.document import Document
from tqcheck.findings import Category, Finding, Severity, fingerprint
from tqcheck.pipeline import CheckRequest, run_check
from tqcheck.report import SentenceFluency
from tqcheck.serve.quick import merge, unchanged_paragraphs

from .conftest import SEED


def _check(text: str):
    doc = Document.from_text(text, lang="en", path="article.txt")
    return run_check(CheckRequest(documents=[doc], use_model=False)).files[0]


def _hint(result, word: str) -> Finding:
    """A model hint on ``word``, as the full check's lm-disfluency would report it (placed as the engine does)."""
    doc = result.document
    start = doc.raw.index(word)
    f = Finding("lm-disfluency", start, start + len(word), f"'{word}' is unexpected here", Category.FLUENCY,
                Severity.INFO, text=word, path=doc.path)
    f.line, f.column = doc.line_col(start)
    f.fingerprint = fingerprint(f.rule, doc.raw, f.start, f.end)
    return f


def test_an_edit_in_one_paragraph_keeps_the_others_findings_where_they_now_are():
    seed = SEED.read_text("utf-8")
    previous = _check(seed)
    hint = _hint(previous, "overflying")
    previous.findings = sorted(previous.findings + [hint], key=lambda f: f.start)
    # Fix "counterpart , Qing Gang" and add words to the first paragraph: everything after it moves.
    edited = seed.replace("counterpart , Qing Gang", "counterpart, Qin Gang, the foreign minister")
    quick = _check(edited)
    # The model's per-sentence scores, as a full check keeps them: one row in the edited paragraph, one after.
    first, late = previous.document.sentences[0], previous.document.sentences[-1]
    previous.fluency = [SentenceFluency(s, e, 4.0, (4.0,)) for s, e in (first, late)]
    pending = merge(previous, quick)
    findings, doc = quick.findings, quick.document
    shift = len(edited) - len(seed)
    assert [(r.start, r.end) for r in quick.fluency] == [(late[0] + shift, late[1] + shift)]

    moved = next(f for f in findings if f.rule == "lm-disfluency")
    assert doc.raw[moved.start:moved.end] == "overflying"
    assert moved.start == hint.start + shift
    assert (moved.line, moved.fingerprint) == (hint.line, hint.fingerprint)  # same line, same neighbours
    texts = [f.text for f in findings]
    assert "Qing Gang" not in texts and " ," not in texts  # fixed in the edited paragraph
    assert " New Biden-Xi meeting" in texts  # an unchanged paragraph's finding stays
    assert all(doc.raw[f.start:f.end] == f.text for f in findings)
    assert pending == [doc.paragraphs[0]]


def test_paragraphs_match_in_order_when_one_is_inserted():
    old = Document.from_text("One.\n\nTwo.\n\nThree.\n", lang="en")
    new = Document.from_text("One.\n\nNew.\n\nTwo.\n\nThree.\n", lang="en")
    pairs = unchanged_paragraphs(old, new)
    assert [(old.raw[o[0]:o[1]], new.raw[n[0]:n[1]]) for o, n in pairs] == [
        (old.raw[s:e], old.raw[s:e]) for s, e in old.paragraphs]
    assert [n[0] for _, n in pairs] == [0, new.raw.index("Two."), new.raw.index("Three.")]
