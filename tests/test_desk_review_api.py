"""The desk's review endpoints added for #28, over HTTP without a browser: every request body they read
is checked, and what they write is what the editor asked for."""
from __future__ import annotations

import json

import pytest

pytest.importorskip("httpx", reason="Starlette's test client needs httpx")


@pytest.fixture
def folder(tmp_path):
    root = tmp_path / "desk"
    root.mkdir()
    (root / "story.txt").write_text("Qin Gang met Antony Blinken in Beijing on Sunday.\n", "utf-8")
    return root


@pytest.fixture
def client(desk, folder):
    from starlette.testclient import TestClient

    from tqcheck.serve.app import create_app
    from tqcheck.serve.files import Workspace

    return TestClient(create_app(desk, workspace=Workspace.open(folder)), base_url="http://127.0.0.1")


@pytest.mark.parametrize("body, words", [
    ({"rule": "no-such-rule", "scope": "file", "path": "story.txt"}, "'rule' must be the id"),
    ({"rule": ["doubled-space"], "scope": "file", "path": "story.txt"}, "'rule' must be the id"),
    ({"rule": "doubled-space", "scope": "everywhere"}, "'scope' must be"),
    ({"rule": "doubled-space", "scope": "file", "path": "story.txt", "ignore": "yes"}, "'ignore' must be"),
    ({"rule": "doubled-space", "scope": "file", "path": "story.txt", "extra": 1}, "unknown field(s): extra"),
    ({"rule": "doubled-space", "scope": "folder", "ignore": False}, "editing that file"),
])
def test_ignoring_a_rule_refuses_a_malformed_request_with_its_reason(client, folder, body, words):
    r = client.post("/api/ignore", json=body)
    assert r.status_code == 400 and words in r.json()["error"]
    assert not (folder / "tqcheck.toml").exists() and not (folder / ".tqcheck-review").exists()


def test_ignoring_a_rule_refuses_a_file_outside_the_folder(client, folder):
    r = client.post("/api/ignore", json={"rule": "doubled-space", "scope": "file", "path": "../story.txt"})
    assert r.status_code in (403, 404)
    assert not (folder / ".tqcheck-review").exists()


def test_ignoring_a_rule_for_the_folder_keeps_the_rest_of_its_config(client, folder, desk):
    (folder / "tqcheck.toml").write_text('lang = "en"\n\n[rules]\ndoubled-space = "error"\n\n[glossary]\n"Qin Gang" = ["Qing Gang"]\n',
                                         "utf-8")
    try:
        r = client.post("/api/ignore", json={"rule": "doubled-space", "scope": "folder"})
        assert r.status_code == 200 and r.json()["config"] == "tqcheck.toml"
        from tqcheck.config import load_config

        cfg = load_config(folder / "tqcheck.toml")
        assert cfg.rules == {"doubled-space": "off"} and cfg.glossary == {"Qin Gang": ["Qing Gang"]} and cfg.lang == "en"
        # The desk's own checks no longer run it.
        checked = client.post("/api/check", json={"text": "Two  spaces here.\n"}).json()
        assert not [f for f in checked["files"][0]["findings"] if f["rule"] == "doubled-space"]
    finally:
        desk.config.rules.pop("doubled-space", None)


def test_a_file_record_with_an_ignored_rule_reads_back(client, folder):
    r = client.post("/api/ignore", json={"rule": "doubled-space", "scope": "file", "path": "story.txt"})
    assert r.status_code == 200 and r.json()["ignored_rules"] == ["doubled-space"]
    assert client.get("/api/decisions?path=story.txt").json()["ignored_rules"] == ["doubled-space"]
    record = json.loads((folder / ".tqcheck-review" / "story.txt.json").read_text("utf-8"))
    assert record["ignored_rules"] == ["doubled-space"] and record["version"] == 1


def test_a_rule_ignored_for_one_file_in_the_desk_is_ignored_there_by_check_too(client, folder, cli):
    (folder / "other.txt").write_text("Two  spaces here.\n", "utf-8")
    (folder / "story.txt").write_text("Two  spaces there.\n", "utf-8")
    (folder / "tqcheck.toml").write_text('lang = "en"\n', "utf-8")

    def flagged():
        code, out, _ = cli("check", folder, "--no-model", "--no-cache", "--rule", "doubled-space", "-f", "json",
                           "--config", folder / "tqcheck.toml", "--fail-on", "never")
        return sorted(r["path"].rsplit("/", 1)[-1] for r in json.loads(out)["files"] for _ in r["findings"])

    assert flagged() == ["other.txt", "story.txt"]
    r = client.post("/api/ignore", json={"rule": "doubled-space", "scope": "file", "path": "story.txt"})
    assert r.status_code == 200 and r.json()["warnings"] == []
    assert (folder / "tqcheck.toml").read_text("utf-8").startswith('lang = "en"\n')
    assert flagged() == ["other.txt"]
    r = client.post("/api/ignore", json={"rule": "doubled-space", "scope": "file", "path": "story.txt",
                                         "ignore": False})
    assert r.status_code == 200 and r.json()["ignored_rules"] == []
    assert flagged() == ["other.txt", "story.txt"]


@pytest.mark.parametrize("name, status, words", [
    ("story.txt", 409, "already there"),
    (".git/config.txt", 403, "not a name the desk can save to"),
    ("../outside.txt", 403, "not a name the desk can save to"),
    ("run.sh", 403, "not a name the desk can save to"),
    ("missing/new.txt", 404, "its folder is not there"),
    ("linked/new.txt", 403, "its folder is a link"),
])
def test_save_as_writes_only_a_new_text_file_under_the_folder(client, folder, tmp_path, name, status, words):
    outside = tmp_path / "outside"
    outside.mkdir()
    (folder / "linked").symlink_to(outside)
    r = client.post("/api/save", json={"path": name, "text": "Mine.\n", "new": True})
    assert r.status_code == status and words in r.json()["error"]
    assert (folder / "story.txt").read_text("utf-8").startswith("Qin Gang") and not list(outside.iterdir())


def test_save_as_and_keep_mine(client, folder):
    r = client.post("/api/save", json={"path": "story-mine.txt", "text": "Mine.\n", "new": True})
    assert r.status_code == 200 and (folder / "story-mine.txt").read_text("utf-8") == "Mine.\n"
    opened = client.get("/api/file?path=story.txt").json()
    (folder / "story.txt").write_text("Theirs.\n", "utf-8")
    stale = {"path": "story.txt", "text": "Mine again.\n", "sha256": opened["sha256"]}
    r = client.post("/api/save", json=stale)
    assert r.status_code == 409 and "keep yours" in r.json()["error"]
    r = client.post("/api/save", json={**stale, "overwrite": "yes"})
    assert r.status_code == 400
    r = client.post("/api/save", json={**stale, "overwrite": True})
    assert r.status_code == 200 and (folder / "story.txt").read_text("utf-8") == "Mine again.\n"
    assert (folder / r.json()["backup"]).read_text("utf-8") == "Theirs.\n"


@pytest.mark.parametrize("body, words", [
    ({"text": "b\n", "format": "diff"}, "'original' is required"),
    ({"original": "a\n", "text": "b\n", "format": "pdf"}, "'format' must be"),
    ({"original": "a\n", "text": "b\x00\n", "format": "diff"}, "NUL"),
    ({"original": "a\n", "text": "b\n", "format": "diff", "name": "a\nb"}, "'name' must be"),
    ({"original": "a\n", "text": "b\n", "format": "diff", "extra": 1}, "unknown field(s)"),
])
def test_tracked_changes_refuse_a_malformed_request(client, body, words):
    r = client.post("/api/changes", json=body)
    assert r.status_code == 400 and words in r.json()["error"]


def test_tracked_changes_as_a_diff_and_a_page(client):
    original, edited = "Qing Gang met Blinken .\n\nTalks went on.\n", "Qin Gang met Blinken.\n\nTalks went on.\n"
    diff = client.post("/api/changes", json={"original": original, "text": edited, "name": "story.txt", "format": "diff"})
    assert diff.status_code == 200 and diff.text.splitlines()[2:5] == [
        "@@ -1,3 +1,3 @@", "-Qing Gang met Blinken .", "+Qin Gang met Blinken."]
    page = client.post("/api/changes", json={"original": original, "text": edited, "name": "story.txt", "lang": "en",
                                             "format": "html"})
    assert page.status_code == 200 and "<del>Qing</del><ins>Qin</ins>" in page.text and "<script" not in page.text
