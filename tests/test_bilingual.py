"""Bilingual files: findings point at the target text inside the file; broken files are clear errors."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tqcheck.cli import app
from tqcheck.errors import InputError
from tqcheck.readers import read_source

DATA = Path(__file__).parent / "data"


def _findings(path, *rules):
    args = ["check", str(path), "--no-model", "--format", "json", "--fail-on", "never"]
    for r in rules:
        args += ["--rule", r]
    result = CliRunner().invoke(app, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["files"][0]


@pytest.mark.parametrize("name", ["es_en.xlf", "es_en.po", "es_en.tmx", "es_en.tsv", "es_en.jsonl"])
def test_number_error_located_in_the_file(name):
    path = DATA / name
    result = _findings(path, "source-number-mismatch")
    assert result["language"] == "en"
    (f,) = result["findings"]
    raw = path.read_text("utf-8")
    line = raw.split("\n")[f["line"] - 1]
    assert line[f["column"] - 1:].startswith("9.1%")
    assert f["suggestions"] == ["1.9%"]


def test_xliff_markup_and_escapes_are_not_text():
    src = read_source(str(DATA / "es_en.xlf"))
    masked = src.masked_text()
    assert len(masked) == len(src.text)
    assert "<target>" not in masked and "trans-unit" not in masked
    assert "people &     families" in masked  # &amp; reads as "&"
    assert "El Banco de España" not in masked  # the source is not target text


def test_xliff_quote_check_uses_the_file_pairs():
    result = _findings(DATA / "es_en.xlf", "source-quote-missing")
    assert [f["line"] for f in result["findings"]] == [15]


def test_xliff2_is_read(tmp_path):
    path = tmp_path / "a.xlf"
    path.write_text('<?xml version="1.0"?>\n<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" '
                    'srcLang="es" trgLang="en">\n <file id="f1">\n  <unit id="u1">\n   <segment>\n'
                    '    <source>Ganó 3,5 millones de euros.</source>\n'
                    '    <target>It earned 35 million euros.</target>\n   </segment>\n  </unit>\n </file>\n</xliff>\n',
                    "utf-8")
    (f,) = _findings(path, "source-number-mismatch")["findings"]
    assert (f["line"], f["text"], f["suggestions"]) == (7, "35 million", ["3.5 million"])


@pytest.mark.parametrize("name,content,where", [
    ("bad.xlf", '<?xml version="1.0"?>\n<xliff version="1.2">\n<file>\n<body><trans-unit id="1">\n'
                "<source>a</source><target>b</target>\n</body></file></xliff>\n", "line"),
    ("bad.jsonl", '{"source": "a", "target": "b"}\n{"source": "a", "target": }\n', "line 2, column"),
    ("bad.tsv", "a\tb\nno tab here\n", "line 2"),
])
def test_malformed_file_is_an_input_error_with_location(tmp_path, name, content, where):
    path = tmp_path / name
    path.write_text(content, "utf-8")
    with pytest.raises(InputError, match=where):
        read_source(str(path))
    result = CliRunner().invoke(app, ["check", str(path), "--no-model"])
    assert result.exit_code == 2 and where in result.stderr and "Traceback" not in result.output
