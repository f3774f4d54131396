"""Property: ``--diff`` and the line model agree with ``git diff`` on any mix of CR, LF and CRLF.

A random text is committed to a real git repository, some of its lines are rewritten and new ones
inserted, and the lines ``tqcheck.gitdiff`` reports changed (git's hunks, converted through the file's
line index) must be exactly the lines whose text changed, numbered as tqcheck numbers lines (CR, CRLF
and LF each end one).  Every line's text is unique, so the change git finds is the one made.  Each
example costs a commit and four git calls: the bounded profile stays at the suite's few examples.
"""
from __future__ import annotations

import subprocess

import pytest

from tests.test_fuzz import PROFILE_PARAMS, run_property
from tqcheck.gitdiff import ALL_LINES, changed_in, changed_lines
from tqcheck.lines import Lines

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import strategies as st  # noqa: E402

_ENDS = st.sampled_from(["\n", "\r", "\r\n"])
# Anything but a line end or a NUL (which makes the file binary to git); U+2028, \v and \f included:
# they end no line for git or tqcheck.
_WORDS = st.text(st.characters(blacklist_characters="\r\n\x00", blacklist_categories=("Cs",)), max_size=6)


@st.composite
def _edits(draw):
    n = draw(st.integers(1, 10))
    old = [(f"L{i} {draw(_WORDS)}", draw(_ENDS)) for i in range(n)]
    if draw(st.booleans()):
        old[-1] = (old[-1][0], "")  # no line end at the end of the file
    changed = draw(st.sets(st.integers(0, n - 1), max_size=n))
    inserted = draw(st.sets(st.integers(0, n - 1), max_size=3))  # a new line before old line i
    new: list[tuple[str, str, bool]] = []  # text, line end, whether it is new text
    for i, (text, end) in enumerate(old):
        if i in inserted:
            new.append((f"I{i} {draw(_WORDS)}", draw(_ENDS), True))
        new.append((f"C{i} {draw(_WORDS)}", end, True) if i in changed else (text, end, False))
    return old, new


def _git(repo, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args], cwd=repo, check=True,
                   capture_output=True)


@pytest.mark.parametrize("profile", PROFILE_PARAMS)
def test_fuzz_changed_lines_agree_with_git_diff(profile, tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    _git(repo, "config", "core.autocrlf", "false")
    path = repo / "story.txt"

    def prop(example):
        old, new = example
        path.write_bytes("".join(t + e for t, e in old).encode("utf-8"))
        _git(repo, "add", "story.txt")
        _git(repo, "commit", "-q", "--allow-empty", "-m", "x")
        text = "".join(t + e for t, e, _ in new)
        path.write_bytes(text.encode("utf-8"))
        hunks = changed_lines([str(path)], "HEAD")[str(path)]
        assert hunks is not ALL_LINES
        expected = {n for n, (_, _, edited) in enumerate(new, 1) if edited}
        assert changed_in(hunks, Lines(text)) == expected, (old, new, hunks)

    run_property("changed lines agree with git diff", profile, _edits(), prop)
