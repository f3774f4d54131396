"""Inputs: encodings, binary files, stdin, directories, Markdown masking, never modifying input."""
from __future__ import annotations

import codecs
import hashlib
import json

from .conftest import SEED

BAD = "Blinken met his counterpart , Qin Gang."


def _json(out):
    return json.loads(out)


def test_utf8_bom_and_utf16_bom_give_same_offsets(tmp_path, cli):
    plain = tmp_path / "plain.txt"
    plain.write_text(BAD, "utf-8")
    bom8 = tmp_path / "bom8.txt"
    bom8.write_bytes(codecs.BOM_UTF8 + BAD.encode("utf-8"))
    bom16 = tmp_path / "bom16.txt"
    bom16.write_bytes(codecs.BOM_UTF16_LE + BAD.encode("utf-16-le"))
    spans = []
    for p in (plain, bom8, bom16):
        code, out, _ = cli("check", p, "-f", "json", "--no-model", "--lang", "en", "--rule", "space-before-punctuation")
        assert code == 0
        spans.append([(f["start"], f["end"], f["text"]) for f in _json(out)["files"][0]["findings"]])
    assert spans[0] == spans[1] == spans[2] == [(27, 29, " ,")]


def test_latin1_bytes_are_a_clear_error_naming_the_file(tmp_path, cli):
    p = tmp_path / "cp1252.txt"
    p.write_bytes("Qin said “no” to Blinken’s café.".encode("cp1252"))
    code, out, err = cli("check", p, "--no-model")
    assert code == 2
    assert str(p) in err and "UTF-8" in err and "--encoding" in err
    assert "Traceback" not in err
    code, out, err = cli("check", p, "--no-model", "--encoding", "cp1252", "-f", "json", "--lang", "en")
    assert code == 0 and _json(out)["files"][0]["path"] == str(p)


def test_binary_file_explicit_is_error_and_skipped_in_directory(tmp_path, cli):
    b = tmp_path / "image.txt"
    b.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    code, _, err = cli("check", b, "--no-model")
    assert code == 2 and "binary" in err and str(b) in err
    (tmp_path / "ok.txt").write_text(BAD, "utf-8")
    code, out, err = cli("check", tmp_path, "--no-model", "-f", "json", "--lang", "en")
    assert "skipped (binary file)" in err
    assert [f["path"] for f in _json(out)["files"]] == [str(tmp_path / "ok.txt")]


def test_empty_file_no_findings(tmp_path, cli):
    p = tmp_path / "empty.txt"
    p.write_bytes(b"")
    code, out, _ = cli("check", p, "--no-model", "-f", "json")
    assert code == 0
    assert _json(out)["files"][0]["findings"] == []


def test_stdin(cli):
    code, out, _ = cli("check", "-", "--no-model", "-f", "json", "--lang", "en", input=BAD)
    data = _json(out)
    assert data["files"][0]["path"] == "-"
    assert [f["rule"] for f in data["files"][0]["findings"]] == ["space-before-punctuation"]


def test_directory_walk_with_include_exclude(tmp_path, cli):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "one.md").write_text(BAD, "utf-8")
    (tmp_path / "a" / "two.txt").write_text(BAD, "utf-8")
    (tmp_path / "drafts").mkdir()
    (tmp_path / "drafts" / "three.md").write_text(BAD, "utf-8")
    (tmp_path / "notes.rst").write_text(BAD, "utf-8")
    code, out, _ = cli("check", tmp_path, "--no-model", "-f", "json", "--lang", "en",
                       "--include", "*.md", "--exclude", "drafts")
    assert [f["path"] for f in _json(out)["files"]] == [str(tmp_path / "a" / "one.md")]
    code, out, _ = cli("check", tmp_path, "--no-model", "-f", "json", "--lang", "en")
    paths = sorted(f["path"] for f in _json(out)["files"])
    assert paths == sorted(str(tmp_path / p) for p in ("a/one.md", "a/two.txt", "drafts/three.md"))


def test_missing_path_is_exit_2(cli, tmp_path):
    code, _, err = cli("check", tmp_path / "nope.txt")
    assert code == 2 and "nope.txt" in err


MARKDOWN = """---
title: Blinken in Beijing , 2023
---
# Blinken meets Qin

Blinken met his counterpart , Qin Gang.

```
code  block , not prose
```

    indented  code , too

Inline `x , y` code, a <!-- comment , here --> and https://example.com/a,b?q=1 then text , again.
"""


def test_markdown_code_front_matter_comments_urls_are_not_checked(tmp_path, cli):
    p = tmp_path / "story.md"
    p.write_text(MARKDOWN, "utf-8")
    code, out, _ = cli("check", p, "--no-model", "-f", "json", "--lang", "en",
                       "--rule", "space-before-punctuation", "--rule", "doubled-space")
    found = _json(out)["files"][0]["findings"]
    # Exactly the two in prose; offsets point into the original file.
    assert [(f["line"], f["text"]) for f in found] == [(6, " ,"), (14, " ,")]
    for f in found:
        assert MARKDOWN[f["start"]:f["end"]] == f["text"]
    assert MARKDOWN[found[1]["start"] - 4:found[1]["start"]] == "text"


def test_check_never_modifies_input(tmp_path, cli):
    p = tmp_path / "seed.txt"
    p.write_bytes(SEED.read_bytes())
    before = hashlib.sha256(p.read_bytes()).hexdigest()
    cli("check", p, "--no-model", "--report", tmp_path / "r.json", "-o", tmp_path / "out.txt")
    assert hashlib.sha256(p.read_bytes()).hexdigest() == before
    assert json.loads((tmp_path / "r.json").read_text())["files"][0]["path"] == str(p)
    assert (tmp_path / "out.txt").read_text().strip().endswith("warning)")


def test_a_file_given_twice_is_checked_once(tmp_path, cli):
    p = tmp_path / "a.txt"
    p.write_text(BAD, "utf-8")
    code, out, _ = cli("check", p, p, "--no-model", "-f", "json", "--lang", "en")
    data = _json(out)
    assert [f["path"] for f in data["files"]] == [str(p)] and data["summary"]["findings"] == 1
