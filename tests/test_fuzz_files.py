"""Property: `tqcheck fix` gives back the file's bytes, in every encoding and line ending, except at the
spans it fixed.

The text is built from lines that are clean or carry a space before a comma (which the model-free
space-before-punctuation rule fixes), with characters each encoding can hold, joined by LF, CRLF or
CR at random (mixed files too), with or without a final line end.  The expected output is spliced
from the *input's* bytes: each fixed span's bytes replaced by its fix, every other byte as read.
"""
from __future__ import annotations

import codecs
import tempfile
from pathlib import Path

import pytest

pytest.importorskip("hypothesis")

from hypothesis import strategies as st  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from tqcheck.cli import app  # noqa: E402

from tests.test_fuzz import PROFILE_PARAMS, run_property  # noqa: E402

# (label, BOM, codec the body is in, --encoding to pass or None, characters beyond ASCII it holds)
_LATIN = "éüßñçàÆø"
_ENCODINGS = [
    ("utf-8", b"", "utf-8", None, _LATIN + "北京“”—🙂"),
    ("utf-8 BOM", codecs.BOM_UTF8, "utf-8", None, _LATIN + "北京“”—🙂"),
    ("utf-16-le BOM", codecs.BOM_UTF16_LE, "utf-16-le", None, _LATIN + "北京“”—🙂"),
    ("utf-16-be BOM", codecs.BOM_UTF16_BE, "utf-16-be", None, _LATIN + "北京“”—🙂"),
    ("utf-32-le BOM", codecs.BOM_UTF32_LE, "utf-32-le", None, _LATIN + "北京🙂"),
    ("utf-32-be BOM", codecs.BOM_UTF32_BE, "utf-32-be", None, _LATIN + "北京🙂"),
    ("--encoding utf-16", codecs.BOM_UTF16_LE, "utf-16-le", "utf-16", _LATIN + "北京"),
    ("--encoding utf-8-sig", codecs.BOM_UTF8, "utf-8", "utf-8-sig", _LATIN + "“”"),
    ("--encoding cp1252", b"", "cp1252", "cp1252", _LATIN + "“”—€"),
    ("--encoding latin-1", b"", "latin-1", "latin-1", _LATIN + "¿¡"),
]
_BREAKS = ["\n", "\r\n", "\r"]
_CLEAN = ["Blinken met Qin Gang in Beijing.", "The talks went on for hours.", "", "Ministers met again."]
_FLAWED = ["Blinken met his counterpart , Qin Gang.", "They spoke , then ate.", "Prices rose , said the bank."]
FLAW, FIXED = " ,", ","


@st.composite
def _files(draw):
    label, bom, codec, given, extra = draw(st.sampled_from(_ENCODINGS))
    lines = []
    for _ in range(draw(st.integers(1, 8))):
        line = draw(st.sampled_from(_CLEAN + _FLAWED))
        if line and draw(st.booleans()):  # a word with the encoding's own letters
            word = "".join(draw(st.lists(st.sampled_from(extra), min_size=1, max_size=4)))
            line = line[:-1] + f" {word}" + line[-1]
        lines.append(line)
    breaks = draw(st.lists(st.sampled_from(_BREAKS), min_size=len(lines), max_size=len(lines)))
    final = draw(st.booleans())
    text = "".join(line + (brk if i < len(lines) - 1 or final else "") for i, (line, brk)
                   in enumerate(zip(lines, breaks)))
    return label, bom, codec, given, text


def _fix_round_trip(example) -> None:
    label, bom, codec, given, text = example
    data = bom + text.encode(codec)
    # Expected: the input's own bytes, with each flawed span's bytes swapped for the fix's.
    expected, pos, at = [], 0, 0
    while (hit := text.find(FLAW, at)) != -1:
        start = len(bom) + len(text[:hit].encode(codec))
        expected += [data[pos:start], FIXED.encode(codec)]
        pos = start + len(FLAW.encode(codec))
        at = hit + len(FLAW)
    expected.append(data[pos:])
    with tempfile.TemporaryDirectory() as folder:
        src, out = Path(folder) / "a.txt", Path(folder) / "out.txt"
        src.write_bytes(data)
        args = ["fix", "--no-model", "--lang", "en", "--rule", "space-before-punctuation", "-o", str(out), str(src)]
        if given:
            args[1:1] = ["--encoding", given]
        result = CliRunner().invoke(app, args, catch_exceptions=False)
        assert result.exit_code == 0, (label, result.stderr)
        assert out.read_bytes() == b"".join(expected), (label, text)
        assert src.read_bytes() == data


@pytest.mark.parametrize("profile", PROFILE_PARAMS)
def test_fuzz_fix_gives_back_every_byte_but_the_fixed_spans(profile):
    run_property("fix byte-exact round trip", profile, _files(), _fix_round_trip)
