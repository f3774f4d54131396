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
