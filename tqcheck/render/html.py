"""The HTML review report: one self-contained page per report (or per file, plus an index).

Python turns the Report into a plain view model (highlight segments, diff
pieces, chart geometry); the jinja2 templates in tqcheck/templates/ lay it out
with autoescaping on, so no input text reaches the page unescaped.  CSS and JS
are inlined and pinned by hash in a Content-Security-Policy that also forbids
every network request: the page opens offline and an escaping slip still
could not run a script.
"""
from __future__ import annotations

import base64
import bisect
import hashlib
import json
import math
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

import jinja2
from markupsafe import Markup

from .. import __version__
from ..findings import Category, Edit, Finding, Fix, Severity
from ..fix import DEFAULT_FIX_CONFIDENCE, apply_edits, apply_fixes, edit_diff, left_because, unified_diff, word_diff
from ..lines import split_lines
from ..lm.used import ModelUsed
from ..report import FileResult, Report

if TYPE_CHECKING:  # pragma: no cover
    from ..names.ledger import LedgerEntry
    from ..metrics import ReferenceMetrics
    from ..report import SentenceFluency

RTL_LANGUAGES = frozenset({"ar", "arc", "ckb", "dv", "fa", "he", "iw", "ks", "ku-arab", "ps", "sd", "syr",
                           "ug", "ur", "yi"})
SEVERITY_ORDER = [s.value for s in sorted(Severity, key=lambda s: -s.rank)]
CATEGORY_ORDER = [c.value for c in Category]


def text_direction(lang: str | None) -> str:
    code = (lang or "").lower().replace("_", "-")
    if code in RTL_LANGUAGES or code.split("-")[0] in RTL_LANGUAGES or code.endswith("-arab") or \
            code.endswith("-hebr"):
        return "rtl"
    return "ltr"


# --- highlighting -----------------------------------------------------------

@dataclass
class Segment:
    """A run of article text and the findings that cover all of it (none: plain text)."""

    text: str
    ids: list[int] = field(default_factory=list)
    category: str = ""
    severity: str = ""
    anchors: list[str] = field(default_factory=list)  # element ids that start here
    title: str = ""  # hover text: the messages of the findings here
    ref: str = ""  # numbers of the findings that end here, which print shows after the run
    strength: str = ""  # "low", "mid" or "high": how strongly the run is drawn (its top finding's confidence)
    missing: str = ""  # at a point finding: the source text that is missing there, shown in its place

    @property
    def point(self) -> bool:  # a zero-width finding: something is missing here
        return bool(self.ids) and not self.text


def segment_text(text: str, spans: list[tuple[int, int, int]], anchors: dict[int, list[str]] | None = None,
                 rank: dict[int, tuple] | None = None) -> list[Segment]:
    """Cut ``text`` at every span edge so overlapping findings become flat, non-nested runs.

    ``spans`` are (start, end, id); ``rank`` orders ids so each run lists its
    most important finding first (it gives the run its colour).
    """
    anchors = anchors or {}
    rank = rank or {}
    cuts = {0, len(text)} | set(anchors)
    points: dict[int, list[int]] = {}
    for start, end, fid in spans:
        if start == end:
            points.setdefault(start, []).append(fid)
        cuts.update((start, end))
    starts: dict[int, list[tuple[int, int]]] = {}
    for start, end, fid in spans:
        if start < end:
            starts.setdefault(start, []).append((end, fid))
    active: dict[int, int] = {}  # id -> end
    out: list[Segment] = []
    order = sorted(c for c in cuts if 0 <= c <= len(text))
    for i, pos in enumerate(order):
        for fid in [f for f, e in active.items() if e <= pos]:
            del active[fid]
        for end, fid in starts.get(pos, ()):
            active[fid] = end
        pending = list(anchors.get(pos, ()))
        if pos in points:
            out.append(Segment("", sorted(points[pos], key=lambda f: rank.get(f, (f,))), anchors=pending))
            pending = []
        nxt = order[i + 1] if i + 1 < len(order) else None
        if nxt is None:
            if pending:
                out.append(Segment("", anchors=pending))
            continue
        ids = sorted(active, key=lambda f: rank.get(f, (f,)))
        out.append(Segment(text[pos:nxt], ids, anchors=pending))
    return out


# --- small formatting helpers ----------------------------------------------

def _num(value: float) -> str:
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if value != value or math.isinf(value):
        return str(value)
    if value == 0 or abs(value) >= 100:
        return f"{value:,.1f}"
    return f"{value:.3g}" if abs(value) < 1 else f"{value:.2f}"


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def sparkline(values: list[float], width: int = 120, height: int = 24) -> dict:
    """Polyline geometry for a tiny inline chart of ``values``."""
    lo, hi = min(values), max(values)
    span = (hi - lo) or 1.0
    step = width / max(1, len(values) - 1)
    pts = " ".join(f"{i * step:.1f},{height - 2 - (v - lo) / span * (height - 4):.1f}" for i, v in enumerate(values))
    return {"points": pts, "width": width, "height": height, "min": _num(lo), "max": _num(hi)}


def _rounded(value: Any) -> Any:
    """Floats to three significant digits, however deep: a candidate list's 16-digit scores help no one."""
    if isinstance(value, float):
        return float(f"{value:.3g}")
    if isinstance(value, (list, tuple)):
        return [_rounded(v) for v in value]
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    return value


def evidence_items(evidence: dict) -> list[dict]:
    items = []
    for key, value in evidence.items():
        label = str(key).replace("_", " ")
        if _is_number(value):
            items.append({"label": label, "kind": "text", "value": _num(value)})
        elif isinstance(value, str):
            items.append({"label": label, "kind": "text", "value": value})
        elif isinstance(value, (list, tuple)) and len(value) >= 3 and all(_is_number(v) for v in value):
            items.append({"label": label, "kind": "spark", "spark": sparkline([float(v) for v in value]),
                          "value": ", ".join(_num(v) for v in value)})
        elif isinstance(value, (list, tuple)) and all(isinstance(v, (str, int, float)) for v in value):
            items.append({"label": label, "kind": "text",
                          "value": ", ".join(_num(v) if _is_number(v) else str(v) for v in value)})
        elif isinstance(value, dict) and value and all(isinstance(v, (str, int, float)) for v in value.values()):
            items.append({"label": label, "kind": "text", "value": "; ".join(
                f"{k}: {_num(v) if _is_number(v) else v}" for k, v in value.items())})
        else:
            items.append({"label": label, "kind": "code",
                          "value": json.dumps(_rounded(value), ensure_ascii=False, indent=1, default=str)})
    return items


_WS_GLYPHS = str.maketrans({" ": "·", "\t": "→", "\u00a0": "⍽"})


def visible_ws(s: str) -> str:
    """Make whitespace-only edits visible: a deleted space is otherwise an invisible change."""
    if s and s.isspace():
        return s.translate(_WS_GLYPHS).replace("\n", "¶\n")
    return s


def visible_edges(s: str) -> str:
    """Show leading and trailing whitespace of a quoted span (" ," reads as "·,")."""
    core = s.strip()
    if not core:
        return visible_ws(s)
    i, j = s.index(core[0]), len(s.rstrip())
    return visible_ws(s[:i]) + s[i:j] + visible_ws(s[j:])


def _fix_view(raw: str | None, f: Finding, fix: Fix, why: str | None) -> dict:
    """One of a finding's fixes as a reader sees it: the words it changes, and whether the fix view
    (and ``tqcheck fix``) applies it or why it is left for a person (``why``)."""
    lo, hi = min(fix.start, f.start), max(fix.end, f.end)
    if raw is not None and 0 <= lo <= hi <= len(raw):
        original, edits = raw[lo:hi], [(e.start - lo, e.end - lo, e.replacement) for e in fix.edits]
    else:  # no text to place the edits in: the fix as a replacement of the finding's span
        original, edits = f.text, [(0, len(f.text), fix.replacement_for(f.start, f.end) or "")]
    pieces = []
    for op in edit_diff(original, edits):
        if op.tag == "equal":
            pieces.append(("eq", op.old))
            continue
        if op.old:
            pieces.append(("del", visible_ws(op.old)))
        if op.new:
            pieces.append(("ins", visible_ws(op.new)))
    text = fix.replacement_for(f.start, f.end)
    return {"text": text if text is not None else apply_edits(original, [Edit(*e) for e in edits]),
            "pieces": pieces, "applicability": fix.applicability.value, "applied": why is None,
            "label": "applied in the fix" if why is None else f"suggestion, not applied: {why}"}


# --- the fix as a diff -------------------------------------------------------

def _owners(op, applied: list[tuple[int, Finding]], ends: list[int]) -> list[int]:
    """The applied findings an op touches; ``applied`` is in text order and never overlaps, so its
    ends rise too and a bisect finds the first one."""
    out = []
    for i in range(bisect.bisect_left(ends, op.a_start), len(applied)):  # (a slice would copy the tail)
        fid, f = applied[i]
        if f.start > op.a_end:
            break
        out.append(fid)
    return out


def diff_view(original: str, findings: list[tuple[int, Finding]], fix_confidence: float) -> dict:
    """The fix (every confident suggestion applied) as rows, one per line of the original.

    Each row carries its inline pieces (text, <del>, <ins> in reading order)
    and its left/right halves for the side-by-side view; ``changed`` rows are
    what "changed paragraphs only" keeps.
    """
    ids = {id(f): fid for fid, f in findings}
    _, applied = apply_fixes(original, [f for _, f in findings], fix_confidence=fix_confidence)
    applied_ids = [(ids[id(f)], f) for f in applied]
    ends = [f.end for f in applied]
    # Built from the applied edits themselves: linear, where matching the two texts was quadratic.
    made = [e for f in applied for e in f.fixes[0].edits]
    ops = edit_diff(original, [(e.start, e.end, e.replacement) for e in made]) if applied else []
    rows = diff_rows(ops, lambda op: _owners(op, applied_ids, ends))
    with_suggestions = sum(1 for _, f in findings if f.fixes)
    return {"rows": rows, "applied": [fid for fid, _ in applied_ids],
            "with_suggestions": with_suggestions, "fix_confidence": fix_confidence,
            "changed_rows": sum(1 for r in rows if r["changed"])}


def diff_rows(ops, owners=lambda op: []) -> list[dict]:
    """Diff ops as rows, one per line of the original: each with its inline pieces (text, <del>, <ins>
    in reading order), its left and right halves for the side-by-side view, and whether it changed;
    ``owners`` names the findings behind a change."""
    rows: list[dict] = []
    row: dict = {"inline": [], "left": [], "right": [], "changed": False}

    def close_row():
        nonlocal row
        if row["inline"]:
            rows.append(row)
        row = {"inline": [], "left": [], "right": [], "changed": False}

    for op in ops:
        if op.tag == "equal":
            # A row ends at each line break of unchanged text (CR, CRLF or LF: tqcheck.lines).
            for part in split_lines(op.old, keepends=True):
                piece = {"kind": "eq", "text": part}
                row["inline"].append(piece)
                row["left"].append(piece)
                row["right"].append(piece)
                if part.endswith(("\n", "\r")):
                    close_row()
            continue
        by = owners(op)
        if op.old:
            piece = {"kind": "del", "text": visible_ws(op.old), "ids": by}
            row["inline"].append(piece)
            row["left"].append(piece)
        if op.new:
            piece = {"kind": "ins", "text": visible_ws(op.new), "ids": by}
            row["inline"].append(piece)
            row["right"].append(piece)
        row["changed"] = True
    close_row()
    return rows


def render_changes(original: str, edited: str, name: str, lang: str = "") -> str:
    """The tracked changes, original against edited, as a page an editor can forward: the edited text
    with every deletion and insertion marked, side by side or inline, and the unified diff.  It has the
    report's stylesheet and no script: it opens anywhere, offline."""
    rows = diff_rows(word_diff(original, edited))
    changed = sum(1 for r in rows if r["changed"])
    assets = inline_assets(scripts=())
    return render_template("changes.html.j2", file_name=name, rows=rows, changed=changed,
                           lang=lang, dir=text_direction(lang), version=__version__,
                           unified=unified_diff(original, edited, name), **assets)


# --- names ledger, metrics, fluency -----------------------------------------

def names_view(ledger: "list[LedgerEntry] | None") -> list[dict] | None:
    """The name ledger: each entity's chosen spelling, every spelling with its count, and the reasons."""
    if ledger is None:
        return None
    rows = []
    for entry in ledger:
        rows.append({
            "chosen": entry.chosen,
            "variants": [{"text": sp.text, "count": sp.count, "chosen": sp.text == entry.chosen,
                          "files": ", ".join(sp.files), "role": sp.role.replace("_", " ")}
                         for sp in entry.spellings],
            "why": entry.why, "decided_by": entry.decided_by, "consistent": entry.consistent,
            "reasons": [{"kind": r.kind, "text": r.text} for r in entry.reasons],
        })
    return rows or None


_METRIC_NAMES = {"bleu": "BLEU", "ter": "TER", "chrf": "chrF", "comet": "COMET"}


def _metric_name(name: str) -> str:
    """sacrebleu's spelling: BLEU, chrF2, chrF2++, TER."""
    low = name.lower()
    for key, shown in _METRIC_NAMES.items():
        if low.startswith(key):
            return shown + name[len(key):]
    return name


def metrics_view(metrics: "ReferenceMetrics | None") -> list[dict] | None:
    """Headline figures (BLEU, chrF, TER) with their sacrebleu signatures."""
    if metrics is None:
        return None
    return [{"name": _metric_name(m.name or key), "score": _num(m.score), "signature": m.signature}
            for key, m in metrics.corpus.items()] or None


def fluency_view(rows: "list[SentenceFluency] | None", text: str, first_anchor: int) -> dict | None:
    """One bar per sentence, height its mean surprisal; the outliers stand out in colour."""
    if not rows:
        return None
    rows = sorted(rows, key=lambda e: e.start)
    scores = [e.score for e in rows]
    mean = sum(scores) / len(scores)
    sd = math.sqrt(sum((s - mean) ** 2 for s in scores) / len(scores))
    hi = max(scores) or 1.0
    lo = min(0.0, min(scores))
    bar_w, gap, height = 10, 2, 60
    bars = []
    for i, (e, s) in enumerate(zip(rows, scores)):
        h = max(1.0, (s - lo) / ((hi - lo) or 1.0) * (height - 4))
        z = (s - mean) / sd if sd else 0.0
        start, end = e.start, e.end
        bars.append({"x": i * (bar_w + gap), "y": round(height - h, 1), "w": bar_w, "h": round(h, 1),
                     "value": s, "score": _num(s),
                     "level": "high" if z >= 1.5 else "mid" if z >= 0.75 else "low",
                     "anchor": f"s-{first_anchor + i}", "start": start,
                     "sentence": text[start:end].strip(),
                     "tokens": sparkline(list(e.words), 90, 16) if len(e.words) >= 3 else None})
    worst = sorted(bars, key=lambda b: -b["value"])[:5]
    return {"bars": bars, "width": len(bars) * (bar_w + gap), "height": height, "worst": worst,
            "mean": _num(mean), "unit": "nats per word"}


# --- file and page views -----------------------------------------------------

def _finding_rank(f: Finding) -> tuple:
    return (-f.severity.rank, -f.confidence, f.start)


def _rejected(f: Finding) -> bool:
    return f.review is not None and f.review.decision == "rejected"


def _counts(findings: list[Finding]) -> dict:
    # A finding an editor rejected (the desk's downloads) is no longer an open one: it is counted apart.
    rejected = sum(1 for f in findings if _rejected(f))
    findings = [f for f in findings if not _rejected(f)]
    sev = Counter(f.severity.value for f in findings)
    cat = Counter(f.category.value for f in findings)
    return {"total": len(findings), "rejected": rejected,
            "severity": [(s, sev.get(s, 0)) for s in SEVERITY_ORDER],
            "category": [(c, cat[c]) for c in CATEGORY_ORDER if cat.get(c)]}


# The model's workings inside a message ("(+2.3 log-prob)", "(12.1 nats)"): the card leaves them to its
# details, where the whole message is kept.
_INTERNALS = re.compile(r"\s*\([^()]*\b(?:log-?probs?|nats?|surprisal|detector|autofix|logits?|confidence)\b[^()]*\)", re.I)


def plain_message(message: str) -> str:
    return _INTERNALS.sub("", message)


def what_to_do(f: Finding) -> str:
    """The card's instruction to the editor, from what the finding offers (no rule is named here)."""
    if f.start == f.end and f.category is Category.ACCURACY:
        return "Something may be missing here: translate it, or reject this if it was left out on purpose."
    if len(f.suggestions) == 1:
        return "Accept the suggestion, edit by hand, or reject this if the text is right as it is."
    if f.suggestions:
        return "Accept the suggestion that fits, edit by hand, or reject this if the text is right as it is."
    return "Read it again: edit by hand if it is wrong, reject this if it is fine."


def strength(confidence: float) -> str:
    """How strongly a highlight is drawn: a 0.50 generic flag must not look like a 0.95 calque."""
    return "high" if confidence >= 0.85 else "mid" if confidence >= 0.65 else "low"


# --- the source beside the text ---------------------------------------------------

def source_view(doc, numbered: list[tuple[int, Finding]], index: int) -> tuple[list[dict] | None, dict[int, str]]:
    """Each target paragraph's aligned source text (with the anchor where the paragraph starts), and each
    finding's: read from the check's own alignment (the SourceSide analysis the pipeline built for the
    source rules), never aligned again here.  (None, {}) when the check had no source."""
    from ..analysis.source import SourceSide

    if doc is None or doc.source is None or not doc.has_analysis(SourceSide):
        return None, {}
    side = doc.analysis(SourceSide, lambda: None)
    segs = side.segments
    paras = []
    for k, (start, end) in enumerate(doc.paragraphs):
        inside = [src for tgt, src in segs if start <= tgt[0] < end]
        if not inside:
            continue
        # From where the paragraph before left off to this one's last aligned source sentence: every
        # source sentence is shown once, one left untranslated beside the paragraph it belongs to.
        paras.append({"start": start, "anchor": f"para-{index}-{k}", "from": paras[-1]["to"] if paras else 0,
                      "to": max(e for _, e in inside)})
    if paras:
        paras[-1]["to"] = len(side.text)
    for para in paras:
        para["text"] = side.text[para.pop("from"):para.pop("to")].strip()
    per_finding = {}
    for fid, f in numbered:
        missing = (f.evidence or {}).get("source") if f.start == f.end else None
        if isinstance(missing, str):  # something missing here: its source is the sentence it lacks
            per_finding[fid] = missing
            continue
        found = [side.text[src[0]:src[1]].strip() for tgt, src in segs
                 if tgt[0] <= f.start < tgt[1] or (f.start < tgt[0] < f.end)]
        if found:
            per_finding[fid] = " ".join(found)
    return paras or None, per_finding


def file_view(result: FileResult, first_id: int, anchor_base: int, fix_confidence: float, index: int = 0) -> dict:
    doc = result.document
    raw = getattr(doc, "raw", None)
    numbered = list(enumerate(result.findings, start=first_id))
    source_paras, sources = source_view(doc, numbered, index) if raw is not None else (None, {})
    rank = {fid: _finding_rank(f) for fid, f in numbered}
    fluency = fluency_view(result.fluency, raw or "", anchor_base)
    segments = None
    diff = None
    applied: set[int] = set()
    if raw is not None:
        anchors: dict[int, list[str]] = {}
        for fid, f in numbered:
            anchors.setdefault(f.start, []).append(f"h-{fid}")
        for bar in (fluency or {}).get("bars", []):
            anchors.setdefault(bar["start"], []).append(bar["anchor"])
        for para in source_paras or ():
            anchors.setdefault(para["start"], []).append(para["anchor"])
        segments = segment_text(raw, [(f.start, f.end, fid) for fid, f in numbered], anchors, rank)
        by_id = dict(numbered)
        pos = 0
        for seg in segments:
            pos += len(seg.text)
            seg.ref = ",".join(str(i + 1) for i in sorted(seg.ids) if by_id[i].end == pos)
            if seg.ids:
                top = by_id[seg.ids[0]]
                seg.category, seg.severity = top.category.value, top.severity.value
                seg.strength = strength(max(by_id[i].confidence for i in seg.ids))
                if seg.point:
                    seg.missing = " ".join(str(by_id[i].evidence["source"]) for i in seg.ids
                                           if isinstance((by_id[i].evidence or {}).get("source"), str))
                seg.title = "\n".join(f"{by_id[i].category.value}: {plain_message(by_id[i].message)}" for i in seg.ids)
        diff = diff_view(raw, numbered, fix_confidence)
        applied = set(diff["applied"])
    findings = [{
        "id": fid, "rule": f.rule, "category": f.category.value, "severity": f.severity.value,
        "fingerprint": f.fingerprint,
        "message": f.message, "plain": plain_message(f.message), "todo": what_to_do(f), "source": sources.get(fid),
        "line": f.line, "column": f.column, "text": visible_edges(f.text),
        "confidence": _num(round(f.confidence, 3)), "applied": fid in applied,
        "suggestions": [_fix_view(raw, f, fx, left_because(f, fx, fid in applied, fix_confidence))
                        for fx in f.fixes[:5]],
        "more_suggestions": max(0, len(f.fixes) - 5),
        "evidence": evidence_items(f.evidence or {}),
        "review": f.review,
    } for fid, f in numbered]
    lang = result.language or getattr(doc, "lang", "") or ""
    source_lang = doc.source.lang if doc is not None and doc.source is not None else ""
    return {
        "path": result.path, "name": PurePath(result.path).name if result.path not in ("-", "") else "stdin",
        "lang": lang, "dir": text_direction(lang), "source_lang": str(source_lang),
        "counts": _counts(result.findings), "notices": list(result.notices), "findings": findings,
        "segments": segments, "diff": diff, "source_paras": source_paras, "names": names_view(result.names),
        "metrics": metrics_view(result.metrics), "fluency": fluency,
    }


def _model_label(model: "ModelUsed | None") -> str:
    return model.label if model is not None else "off (no language model used)"


def page_view(report: Report, results: list[FileResult] | None = None,
              fix_confidence: float = DEFAULT_FIX_CONFIDENCE, index_href: str | None = None) -> dict:
    results = report.files if results is None else results
    files, next_id, next_anchor = [], 0, 0
    # Ids stay unique across the files of one page; anchors for sentences too.
    for r in results:
        files.append(file_view(r, next_id, next_anchor, fix_confidence, len(files)))
        next_id += len(r.findings)
        next_anchor += len((files[-1]["fluency"] or {}).get("bars", []))
    findings = [f for r in results for f in r.findings]
    title = files[0]["name"] if len(files) == 1 else f"{len(files)} files"
    return {
        "title": title, "files": files, "counts": _counts(findings), "version": report.tool_version,
        "command": report.run.command or "", "model": _model_label(report.run.model),
        "corpus_metrics": metrics_view(report.run.metrics), "index_href": index_href,
        "categories": [c for c, _ in _counts(findings)["category"]],
    }


# --- templates -----------------------------------------------------------------

@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.PackageLoader("tqcheck", "templates"), autoescape=True,
                             trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)
    env.filters["plural"] = lambda n, word: f"{n} {word}" + ("" if n == 1 else "s")
    return env


@lru_cache(maxsize=None)
def _asset(name: str) -> tuple[str, str]:
    """An inline stylesheet or script and the CSP hash that lets exactly it run."""
    text = resources.files("tqcheck").joinpath("templates", name).read_text(encoding="utf-8")
    return text, _hash(text)


def inline_assets(styles: tuple[str, ...] = ("report.css",), scripts: tuple[str, ...] = ("source.js", "report.js"),
                  connect: str | None = None) -> dict:
    """The page's stylesheets and scripts, each joined into one inline block, and the CSP that lets
    exactly them run.  ``connect`` (e.g. "'self'" for `tqcheck serve`) is where the page may fetch;
    the saved report fetches nowhere."""
    css = "\n".join(_asset(n)[0] for n in styles)
    js = "\n".join(_asset(n)[0] for n in scripts)
    css_hash, js_hash = _hash(css), _hash(js)
    csp = (f"default-src 'none'; style-src {css_hash}; script-src {js_hash}; img-src data:; "
           + (f"connect-src {connect}; " if connect else "") + "base-uri 'none'; form-action 'none'")
    return {"css": Markup(css), "js": Markup(js), "csp": csp}


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def _assets() -> dict:
    return inline_assets()


def render_template(name: str, **values) -> str:
    """One of tqcheck/templates/ with the report's environment (autoescaping on, strict undefined)."""
    return _environment().get_template(name).render(**values)


def render_file_section(report: Report, index: int = 0, fix_confidence: float = DEFAULT_FIX_CONFIDENCE,
                        desk: bool = False) -> str:
    """One file's section of the review page, alone: what `tqcheck serve` swaps in after each check.
    ``desk`` adds the accept and reject controls."""
    page = page_view(report, [report.files[index]], fix_confidence=fix_confidence)
    return render_template("file.html.j2", file=page["files"][0], n=index + 1, page=page, desk=desk)


def render(report: Report, fix_confidence: float = DEFAULT_FIX_CONFIDENCE, **_) -> str:
    """The whole report as one page (every file, one after another)."""
    page = page_view(report, fix_confidence=fix_confidence)
    return _environment().get_template("report.html.j2").render(page=page, **_assets())


_KNOWN_SUFFIX = re.compile(r"\.(txt|md|markdown|html?|po|xliff?|xlf|json|jsonl)$", re.I)


def page_filenames(paths: list[str]) -> list[str]:
    """Safe, unique page names: the file's own name, or its path below the common folder when names clash."""
    def slug(parts: tuple[str, ...]) -> str:
        stem = _KNOWN_SUFFIX.sub("", "--".join(parts))
        return re.sub(r"[^\w.-]+", "-", stem, flags=re.UNICODE).strip(".-") or "file"

    pure = [PurePath(p) if p not in ("-", "") else PurePath("stdin") for p in paths]
    names = [slug((p.name,)) for p in pure]
    clash = {n for n in names if names.count(n) > 1}
    if clash:
        try:
            common = PurePath(os.path.commonpath([str(p.parent) for p in pure]))
        except ValueError:  # absolute and relative paths mixed
            common = PurePath()
        names = [slug(p.relative_to(common).parts if p.is_relative_to(common) else p.parts)
                 if n in clash else n for p, n in zip(pure, names)]
    out, taken = [], {"index"}
    for n in names:
        name, k = n, 2
        while name.lower() in taken:
            name, k = f"{n}-{k}", k + 1
        taken.add(name.lower())
        out.append(f"{name}.html")
    return out


def render_site(report: Report, fix_confidence: float = DEFAULT_FIX_CONFIDENCE) -> dict[str, str]:
    """One page per file plus index.html linking them with their counts: {file name: html}."""
    env = _environment()
    assets = _assets()
    pages: dict[str, str] = {}
    entries = []
    for result, name in zip(report.files, page_filenames([r.path for r in report.files])):
        page = page_view(report, [result], fix_confidence=fix_confidence, index_href="index.html")
        pages[name] = env.get_template("report.html.j2").render(page=page, **assets)
        entries.append({"href": name, "path": result.path, "lang": result.language,
                        "dir": text_direction(result.language), "counts": _counts(result.findings)})
    index = {"title": f"{len(report.files)} files", "entries": entries, "counts": _counts(report.findings),
             "version": report.tool_version, "command": report.run.command or "",
             "model": _model_label(report.run.model), "corpus_metrics": metrics_view(report.run.metrics)}
    pages["index.html"] = env.get_template("index.html.j2").render(page=index, **assets)
    return pages
