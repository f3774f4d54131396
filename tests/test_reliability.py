"""Issue #17: each defect found by the fault-finding pass, as the run that showed it.

Inputs are never overwritten; a user-caused failure is one line and exit 2; one bad file or rule
does not stop the others; reading treats CR, CRLF and LF alike.
"""
from __future__ import annotations

import json
import os
import stat

import pytest

from tqcheck.document import Document
from tqcheck.fix import apply_fixes, edit_diff
from tqcheck.render.html import diff_view

BAD = "Blinken met his counterpart , Qin Gang."
TYPO = ("--no-model", "--lang", "en", "--rule", "space-before-punctuation")


@pytest.fixture
def bad(tmp_path):
    p = tmp_path / "a.txt"
    p.write_text(BAD, "utf-8")
    return p


def _one_line_error(err: str, *names: str) -> None:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("tqcheck: error: "), err
    assert "Traceback" not in err
    for name in names:
        assert name in lines[0], (name, err)


# --- 1. it overwrote its input ------------------------------------------------------------

@pytest.mark.parametrize("option", [("-f", "json", "-o"), ("--report",), ("--write-baseline",)])
def test_output_path_equal_to_input_is_refused(bad, cli, option):
    code, out, err = cli("check", *TYPO, *option, bad, bad)
    assert code == 2
    _one_line_error(err, str(bad), "input")
    assert bad.read_text("utf-8") == BAD


def test_output_path_spelt_differently_or_linked_to_input_is_refused(bad, cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    link = tmp_path / "link.txt"
    link.symlink_to(bad)
    hard = tmp_path / "hard.txt"
    os.link(bad, hard)
    for output in ("./a.txt", "sub/../a.txt", link, hard):
        (tmp_path / "sub").mkdir(exist_ok=True)
        code, _, err = cli("check", *TYPO, "-o", output, "a.txt")
        assert code == 2 and "would overwrite the input file" in err, output
    # ... and a link to the output, given as the input, protects the file behind it.
    code, _, err = cli("check", *TYPO, "-o", "a.txt", link)
    assert code == 2 and "would overwrite" in err
    assert bad.read_text("utf-8") == BAD


def test_output_onto_source_or_reference_file_is_refused(bad, cli, tmp_path):
    src = tmp_path / "src.es.txt"
    src.write_text("Blinken se reunió con su homólogo, Qin Gang.", "utf-8")
    for companion in ("--source", "--reference"):
        code, _, err = cli("check", *TYPO, companion, src, "--report", src, bad)
        assert code == 2 and str(src) in err and "input file" in err
    assert src.read_text("utf-8").startswith("Blinken se")


def test_fix_output_equal_to_input_is_refused(bad, cli):
    code, _, err = cli("fix", "--no-model", "--lang", "en", "-o", bad, bad)
    assert code == 2 and "would overwrite the input file" in err
    assert bad.read_text("utf-8") == BAD
    assert not list(bad.parent.glob("*.bak*"))


# --- 2. tracebacks with exit code 1 --------------------------------------------------------

def test_markdown_with_bare_cr_line_endings(tmp_path, cli):
    p = tmp_path / "x.md"
    p.write_bytes(b"\r<v>")  # the reproducer: markdown-it splits lines at CR
    code, out, err = cli("check", "--no-model", "-f", "json", p)
    assert code == 0 and "Traceback" not in err
    text = "# Title\r\rBlinken met him , then left.\r\r```\rcode , here\r```\r"
    p.write_bytes(text.encode())
    code, out, _ = cli("check", *TYPO, "-f", "json", p)
    found = json.loads(out)["files"][0]["findings"]
    assert [(f["line"], f["column"], f["text"]) for f in found] == [(3, 16, " ,")]


def test_jsonl_with_surrogate_pair_escapes(tmp_path, cli):
    p = tmp_path / "pairs.jsonl"
    target = "Blinken 😀 met his counterpart , Qin Gang."
    p.write_text(json.dumps({"source": "Blinken 😀 se reunió", "target": target}) + "\n", "utf-8")
    assert "\\ud83d\\ude00" in p.read_text("utf-8")  # json.dumps writes the emoji as a pair
    code, out, err = cli("check", *TYPO, "-f", "json", p)
    assert code == 0, err
    raw = p.read_text("utf-8")
    (f,) = json.loads(out)["files"][0]["findings"]
    assert raw[f["start"]:f["end"]] == f["text"] == " ,"
    # Language detection (no --lang) reads the decoded emoji, not a lone surrogate.
    code, out, err = cli("check", "--no-model", "-f", "json", p)
    assert code == 0 and "Traceback" not in err


def test_jsonl_with_a_lone_surrogate_escape_reads_as_replacement_character():
    from tqcheck.readers import read_source

    import tempfile

    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "lone.jsonl")
        with open(path, "w", encoding="utf-8") as fh:
            fh.write('{"source": "a \\ud83d b", "target": "x \\ud83d y"}\n')
        src = read_source(path)
        doc = Document.from_source(src)
        assert "\ufffd" in doc.text and not any(0xD800 <= ord(c) <= 0xDFFF for c in doc.text)


def test_non_utf8_config_is_a_config_error(bad, cli, tmp_path):
    cfg = tmp_path / "tqcheck.toml"
    cfg.write_bytes('lang = "\xe9n"\n'.encode("latin-1"))
    code, _, err = cli("check", *TYPO, "--config", cfg, bad)
    assert code == 2
    _one_line_error(err, str(cfg), "UTF-8")


def test_rules_off_as_a_string_is_a_config_error(bad, cli, tmp_path):
    cfg = tmp_path / "pyproject.toml"
    cfg.write_text('[tool.tqcheck]\nrules = "off"\n', "utf-8")
    code, _, err = cli("check", *TYPO, "--config", cfg, bad)
    assert code == 2
    _one_line_error(err, str(cfg), "'rules' must be a table")


def test_config_option_naming_a_directory(bad, cli, tmp_path):
    code, _, err = cli("check", *TYPO, "--config", tmp_path, bad)
    assert code == 2
    _one_line_error(err, str(tmp_path), "directory")


def test_output_into_a_missing_or_non_directory_parent_or_onto_a_directory(bad, cli, tmp_path):
    (tmp_path / "dir.json").mkdir()
    for option in ("-o", "--report"):
        code, _, err = cli("check", *TYPO, option, tmp_path / "a.txt" / "r.json", bad)
        assert code == 2 and "not a directory" in err and "Traceback" not in err
        code, _, err = cli("check", *TYPO, option, tmp_path / "dir.json", bad)
        assert code == 2 and "names a directory" in err


def test_output_in_a_directory_without_write_permission(bad, cli, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        if os.access(locked, os.W_OK):
            pytest.skip("running as root: a read-only directory is still writable")
        code, _, err = cli("check", *TYPO, "-o", locked / "out.txt", bad)
        assert code == 2 and "permission denied" in err
    finally:
        locked.chmod(0o755)


# --- 3. one file stopped the run --------------------------------------------------------

def test_paragraph_over_a_million_characters_is_checked_in_pieces(tmp_path, cli):
    p = tmp_path / "long.txt"
    sentence = "The minister met Qin Gang in Beijing , again. "
    text = sentence * (1_000_000 // len(sentence) + 100)
    p.write_text(text, "utf-8")
    # unbalanced-pairs reads sentences, so paragraphs, as spaCy and the model do.
    code, out, err = cli("check", *TYPO, "--rule", "unbalanced-pairs", "-f", "json", p)
    assert code == 0, err
    entry = json.loads(out)["files"][0]
    assert any("checked in pieces of at most 20,000 characters" in n for n in entry["notices"])
    assert len(entry["findings"]) == text.count(" ,")
    doc = Document.from_text(text, lang="en")
    assert max(e - s for s, e in doc.paragraphs) <= 20_000
    # The pieces cover the paragraph: no sentence is lost at a cut.
    assert sum(doc.text[s:e].count(" ,") for s, e in doc.paragraphs) == text.count(" ,")


@pytest.mark.parametrize("lang, text", [
    ("zh", "北京市长王伟今天会见了来自美国的代表团。John Smith 表示非常高兴。Jon Smith 随后离开。"),
    ("ja", "日本の首相は John Smith と会談した。John Smith は東京に来た。Jon Smith は喜んだ。"),
])
def test_chinese_and_japanese_with_latin_names_without_segmenters(tmp_path, cli, lang, text):
    p = tmp_path / f"{lang}.txt"
    p.write_text(text, "utf-8")
    code, out, err = cli("check", "--no-model", "-f", "json", p)
    assert code == 0, err
    entry = json.loads(out)["files"][0]
    assert entry["language"] == lang and "errors" not in entry


def test_language_without_a_word_list_skips_names_with_a_notice(tmp_path, cli):
    p = tmp_path / "ts.txt"
    p.write_text("Xitsonga i ririmi ra vanhu va Vatsonga lava tshamaka eAfrika Dzonga na le Mozambiki.", "utf-8")
    code, out, err = cli("check", "--no-model", "--lang", "ts", "-f", "json", p)
    assert code == 0, err
    entry = json.loads(out)["files"][0]
    assert "errors" not in entry
    assert any(n.startswith("name-variant: not run: no word frequency list for language 'ts'")
               for n in entry["notices"])


def test_lang_as_a_number_in_config_is_blamed_on_the_config(bad, cli, tmp_path):
    cfg = tmp_path / "tqcheck.toml"
    cfg.write_text("lang = 12\n", "utf-8")
    code, _, err = cli("check", "--no-model", "--config", cfg, bad)
    assert code == 2
    _one_line_error(err, str(cfg), "'lang' must be a string")
    assert "rule" not in err and str(bad) not in err


def test_a_rule_crashing_on_one_file_is_a_tool_error_and_the_others_are_checked(tmp_path, cli, monkeypatch):
    from tqcheck.rules.typography.space_before_punct import SpaceBeforePunctuation

    real = SpaceBeforePunctuation.check

    def flaky(self, doc, ctx):
        if doc.path.endswith("broken.txt"):
            raise RuntimeError("boom")
        return real(self, doc, ctx)

    monkeypatch.setattr(SpaceBeforePunctuation, "check", flaky)
    (tmp_path / "broken.txt").write_text(BAD, "utf-8")
    (tmp_path / "fine.txt").write_text(BAD, "utf-8")
    report = tmp_path / "r.sarif"
    code, out, err = cli("check", *TYPO, "-f", "json", "--report", report, tmp_path)
    assert code == 2
    files = {os.path.basename(f["path"]): f for f in json.loads(out)["files"]}
    assert len(files["fine.txt"]["findings"]) == 1 and "errors" not in files["fine.txt"]
    assert files["broken.txt"]["errors"] == ["tool-error: rule space-before-punctuation failed: RuntimeError: boom"]
    assert "broken.txt: tool-error: rule space-before-punctuation failed" in err
    run = json.loads(report.read_text("utf-8"))["runs"][0]
    assert run["invocations"][0]["executionSuccessful"] is False


def test_unreadable_file_in_a_directory_does_not_stop_the_run(tmp_path, cli):
    (tmp_path / "good.txt").write_text(BAD, "utf-8")
    (tmp_path / "latin1.txt").write_bytes("café , crème".encode("latin-1"))
    code, out, err = cli("check", *TYPO, "-f", "json", tmp_path)
    assert code == 2
    assert [os.path.basename(f["path"]) for f in json.loads(out)["files"]] == ["good.txt"]
    assert "latin1.txt: not valid UTF-8" in err and "Traceback" not in err
    # Unread, it is still an input: no output may replace it.
    code, _, err = cli("check", *TYPO, "-o", tmp_path / "latin1.txt", tmp_path)
    assert code == 2 and "would overwrite the input file" in err
    assert (tmp_path / "latin1.txt").read_bytes() == "café , crème".encode("latin-1")


# --- 4. the JSONL reader read the wrong field -----------------------------------------------

def test_jsonl_reads_the_top_level_target_field(tmp_path, cli):
    p = tmp_path / "meta.jsonl"
    line = '{"source":"Hola","meta":{"target":"zzz"},"target":"Hello  world ."}'
    p.write_text(line + "\n", "utf-8")
    code, out, _ = cli("check", "--no-model", "--lang", "en", "-f", "json", p)
    found = json.loads(out)["files"][0]["findings"]
    assert sorted(f["text"] for f in found) == ["  ", " ."]
    assert all(f["start"] > line.index('"target":"Hello') for f in found)


# --- 5. a malformed pyproject.toml was ignored -------------------------------------------------

def test_malformed_pyproject_is_an_error(bad, cli, tmp_path, monkeypatch):
    (tmp_path / "pyproject.toml").write_text('[tool.tqcheck\nfail-on = "warning"\n', "utf-8")
    monkeypatch.chdir(tmp_path)
    code, _, err = cli("check", *TYPO, bad)
    assert code == 2
    _one_line_error(err, "pyproject.toml", "invalid TOML")


# --- 6. super-linear renderers (speed itself is measured in benchmarks/renderers.py) ----------

def test_html_fix_diff_of_many_identical_lines_comes_from_the_edits():
    text = "Blinken met him , then left.\n" * 2000
    doc = Document.from_text(text, lang="en")
    from tqcheck.context import Context
    from tqcheck.engine import Engine

    report = Engine(Context(use_model=False), only=["space-before-punctuation"]).run([doc])
    findings = report.files[0].findings
    assert len(findings) == 2000
    view = diff_view(text, list(enumerate(findings)), 0.7)
    assert view["changed_rows"] == 2000 and len(view["applied"]) == 2000
    row = view["rows"][1]
    assert [(p["kind"], p["text"]) for p in row["inline"]] == [
        ("eq", "Blinken met him"), ("del", "·"), ("eq", ", then left.\n")]
    fixed, _ = apply_fixes(text, findings)
    ops = edit_diff(text, [(f.start, f.end, f.suggestions[0]) for f in findings])
    assert "".join(o.old for o in ops) == text and "".join(o.new for o in ops) == fixed


def test_edit_diff_widens_an_edit_inside_a_word_to_the_word():
    ops = edit_diff("the colour red", [(7, 9, "o")])
    assert [(o.tag, o.old, o.new) for o in ops] == [("equal", "the ", "the "), ("replace", "colour", "color"),
                                                     ("equal", " red", " red")]


# --- 7. smaller ones ---------------------------------------------------------------------

def test_bare_cr_findings_report_their_own_line(tmp_path, cli):
    p = tmp_path / "cr.txt"
    p.write_bytes(b"First line is fine.\rSecond has one , here.\r\rThird , too.\r")
    code, out, _ = cli("check", *TYPO, "-f", "json", p)
    found = json.loads(out)["files"][0]["findings"]
    assert [(f["line"], f["column"], f["end_line"]) for f in found] == [(2, 15, 2), (4, 6, 4)]


def test_fix_in_place_keeps_mode_and_backs_up_only_on_change(tmp_path, cli):
    p = tmp_path / "a.txt"
    p.write_text(BAD, "utf-8")
    p.chmod(0o640)
    code, _, err = cli("fix", "--no-model", "--lang", "en", "--in-place", p)
    assert code == 0, err
    assert p.read_text("utf-8") == "Blinken met his counterpart, Qin Gang."
    backup = tmp_path / "a.txt.bak"
    assert backup.read_text("utf-8") == BAD
    assert stat.S_IMODE(p.stat().st_mode) == stat.S_IMODE(backup.stat().st_mode) == 0o640
    code, _, err = cli("fix", "--no-model", "--lang", "en", "--in-place", p)  # nothing left to fix
    assert code == 0 and sorted(x.name for x in tmp_path.iterdir()) == ["a.txt", "a.txt.bak"]


def test_fix_in_place_refuses_a_read_only_file_unless_forced(tmp_path, cli):
    p = tmp_path / "a.txt"
    p.write_text(BAD, "utf-8")
    p.chmod(0o444)
    code, _, err = cli("fix", "--no-model", "--lang", "en", "--in-place", p)
    assert code == 2 and "read-only" in err and "--force" in err
    assert p.read_text("utf-8") == BAD and not (tmp_path / "a.txt.bak").exists()
    code, _, err = cli("fix", "--no-model", "--lang", "en", "--in-place", "--force", p)
    assert code == 0 and p.read_text("utf-8") != BAD
    assert stat.S_IMODE(p.stat().st_mode) == 0o444


def test_fix_output_inside_the_folder_being_fixed_is_refused(tmp_path, cli, bad):
    # A folder's corrected copies mirror it under -o; inside it, the next run would read them as inputs.
    (tmp_path / "b.txt").write_text(BAD, "utf-8")
    code, _, err = cli("fix", "--no-model", "-o", tmp_path / "x", tmp_path)
    assert code == 2 and "inside" in err and "folder being fixed" in err
    assert not (tmp_path / "x").exists()


def test_unknown_report_extension_is_refused_before_any_output(bad, cli, tmp_path):
    code, _, err = cli("check", *TYPO, "--report", tmp_path / "r.json", "--report", tmp_path / "r.pdf", bad)
    assert code == 2 and "r.pdf: unknown report type" in err
    assert not (tmp_path / "r.json").exists()


@pytest.mark.parametrize("args, blamed", [
    (("fix", "--min-confidence", "5", "-o", "out.txt"), "--min-confidence"),
    (("check", "--lang", "zz"), "--lang"),
    (("check", "--rule", "nope"), "--rule nope"),
])
def test_option_values_are_blamed_on_the_option(bad, cli, args, blamed):
    code, _, err = cli(*args, "--no-model", bad)
    assert code == 2 and blamed in err and "Traceback" not in err
    assert "tqcheck.toml" not in err and "pyproject" not in err


def test_nul_bytes_after_the_first_8_kib_are_binary(tmp_path, cli):
    p = tmp_path / "late-nul.txt"
    p.write_bytes(b"a" * 9000 + b"\x00 tail")
    code, _, err = cli("check", "--no-model", p)
    assert code == 2
    _one_line_error(err, str(p), "binary")


def test_an_internal_error_is_one_line_and_debug_shows_the_traceback(bad, cli, monkeypatch):
    from tqcheck import render

    def broken(report, **_):
        raise ZeroDivisionError("division by zero")

    from dataclasses import replace

    monkeypatch.setitem(render._BY_NAME, "text", replace(render._BY_NAME["text"], render=broken))
    code, _, err = cli("check", *TYPO, bad)
    assert code == 2
    _one_line_error(err, "internal error: ZeroDivisionError", "--debug")
    with pytest.raises(ZeroDivisionError):
        cli("--debug", "check", *TYPO, bad)
    from tqcheck.boundary import set_debug

    set_debug(False)
