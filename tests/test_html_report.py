"""The HTML review report, read as a parser reads it (the browser tests look at it as a reader does)."""
from __future__ import annotations

import base64
import hashlib
import json
import re
from html.parser import HTMLParser

import pytest

from tqcheck.findings import Fix
from tqcheck.render import render
from tqcheck.render.html import page_filenames, segment_text, text_direction

from .conftest import SEED
from .pipeline_reports import TYPOGRAPHY, bilingual_report, check_text, model_seed_report, seed_report

HOSTILE = ('Breaking <script>window.__pwned = 1</script> news , from '
           '<img src=x onerror="window.__pwned = 2"> the "capital" .\n\n'
           '&amp; </article></textarea><!-- not a comment --> end  end.\n')


class Page(HTMLParser):
    """Collects what tests check: the article's text, elements by tag and attributes."""

    VOID = {"meta", "input", "br", "img", "link", "hr", "col", "source", "wbr", "rect", "polyline"}

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []
        self.texts: dict[str, list[str]] = {}
        self._stack: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.elements.append((tag, a))
        if tag in self.VOID:
            return
        key = "article" if tag == "article" else a.get("id", "")
        self._stack.append(key)

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if tag not in self.VOID and self._stack:
            self._stack.pop()

    def handle_data(self, data):
        for key in set(self._stack):
            if key:
                self.texts.setdefault(key, []).append(data)

    def text(self, key: str) -> str:
        return "".join(self.texts.get(key, []))

    def find(self, tag: str, **attrs) -> list[dict]:
        return [a for t, a in self.elements if t == tag and all(
            (v in (a.get(k.rstrip("_")) or "").split()) if k.endswith("_") else a.get(k) == v for k, v in attrs.items())]


@pytest.fixture(scope="module")
def seed_page():
    report = seed_report()
    return report, render(report, "html")


def test_seed_article_is_shown_verbatim_with_every_finding_in_place(seed_page, seed_text):
    report, html = seed_page
    page = Page(html)
    assert page.text("article") == seed_text  # every character, in order, nothing added
    findings = report.files[0].findings
    assert findings
    for i, f in enumerate(findings):
        runs = [a for a in page.find("a", class_="hl") if str(i) in a["data-f"].split()]
        assert runs, f"no highlight for {f.rule}"
        assert runs[0]["data-cat"] == f.category.value or len(runs[0]["data-f"].split()) > 1
        card = page.text(f"f-{i}")
        assert f.message in card and f.rule in card and f"line {f.line}:{f.column}" in card
        assert page.find("span", id=f"h-{i}")  # the card's "go to text" target


def test_header_counts_model_command_and_language(seed_page):
    report, html = seed_page
    s = report.summary()
    assert f"{s['findings']} findings" in html
    for sev, n in s["by_severity"].items():
        assert f">{n} {sev}<" in html
    for cat, n in s["by_category"].items():
        assert f">{n} {cat}<" in html
    assert "off (no language model used)" in html
    assert "tqcheck check seeds/blinken-beijing.en.txt --no-model" in html
    assert Page(html).find("article", lang="en", dir="ltr")


def test_the_fix_is_a_word_diff_with_del_and_ins(seed_page):
    _, html = seed_page
    page = Page(html)
    inline = page.find("div", class_="diff-inline")
    assert inline and page.find("table", class_="diff-side")
    # " ," -> "," shown as a deleted space; "Qing" -> "Qin" as a word change.
    assert '<del data-f="0">·</del>, <del data-f="1">Qing</del><ins data-f="1">Qin</ins> Gang' in html
    assert "<ins" in html and "New Biden-Xi meeting" in html
    # Both views can be chosen without script: CSS radio buttons.
    assert page.find("input", type="radio", class_="dv-side")


def test_no_sections_for_data_the_run_did_not_produce():
    html = render(check_text(SEED.read_text("utf-8"), rules=TYPOGRAPHY), "html")
    assert "Qing Gang" in html and "space-before-punctuation" in html
    assert 'class="names"' not in html and 'class="fluency"' not in html and "Reference metrics" not in html


@pytest.fixture(scope="module")
def model_seed(tmp_path_factory):
    from .lm_session import real_lm

    real_lm()  # skips when the model package is not installed
    return model_seed_report(tmp_path_factory.mktemp("reference"))


def test_model_seed_page_shows_names_fluency_metrics_and_overlaps(model_seed, seed_text):
    report = model_seed
    html = render(report, "html")
    page = Page(html)
    assert page.text("article") == seed_text
    # The name ledger is the one the name rules read: Qin Gang with both spellings and the reasons.
    ledger = report.files[0].names
    qin = next(e for e in ledger if e.chosen == "Qin Gang")
    assert {s.text for s in qin.spellings} >= {"Qin Gang", "Qing Gang"} and not qin.consistent
    names = html[html.index('class="names"'):]
    assert "Qing Gang" in names and "&times;" in names
    assert all(r.text.replace("'", "&#39;") in names for r in qin.reasons)
    # The fluency strip is the model's reading: one bar per sentence it read.
    bars = page.find("rect", class_="bar")
    assert len(bars) == len(report.files[0].fluency) > 10
    assert len(report.files[0].fluency) == len(report.files[0].document.sentences)
    anchors = {a["href"][1:] for t, a in page.elements if t == "a" and a.get("href", "").startswith("#s-")}
    assert anchors and all(page.find("span", id=x) for x in anchors)
    # sacrebleu against the reference, with its signature.
    assert ">BLEU<" in html and ">chrF2<" in html and "nrefs:1|case:mixed" in html
    # One problem, one entry: with the default rules no generic hint shares words with the calques and
    # names, so no highlighted run holds two findings (the opt-in hints can; test_html_browser).
    assert [f.rule for f in report.files[0].findings if f.rule == "lm-error-span"]
    assert not [a for a in page.find("a", class_="hl") if len(a["data-f"].split()) > 1]
    # The calque's evidence stays readable.
    assert "displacement" in html and "visit" in html


def test_bilingual_page_shows_the_source_evidence_for_a_name(tmp_path):
    report = bilingual_report(tmp_path)
    html = render(report, "html")
    page = Page(html)
    [finding] = [f for f in report.findings if f.rule == "name-variant"]
    assert finding.text == "Wang Yanming" and finding.suggestions == ["Wang Yining"]
    entry = next(e for e in report.files[0].names if e.chosen == "Wang Yining")
    source_reasons = [r for r in entry.reasons if r.kind == "source"]
    assert source_reasons and "wanghuning" in source_reasons[0].text
    assert page.find("li", **{"data-kind": "source"})
    assert 'lang="zh"' in html or "zh" in html


@pytest.mark.parametrize("report_factory", [lambda: check_text(HOSTILE, path='a<b>"c".txt')])
def test_all_input_text_is_escaped(report_factory):
    report = report_factory()
    f = report.files[0].findings[0]
    f.message = "<b>bold</b> & <script>alert(1)</script>"
    f.fixes = [Fix.replacing(f.start, f.end, "<img src=y onerror=alert(3)>")]
    f.evidence = {"<k>": "<v>", "list": ["<x>", 1], "map": {"<a>": 1}, "deep": {"<b>": ["<c>"]}}
    from tqcheck.names.ledger import NameLedger
    from tqcheck.names import Entity, Form, Mention, Reason

    hostile = Form("<script>n</script>", [Mention(0, 4, "<i>", "PERSON")])
    report.files[0].names = NameLedger([Entity([hostile], canonical="<script>n</script>",
                                               evidence=[Reason("<k>", "<u>why</u>")])]).entries()
    report.run.command = "tqcheck check '<script>c</script>'"
    html = render(report, "html")
    page = Page(html)
    assert page.text("article") == HOSTILE
    assert [t for t, _ in page.elements].count("script") == 1  # only the page's own
    assert not page.find("img") and not [a for _, a in page.elements if any(k.startswith("on") for k in a)]
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<u>why" not in html and "&lt;script&gt;n&lt;/script&gt;" in html


def test_self_contained_and_locked_down(seed_page):
    _, html = seed_page
    page = Page(html)
    assert not page.find("link") and not page.find("img") and not page.find("iframe")
    for _, attrs in page.elements:
        for k in ("src", "href", "action", "srcset"):
            assert not re.match(r"\s*(https?:|//|javascript:)", attrs.get(k, "")), attrs
    assert not re.search(r"url\(|@import|https?://", page.text("") + re.search(r"<style>(.*?)</style>", html, re.S)[1])
    (csp,) = [a["content"] for a in page.find("meta") if a.get("http-equiv") == "Content-Security-Policy"]
    assert "default-src 'none'" in csp
    for tag in ("style", "script"):
        body = re.search(rf"<{tag}>(.*?)</{tag}>", html, re.S)[1]
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp, f"inline {tag} not pinned by the CSP"


@pytest.mark.parametrize("lang,text,direction", [
    ("ar", "التقى وزير الخارجية الأمريكي أنتوني بلينكن نظيره الصيني ، تشين قانغ في بكين .\n", "rtl"),
    ("he", "בלינקן נפגש עם שר החוץ הסיני , צ'ין גאנג, בבייג'ינג .\n", "rtl"),
    ("zh", "美国国务卿布林肯在北京与中国外长秦刚举行了会谈  。他们同意扩大两国之间的航班数量。\n", "ltr"),
    ("ja", "ブリンケン国務長官は北京で秦剛外相と会談した 。\n", "ltr"),
])
def test_rtl_and_cjk_targets(lang, text, direction):
    report = check_text(text, lang=lang)
    html = render(report, "html")
    page = Page(html)
    assert page.text("article") == text
    assert page.find("article", lang=lang, dir=direction)
    assert page.find("div", class_="diff-inline") == [] or page.find("div", class_="diff-inline")[0]["dir"] == direction


def test_text_direction():
    assert [text_direction(x) for x in ("ar", "he", "fa", "ur", "ar-EG", "pa-Arab", "en", "zh", "", None)] == \
        ["rtl"] * 6 + ["ltr"] * 4


def test_segments_flatten_overlaps_and_points():
    text = "abcdefghij"
    segs = segment_text(text, [(2, 6, 0), (4, 8, 1), (5, 5, 2)], {2: ["h-0"]}, {0: (0,), 1: (1,), 2: (2,)})
    assert "".join(s.text for s in segs) == text
    assert [(s.text, s.ids) for s in segs] == [("ab", []), ("cd", [0]), ("e", [0, 1]), ("", [2]),
                                               ("f", [0, 1]), ("gh", [1]), ("ij", [])]
    assert segs[1].anchors == ["h-0"]


def test_page_names_are_unique_and_safe():
    assert page_filenames(["seeds/a.en.txt", "b/a.en.txt", "x y/<c>.md", "index.md", "-"]) == \
        ["seeds--a.en.html", "b--a.en.html", "c.html", "index-2.html", "stdin.html"]


def test_cli_html_and_json_reports_side_by_side(cli, tmp_path):
    html_path, json_path = tmp_path / "r" / "seed.html", tmp_path / "r" / "seed.json"
    code, out, err = cli("check", SEED, "--no-model", "--report", html_path, "--report", json_path)
    assert code == 0, err
    data = json.loads(json_path.read_text("utf-8"))
    page = Page(html_path.read_text("utf-8"))
    cards = page.find("li", class_="finding")
    assert [c["data-cat"] for c in cards] == [f["category"] for f in data["files"][0]["findings"]]
    assert [c["data-sev"] for c in cards] == [f["severity"] for f in data["files"][0]["findings"]]
    code, out, _ = cli("check", SEED, "--no-model", "--format", "html")
    assert code == 0 and out.startswith("<!DOCTYPE html>")


def test_cli_directory_output_writes_a_page_per_file_and_an_index(cli, tmp_path):
    src = tmp_path / "in"
    (src / "a").mkdir(parents=True)
    (src / "b").mkdir()
    (src / "a" / "story.txt").write_text(SEED.read_text("utf-8"), "utf-8")
    (src / "b" / "story.txt").write_text("We met the the minister , then left.\n", "utf-8")
    (src / "other.md").write_text("# Title\n\nNothing wrong here.\n", "utf-8")
    out_dir = tmp_path / "reports"
    code, _, err = cli("check", src, "--no-model", "--lang", "en", "--format", "html", "-o", out_dir)
    assert code == 0, err
    names = sorted(p.name for p in out_dir.iterdir())
    assert names == ["a--story.html", "b--story.html", "index.html", "other.html"]
    index = Page((out_dir / "index.html").read_text("utf-8"))
    links = {a["href"] for a in index.find("a")}
    assert links == {"a--story.html", "b--story.html", "other.html"}
    html_b = (out_dir / "b--story.html").read_text("utf-8")
    n_b = len(Page(html_b).find("li", class_="finding"))
    assert n_b == 2  # doubled word and space before comma
    row = re.search(r'href="b--story.html">[^<]*</a></td>\s*<td>en</td>\s*<td class="num">(\d+)</td>',
                    (out_dir / "index.html").read_text("utf-8"))
    assert row and int(row[1]) == n_b
    assert 'href="index.html"' in html_b  # back to the index
    # A file name instead of a folder: one page with every file, one section each.
    code, _, err = cli("check", src, "--no-model", "--lang", "en", "--format", "html", "-o", tmp_path / "all.html")
    assert code == 0, err
    one = Page((tmp_path / "all.html").read_text("utf-8"))
    assert len(one.find("section", class_="file")) == 3 and len(one.find("article")) == 3
    ids = [c["id"] for c in one.find("li", class_="finding")]
    assert len(ids) == len(set(ids)) >= 2  # finding ids stay unique across the files of a page


def test_committed_seed_report_is_current_enough_to_read(seed_text):
    path = SEED.parent.parent / "reports" / "blinken-beijing.html"
    if not path.exists():
        pytest.skip("reports/blinken-beijing.html not generated")
    html = path.read_text("utf-8")
    page = Page(html)
    assert page.text("article") == seed_text
    assert page.find("li", class_="finding") and "tqcheck check seeds/blinken-beijing.en.txt" in html


def test_a_report_without_its_documents_still_lists_the_findings():
    """A Report rebuilt from JSON has no Document: no article or diff, but every finding."""
    report = seed_report()
    for r in report.files:
        r.document = None
    html = render(report, "html")
    page = Page(html)
    assert not page.find("article") and not page.find("div", class_="diff-inline")
    assert len(page.find("li", class_="finding")) == len(report.findings)
