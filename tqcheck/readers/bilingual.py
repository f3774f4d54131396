"""Bilingual files: XLIFF 1.2/2.0, PO, TMX (via translate-toolkit), TSV and JSONL source–target pairs.

The target Document is the whole file, with everything but the target text
blanked out (same length), so findings point at lines and columns of the file
itself.  Escapes inside target text ("&amp;", "\\n", "\\u00e9") read as their
character followed by blanks.  The sources, joined one unit per paragraph,
become ``doc.source``; ``doc.units`` records which target span translates
which source span, as the file says.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from ..lines import LINE_BREAK, line_starts
from ..textio import decode
from ..untrusted import Unparsable, json_loads, json_raw_decode
from .base import SourceFile, Span

SUFFIXES = {".xlf": "xliff", ".xliff": "xliff", ".po": "po", ".pot": "po", ".tmx": "tmx", ".tsv": "tsv",
            ".jsonl": "jsonl"}
_ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|\w+);")
_TAG = re.compile(r"<[^>]*>")


def bilingual_format(path: str) -> str | None:
    return SUFFIXES.get(Path(path).suffix.lower())


@dataclass
class BilingualSource(SourceFile):
    """A bilingual file seen as its target text; ``attach`` gives the Document its source."""

    chars: list[str] = field(default_factory=list)  # what each position of the file reads as
    sources: list[str] = field(default_factory=list)
    targets: list[Span] = field(default_factory=list)  # span of each unit's target text in the file
    source_lang: str | None = None
    target_lang: str | None = None

    def masked_text(self) -> str:
        return "".join(self.chars)

    def attach(self, doc) -> None:
        from ..document import Document

        parts, spans, pos = [], [], 0
        for text in self.sources:
            text = text.replace("\n", " ")
            spans.append((pos, pos + len(text)))
            parts.append(text)
            pos += len(text) + 2
        source = Document.from_text("\n\n".join(parts), lang=self.source_lang, path=self.path + "#source")
        doc.source = source
        doc.units = list(zip(self.targets, spans))


class _Builder:
    """Collects the target text spans of a file and how each character reads."""

    def __init__(self, path: str, text: str, fmt: str):
        self.path, self.text, self.fmt = path, text, fmt
        self.chars = [c if c in "\r\n" else " " for c in text]
        self.sources: list[str] = []
        self.targets: list[Span] = []

    def keep(self, start: int, end: int, decoded: list[tuple[int, int, str]] = ()) -> None:
        """Make [start, end) readable; ``decoded`` lists escapes (start, end, character) inside it."""
        for i in range(start, end):
            self.chars[i] = self.text[i] if self.text[i] != "\r" else " "
        for s, e, ch in decoded:
            self.chars[s] = ch if ch not in "\n\r\t" else " "
            for i in range(s + 1, e):
                self.chars[i] = " "

    def unit(self, source: str, span: Span) -> None:
        self.sources.append(source)
        self.targets.append(span)

    def build(self, source_lang: str | None, target_lang: str | None) -> BilingualSource:
        ignored = _blank_runs(self.chars, self.text)
        return BilingualSource(path=self.path, text=self.text, format=self.fmt, ignored=ignored, chars=self.chars,
                               sources=self.sources, targets=self.targets,
                               source_lang=_lang(source_lang), target_lang=_lang(target_lang))


def _blank_runs(chars: list[str], text: str) -> list[Span]:
    """Ranges that read as blanks but are not blanks in the file: markup, never to be flagged."""
    out: list[Span] = []
    start = None
    for i, (c, t) in enumerate(zip(chars, text)):
        hidden = c != t and c in " \n"
        if hidden and start is None:
            start = i
        elif not hidden and start is not None:
            out.append((start, i))
            start = None
    if start is not None:
        out.append((start, len(text)))
    return out


def _str(value) -> str | None:
    return value if isinstance(value, str) else None


def _lang(code: str | None) -> str | None:
    if not isinstance(code, str) or not code:
        return None
    return code.replace("_", "-").split("-")[0].lower() or None


def _lines(text: str):
    """(number, start offset, line) for each line; CR, CRLF and LF all end one."""
    n, pos = 1, 0
    for m in LINE_BREAK.finditer(text):
        yield n, pos, text[pos:m.start()]
        n, pos = n + 1, m.end()
    yield n, pos, text[pos:]


def _local(el) -> str:
    return el.tag.rsplit("}", 1)[-1] if isinstance(el.tag, str) else ""


def _start_tags(text: str, starts: list[int], root, tag: str) -> dict:
    """Where each ``tag`` element's start tag is in ``text``.  lxml gives only the line it is on, so the
    k-th such element of a line is the k-th start tag found on it: in a file written on one line
    (minified XLIFF, or a TMX unit whose source and target segs share a line) searching each from its
    line's start would give them all the first one, and rescan the line for each."""
    open_re = re.compile(r"<(?:[\w.-]+:)?" + tag + r"\b[^>]*?(/?)>")
    found, resume = {}, {}
    for el in root.iter():
        if _local(el) != tag or not el.sourceline:
            continue
        line = el.sourceline
        m = open_re.search(text, max(starts[min(line, len(starts)) - 1], resume.get(line, 0)))
        if not m:
            continue
        found[el] = m
        resume[line] = m.end()
    return found


def _xml_content(b: _Builder, m: re.Match | None, tag: str) -> Span | None:
    """Keep the text of the element whose start tag ``m`` is (see _start_tags)."""
    if not m or m.group(1):
        return None
    close = re.compile(r"</(?:[\w.-]+:)?" + tag + r"\s*>").search(b.text, m.end())
    if not close:
        return None
    s, e = m.end(), close.start()
    inner = b.text[s:e]
    decoded = []
    for t in _TAG.finditer(inner):
        decoded.append((s + t.start(), s + t.end(), " "))
    for ent in _ENTITY.finditer(inner):
        import html

        decoded.append((s + ent.start(), s + ent.end(), html.unescape(ent.group(0))[:1] or " "))
    b.keep(s, e, decoded)
    return s, e


def _read_xliff(b: _Builder, data: bytes):
    head = data[:2000].decode("utf-8", "replace")
    version2 = re.search(r"<xliff[^>]*version=[\"']2", head) is not None
    if version2:
        from translate.storage.xliff2 import Xliff2File as Store
    else:
        from translate.storage.xliff import xlifffile as Store
    store = _parse(Store, data, b.path)
    starts = line_starts(b.text)  # lxml's sourceline counts CR, CRLF and LF alike
    tags = _start_tags(b.text, starts, store.document.getroot(), "target")
    for unit in store.units:
        if unit.isheader() or not unit.source:
            continue
        el = unit.xmlelement
        target_el = next((c for c in el.iter() if _local(c) == "target"), None)
        if target_el is None:
            continue
        span = _xml_content(b, tags.get(target_el), "target")
        if span:
            b.unit(str(unit.source), span)
    return store.getsourcelanguage(), store.gettargetlanguage()


def _read_tmx(b: _Builder, data: bytes):
    from translate.storage.tmx import tmxfile

    store = _parse(tmxfile, data, b.path)
    root = store.document.getroot()
    header = root.find("header")
    src_lang = header.get("srclang") if header is not None else None
    tags = _start_tags(b.text, line_starts(b.text), root, "seg")
    xml_lang = "{http://www.w3.org/XML/1998/namespace}lang"
    tgt_lang = None
    for tu in root.iter("tu"):
        tuvs = [(tuv.get(xml_lang) or tuv.get("lang") or "", tuv.find("seg")) for tuv in tu.findall("tuv")]
        if len(tuvs) < 2:
            continue
        src = next((t for t in tuvs if src_lang and _lang(t[0]) == _lang(src_lang)), tuvs[0])
        tgt = next((t for t in tuvs if t is not src), None)
        if tgt is None or tgt[1] is None or src[1] is None:
            continue
        tgt_lang = tgt_lang or tgt[0]
        span = _xml_content(b, tags.get(tgt[1]), "seg")
        if span:
            b.unit("".join(src[1].itertext()), span)
    return src_lang, tgt_lang


def _parse(store_cls, data: bytes, path: str):
    try:
        return store_cls.parsestring(data)
    except Exception as exc:  # lxml's XMLSyntaxError carries the line and column
        where = ""
        pos = getattr(exc, "position", None)
        if pos:
            where = f"line {pos[0]}, column {pos[1]}: "
        elif getattr(exc, "lineno", None):
            where = f"line {exc.lineno}: "
        raise InputError(path, f"{where}not a valid {store_cls.__name__} file ({exc})") from None


_PO_STR = re.compile(r'^(msgstr(?:\[(\d+)\])?)[ \t]+"', re.M)
_PO_LITERAL = re.compile(r'"((?:[^"\\\n]|\\.)*)"')
_PO_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r", "a": " ", "b": " ", "f": " ", "v": " "}


def _read_po(b: _Builder, data: bytes):
    from translate.storage.po import pofile

    store = _parse(pofile, data, b.path)
    entries = [u for u in store.units if not u.isobsolete()]  # in file order, header first, like the msgstrs
    blocks = []
    for m in _PO_STR.finditer(b.text):
        if m.group(2) not in (None, "0"):
            continue
        pos = m.end() - 1
        pieces = []
        while True:
            lit = _PO_LITERAL.match(b.text, pos)
            if not lit:
                break
            pieces.append((lit.start(1), lit.end(1)))
            nxt = re.compile(r'[ \t]*\r?\n[ \t]*(?=")').match(b.text, lit.end())
            if not nxt:
                break
            pos = nxt.end()
        blocks.append(pieces)
    if len(blocks) != len(entries):
        raise InputError(b.path, f"found {len(blocks)} msgstr entries but the PO parser read {len(entries)}")
    for unit, pieces in zip(entries, blocks):
        if unit.isheader() or not pieces or not unit.source:
            continue
        for s, e in pieces:
            decoded = [(s + m.start(), s + m.end(), _PO_ESCAPES.get(m.group(0)[1], m.group(0)[1]))
                       for m in re.finditer(r"\\.", b.text[s:e])]
            b.keep(s, e, decoded)
        b.unit(str(unit.source), (pieces[0][0], pieces[-1][1]))
    header = store.parseheader() if hasattr(store, "parseheader") else {}
    return store.getsourcelanguage() or None, header.get("Language") or store.gettargetlanguage()


def _read_tsv(b: _Builder, data: bytes):
    for n, start, body in _lines(b.text):
        if not body.strip():
            continue
        if "\t" not in body:
            raise InputError(b.path, f"line {n}: expected SOURCE<TAB>TARGET, found no tab")
        src, tgt = body.split("\t", 2)[:2]
        if n == 1 and src.strip().lower() in ("source", "src") and tgt.strip().lower() in ("target", "tgt"):
            continue
        s = start + len(src) + 1
        b.keep(s, s + len(tgt))
        b.unit(src, (s, s + len(tgt)))
    return None, None


_JSON_ESC = {"n": "\n", "t": "\t", "r": "\r", "b": " ", "f": " ", "/": "/", "\\": "\\", '"': '"'}
# A surrogate pair (json.dumps writes every emoji as one) reads as one character; a lone
# surrogate cannot be text and reads as U+FFFD.
_JSON_ESCAPE = re.compile(r"\\u([dD][89abAB][0-9a-fA-F]{2})\\u([dD][c-fC-F][0-9a-fA-F]{2})|\\(u[0-9a-fA-F]{4}|.)")
_JSON_WS = " \t\r\n"


def _json_escape_char(m: re.Match) -> str:
    if m.group(1):
        hi, lo = int(m.group(1), 16), int(m.group(2), 16)
        return chr(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
    code = m.group(3)
    if code.startswith("u") and len(code) == 5:
        ch = chr(int(code[1:], 16))
        return "\ufffd" if 0xD800 <= ord(ch) <= 0xDFFF else ch
    return _JSON_ESC.get(code, code)


def no_surrogates(s: str) -> str:
    """``s`` with lone surrogates (from a JSON ``\\udXXX`` escape) as U+FFFD: they are not text."""
    return re.sub("[\ud800-\udfff]", "\ufffd", s)


def _string_spans(line: str) -> dict[str, Span]:
    """For each top-level key of the JSON object ``line`` whose value is a string, the span of that
    string's contents (inside the quotes), found by the JSON parser itself; the last of duplicate
    keys wins, as in json.loads.  Nested objects are skipped whole, so {"meta": {"target": ..}}
    never stands in for the record's own "target"."""
    out: dict[str, Span] = {}
    i = 0

    def skip(i: int) -> int:
        while i < len(line) and line[i] in _JSON_WS:
            i += 1
        return i

    i = skip(i)
    if i >= len(line) or line[i] != "{":
        return out
    i = skip(i + 1)
    while i < len(line) and line[i] != "}":
        key, i = json_raw_decode(line, i)
        i = skip(i)
        i = skip(i + 1)  # the colon
        value_start = i
        value, i = json_raw_decode(line, i)
        if isinstance(key, str) and isinstance(value, str):
            out[key] = (value_start + 1, i - 1)
        else:
            out.pop(key, None)
        i = skip(i)
        if i < len(line) and line[i] == ",":
            i = skip(i + 1)
    return out


def _read_jsonl(b: _Builder, data: bytes):
    src_lang = tgt_lang = None
    for n, start, line in _lines(b.text):
        if not line.strip():
            continue
        try:
            rec = json_loads(line)
            spans = _string_spans(line) if isinstance(rec, dict) else {}
        except Unparsable as exc:  # a syntax error, or a line nested too deeply or a number too long to read
            where = f"line {n}, column {exc.column}" if exc.column else f"line {n}"
            raise InputError(b.path, f"{where}: {exc.problem}") from None
        if not isinstance(rec, dict):
            raise InputError(b.path, f"line {n}: expected a JSON object with source and target")
        skey = next((k for k in ("source", "src") if isinstance(rec.get(k), str)), None)
        tkey = next((k for k in ("target", "tgt", "translation") if isinstance(rec.get(k), str)), None)
        if skey is None or tkey is None:
            raise InputError(b.path, f"line {n}: needs string fields \"source\" and \"target\"")
        src_lang = src_lang or _str(rec.get("source_lang") or rec.get("src_lang"))
        tgt_lang = tgt_lang or _str(rec.get("target_lang") or rec.get("tgt_lang"))
        span = spans.get(tkey)
        if span is None:
            raise InputError(b.path, f"line {n}: could not locate the {tkey} string")
        s, e = start + span[0], start + span[1]
        decoded = [(esc.start(), esc.end(), _json_escape_char(esc)) for esc in _JSON_ESCAPE.finditer(b.text, s, e)]
        b.keep(s, e, decoded)
        b.unit(no_surrogates(rec[skey]), (s, e))
    return src_lang, tgt_lang


_READERS = {"xliff": _read_xliff, "tmx": _read_tmx, "po": _read_po, "tsv": _read_tsv, "jsonl": _read_jsonl}


def read_bilingual(path: str, data: bytes, encoding: str | None = None) -> BilingualSource:
    fmt = bilingual_format(path) or "tsv"
    text = decode(data, path, encoding)
    b = _Builder(path, text, fmt)
    src_lang, tgt_lang = _READERS[fmt](b, data)
    if not b.targets:
        raise InputError(path, f"no translated units found in this {fmt} file")
    return b.build(src_lang, tgt_lang)
