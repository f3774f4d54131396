"""The review desk in a real browser: headless Chromium (Debian's) driven by Playwright, against
`tqcheck serve`'s app on a loopback port, with the real language model.

An editor's session on the seed: paste it, see "Qing Gang" flagged, accept "Qin Gang" and see the
text change; reject a hint and see it stay rejected after a re-check; edit by hand; download the
corrected text.  The page may fetch from its own server only; every request it makes is recorded.
"""
from __future__ import annotations

import re
import shutil
import tempfile

import pytest

from .conftest import SEED
from .lm_session import real_lm
from .serve_helpers import served
from .test_html_browser import FLAGS, _chromium

pytestmark = pytest.mark.browser
# The status after a full check ("re-checked in" is the quick answer, with the model still reading).
DONE = re.compile(r"findings? · checked in")
pytest.importorskip("uvicorn", reason="tqcheck serve needs uvicorn (pip install -e .)")


@pytest.fixture(scope="module")
def desk_url():
    """The desk with the session's model, served by uvicorn on a free loopback port."""
    from tqcheck.serve.desk import Desk

    desk = Desk(lm=real_lm())
    try:
        with served(desk) as base:
            yield base
    finally:
        desk.close()


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright not installed (pip install -e '.[test]')")
    if _chromium() is None:
        pytest.skip("Chromium not found: apt-get install chromium (or set TQCHECK_CHROMIUM)")
    profile = tempfile.mkdtemp(prefix="tqcheck-desk-chromium-")
    with sync_api.sync_playwright() as pw:
        ctx = pw.chromium.launch_persistent_context(profile, executable_path=_chromium(), headless=True, args=FLAGS,
                                                    viewport={"width": 1400, "height": 900}, accept_downloads=True)
        yield ctx, sync_api.expect
        ctx.close()
    shutil.rmtree(profile, ignore_errors=True)


def test_an_editors_session_on_the_seed(desk_url, browser, tmp_path):
    context, expect = browser
    page = context.new_page()
    requests, errors = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(desk_url + "/")
    seed = SEED.read_text("utf-8")

    # Paste the seed and check it: "Qing Gang" is flagged in the article.
    page.fill("#in-text", seed)
    page.click("#check")
    expect(page.locator("#status")).to_have_text(DONE, timeout=180_000)
    article = page.locator("article.text")
    assert article.get_attribute("contenteditable") in ("plaintext-only", "true")
    qing = article.locator(".hl", has_text="Qing Gang")
    expect(qing).to_have_count(1)
    # The cards speak plainly (#28): the model's numbers are in each card's details, not its message.
    messages = " ".join(page.locator("li.finding .msg").all_inner_texts())
    assert not re.search(r"log-prob|\bnats\b|confidence 0\.|detector \d", messages), messages

    # Select it, accept "Qin Gang" on its card: the article changes and is checked again.
    qing.click()
    card = page.locator("li.finding.current")
    expect(card).to_contain_text("'Qing Gang' is spelled 'Qin Gang' elsewhere")
    card.locator('button[data-act="accept"]').first.click()
    expect(article).not_to_contain_text("Qing Gang", timeout=60_000)
    expect(article).to_contain_text("his Chinese counterpart , Qin Gang.")
    expect(page.locator("#status")).to_have_text(DONE, timeout=60_000)
    expect(page.locator("li.finding", has_text="'Qing Gang'")).to_have_count(0)

    # Reject a hint (an info finding of the model's) by keyboard: p walks back from the end to the
    # last one (far from the edits to come), r rejects it.
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")  # out of the text, then no finding selected
    hints = page.locator('li.finding[data-sev="info"]')
    assert hints.count() > 0
    fingerprint = hints.last.get_attribute("data-fp")
    target_id = hints.last.get_attribute("data-id")
    for _ in range(60):
        page.keyboard.press("p")
        if page.locator("li.finding.current").get_attribute("data-id") == target_id:
            break
    page.keyboard.press("r")
    rejected = page.locator(f'li.finding[data-fp="{fingerprint}"]')
    expect(rejected).to_have_class(re.compile(r"\brejected\b"))

    # Correct the space before the comma by hand, in the article; the re-check comes after the pause.
    page.locator("li.finding", has_text="Space before ','").click()
    page.keyboard.press("e")  # the caret goes to the end of the selected finding
    page.keyboard.press("Shift+ArrowLeft")
    page.keyboard.press("Shift+ArrowLeft")
    page.keyboard.type(",")
    expect(page.locator("li.finding", has_text="Space before ','")).to_have_count(0, timeout=60_000)
    expect(article).to_contain_text("his Chinese counterpart, Qin Gang.")
    expect(page.locator("#status")).to_have_text(DONE, timeout=60_000)
    # The rejected hint is still there, and still rejected, after that re-check.
    expect(rejected).to_have_count(1)
    expect(rejected).to_have_class(re.compile(r"\brejected\b"))

    # Download the corrected text: both fixes, nothing else changed.
    page.keyboard.press("Escape")
    with page.expect_download() as download:
        page.click("#dl-text")
    saved = tmp_path / "corrected.txt"
    download.value.save_as(saved)
    assert saved.read_text("utf-8") == seed.replace("counterpart , Qing Gang", "counterpart, Qin Gang")
    assert download.value.suggested_filename == "article.txt"

    assert errors == []
    assert {re.match(r"\w+://[^/]+", u).group(0) for u in requests if not u.startswith("blob:")} == {desk_url}


def test_decisions_stick_a_rejection_survives_a_reload_and_is_in_the_downloaded_json(browser, tmp_path):
    """#28: reject a finding in a file from PATH, reload the page: the file opens again with the
    rejection shown (and not counted as open), and the downloaded JSON carries it.  Unsaved edits are
    not dropped by switching files without asking; Ctrl+Z undoes an accept.  Model-free: this is the
    desk's record, not the model's findings."""
    import json

    from tqcheck.serve.desk import Desk
    from tqcheck.serve.files import Workspace

    root = tmp_path / "desk"
    root.mkdir()
    seed = SEED.read_text("utf-8")
    (root / "story.txt").write_text(seed, "utf-8")
    (root / "other.txt").write_text("Qin Gang met Antony Blinken in Beijing.\n", "utf-8")
    context, expect = browser
    desk = Desk(use_model=False)
    try:
        with served(desk, workspace=Workspace.open(root)) as base:
            page = context.new_page()
            errors = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.goto(base + "/")
            expect(page.locator("#file-list option[value='story.txt']")).to_have_count(1)
            page.select_option("#file-list", "story.txt")  # the inputs are open on a fresh page
            page.click("#open")
            expect(page.locator("#status")).to_have_text(DONE, timeout=60_000)

            card = page.locator("li.finding", has_text="'Qing Gang'")
            fingerprint = card.get_attribute("data-fp")
            card.click()
            with page.expect_response(lambda r: "/api/decisions" in r.url and r.request.method == "POST") as kept:
                card.locator('button[data-act="reject"]').click()
            assert kept.value.ok
            expect(card).to_have_class(re.compile(r"\brejected\b"))

            page.reload()
            expect(page.locator("#status")).to_have_text(DONE, timeout=60_000)
            card = page.locator(f'li.finding[data-fp="{fingerprint}"]')
            expect(card).to_have_class(re.compile(r"\brejected\b"))
            expect(page.locator("#pos")).to_contain_text("(1 rejected)")
            with page.expect_download() as download:
                page.click("#dl-json")
            saved = tmp_path / "report.json"
            download.value.save_as(saved)
            found = json.loads(saved.read_text("utf-8"))["files"][0]["findings"]
            reviewed = [f for f in found if "review" in f]
            assert [f["fingerprint"] for f in reviewed] == [fingerprint]
            assert reviewed[0]["review"]["decision"] == "rejected" and reviewed[0]["review"]["by"]

            # Accept a suggestion, then Ctrl+Z (outside the text): the text is as it was.
            space = page.locator("li.finding", has_text="Space before ','")
            space.click()
            space.locator('button[data-act="accept"]').first.click()
            article = page.locator("article.text")
            expect(article).to_contain_text("his Chinese counterpart, Qing Gang.", timeout=60_000)
            expect(page.locator("#status")).to_have_text(DONE, timeout=60_000)
            page.keyboard.press("Escape")
            page.keyboard.press("Control+z")
            expect(article).to_contain_text("his Chinese counterpart , Qing Gang.", timeout=60_000)
            expect(page.locator("#status")).to_have_text(DONE, timeout=60_000)

            # An unsaved edit: opening another file asks first, and "cancel" keeps the edit.
            article.click()
            page.keyboard.press("End")
            page.keyboard.type(" Unsaved.")
            asked = []
            page.once("dialog", lambda d: (asked.append(d.message), d.dismiss()))
            page.evaluate("document.getElementById('inputs').open = true")
            page.select_option("#file-list", "other.txt")
            page.click("#open")
            expect(article).to_contain_text("Unsaved.")
            assert asked and "not saved" in asked[0]
            assert errors == []
            page.close()
    finally:
        desk.close()
