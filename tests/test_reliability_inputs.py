"""Issue #23, classes 9, 12 and 13: purpose-built input is read in one pass, and input the parsers
cannot take (nesting too deep, numbers too long, values of the wrong type) is that input's own error.

- 9: the Markdown reader's scans are linear: no pattern rescans the rest of the text from each of
  its starts.  Speed itself is measured in benchmarks/pathological_markdown.py; here a hang guard
  with a margin of about a hundred, and the spans the reader finds, pinned against the old patterns.
- 12: JSON a user wrote (a JSONL file, a baseline, a desk request) nested 200,000 deep or holding a
  4,300-digit number is an InputError naming the file and line (the other files are checked), or a
  400 from the desk; TOML (a config, a model card) alike is a ConfigError.
- 13: every config key of the wrong type is a ConfigError naming the file and the key, in
  pyproject.toml, tqcheck.toml and .tqcheck.toml alike.
"""
from __future__ import annotations

import datetime
import json
import re
import subprocess
import sys

import pytest

from tqcheck.config import load_config
from tqcheck.context import Context
from tqcheck.engine import Engine
from tqcheck.errors import ConfigError, InputError, TqcheckError
from tqcheck.readers import read_source
from tqcheck.readers.markdown import markdown_ignored
from tqcheck.rules import all_rules
from tqcheck.settings import build_settings, parse_option, settings_keys
from tqcheck.suppress import Baseline

from .conftest import ROOT
from .test_fuzz import PROFILE_PARAMS, run_property

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import strategies as st  # noqa: E402

TYPO = ("--no-model", "--lang", "en", "--rule", "space-before-punctuation")
DEEP_ARRAYS = "[" * 200_000 + "]" * 200_000
DEEP_OBJECTS = '{"a": ' * 50_000 + "1" + "}" * 50_000
LONG_NUMBER = "7" * 4_301


def _one_line_error(err: str, *names: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("tqcheck: error: "), err
    assert "internal error" not in err and "Traceback" not in err
    for name in names:
        assert name in lines[0], (name, err)
    return lines[0]


# --- 9. Markdown built to make the reader backtrack -------------------------------------------------

# The patterns the reader used before, kept as the reference for which spans it finds: right on
# short text, and quadratic on long text (they rescan the rest of the text from every start).
_OLD_COMMENT = re.compile(r"<!--.*?-->", re.S)
_OLD_CODE = re.compile(r"(?<!`)(`+)(?!`).+?(?<!`)\1(?!`)", re.S)
_OLD_LINK_TARGET = re.compile(r"\]\([^)\s]*(?:\s+\"[^\"]*\")?\)")


def test_markdown_built_to_backtrack_is_read_without_hanging():
    """Each of these took from 9 s to hours with the old patterns (200 KB of '](' about 7 minutes);
    the reader now takes under a second for each, on this 2-core machine.  The limit is only a hang
    guard (the process is killed past it): benchmarks/pathological_markdown.py measures the speed."""
    code = """if True:
        from tqcheck.readers.markdown import markdown_ignored
        for text in ["](" * 100_000,                      # 200 KB of link-target starts, none closed
                     "[" * 50_000 + "](" * 25_000,          # brackets, then starts
                     "<!--" * 50_000,                       # 200 KB of unclosed comments
                     "<!-- a\\n" * 30_000,                  # one on every line
                     "](" * 25_000 + ' "' + "a" * 50_000,   # starts sharing one unclosed title
                     "".join("`" * n + "a" for n in range(1, 600))]:  # backtick runs, none closed
            markdown_ignored(text)
    """
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, timeout=90)


def test_prose_after_purpose_built_markup_is_still_checked(tmp_path, cli):
    """The linear scans find what the old patterns found: link targets and titles, closed comments and
    code spans are skipped; unclosed ones are not markup, and the prose after them is checked."""
    text = ("Blinken met him , then left.\n\n"
            + "](" * 400 + "\n\n"
            + "[The talks](http://x.y/a,b \"a , title\") went on , well.\n\n"
            + "A <!-- a , note --> and `` code , ` here `` then more , text.\n\n"
            + "` `` ``` <!-- never closed , still prose](x , y\n")
    p = tmp_path / "story.md"
    p.write_text(text, "utf-8")
    code, out, err = cli("check", *TYPO, "-f", "json", p)
    assert code == 0, err
    found = json.loads(out)["files"][0]["findings"]
    assert [(f["line"], text[f["start"] - 4:f["start"]]) for f in found] == [
        (1, " him"), (5, "t on"), (7, "more"), (9, "osed"), (9, "e](x")]


@pytest.mark.parametrize("text,spans", [
    ("`` a ` b `` c", [(0, 11)]),                   # a run closes only at a run of its own length
    ("` a `` b", []),                                # an opener without its closer is literal
    ("](a](b) c", [(0, 7)]),                         # starts inside a target are part of it
    ('](a "t") ](b "u', [(0, 8)]),                   # a title must close, then the target
    ("<!-- a <!-- b --> c -->", [(0, 17)]),          # the first --> closes
    ("<!--x", []),
])
def test_markdown_spans_are_those_commonmark_marks(text, spans):
    got = markdown_ignored(text)
    assert [s for s in spans if s not in got] == []
    assert all(0 <= s <= e <= len(text) for s, e in got)


_MARKUP = st.sampled_from(["[", "]", "(", ")", "](", "<!--", "-->", "`", "``", "```", "*", "_", "**", " ", "\n",
                           "\r\n", '"', "a", "word", "<a>", "<x:y>", "http://e.x/a", "\\", "    ", "---\n", "> "])


@pytest.mark.parametrize("profile", PROFILE_PARAMS)
def test_fuzz_pathological_markdown_reads_as_the_old_patterns_did(profile, tmp_path):
    """Random mixes of brackets, comment markers, backticks and emphasis: reading the file raises
    nothing but InputError, every span lies inside the text, and the comments, code spans and link
    targets are exactly those the old patterns found."""
    path = tmp_path / "random.md"

    def prop(pieces):
        text = "".join(pieces)
        path.write_bytes(text.encode("utf-8"))
        try:
            src = read_source(str(path))
        except InputError:
            return
        assert all(0 <= s <= e <= len(src.text) for s, e in src.ignored)
        got = set(markdown_ignored(src.text))
        for old in (_OLD_COMMENT, _OLD_CODE, _OLD_LINK_TARGET):
            assert {m.span() for m in old.finditer(src.text)} <= got, old.pattern

    run_property("pathological markdown", profile, st.lists(_MARKUP, max_size=60), prop)


# --- 12. JSON nested too deeply or with a number too long ---------------------------------------------

_RECORD = '{"source": "Blinken se reunió", "target": "Blinken met him , then left."}'


@pytest.mark.parametrize("bad_value,words", [
    (DEEP_ARRAYS, "nested too deeply"),
    (DEEP_OBJECTS, "nested too deeply"),
    (LONG_NUMBER, "more than 4300 digits"),
    ("-" + LONG_NUMBER, "more than 4300 digits"),
])
def test_a_jsonl_line_the_parser_cannot_take_is_that_files_error_and_the_rest_are_checked(
        tmp_path, cli, bad_value, words):
    bad = tmp_path / "pairs.jsonl"
    bad.write_text(_RECORD + "\n" + '{"source": "a", "target": "b", "meta": ' + bad_value + "}\n", "utf-8")
    good = tmp_path / "story.txt"
    good.write_text("Blinken met his counterpart , Qin Gang.\n", "utf-8")
    report = tmp_path / "report.json"
    code, out, err = cli("check", *TYPO, "--report", report, bad, good)
    assert "internal error" not in err and "Traceback" not in err
    assert f"{bad}: line 2: " in err and words in err
    checked = json.loads(report.read_text("utf-8"))["files"]
    assert [f["path"] for f in checked] == [str(good)] and len(checked[0]["findings"]) == 1


@pytest.mark.parametrize("line", [DEEP_ARRAYS, '{"source": "a", "target": ' + DEEP_ARRAYS + "}", LONG_NUMBER,
                                  '{"target": "b", "source": ' + LONG_NUMBER + "}"])
def test_a_lone_jsonl_file_the_parser_cannot_take_is_an_input_error(tmp_path, cli, line):
    bad = tmp_path / "pairs.jsonl"
    bad.write_text(line + "\n", "utf-8")
    code, _, err = cli("check", *TYPO, bad)
    assert code == 2
    _one_line_error(err, str(bad), "line 1")
    with pytest.raises(InputError, match="line 1"):
        read_source(str(bad))


@pytest.mark.parametrize("body,words", [
    (DEEP_ARRAYS, "nested too deeply"),
    ('{"text": "a", "rules": ' + DEEP_ARRAYS + "}", "nested too deeply"),
    ('{"text": "a", "source": ' + DEEP_OBJECTS + "}", "nested too deeply"),
    ('{"text": "a", "min_confidence": ' + LONG_NUMBER + "}", "4300 digits"),
    ('{"text": "abc", "edits": [{"start": ' + LONG_NUMBER + ', "end": 1, "text": "a", "replacement": "b"}]}',
     "4300 digits"),
])
@pytest.mark.parametrize("endpoint", ["/api/check", "/api/review", "/api/fix", "/api/save"])
def test_the_desk_answers_400_to_a_body_its_parser_cannot_take(body, words, endpoint):
    pytest.importorskip("httpx")
    from starlette.testclient import TestClient

    from tqcheck.serve.app import create_app
    from tqcheck.serve.desk import Desk

    desk = Desk(use_model=False)
    try:
        client = TestClient(create_app(desk), base_url="http://127.0.0.1:8765")
        r = client.post(endpoint, content=body.encode(), headers={"content-type": "application/json"})
        assert r.status_code == 400, r.text
        assert "malformed JSON" in r.json()["error"] and words in r.json()["error"]
        # ... and the desk goes on serving.
        ok = client.post("/api/check", json={"text": "Blinken met him , then.", "use_model": False})
        assert ok.status_code == 200
    finally:
        desk.close()


@pytest.mark.parametrize("content,words", [
    ('{"files": ' + DEEP_ARRAYS + "}", "nested too deeply"),
    ('{"files": {"a.txt": {"fp": ' + LONG_NUMBER + "}}}", "4300 digits"),
    ('{"files": []}', "'files' table"),
    ('{"files": {"a.txt": ["fp"]}}', "'files' table"),
    ('{"files": {"a.txt": {"fp": "one"}}}', "'files' table"),
    ("[1]", "'files' table"),
])
def test_a_baseline_the_parser_cannot_take_is_an_input_error(tmp_path, cli, bad, content, words):
    base = tmp_path / "baseline.json"
    base.write_text(content, "utf-8")
    with pytest.raises(InputError, match=re.escape(words)):
        Baseline.load(base)
    code, _, err = cli("check", *TYPO, "--baseline", base, bad)
    assert code == 2
    _one_line_error(err, str(base), words)


@pytest.fixture
def bad(tmp_path):
    p = tmp_path / "a.txt"
    p.write_text("Blinken met his counterpart , Qin Gang.", "utf-8")
    return p


@pytest.mark.parametrize("value,words", [("[" * 5_000 + "]" * 5_000, "nested too deeply"),
                                         ("{a = " * 2_000 + "1" + "}" * 2_000, "nested too deeply"),
                                         (LONG_NUMBER, "4300 digits")])
@pytest.mark.parametrize("name", ["pyproject.toml", "tqcheck.toml"])
def test_a_config_the_toml_parser_cannot_take_is_a_config_error(tmp_path, cli, bad, value, words, name):
    cfg = tmp_path / name
    table = "[tool.tqcheck]\n" if name == "pyproject.toml" else ""
    cfg.write_text(f"{table}lang = {value}\n", "utf-8")
    code, _, err = cli("check", *TYPO, "--config", cfg, bad)
    assert code == 2
    _one_line_error(err, str(cfg), "invalid TOML", words)


def test_a_model_card_the_toml_parser_cannot_take_is_an_error_naming_it(tmp_path):
    from tqcheck.lm.cards import load_cards

    card = tmp_path / "deep.toml"
    card.write_text("id = " + "[" * 5_000 + "]" * 5_000 + "\n", "utf-8")
    with pytest.raises(TqcheckError, match="deep.toml: invalid model card: nested too deeply"):
        load_cards(tmp_path)


def test_a_set_option_the_toml_parser_cannot_take_is_read_as_text():
    from tqcheck.config import Config

    config = Config()
    parse_option("lm-disfluency.min-surprisal=" + "[" * 5_000, config)
    with pytest.raises(ConfigError, match="rules.lm-disfluency.min-surprisal must be float"):
        build_settings(all_rules()["lm-disfluency"](), config)


# --- 13. a config key of the wrong type ------------------------------------------------------------

@pytest.mark.parametrize("tool", ["5", '"tqcheck"', '["tqcheck"]', "1.5", "true", "1979-05-27"])
@pytest.mark.parametrize("found", [True, False], ids=["found-upward", "given"])
def test_tool_of_the_wrong_type_in_pyproject_is_a_config_error(tmp_path, cli, bad, monkeypatch, tool, found):
    cfg = tmp_path / "pyproject.toml"
    cfg.write_text(f"tool = {tool}\n", "utf-8")
    monkeypatch.chdir(tmp_path)
    code, _, err = cli("check", *TYPO, *(() if found else ("--config", cfg)), bad)
    assert code == 2
    _one_line_error(err, "pyproject.toml", "'tool' must be a table")


@pytest.mark.parametrize("value", ["3", '"on"', "[1, 2]"])
def test_tool_tqcheck_of_the_wrong_type_is_a_config_error(tmp_path, cli, bad, value):
    cfg = tmp_path / "pyproject.toml"
    cfg.write_text(f"[tool]\ntqcheck = {value}\n", "utf-8")
    code, _, err = cli("check", *TYPO, "--config", cfg, bad)
    assert code == 2
    _one_line_error(err, str(cfg), "[tool.tqcheck] must be a table")


@pytest.mark.parametrize("line,key", [
    ("fail-on = 3", "'fail-on'"),
    ("diacritics = {}", "'diacritics'"),
    ("diacritics = [1]", "'diacritics'"),
    ("rules.doubled-space = 2", "'rules.doubled-space'"),
    ("rules.doubled-space = [\"off\"]", "'rules.doubled-space'"),
    ("rules.doubled-space.severity = 2", "'rules.doubled-space.severity'"),
    ("rules.doubled-space.severity = {a = 1}", "'rules.doubled-space.severity'"),
    ("rules.lm-disfluency.min-surprisal = [1.0]", "rules.lm-disfluency.min-surprisal"),
    ('glossary."Qin Gang" = 5', "'glossary.Qin Gang'"),
])
@pytest.mark.parametrize("name", ["pyproject.toml", "tqcheck.toml", ".tqcheck.toml"])
def test_a_config_key_of_the_wrong_type_names_the_file_and_the_key(tmp_path, cli, bad, line, key, name):
    cfg = tmp_path / name
    cfg.write_text(("[tool.tqcheck]\n" if name == "pyproject.toml" else "") + line + "\n", "utf-8")
    code, _, err = cli("check", *TYPO, "--config", cfg, bad)
    assert code == 2
    _one_line_error(err, str(cfg), key)


# Every key the config knows, with what it accepts.  A property draws a TOML value of another type.
_ACCEPTS = {
    "str": lambda v: isinstance(v, str),
    "strs": lambda v: isinstance(v, str) or (isinstance(v, list) and all(isinstance(x, str) for x in v)),
    "table": lambda v: isinstance(v, dict),
    "rule": lambda v: isinstance(v, (str, bool, dict)),
    "severity": lambda v: isinstance(v, (str, bool)),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
}
_TOP_KEYS = [(("fail-on",), "str"), (("lang",), "str"), (("source-lang",), "str"), (("model",), "str"),
             (("entity-style",), "str"), (("diacritics",), "str"), (("include",), "strs"), (("exclude",), "strs"),
             (("rules",), "table"), (("glossary",), "table"), (("glossary", "Qin Gang"), "strs")]
_RULE_IDS = sorted(all_rules())
_RULE_SETTINGS = [(("rules", rid, key), "number") for rid in _RULE_IDS for key in settings_keys(all_rules()[rid].Settings)]
_KEYS = (_TOP_KEYS + [(("rules", rid), "rule") for rid in _RULE_IDS]
         + [(("rules", rid, "severity"), "severity") for rid in _RULE_IDS] + _RULE_SETTINGS)


def _toml(value) -> str:
    """``value`` written as a TOML value (strings drawn from an alphabet JSON and TOML escape alike)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, datetime.date)):
        return value.isoformat() if isinstance(value, datetime.date) else repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return "{" + ", ".join(f"{json.dumps(k)} = {_toml(v)}" for k, v in value.items()) + "}"


_TEXT = st.text(st.sampled_from("abc xyz-_.éü\"\\\t\n"), max_size=8)
_VALUES = st.recursive(
    st.one_of(st.booleans(), st.integers(min_value=-10**30, max_value=10**30),
              st.floats(allow_nan=False, allow_infinity=False), _TEXT,
              st.dates(min_value=datetime.date(1000, 1, 1)),
              st.datetimes(min_value=datetime.datetime(1000, 1, 1)).map(lambda d: d.replace(microsecond=0))),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_TEXT, inner, max_size=3),
    max_leaves=6)


@st.composite
def _wrong_typed(draw):
    file_name = draw(st.sampled_from(["pyproject.toml", "tqcheck.toml", ".tqcheck.toml"]))
    keys = _KEYS + ([(("tool",), "table"), (("tool", "tqcheck"), "table")] if file_name == "pyproject.toml" else [])
    path, accepts = draw(st.sampled_from(keys))
    value = draw(_VALUES.filter(lambda v: not _ACCEPTS[accepts](v)))
    return file_name, path, value


@pytest.mark.parametrize("profile", PROFILE_PARAMS)
def test_fuzz_a_wrong_typed_value_at_any_config_key_is_a_config_error_naming_it(profile, tmp_path):
    """Random wrong-typed values at every key the config knows (top-level settings, rules, a rule's
    severity and its own settings, glossary entries; pyproject's tool and tool.tqcheck): loading the
    config and building the engine, as `tqcheck check` does, raises a ConfigError naming the file
    and the dotted key, never another exception."""
    tried = iter(range(10**9))

    def prop(example):
        file_name, path, value = example
        folder = tmp_path / str(next(tried))
        folder.mkdir()
        cfg = folder / file_name
        keys = path if path[0] == "tool" or file_name != "pyproject.toml" else ("tool", "tqcheck", *path)
        dotted = ".".join(k if re.fullmatch(r"[A-Za-z0-9_-]+", k) else json.dumps(k) for k in keys)
        cfg.write_text(f"{dotted} = {_toml(value)}\n", "utf-8")
        with pytest.raises(ConfigError) as err:
            Engine(Context(config=load_config(cfg), use_model=False))
        message = str(err.value)
        assert message.startswith(f"{cfg}: "), message
        assert ".".join(path) in message, (path, message)

    run_property("config wrong types", profile, _wrong_typed(), prop)


# --- 9, the readers' other scans: XML written on one line ----------------------------------------------

_ONE_LINE = {
    "xlf": '<?xml version="1.0" encoding="UTF-8"?><xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">'
           '<file source-language="es" target-language="en" datatype="plaintext" original="x"><body>'
           '<trans-unit id="1"><source>Hola , amigo.</source><target>Hello there , friend.</target></trans-unit>'
           '<trans-unit id="2"><source>Adios.</source><target>Good  bye.</target></trans-unit></body></file></xliff>',
    "xlf2": '<?xml version="1.0"?><xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="es" '
            'trgLang="en"><file id="f"><unit id="1"><segment><source>Hola , amigo.</source><target>Hello there , '
            'friend.</target></segment></unit><unit id="2"><segment><source>Adios.</source><target>Good  bye.'
            '</target></segment></unit></file></xliff>',
    "tmx": '<?xml version="1.0" encoding="UTF-8"?><tmx version="1.4"><header srclang="es" adminlang="en" '
           'segtype="sentence" datatype="plaintext" o-tmf="x" creationtool="x" creationtoolversion="1"/><body>'
           '<tu><tuv xml:lang="es"><seg>Hola , amigo.</seg></tuv><tuv xml:lang="en"><seg>Hello there , friend.</seg>'
           '</tuv></tu><tu><tuv xml:lang="es"><seg>Adios.</seg></tuv><tuv xml:lang="en"><seg>Good  bye.</seg></tuv>'
           '</tu></body></tmx>',
}


@pytest.mark.parametrize("kind", sorted(_ONE_LINE))
def test_a_bilingual_xml_file_on_one_line_reads_each_units_own_target(tmp_path, cli, kind):
    """lxml gives an element's line only; each target was searched from its line's start, so on one
    line every unit read the first target (a TMX, the first <seg>: the source), and the rest went unchecked."""
    text = _ONE_LINE[kind]
    p = tmp_path / ("pairs.tmx" if kind == "tmx" else "pairs.xlf")
    p.write_text(text, "utf-8")
    code, out, err = cli("check", "--no-model", "--lang", "en", "--rule", "space-before-punctuation",
                         "--rule", "doubled-space", "-f", "json", p)
    assert "internal error" not in err
    found = json.loads(out)["files"][0]["findings"]
    assert [(f["rule"], text[f["start"] - 4:f["end"] + 4]) for f in found] == [
        ("space-before-punctuation", "here , fri"), ("doubled-space", "Good  bye.")]
