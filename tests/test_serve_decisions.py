"""Decisions that stick (#28): an editor's accept or reject of a finding is kept in a review record
beside the files, survives a reload (a new app over the same PATH), shows in the desk's downloads, and
every hostile request on the record is refused with the reason.

Model-free (use_model=False), through the ASGI test client; the browser session is in
tests/test_serve_browser.py.
"""
from __future__ import annotations

import json

import pytest

pytest.importorskip("starlette", reason="tqcheck serve needs starlette (pip install -e .)")
pytest.importorskip("httpx", reason="the ASGI test client needs httpx (pip install -e '.[test]')")

from starlette.testclient import TestClient  # noqa: E402

from tqcheck.serve.app import create_app  # noqa: E402
from tqcheck.serve.files import Workspace  # noqa: E402

from .conftest import ROOT, SEED  # noqa: E402

STORY = "wire/story.txt"


@pytest.fixture
def root(tmp_path):
    articles = tmp_path / "desk"
    (articles / "wire").mkdir(parents=True)
    (articles / STORY).write_text(SEED.read_text("utf-8"), "utf-8")
    (articles / "notes.md").write_text("# Notes\n\nQin Gang met Blinken.\n", "utf-8")
    (articles / "strings.po").write_text('msgid "a"\nmsgstr "b"\n', "utf-8")
    secret = tmp_path / "secret.txt"
    secret.write_text("not for the desk\n", "utf-8")
    (articles / "escape.txt").symlink_to(secret)
    return articles


def client_for(desk, root):
    return TestClient(create_app(desk, Workspace.open(root)), base_url="http://127.0.0.1:8765")


@pytest.fixture
def client(desk, root):
    return client_for(desk, root)


def findings_of(client, text):
    r = client.post("/api/check", json={"text": text, "name": STORY, "use_model": False})
    assert r.status_code == 200, r.text
    return r.json()["files"][0]["findings"]


def refused(response, status, words):
    assert response.status_code == status, response.text
    assert words in response.json()["error"]
    assert "Traceback" not in response.text


def test_a_rejection_is_kept_across_a_reload_and_returned(desk, root, client):
    qing = next(f for f in findings_of(client, (root / STORY).read_text("utf-8")) if f["text"] == "Qing Gang")
    assert client.get("/api/decisions", params={"path": STORY}).json()["decisions"] == {}

    r = client.post("/api/decisions", json={"path": STORY, "fingerprint": qing["fingerprint"],
                                            "decision": "rejected", "reason": "his own spelling in this story"})
    assert r.status_code == 200, r.text
    kept = r.json()["decisions"][qing["fingerprint"]]
    assert kept["decision"] == "rejected" and kept["reason"] == "his own spelling in this story" and kept["by"]

    # A reload, or the desk started again over the same PATH: the rejection is still there.
    again = client_for(desk, root).get("/api/decisions", params={"path": STORY}).json()
    assert again["decisions"][qing["fingerprint"]]["decision"] == "rejected" and again["warnings"] == []
    # Beside the files, in a dot-folder: never listed, never served.
    record = root / ".tqcheck-review" / "wire%2Fstory.txt.json"
    assert json.loads(record.read_text("utf-8"))["file"] == STORY
    assert all(".tqcheck-review" not in name for name in client.get("/api/files").json()["files"])
    assert client.get("/api/file", params={"path": ".tqcheck-review/wire%2Fstory.txt.json"}).status_code == 403

    # "open" forgets it; the other file's record is its own.
    client.post("/api/decisions", json={"path": STORY, "fingerprint": qing["fingerprint"], "decision": "open"})
    assert client.get("/api/decisions", params={"path": STORY}).json()["decisions"] == {}
    assert client.get("/api/decisions", params={"path": "notes.md"}).json()["decisions"] == {}


@pytest.mark.parametrize("body, words", [
    ({"path": STORY, "fingerprint": "../../etc/passwd", "decision": "rejected"}, "'fingerprint'"),
    ({"path": STORY, "fingerprint": "ABCDEF0123456789", "decision": "rejected"}, "'fingerprint'"),
    ({"path": STORY, "fingerprint": 12, "decision": "rejected"}, "'fingerprint'"),
    ({"path": STORY, "fingerprint": "0123456789abcdef", "decision": "deleted"}, "'decision' must be one of"),
    ({"path": STORY, "fingerprint": "0123456789abcdef", "decision": ["rejected"]}, "'decision' must be one of"),
    ({"path": STORY, "fingerprint": "0123456789abcdef", "decision": "rejected", "reason": 5}, "'reason'"),
    ({"path": STORY, "fingerprint": "0123456789abcdef", "decision": "rejected", "reason": "x" * 501}, "'reason'"),
    ({"path": STORY, "fingerprint": "0123456789abcdef", "decision": "rejected", "reason": "a\x00b"}, "NUL"),
    ({"path": STORY, "fingerprint": "0123456789abcdef", "decision": "rejected", "reason": "\ud800"}, "Unicode"),
    ({"path": STORY, "fingerprint": "0123456789abcdef", "decision": "rejected", "by": "mallory"}, "unknown field"),
])
def test_hostile_decisions_are_refused_with_the_reason(client, root, body, words):
    # Sent as the bytes a client wrote (json.dumps escapes a lone surrogate, as a hostile page could).
    r = client.post("/api/decisions", content=json.dumps(body), headers={"content-type": "application/json"})
    refused(r, 400, words)
    assert not (root / ".tqcheck-review").exists()  # nothing written for a refused request


@pytest.mark.parametrize("path, status", [
    ("../secret.txt", 403), ("/etc/passwd", 403), ("escape.txt", 403), ("strings.po", 403),
    (".tqcheck-review/wire%2Fstory.txt.json", 403), ("wire/missing.txt", 404), (None, 403), ("", 403),
])
def test_a_record_for_a_file_the_desk_does_not_list_is_refused(client, root, path, status):
    body = {"fingerprint": "0123456789abcdef", "decision": "rejected"}
    if path is not None:
        body["path"] = path
    for r in (client.post("/api/decisions", json=body),
              client.get("/api/decisions", params={} if path is None else {"path": path})):
        refused(r, status, "")  # the desk's own refusal, with its reason, not a missing route
        assert r.json()["error"]
    assert not (root / ".tqcheck-review").exists()


@pytest.mark.parametrize("damage", [b"{not json", b"\xff\xfe", b'[1, 2]', b'{"version": 9, "decisions": {}}',
                                    b'{"version": 1, "file": "notes.md", "decisions": {}}'])
def test_a_damaged_record_is_ignored_with_a_message_and_kept(client, root, damage):
    folder = root / ".tqcheck-review"
    folder.mkdir()
    (folder / "wire%2Fstory.txt.json").write_bytes(damage)
    r = client.get("/api/decisions", params={"path": STORY})
    assert r.status_code == 200 and r.json()["decisions"] == {}
    assert "ignored" in r.json()["warnings"][0]
    r = client.post("/api/decisions", json={"path": STORY, "fingerprint": "0123456789abcdef", "decision": "rejected"})
    assert r.status_code == 200 and "0123456789abcdef" in r.json()["decisions"]
    assert (folder / "wire%2Fstory.txt.json.bak").read_bytes() == damage  # nothing lost


def test_damaged_entries_are_skipped_and_the_rest_kept(client, root):
    folder = root / ".tqcheck-review"
    folder.mkdir()
    (folder / "wire%2Fstory.txt.json").write_text(json.dumps({"version": 1, "file": STORY, "decisions": {
        "0123456789abcdef": {"decision": "rejected", "by": "ana"}, "nothex": {"decision": "rejected"},
        "fedcba9876543210": {"decision": "maybe"}}}), "utf-8")
    body = client.get("/api/decisions", params={"path": STORY}).json()
    assert list(body["decisions"]) == ["0123456789abcdef"] and "2 damaged" in body["warnings"][0]


def test_a_record_through_a_link_or_a_fifo_is_not_followed(client, root, tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (root / ".tqcheck-review").symlink_to(outside)  # writes through it could land anywhere
    r = client.post("/api/decisions", json={"path": STORY, "fingerprint": "0123456789abcdef", "decision": "rejected"})
    assert r.status_code == 200
    assert list(outside.iterdir()) == []


def test_a_read_only_folder_keeps_the_record_in_the_users_data_folder(client, root, tmp_path, monkeypatch):
    import tqcheck.serve.decisions as decisions

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setattr(decisions.os, "access", lambda *_a, **_k: False)  # the tests run as root
    r = client.post("/api/decisions", json={"path": STORY, "fingerprint": "0123456789abcdef", "decision": "rejected"})
    assert r.status_code == 200, r.text
    assert not (root / ".tqcheck-review").exists()
    assert len(list((tmp_path / "data" / "tqcheck" / "review").glob("*.json"))) == 1
    assert "0123456789abcdef" in client.get("/api/decisions", params={"path": STORY}).json()["decisions"]


def test_the_downloads_show_the_decision_and_a_rejection_is_not_open(client, root):
    jsonschema = pytest.importorskip("jsonschema")
    text = (root / STORY).read_text("utf-8")
    findings = findings_of(client, text)
    qing = next(f for f in findings if f["text"] == "Qing Gang")
    decisions = {qing["fingerprint"]: {"decision": "rejected", "reason": "his spelling", "by": "ana"}}
    body = {"text": text, "name": STORY, "use_model": False, "decisions": decisions}

    report = client.post("/api/check", json=body).json()
    schema = json.loads((ROOT / "docs" / "report-v1.schema.json").read_text("utf-8"))
    jsonschema.validate(report, schema)
    marked = [f for f in report["files"][0]["findings"] if "review" in f]
    assert [f["review"] for f in marked] == [{"decision": "rejected", "reason": "his spelling", "by": "ana"}]
    assert "review" not in json.dumps(findings)  # the check alone never adds it

    page = client.post("/api/check", json={**body, "format": "html"}).text
    assert "1 rejected by the editor" in page and "Rejected by ana" in page
    assert f"{len(findings) - 1} findings" in page  # the rejected one is not counted as open

    for bad in ({"nothex": {"decision": "rejected"}}, {qing["fingerprint"]: "rejected"}, ["x"]):
        refused(client.post("/api/check", json={**body, "decisions": bad}), 400, "")


def test_tqcheck_check_never_writes_a_review(cli):
    _, out, _ = cli("check", SEED, "--no-model", "-f", "json")
    assert all("review" not in f for f in json.loads(out)["files"][0]["findings"])
