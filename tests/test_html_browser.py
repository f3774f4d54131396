"""The HTML report in a real browser: headless Chromium (Debian's), driven by Playwright.

Each test asserts what a reader sees or does.  Playwright only drives the
system Chromium through ``executable_path``; it never downloads a browser.
The seed report's screenshot is kept in tests/artifacts/ (not committed).
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from tqcheck.render import render
from tqcheck.render.html import render_site

from tqcheck.config import Config
from tqcheck.pipeline import CheckRequest, run_check

from .pipeline_reports import SEED, check_text, model_seed_report, seed_report
from .test_html_report import HOSTILE

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


def _chromium() -> str | None:
    for candidate in (os.environ.get("TQCHECK_CHROMIUM"), shutil.which("chromium"), "/usr/bin/chromium",
                      shutil.which("chromium-browser"), shutil.which("google-chrome")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


@pytest.fixture(scope="module")
def playwright():
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright not installed (pip install -e '.[test]')")
    if _chromium() is None:
        pytest.skip("Chromium not found: apt-get install chromium (or set TQCHECK_CHROMIUM)")
    with sync_api.sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="module")
def browser_context(playwright):
    """One headless Chromium with a fresh profile for the module; a factory for a script-less one too."""
    opened = []

    def open_context(javascript: bool = True):
        profile = tempfile.mkdtemp(prefix="tqcheck-chromium-")
        ctx = playwright.chromium.launch_persistent_context(
            profile, executable_path=_chromium(), headless=True, args=FLAGS, java_script_enabled=javascript,
            viewport={"width": 1280, "height": 900}, offline=True)
        opened.append((ctx, profile))
        return ctx

    yield open_context
    for ctx, profile in opened:
        ctx.close()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="module")
def context(browser_context):
    return browser_context()


class Opened:
    """A page plus everything it tried to fetch and every error it logged."""

    def __init__(self, context, path: Path):
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page = page = context.new_page()
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        page.goto(path.as_uri())
        self.url = path.as_uri()

    def left_the_page(self) -> list[str]:
        return [u for u in self.requests if u != self.url and not u.startswith("data:")]


@pytest.fixture
def open_page(context, tmp_path):
    pages = []

    def _open(html: str, name: str = "report.html", ctx=None) -> Opened:
        path = tmp_path / name
        path.write_text(html, "utf-8")
        opened = Opened(ctx or context, path)
        pages.append(opened)
        return opened

    yield _open
    for p in pages:
        assert not p.errors, f"console errors (CSP violations show here): {p.errors}"
        assert not p.left_the_page(), f"requests left the page: {p.left_the_page()}"
        p.page.close()


@pytest.fixture(scope="module")
def seed():
    report = seed_report()
    return report, render(report, "html")


def test_seed_report_shows_every_finding_highlighted(seed, open_page):
    report, html = seed
    p = open_page(html, "blinken-beijing.html").page
    findings = report.files[0].findings
    for i, f in enumerate(findings):
        run = p.locator(f'.hl[data-f~="{i}"]').first
        assert run.is_visible()
        box = run.bounding_box()
        assert box and box["width"] > 0 and box["height"] > 0
        colour = run.evaluate("e => getComputedStyle(e).backgroundColor")
        assert colour not in ("rgba(0, 0, 0, 0)", "transparent"), f"{f.rule} not highlighted"
        assert p.locator(f"#f-{i}").is_visible()
    assert p.locator("article.text").inner_text().split() == report.files[0].document.raw.split()
    ARTIFACTS.mkdir(exist_ok=True)
    p.keyboard.press("n")  # the first finding open, as a reader would see it
    p.screenshot(path=str(ARTIFACTS / "seed-report.png"))
    p.screenshot(path=str(ARTIFACTS / "seed-report-full.png"), full_page=True)


def test_clicking_a_finding_reveals_its_suggestion(seed, open_page):
    report, html = seed
    p = open_page(html).page
    i, f = next((i, f) for i, f in enumerate(report.files[0].findings) if f.suggestions)
    suggestion = p.locator(f"#f-{i} .suggestion").first
    assert not suggestion.is_visible()
    p.locator(f'.hl[data-f~="{i}"]').first.click()
    assert suggestion.is_visible()
    assert "current" in p.locator(f"#f-{i}").get_attribute("class")
    assert p.locator(f"#f-{i} .msg").inner_text() == f.message
    # Focusing a highlight from the keyboard (Tab) selects its finding too.
    p.keyboard.press("Escape")
    assert not suggestion.is_visible()
    p.locator('[data-nav="next"]').focus()
    p.locator(f'.hl[data-f~="{i}"]').first.focus()
    assert suggestion.is_visible()
    # Clicking the card of another finding moves the selection there.
    j = (i + 1) % len(report.files[0].findings)
    p.locator(f"#f-{j} .msg").click()
    assert not suggestion.is_visible() and "current" in p.locator(f"#f-{j}").get_attribute("class")


def test_keyboard_n_and_p_walk_the_findings(seed, open_page):
    report, html = seed
    p = open_page(html).page
    n = len(report.files[0].findings)
    current = lambda: p.evaluate("() => (document.querySelector('li.finding.current') || {}).id || null")  # noqa: E731
    p.keyboard.press("n")
    assert current() == "f-0" and p.locator("#pos").inner_text() == f"1 / {n}"
    assert p.evaluate("() => document.activeElement.dataset.f").split()[0] == "0"  # focus moved to the text
    p.keyboard.press("n")
    assert current() == f"f-{1 % n}"
    p.keyboard.press("p")
    p.keyboard.press("p")
    assert current() == f"f-{n - 1}"  # wraps around
    p.keyboard.press("Escape")
    assert current() is None


def test_filters_hide_and_show(seed, open_page):
    report, html = seed
    p = open_page(html).page
    findings = report.files[0].findings
    cat = findings[0].category.value
    hidden = [i for i, f in enumerate(findings) if f.category.value == cat]
    kept = [i for i, f in enumerate(findings) if f.category.value != cat]
    assert kept, "the seed should have findings of more than one category"
    p.locator(f'input[data-filter="category"][value="{cat}"]').uncheck()
    for i in hidden:
        assert not p.locator(f"#f-{i}").is_visible()
        run = p.locator(f'.hl[data-f="{i}"]')
        if run.count():
            assert "off" in run.first.get_attribute("class")
            assert run.first.evaluate("e => getComputedStyle(e).backgroundColor") == "rgba(0, 0, 0, 0)"
    for i in kept:
        assert p.locator(f"#f-{i}").is_visible()
    p.keyboard.press("n")  # navigation skips what is filtered out
    assert p.evaluate("() => document.querySelector('li.finding.current').id") == f"f-{kept[0]}"
    p.locator(f'input[data-filter="category"][value="{cat}"]').check()
    assert all(p.locator(f"#f-{i}").is_visible() for i in hidden)
    p.locator('input[data-filter="severity"][value="warning"]').uncheck()
    warnings = [i for i, f in enumerate(findings) if f.severity.value == "warning"]
    assert warnings and not any(p.locator(f"#f-{i}").is_visible() for i in warnings)
    assert p.locator("#pos").inner_text().endswith(f"of {len(findings)}")


def test_the_fix_diff_inline_and_side_by_side(seed, open_page):
    _, html = seed
    p = open_page(html).page
    inline = p.locator(".diff-inline")
    assert inline.is_visible()
    assert p.locator(".diff-inline del").first.is_visible() and p.locator(".diff-inline ins").first.is_visible()
    side = p.locator(".diff-side")
    assert not side.is_visible()
    p.locator("label", has_text="Side by side").click()
    assert side.is_visible() and not inline.is_visible()
    rows = p.locator(".diff-side tbody tr")
    total, changed = rows.count(), p.locator(".diff-side tr.changed").count()
    assert 0 < changed < total
    p.locator("label", has_text="Changed paragraphs only").click()
    visible = sum(1 for i in range(total) if rows.nth(i).is_visible())
    assert visible == changed
    p.locator("label", has_text="Inline").click()  # the inline view keeps the choice
    inline_rows = p.locator(".diff-inline .row")
    assert sum(1 for i in range(inline_rows.count()) if inline_rows.nth(i).is_visible()) == changed
    p.locator("label", has_text="Changed paragraphs only").click()
    assert all(inline_rows.nth(i).is_visible() for i in range(inline_rows.count()))
    p.locator("label", has_text="Side by side").click()
    # A change leads to the finding that made it.
    p.locator(".diff-side ins").first.click()
    fid = p.locator(".diff-side ins").first.get_attribute("data-f").split()[0]
    assert "current" in p.locator(f"#f-{fid}").get_attribute("class")


def test_script_in_the_article_shows_as_text(open_page):
    report = check_text(HOSTILE, path="hostile.txt")
    p = open_page(render(report, "html")).page
    opened = p
    assert opened.evaluate("() => window.__pwned") is None
    assert opened.locator("article.text").evaluate("e => e.textContent") == HOSTILE
    assert opened.locator("article img, article script").count() == 0
    assert "<script>window.__pwned = 1</script>" in opened.locator("article.text").inner_text()
    assert opened.title().startswith("tqcheck review: hostile.txt")


def test_readable_without_javascript(seed, browser_context, open_page):
    report, html = seed
    p = open_page(html, ctx=browser_context(javascript=False)).page
    for i, f in enumerate(report.files[0].findings):
        assert p.locator(f"#f-{i} .msg").is_visible()
        if f.suggestions:
            assert p.locator(f"#f-{i} .suggestion").first.is_visible()
    assert p.locator(".diff-inline ins").first.is_visible()
    assert not p.locator(".tools").is_visible()  # filters need the script: not offered without it
    p.locator("label", has_text="Side by side").click()  # the view switch is plain CSS
    assert p.locator(".diff-side").is_visible()


def test_print_stylesheet(seed, open_page):
    report, html = seed
    p = open_page(html).page
    p.emulate_media(media="print")
    assert not p.locator("header.top").is_visible()
    for i, f in enumerate(report.files[0].findings):
        if f.suggestions:
            assert p.locator(f"#f-{i} .suggestion").first.is_visible()
    assert p.locator(".diff-inline").is_visible()
    p.emulate_media(media="screen")


@pytest.mark.parametrize("lang,text,direction", [
    ("ar", "التقى وزير الخارجية الأمريكي أنتوني بلينكن نظيره الصيني ، تشين قانغ في بكين .\n", "rtl"),
    ("he", "בלינקן נפגש עם שר החוץ הסיני , צ'ין גאנג, בבייג'ינג .\n", "rtl"),
    ("zh", "美国国务卿布林肯在北京与中国外长秦刚举行了会谈  。他们同意扩大两国之间的航班数量。\n", "ltr"),
])
def test_rtl_and_cjk_render(lang, text, direction, open_page):
    p = open_page(render(check_text(text, lang=lang), "html")).page
    article = p.locator("article.text")
    assert article.evaluate("e => getComputedStyle(e).direction") == direction
    assert article.evaluate("e => e.textContent") == text
    if direction == "rtl":  # the text starts at the right edge
        box, first = article.bounding_box(), p.locator("article.text").evaluate(
            "e => { const r = document.createRange(); r.setStart(e.firstChild, 0); r.setEnd(e.firstChild, 1);"
            " return r.getBoundingClientRect().right; }")
        assert first > box["x"] + box["width"] * 0.8


def test_overlaps_names_and_fluency_of_the_model_run(open_page, tmp_path_factory):
    from .lm_session import real_lm

    real_lm()  # skips when the model package is not installed
    # The default rules keep one finding per problem; with the opt-in hint rules switched on beside the
    # detector, two hints can share words, and the page must let a reader reach both.
    hints = run_check(CheckRequest(paths=[str(SEED)], config=Config(rules={"lm-disfluency": "on",
                                                                           "lm-awkward-clause": "on"})))
    p = open_page(render(hints, "html"), name="hints.html").page
    multi = p.locator(".hl.multi").first
    ids = multi.get_attribute("data-f").split()
    multi.click()
    first = p.evaluate("() => document.querySelector('li.finding.current').dataset.id")
    multi.click()  # a second click on the same run moves to the next finding under it
    second = p.evaluate("() => document.querySelector('li.finding.current').dataset.id")
    assert {first, second} == set(ids[:2])
    report = model_seed_report(tmp_path_factory.mktemp("reference"))
    opened = open_page(render(report, "html"))
    p = opened.page
    assert p.locator("section.names").is_visible() and "Qing Gang" in p.locator("section.names").inner_text()
    bars = p.locator("svg.strip rect.bar")
    assert bars.count() > 10
    p.locator("svg.strip a").nth(3).click()
    assert p.evaluate("() => location.hash") == "#s-3"
    ARTIFACTS.mkdir(exist_ok=True)
    p.evaluate("() => window.scrollTo(0, 0)")
    p.screenshot(path=str(ARTIFACTS / "enriched-report.png"))


def test_index_links_every_page(context, tmp_path):
    report = check_text("We met the the minister , then left.\n", path="a/story.txt")
    report.files += check_text("Nothing wrong here.\n", path="b/story.txt").files
    for name, html in render_site(report).items():
        (tmp_path / name).write_text(html, "utf-8")
    opened = Opened(context, tmp_path / "index.html")
    p = opened.page
    assert p.locator("table.files tbody tr").count() == 2
    p.locator("a", has_text="a/story.txt").click()
    p.wait_for_load_state()
    assert p.locator("li.finding").count() == 2
    p.locator("a.up").click()
    p.wait_for_load_state()
    assert p.url.endswith("index.html")
    assert not opened.errors and all(u.startswith("file://") for u in opened.requests)
    p.close()


def test_the_confidence_filter_hides_findings_below_it(seed, open_page):
    report, html = seed
    p = open_page(html).page
    findings = report.files[0].findings
    floor = sorted({f.confidence for f in findings})[1]  # above the least confident finding
    low = [i for i, f in enumerate(findings) if f.confidence < floor]
    high = [i for i, f in enumerate(findings) if f.confidence >= floor]
    assert low and high
    p.locator("#min-conf").fill(str(floor))
    assert p.locator("#min-conf-value").inner_text() == f"{float(p.locator('#min-conf').input_value()):.2f}"
    step = float(p.locator("#min-conf").input_value())  # the range input rounds to its 0.05 steps
    for i, f in enumerate(findings):
        assert p.locator(f"#f-{i}").is_visible() == (f.confidence >= step)
    p.locator("#min-conf").fill("0")
    assert all(p.locator(f"#f-{i}").is_visible() for i in range(len(findings)))
