"""One line model everywhere (issue #23, classes 6, 7 and 10): a line ends at CR, CRLF or LF for
positions, suppression comments, ``--diff``, baselines, the fix diff and ``score``; git's LF-only line
numbers are converted to it; suppression matching does not grow with the number of comments."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tqcheck.findings import Category, Finding, Severity
from tqcheck.fix import unified_diff
from tqcheck.suppress import parse_inline

SPACE = ("--rule", "space-before-punctuation")


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "-c", "core.autocrlf=false",
                    *args], cwd=repo, check=True, capture_output=True)


def _lines_reported(cli, path, *args):
    code, out, err = cli("check", path, "--no-model", "--lang", "en", "-f", "json", "--fail-on", "never",
                         "--no-cache", *args)
    assert code == 0, err
    return [f["line"] for r in json.loads(out)["files"] for f in r["findings"]]


def _join(lines: list[str], ends: list[str]) -> str:
    return "".join(line + end for line, end in zip(lines, ends))


# --- class 6: --diff ---------------------------------------------------------------------------

STORY = ["First line is fine.", "Second line has a stray space , here.", "Third line is fine.",
         "Fourth line is fine."]
EDITED = STORY[:2] + ["Third line now has one too , here."] + STORY[3:]


@pytest.fixture
def repo(tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    monkeypatch.chdir(repo)
    return repo


def _commit(repo: Path, name: str, data: bytes) -> Path:
    path = repo / name
    path.write_bytes(data)
    _git(repo, "add", name)
    _git(repo, "commit", "-q", "-m", name)
    return path


@pytest.mark.parametrize("ends", [
    ["\r", "\r", "\r", "\r"],  # old Mac: one line to git
    ["\n", "\r", "\r\n", "\r"],  # the changed line shares a git line with an unchanged one that has a finding
    ["\r", "\n", "\n", "\n"],  # one bare CR early on shifts every git line number after it
    ["\r\n", "\r", "\r", ""],
])
def test_diff_keeps_the_findings_of_changed_lines_whatever_their_line_ends(cli, repo, ends):
    path = _commit(repo, "story.txt", _join(STORY, ends).encode())
    path.write_bytes(_join(EDITED, ends).encode())
    assert _lines_reported(cli, "story.txt", *SPACE) == [2, 3]
    assert _lines_reported(cli, "story.txt", *SPACE, "--diff", "HEAD") == [3]


def test_diff_is_not_fooled_by_a_changed_line_holding_a_cr_and_text_like_a_hunk_header(cli, repo):
    # Decoded as text, the CR became a line break and "@@ -1 +6,3 @@" a hunk of lines 6-8.
    lines = [f"Line {i} has a space , here." for i in range(1, 11)]
    path = _commit(repo, "story.txt", "".join(line + "\n" for line in lines).encode())
    lines[1] = "Line 2 changed.\r@@ -1 +6,3 @@"
    path.write_bytes("".join(line + "\n" for line in lines).encode())
    assert _lines_reported(cli, "story.txt", *SPACE, "--diff", "HEAD") == []
    lines[1] = "Line 2 changed , here.\r@@ -1 +6,3 @@"
    path.write_bytes("".join(line + "\n" for line in lines).encode())
    assert _lines_reported(cli, "story.txt", *SPACE, "--diff", "HEAD") == [2]


def test_diff_of_a_cp1252_file_reports_its_changed_line(cli, repo):
    text = "Café one is fine.\nCafé two is fine.\n"
    path = _commit(repo, "story.txt", text.encode("cp1252"))
    path.write_bytes(text.replace("two is", "two has a space , here.").encode("cp1252"))
    assert _lines_reported(cli, "story.txt", *SPACE, "--encoding", "cp1252", "--diff", "HEAD") == [2]


def test_diff_of_a_utf16_file_git_calls_binary_keeps_its_findings(cli, repo):
    # git shows "Binary files differ" and no line numbers: no finding may be dropped for want of them.
    text = "\n".join(STORY) + "\n"
    path = _commit(repo, "story.txt", text.encode("utf-16"))
    path.write_bytes("\n".join(EDITED).encode("utf-16"))
    assert _lines_reported(cli, "story.txt", *SPACE, "--diff", "HEAD") == [2, 3]
    _git(repo, "commit", "-qam", "edited")
    assert _lines_reported(cli, "story.txt", *SPACE, "--diff", "HEAD") == []


def test_diff_ignores_a_textconv_filter_that_renumbers_the_lines(cli, repo):
    # A textconv driver (here: a blank line after every line) gives git's diff another text's line numbers.
    _git(repo, "config", "diff.spaced.textconv", "sed G")
    (repo / ".gitattributes").write_text("*.txt diff=spaced\n", "utf-8")
    path = _commit(repo, "story.txt", ("\n".join(STORY) + "\n").encode())
    path.write_bytes(("\n".join(EDITED) + "\n").encode())
    assert _lines_reported(cli, "story.txt", *SPACE, "--diff", "HEAD") == [3]


# --- class 7: suppression comments, baselines, the fix diff and score --------------------------

COMMENTED = ["Blinken met his counterpart , Qin Gang.", "<!-- tqcheck-disable-next-line space-before-punctuation -->",
             "They spoke for hours , in a villa.", "Blinken left , later."]


@pytest.mark.parametrize("suffix", [".md", ".txt"])
@pytest.mark.parametrize("ends", [
    ["\r", "\r", "\r", "\r"],
    ["\n", "\r", "\n", "\n"],  # the comment's line ends in a bare CR, the rest in LF
    ["\r\n", "\r\n", "\r", "\n"],  # the silenced line ends in a bare CR: the next LF is a line further
    ["\r", "\r\n", "\r", ""],
])
def test_disable_next_line_silences_the_next_line_whatever_the_line_ends(cli, tmp_path, suffix, ends):
    path = tmp_path / f"a{suffix}"
    path.write_bytes(_join(COMMENTED, ends).encode())
    assert _lines_reported(cli, path, *SPACE) == [1, 4]


def test_an_unused_next_line_comment_in_a_bare_cr_file_is_reported_on_its_line(cli, tmp_path):
    path = tmp_path / "a.md"
    path.write_bytes("Fine.\r<!-- tqcheck-disable-next-line space-before-punctuation -->\rAlso fine.\r".encode())
    code, out, err = cli("check", path, "--no-model", "--lang", "en", "-f", "json", "--fail-on", "never",
                         "--no-cache", "--rule", "space-before-punctuation", "--rule", "unused-suppression")
    assert code == 0, err
    found = [(f["rule"], f["line"], f["column"]) for r in json.loads(out)["files"] for f in r["findings"]]
    assert found == [("unused-suppression", 2, 1)]


@pytest.mark.parametrize("checkout", ["\n", "\r"])
def test_a_baseline_written_from_a_crlf_checkout_holds_with_other_line_ends(cli, tmp_path, checkout):
    # A doubled word across a line break: its flagged text holds the break (git's autocrlf gives each
    # platform its own line ends).
    lines = ["He said that the", "the talks went well , then left.", "Nothing else."]
    path = tmp_path / "a.txt"
    path.write_bytes("\r\n".join(lines).encode())
    base = tmp_path / "baseline.json"
    code, out, err = cli("check", path, "--no-model", "--lang", "en", "-f", "json", "--fail-on", "never",
                         "--no-cache", "--write-baseline", base)
    assert code == 0, err
    rules = sorted(f["rule"] for r in json.loads(out)["files"] for f in r["findings"])
    assert "doubled-word" in rules
    path.write_bytes(checkout.join(lines).encode())
    assert _lines_reported(cli, path, "--baseline", base) == []


def test_fix_diff_of_a_bare_cr_file_ends_its_lines_without_a_missing_newline_mark(cli, tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes("First line.\rThey spoke for hours , in a villa.\rLast line.\r".encode())
    code, out, err = cli("fix", path, "-o", tmp_path / "b.txt", "--no-model", "--lang", "en", *SPACE)
    assert code == 0, err
    assert "No newline at end of file" not in out
    # (Click's test runner reads CR LF back as LF: the rows' own CRs are checked on the diff itself.)
    assert out.split("\n")[2:] == ["@@ -1,3 +1,3 @@", " First line.", "-They spoke for hours , in a villa.",
                                   "+They spoke for hours, in a villa.", " Last line.", ""]
    assert unified_diff("a\rb , c\rd", "a\rb, c\rd", "x").split("\n")[2:] == [
        "@@ -1,3 +1,3 @@", " a\r", "-b , c\r", "+b, c\r", " d", "\\ No newline at end of file", ""]
    assert (tmp_path / "b.txt").read_bytes() == b"First line.\rThey spoke for hours, in a villa.\rLast line.\r"


@pytest.mark.parametrize("hyp_end", ["\r", "\r\n"])
def test_score_counts_the_lines_tqcheck_counts(cli, tmp_path, hyp_end):
    hyp_lines = ["The talks went well.", "Blinken left on Monday.", "They met in Beijing."]
    ref_lines = ["The talks went well.", "Blinken left on Sunday.", "They met in Beijing."]
    hyp, ref = tmp_path / "hyp.txt", tmp_path / "ref.txt"
    hyp.write_bytes(hyp_end.join(hyp_lines).encode() + hyp_end.encode())
    ref.write_text("\n".join(ref_lines) + "\n", "utf-8")
    code, out, err = cli("score", hyp, "--ref", ref, "--lang", "en", "-f", "json")
    assert code == 0, err
    sentences = json.loads(out)["sentences"]
    assert len(sentences) == len(ref_lines)
    assert all("\r" not in s["hyp"] for s in sentences)


# --- class 10: suppression matching is linear ----------------------------------------------------

def _work(directives: int, findings: int = 200) -> tuple[int, list[str]]:
    """Lines of tqcheck/suppress.py run while matching ``findings`` findings against a text of
    ``directives`` comments of each kind (none naming the findings' rule), and what was left unused."""
    import tqcheck.suppress as suppress

    text = "<!-- tqcheck-disable-file doubled-space -->\n" + "".join(
        f"<!-- tqcheck-disable-next-line doubled-space -->\nLine {i} , here.\n"
        f"<!-- tqcheck-disable doubled-space -->\nLine {i}  two.\n<!-- tqcheck-enable doubled-space -->\n"
        for i in range(directives))
    # One finding per line, the file's first lines first; the findings of the last line are silenced.
    last = text.rindex("Line")
    marks = [_finding("space-before-punctuation", text.index(",", text.index(f"Line {i} ,")))
             for i in range(min(findings, directives))]
    marks += [_finding("doubled-space", last), _finding("space-before-punctuation", 0)]
    sup = parse_inline(text)
    count = [0]
    source = suppress.__file__

    def tracer(frame, event, arg):
        if frame.f_code.co_filename == source:
            if event == "line":
                count[0] += 1
            return tracer
        return None

    sys.settrace(tracer)
    try:
        hits = [sup.suppressed(f) for f in marks]
    finally:
        sys.settrace(None)
    assert hits == [False] * (len(marks) - 2) + [True, False]
    return count[0], [d.comment for d in sup.unused()]


def _finding(rule: str, start: int) -> Finding:
    return Finding(rule, start, start + 1, "m", Category.TYPOGRAPHY, Severity.WARNING)


def test_suppression_matching_does_not_grow_with_the_number_of_comments():
    # Counted, not timed: the work of matching 200 findings, with 10 times as many comments.
    small, unused_small = _work(200)
    large, unused_large = _work(2000)
    assert large < 1.5 * small, (small, large)
    # Every comment but the two that silenced the last line's doubled space stays unused.
    assert len(unused_small) == 2 * 200 + 1 - 2 and len(unused_large) == 2 * 2000 + 1 - 2
    assert "tqcheck-disable-file doubled-space" not in unused_large


@pytest.mark.parametrize("ends", [["\r"] * 4, ["\r\n", "\r", "\n", "\r"]])
def test_html_fix_view_has_a_row_per_line_of_a_cr_file(ends):
    from tqcheck.context import Context
    from tqcheck.document import Document
    from tqcheck.engine import Engine
    from tqcheck.render.html import diff_view

    text = _join(["First line.", "They met , then left.", "Third line.", "Blinken left , later."], ends)
    doc = Document.from_text(text, lang="en")
    findings = Engine(Context(use_model=False), only=["space-before-punctuation"]).run([doc]).files[0].findings
    view = diff_view(text, list(enumerate(findings)), 0.7)
    assert [r["changed"] for r in view["rows"]] == [False, True, False, True]
    assert [p["text"] for p in view["rows"][2]["inline"]] == ["Third line." + ends[2]]
