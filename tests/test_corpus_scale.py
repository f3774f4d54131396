"""Content-repository scale: the incremental cache, worker processes and pull-request mode (--diff)."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

# The corpus rule's own example: two files agree on "Xia Liyan", a third writes "Hsia Liyan".
STORIES = {
    "a.txt": "Xia Liyan arrived in Beijing on Wednesday. Xia Liyan met officials.\n",
    "b.txt": "Xia Liyan spoke in Shanghai on Thursday. Xia Liyan praised the talks.\n",
    "c.txt": "Hsia Liyan returned to Taipei on Friday. Hsia Liyan thanked his hosts , then left.\n",
}


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "content"
    folder.mkdir()
    for name, text in STORIES.items():
        (folder / name).write_text(text, "utf-8")
    return folder


def _run(cli, *args):
    code, out, err = cli("check", *args, "--no-model", "--lang", "en", "-f", "json", "--fail-on", "never")
    assert code == 0, err
    data = json.loads(out)
    return data, err


def _findings(data):
    return sorted((Path(r["path"]).name, f["rule"], f["start"], f["end"], tuple(f["suggestions"]))
                  for r in data["files"] for f in r["findings"])


def test_a_second_run_over_an_unchanged_corpus_comes_from_the_cache(cli, corpus, tmp_path):
    cache = tmp_path / "cache"
    first, _ = _run(cli, corpus, "--cache-dir", cache)
    second, _ = _run(cli, corpus, "--cache-dir", cache)
    assert first["meta"]["cache"] == {"hits": 0, "misses": 3}
    assert second["meta"]["cache"] == {"hits": 3, "misses": 0}
    assert _findings(first) == _findings(second)
    assert ("c.txt", "name-variant-corpus", 0, 10, ("Xia Liyan",)) in _findings(second)
    first.pop("meta"), second.pop("meta")
    assert first == second  # the whole JSON contract, names ledger included


def test_changing_one_file_rechecks_that_file_alone_and_the_corpus_step(cli, corpus, tmp_path):
    cache = tmp_path / "cache"
    _run(cli, corpus, "--cache-dir", cache)
    (corpus / "c.txt").write_text(STORIES["c.txt"].replace("Hsia", "Xia"), "utf-8")
    data, _ = _run(cli, corpus, "--cache-dir", cache)
    assert data["meta"]["cache"] == {"hits": 2, "misses": 1}
    # The reduce step ran again over the cached summaries: the corpus finding is gone.
    assert not [f for f in _findings(data) if f[1] == "name-variant-corpus"]
    fresh, _ = _run(cli, corpus, "--no-cache")
    assert _findings(fresh) == _findings(data)


def test_a_change_of_configuration_is_a_change_of_key(cli, corpus, tmp_path):
    cache = tmp_path / "cache"
    _run(cli, corpus, "--cache-dir", cache)
    config = tmp_path / "tqcheck.toml"
    config.write_text('[rules]\nspace-before-punctuation = "error"\n', "utf-8")
    data, _ = _run(cli, corpus, "--cache-dir", cache, "--config", config)
    assert data["meta"]["cache"] == {"hits": 0, "misses": 3}
    assert any(f["severity"] == "error" for r in data["files"] for f in r["findings"])


def test_a_damaged_cache_entry_is_rebuilt_with_a_message(cli, corpus, tmp_path):
    cache = tmp_path / "cache"
    first, _ = _run(cli, corpus, "--cache-dir", cache)
    entries = sorted(cache.rglob("*.json"))
    assert len(entries) == 3
    entries[0].write_text('{"version": 1, "findings": [{"rule": ', "utf-8")  # cut short
    entries[1].write_text(json.dumps({"version": 1, "path": "x"}), "utf-8")  # another shape
    data, err = _run(cli, corpus, "--cache-dir", cache)
    assert err.count("is damaged") == 2
    assert data["meta"]["cache"] == {"hits": 1, "misses": 2}
    assert _findings(data) == _findings(first)
    again, err = _run(cli, corpus, "--cache-dir", cache)
    assert "damaged" not in err and again["meta"]["cache"] == {"hits": 3, "misses": 0}


def test_a_cache_folder_that_cannot_be_written_turns_the_cache_off_with_a_message(cli, corpus, tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder would go\n", "utf-8")
    data, err = _run(cli, corpus, "--cache-dir", blocked)
    assert "caching is off for this run" in err and "Traceback" not in err
    assert ("c.txt", "name-variant-corpus", 0, 10, ("Xia Liyan",)) in _findings(data)


def test_worker_processes_give_the_findings_of_one_process(cli, tmp_path):
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(8):
        for name, text in STORIES.items():
            (folder / f"{i}-{name}").write_text(text.replace("Beijing", f"Beijing {i}"), "utf-8")
    one, _ = _run(cli, folder, "--no-cache", "--jobs", "1")
    two, _ = _run(cli, folder, "--no-cache", "--jobs", "2")
    one.pop("meta"), two.pop("meta")
    assert one == two and len(one["files"]) == 24
    assert sum(f["rule"] == "name-variant-corpus" for r in one["files"] for f in r["findings"]) == 16


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args], cwd=repo, check=True,
                   capture_output=True)


@pytest.fixture
def repo(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    (repo / "story.txt").write_text("First line is fine.\nSecond line has a stray space , here.\n"
                                    "Third line is fine.\n", "utf-8")
    _git(repo, "add", "story.txt")
    _git(repo, "commit", "-q", "-m", "story")
    return repo


def test_diff_reports_only_findings_on_changed_lines(cli, repo, monkeypatch):
    monkeypatch.chdir(repo)
    (repo / "story.txt").write_text("First line is fine.\nSecond line has a stray space , here.\n"
                                    "Third line now has one too , here.\n", "utf-8")
    full, _ = _run(cli, "story.txt", "--no-cache")
    assert sorted(f["line"] for r in full["files"] for f in r["findings"]) == [2, 3]
    narrowed, _ = _run(cli, "story.txt", "--no-cache", "--diff", "HEAD")
    assert [f["line"] for r in narrowed["files"] for f in r["findings"]] == [3]
    code, out, err = cli("check", "story.txt", "--no-model", "--lang", "en", "--diff", "HEAD", "-f", "github")
    assert out.count("::warning") == 1 and "line=3" in out


def test_diff_counts_a_new_file_as_changed_throughout(cli, repo, monkeypatch):
    monkeypatch.chdir(repo)
    (repo / "new.txt").write_text("A new story , with a stray space.\n", "utf-8")
    data, _ = _run(cli, "new.txt", "--no-cache", "--diff", "HEAD")
    assert [f["rule"] for r in data["files"] for f in r["findings"]] == ["space-before-punctuation"]


@pytest.mark.parametrize("where,ref,message", [
    ("repo", "no-such-branch", "no commit 'no-such-branch'"),
    ("plain", "HEAD", "is not inside a git repository"),
])
def test_diff_with_a_bad_ref_or_outside_git_is_a_clear_error(cli, repo, tmp_path, monkeypatch, where, ref, message):
    folder = repo if where == "repo" else tmp_path / "plain"
    folder.mkdir(exist_ok=True)
    (folder / "story.txt").write_text("A line , with a space.\n", "utf-8")
    monkeypatch.chdir(folder)
    code, out, err = cli("check", "story.txt", "--no-model", "--lang", "en", "--diff", ref)
    assert code == 2 and message in err and "Traceback" not in err and out == ""


def test_the_names_ledger_of_a_corpus_comes_from_the_cached_files(cli, corpus, tmp_path, monkeypatch):
    monkeypatch.setenv("TQCHECK_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("TQCHECK_CACHE", "on")
    runs = []
    for _ in range(2):
        code, out, err = cli("names", corpus, "--no-model", "--lang", "en", "--json")
        assert code == 0, err
        runs.append(json.loads(out)["entities"])
    assert runs[0] == runs[1]
    xia = next(e for e in runs[1] if e["entity"] == "Xia Liyan")
    assert {s["spelling"]: len(s["files"]) for s in xia["spellings"]} == {"Xia Liyan": 2, "Hsia Liyan": 1}
    assert len(list((tmp_path / "cache").rglob("*.json"))) == 3
