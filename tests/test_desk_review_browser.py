"""The desk as an editor's review (#28), in a real browser: headless Chromium (Debian's) driven by
Playwright against a model-free desk on a folder of real stories.  Each test drives one point of the
issue's "Done when" through the page, as an editor would, and checks what the page and the files on
disk then hold."""
from __future__ import annotations

import re
from contextlib import contextmanager

import pytest

from .conftest import SEED
from .serve_helpers import served
from .test_serve_browser import DONE, browser  # noqa: F401 - the module's Chromium, shared

pytestmark = pytest.mark.browser
pytest.importorskip("uvicorn", reason="tqcheck serve needs uvicorn (pip install -e .)")

# The seed with one more line: a quotation left open (a flag with no suggestion, confidence 0.6).
STORY = SEED.read_text("utf-8") + '\nThe talks, Blinken said, were "candid and constructive.\n'


@contextmanager
def desk_on(tmp_path, files: dict[str, str]):
    """A model-free desk on a folder holding ``files`` (name -> text); yields (base URL, the folder)."""
    from tqcheck.serve.desk import Desk
    from tqcheck.serve.files import Workspace

    root = tmp_path / "desk"
    root.mkdir()
    for name, text in files.items():
        (root / name).write_text(text, "utf-8")
    desk = Desk(use_model=False)
    try:
        with served(desk, workspace=Workspace.open(root)) as base:
            yield base, root
    finally:
        desk.close()


@pytest.fixture
def folder_desk(tmp_path):
    """A model-free desk on a folder holding the story."""
    with desk_on(tmp_path, {"story.txt": STORY}) as served_desk:
        yield served_desk


@pytest.fixture
def story_page(folder_desk, browser):  # noqa: F811
    """The story opened in a new page of the folder desk: (page, expect, the folder, the page's errors)."""
    base, root = folder_desk
    context, expect = browser
    page = context.new_page()
    return page, expect, root, _open(page, expect, base)


def _open(page, expect, base, name="story.txt"):
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(base + "/")
    expect(page.locator(f"#file-list option[value='{name}']")).to_have_count(1)
    page.select_option("#file-list", name)
    page.click("#open")
    expect(page.locator("#status")).to_have_text(DONE, timeout=60_000)
    return errors


def _shown(page, rule):
    return page.locator(f'li.finding[data-rule="{rule}"]:not([hidden])')


def test_the_filters_and_the_slider_hide_findings_and_their_highlights(story_page):
    page, expect, _root, errors = story_page
    cards = page.locator("li.finding:not([hidden])")
    expect(cards).to_have_count(5)
    expect(page.locator("#summary")).to_have_text("0 accepted · 0 rejected · 0 edited · 5 open")

    # The slider: at 0.90 only the space before the comma (confidence 1.0) is left, and the name's
    # highlight is gone from the text.
    page.locator("#min-conf").fill("0.9")
    expect(cards).to_have_count(1)
    expect(_shown(page, "space-before-punctuation")).to_have_count(1)
    expect(page.locator("#pos")).to_have_text("1 of 5")
    expect(page.locator("article.text .hl", has_text="Qing Gang")).to_have_class(re.compile(r"\boff\b"))
    page.locator("#min-conf").fill("0")
    expect(cards).to_have_count(5)

    # The category filter: names off, the two name findings go.
    page.locator('input[data-filter="category"][value="name"]').uncheck()
    expect(cards).to_have_count(3)
    expect(_shown(page, "name-variant")).to_have_count(0)
    page.locator('input[data-filter="category"][value="name"]').check()

    # "hide flags without a suggestion": the open quotation (nothing to accept) goes.
    page.locator("#need-suggestion").check()
    expect(cards).to_have_count(4)
    expect(_shown(page, "unbalanced-pairs")).to_have_count(0)
    page.locator("#need-suggestion").uncheck()

    # The highlight's strength follows the confidence: the 0.6 flag is drawn fainter than the 1.0 one,
    # both of them typography.
    weak = page.locator('article.text .hl[data-strength="low"]', has_text='"')
    strong = page.locator('article.text .hl[data-strength="high"]', has_text=",")
    expect(weak).to_have_count(1)
    expect(strong).to_have_count(1)
    alpha = "el => getComputedStyle(el).backgroundColor"
    assert weak.evaluate(alpha) != strong.evaluate(alpha)
    assert errors == []


def test_accept_selects_the_next_open_finding_not_the_first(story_page):
    page, expect, _root, errors = story_page
    # The space before the comma (the first finding) stays open; accept "Qin Gang" after it.
    card = page.locator('li.finding[data-rule="name-variant"]')
    card.click()
    card.locator('button[data-act="accept"]').first.click()
    expect(page.locator("article.text")).to_contain_text("counterpart , Qin Gang.", timeout=60_000)
    expect(page.locator("#status")).to_have_text(DONE, timeout=60_000)
    # The one after it in the text is selected: the bare "Gang" (name-order), not the comma.
    expect(page.locator("li.finding.current")).to_have_attribute("data-rule", "name-order")
    # Reject it: the next open one after it is selected (the run-in heading), and n goes on from there.
    page.keyboard.press("r")
    expect(page.locator("li.finding.current")).to_have_attribute("data-rule", "run-in-heading")
    expect(page.locator("#summary")).to_have_text(re.compile(r"1 accepted · 1 rejected · 0 edited · \d+ open"))
    assert errors == []


def test_ignoring_a_rule_for_the_file_sticks_and_for_the_folder_writes_its_config(folder_desk, browser):  # noqa: F811
    import json

    from tqcheck.config import load_config

    base, root = folder_desk
    context, expect = browser
    page = context.new_page()
    errors = _open(page, expect, base)
    heading = page.locator('li.finding[data-rule="run-in-heading"]')
    heading.click()
    with page.expect_response(lambda r: "/api/ignore" in r.url) as answered:
        heading.locator('button[data-act="ignore"][data-scope="file"]').click()
    assert answered.value.ok
    expect(_shown(page, "run-in-heading")).to_have_count(0)
    record = json.loads((root / ".tqcheck-review" / "story.txt.json").read_text("utf-8"))
    assert record["ignored_rules"] == ["run-in-heading"]

    page.reload()
    expect(page.locator("#status")).to_have_text(DONE, timeout=60_000)
    expect(page.locator('li.finding[data-rule="run-in-heading"]')).to_have_count(1)  # checked, but set aside
    expect(_shown(page, "run-in-heading")).to_have_count(0)
    expect(page.locator('#ignored [data-rule="run-in-heading"]')).to_have_count(1)

    # For the folder: the rule is turned off in the folder's tqcheck.toml and no longer runs.
    quote = page.locator('li.finding[data-rule="unbalanced-pairs"]')
    quote.click()
    quote.locator('button[data-act="ignore"][data-scope="folder"]').click()
    expect(page.locator('li.finding[data-rule="unbalanced-pairs"]')).to_have_count(0, timeout=60_000)
    assert load_config(root / "tqcheck.toml").rules == {"unbalanced-pairs": "off"}

    # Bringing the file's rule back shows its finding again.
    page.locator('#ignored [data-rule="run-in-heading"]').click()
    expect(_shown(page, "run-in-heading")).to_have_count(1)
    assert json.loads((root / ".tqcheck-review" / "story.txt.json").read_text("utf-8")).get("ignored_rules") is None
    assert errors == []


def test_cards_say_what_to_do_and_keep_the_internals_behind_details(story_page):
    page, expect, _root, errors = story_page
    card = page.locator('li.finding[data-rule="name-variant"]')
    card.click()
    # What to do is said; the rule id, the confidence and the fix's bookkeeping are not, until asked for.
    expect(card.locator(".todo")).to_have_text(re.compile(r"^Accept the suggestion"))
    assert "name-variant" not in card.inner_text() and "0.75" not in card.inner_text()
    assert "applied in the fix" not in page.locator("#view").inner_text()
    internals = card.locator("details.internals")
    expect(internals.locator("code.rule")).not_to_be_visible()
    internals.locator("summary").click()
    expect(internals.locator("code.rule")).to_have_text("name-variant")
    expect(internals).to_contain_text("not applied yet")
    # A flag with nothing to accept says so.
    quote = page.locator('li.finding[data-rule="unbalanced-pairs"]')
    quote.click()
    expect(quote.locator(".todo")).to_have_text(re.compile(r"^Read it again: edit by hand"))
    assert errors == []


def test_dark_mode_follows_the_toggle_and_the_key_hints_stay_below_1400px(folder_desk, browser):  # noqa: F811
    base, _root = folder_desk
    context, expect = browser
    page = context.new_page()
    page.set_viewport_size({"width": 1200, "height": 800})
    errors = _open(page, expect, base)
    expect(page.locator("#keys")).to_be_visible()
    paper = "() => getComputedStyle(document.querySelector('section.file')).backgroundColor"
    light = page.evaluate(paper)
    page.click("#theme")
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    dark = page.evaluate(paper)
    assert dark != light
    page.reload()  # the choice is kept in this browser
    expect(page.locator("#status")).to_have_text(DONE, timeout=60_000)
    assert page.evaluate(paper) == dark
    page.click("#theme")
    assert page.evaluate(paper) == light
    assert errors == []


# A story and its Chinese source, side by side in the folder as story.en.txt and story.zh.txt; the
# source's second paragraph opens with a sentence the translation left out.
STORY_EN = ("Qin Gang met Antony Blinken in Beijing on Sunday. They spoke for seven hours.\n\n"
        "The talks were candid , officials said.\n")
STORY_ZH = ("秦刚周日在北京会见了安东尼·布林肯。两人交谈了七个小时。\n\n"
        "美方称会谈坦诚而富有建设性，双方同意继续保持沟通。官员们说，会谈是坦诚的。\n")


def test_the_source_sentence_is_shown_beside_its_paragraph_and_an_omission_where_it_belongs(tmp_path, browser):  # noqa: F811
    context, expect = browser
    with desk_on(tmp_path, {"story.en.txt": STORY_EN, "story.zh.txt": STORY_ZH}) as (base, _root):
        page = context.new_page()
        errors = _open(page, expect, base, "story.en.txt")
        assert page.locator("#in-source").input_value() == STORY_ZH  # found beside the file
        sources = page.locator(".source-col .src-para")
        expect(sources).to_have_count(2)
        expect(sources.nth(0)).to_have_text("秦刚周日在北京会见了安东尼·布林肯。两人交谈了七个小时。")
        expect(sources.nth(1)).to_contain_text("官员们说，会谈是坦诚的。")

        # Beside its paragraph: level with the paragraph's start, to the right of the text.
        def box(loc):
            return loc.evaluate("el => { const r = el.getBoundingClientRect(); return [r.left, r.top, r.right]; }")

        article = box(page.locator("article.text"))
        for k in (0, 1):
            para = box(page.locator(f"article.text #para-0-{k}"))
            src = box(sources.nth(k))
            assert abs(src[1] - para[1]) < 12, (k, src, para)
            assert src[0] >= article[2] - 1

        # The left-out sentence is shown in the text where its translation belongs: at the start of the
        # second paragraph (not at the end of the first), with the source it lacks.
        gap = page.locator("article.text .hl.point[data-missing]")
        expect(gap).to_have_count(1)
        assert gap.get_attribute("data-missing") == "美方称会谈坦诚而富有建设性，双方同意继续保持沟通。"
        assert abs(box(gap)[1] - box(page.locator("article.text #para-0-1"))[1]) < 12
        # The article's text is unchanged by what is shown in it.
        assert page.evaluate("document.getElementById('in-text').value") == STORY_EN

        # Each card shows its sentence's source.
        card = page.locator('li.finding[data-rule="space-before-punctuation"]')
        card.click()
        expect(card.locator(".src-quote")).to_have_text("Source: 官员们说，会谈是坦诚的。")
        assert errors == []
        page.close()


# The minister's name spelt two ways, and once by his surname alone, spelt the old way.
NAMES = ("Foreign Minister Qing Gang met Antony Blinken in Beijing on Sunday.\n\n"
         "Qin Gang said the talks were candid. Qin Gang also raised Taiwan.\n\n"
         "Qing told reporters the two sides would keep talking.\n")


def test_use_everywhere_also_fixes_the_short_form(tmp_path, browser):  # noqa: F811
    context, expect = browser
    with desk_on(tmp_path, {"names.txt": NAMES, "story.txt": STORY}) as (base, root):
        page = context.new_page()
        errors = _open(page, expect, base, "names.txt")
        row = page.locator("section.names tr", has_text="Qin Gang")
        row.locator('button[data-act="spell"][data-spelling="Qin Gang"]').click()
        article = page.locator("article.text")
        expect(article).to_contain_text("Qin told reporters", timeout=60_000)
        expect(page.locator("#status")).to_have_text(DONE, timeout=60_000)
        text = page.evaluate("document.getElementById('in-text').value")
        assert text == NAMES.replace("Qing Gang", "Qin Gang").replace("Qing told", "Qin told")
        expect(page.locator('li.finding[data-cat="name"]')).to_have_count(0)

        # On a card: the name finding's own "use everywhere" takes the spelling the ledger chose.
        page.evaluate("document.getElementById('inputs').open = true")
        page.select_option("#file-list", "story.txt")
        page.once("dialog", lambda d: d.accept())  # the edit above is not saved: yes, discard it
        page.click("#open")
        expect(page.locator("#status")).to_have_text(DONE, timeout=60_000)
        card = page.locator('li.finding[data-rule="name-variant"]', has_text="'Qing Gang'")
        card.click()
        card.locator('button[data-act="spell-fix"]').click()
        expect(page.locator("article.text")).to_contain_text("counterpart , Qin Gang.", timeout=60_000)
        expect(page.locator("#status")).to_have_text(DONE, timeout=60_000)
        assert "Qing" not in page.evaluate("document.getElementById('in-text').value")
        assert errors == []
        page.close()


def _record(root, name="story.txt"):
    import json

    path = root / ".tqcheck-review" / f"{name}.json"
    return json.loads(path.read_text("utf-8"))["decisions"] if path.exists() else {}


def test_undo_and_redo_of_an_accept_and_a_hand_edit_with_the_edit_kept_as_a_decision(folder_desk, browser, tmp_path):  # noqa: F811
    base, root = folder_desk
    context, expect = browser
    page = context.new_page()
    errors = _open(page, expect, base)
    article = page.locator("article.text")
    summary = page.locator("#summary")
    text = "document.getElementById('in-text').value"

    # Accept the comma's fix, undo it, redo it.
    comma = page.locator('li.finding[data-rule="space-before-punctuation"]')
    comma_fp = comma.get_attribute("data-fp")
    comma.click()
    comma.locator('button[data-act="accept"]').click()
    expect(article).to_contain_text("counterpart, Qing Gang.", timeout=60_000)
    expect(page.locator("#status")).to_have_text(DONE, timeout=60_000)
    expect(summary).to_have_text(re.compile(r"^1 accepted · 0 rejected · 0 edited"))
    page.keyboard.press("Control+z")
    expect(article).to_contain_text("counterpart , Qing Gang.", timeout=60_000)
    expect(page.locator("#status")).to_have_text(DONE, timeout=60_000)
    expect(summary).to_have_text(re.compile(r"^0 accepted"))
    page.keyboard.press("Control+y")
    expect(article).to_contain_text("counterpart, Qing Gang.", timeout=60_000)
    expect(page.locator("#status")).to_have_text(DONE, timeout=60_000)
    assert _record(root)[comma_fp]["decision"] == "accepted"

    # Correct "Qing Gang" by hand in the text: its finding is gone, recorded as edited by hand.
    name = page.locator('li.finding[data-rule="name-variant"]')
    name_fp = name.get_attribute("data-fp")
    name.click()
    page.keyboard.press("e")  # the caret at the end of "Qing Gang"
    for _ in range(len("Qing Gang")):
        page.keyboard.press("Shift+ArrowLeft")
    page.keyboard.type("Qin Gang")
    expect(page.locator('li.finding[data-rule="name-variant"]')).to_have_count(0, timeout=60_000)
    expect(page.locator("#status")).to_have_text(DONE, timeout=60_000)
    expect(summary).to_have_text(re.compile(r"^1 accepted · 0 rejected · 1 edited"))
    assert _record(root)[name_fp]["decision"] == "edited"

    # Out of the text, Ctrl+Z undoes the hand edit (its finding open again), Ctrl+Shift+Z redoes it.
    page.keyboard.press("Escape")
    page.keyboard.press("Control+z")
    expect(article).to_contain_text("counterpart, Qing Gang.", timeout=60_000)
    expect(page.locator("#status")).to_have_text(DONE, timeout=60_000)
    assert name_fp not in _record(root)
    page.keyboard.press("Control+Shift+z")
    expect(article).to_contain_text("counterpart, Qin Gang.", timeout=60_000)
    expect(page.locator("#status")).to_have_text(DONE, timeout=60_000)
    assert _record(root)[name_fp]["decision"] == "edited"
    assert page.evaluate(text) == STORY.replace("counterpart , Qing Gang", "counterpart, Qin Gang")

    # The tracked changes, as a unified diff and as a page to forward.
    with page.expect_download() as got:
        page.click("#dl-diff")
    diff = tmp_path / "changes.diff"
    got.value.save_as(diff)
    lines = diff.read_text("utf-8").splitlines()
    assert lines[0] == "--- a/story.txt" and lines[1] == "+++ b/story.txt"
    assert [ln for ln in lines if ln.startswith(("-", "+")) and not ln.startswith(("---", "+++"))] == [
        "-" + STORY.splitlines()[0], "+" + STORY.splitlines()[0].replace("counterpart , Qing Gang", "counterpart, Qin Gang")]
    with page.expect_download() as got:
        page.click("#dl-changes")
    html = tmp_path / "changes.html"
    got.value.save_as(html)
    shown = context.new_page()
    shown.goto(html.as_uri())
    expect(shown.locator(".diff-inline del")).to_have_count(2)
    expect(shown.locator(".diff-inline ins")).to_have_count(1)  # "Qin" for "Qing", the space deleted
    assert "<script" not in html.read_text("utf-8")
    shown.close()
    assert errors == []


def test_a_save_conflict_offers_keep_mine_take_theirs_or_save_as(story_page):
    page, expect, root, errors = story_page
    article = page.locator("article.text")
    story = root / "story.txt"

    def edit_and_conflict(theirs):
        article.click()
        page.keyboard.press("Control+End")
        page.keyboard.type(" Mine.")
        expect(page.locator("#status")).to_have_text(DONE, timeout=60_000)
        story.write_text(theirs, "utf-8")  # someone else saves the file meanwhile
        page.keyboard.press("Escape")
        page.keyboard.press("Control+s")
        expect(page.locator("#conflict")).to_be_visible()
        return page.evaluate("document.getElementById('in-text').value")

    # Save as: mine goes to a new file, theirs stays, and the desk now has the new file open.
    mine = edit_and_conflict("Their version.\n")
    page.once("dialog", lambda d: d.accept("story-mine.txt"))
    page.locator('#conflict [data-conflict="as"]').click()
    expect(page.locator("#status")).to_have_text(re.compile("Saved as story-mine.txt"))
    assert (root / "story-mine.txt").read_text("utf-8") == mine and story.read_text("utf-8") == "Their version.\n"
    expect(page.locator("#doc-name")).to_have_text("story-mine.txt")

    # Keep mine: the file gets my text, theirs is kept in a backup.
    page.evaluate("document.getElementById('inputs').open = true")
    page.select_option("#file-list", "story.txt")
    page.click("#open")
    expect(page.locator("#status")).to_have_text(DONE, timeout=60_000)
    mine = edit_and_conflict("Their second version.\n")
    page.locator('#conflict [data-conflict="mine"]').click()
    expect(page.locator("#status")).to_have_text(re.compile(r"^Saved story.txt"))
    assert story.read_text("utf-8") == mine
    assert "Their second version.\n" in [b.read_text("utf-8") for b in root.glob("story.txt.bak*")]

    # Take theirs: their text is opened, mine dropped.
    edit_and_conflict("Their third version.\n")
    page.locator('#conflict [data-conflict="theirs"]').click()
    expect(article).to_have_text("Their third version.\n", timeout=60_000)
    # The browser logs each refused save (409) as a failed load; nothing else may be logged.
    assert [e for e in errors if "status of 409" not in e] == []


def test_pasted_text_keeps_its_decisions_for_the_session(browser):  # noqa: F811
    from tqcheck.serve.desk import Desk

    context, expect = browser
    desk = Desk(use_model=False)
    try:
        with served(desk) as base:
            page = context.new_page()
            page.goto(base + "/")
            page.fill("#in-text", STORY)
            page.click("#check")
            expect(page.locator("#status")).to_have_text(DONE, timeout=60_000)
            card = page.locator('li.finding[data-rule="run-in-heading"]')
            fp = card.get_attribute("data-fp")
            card.click()
            card.locator('button[data-act="reject"]').click()
            page.reload()
            expect(page.locator("#status")).to_have_text(DONE, timeout=60_000)
            expect(page.locator(f'li.finding[data-fp="{fp}"]')).to_have_class(re.compile(r"\brejected\b"))
            assert page.evaluate("document.getElementById('in-text').value") == STORY
            page.close()
    finally:
        desk.close()
