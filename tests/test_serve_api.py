"""`tqcheck serve`'s API through the ASGI test client: the same answers as the command line, and every
hostile request refused with the right status, a message and no traceback.

These run the model-free checks (the desk is built with use_model=False); the page in a real browser
with the model is tests/test_serve_browser.py.
"""
from __future__ import annotations

import json

import pytest

pytest.importorskip("starlette", reason="tqcheck serve needs starlette (pip install -e .)")
pytest.importorskip("httpx", reason="the ASGI test client needs httpx (pip install -e '.[test]')")

from starlette.testclient import TestClient  # noqa: E402

from tqcheck.serve.app import create_app  # noqa: E402
from tqcheck.serve.desk import Desk  # noqa: E402
from tqcheck.serve.files import Workspace  # noqa: E402

from .conftest import SEED  # noqa: E402
from .test_html_report import HOSTILE  # noqa: E402

LIMIT = 64 * 1024  # a small body limit, so the 413 tests send little


@pytest.fixture
def root(tmp_path):
    """PATH for the desk: two articles in a folder, a secret beside it, and a symlink pointing at the secret."""
    articles = tmp_path / "desk"
    (articles / "wire").mkdir(parents=True)
    (articles / "wire" / "story.txt").write_text(SEED.read_text("utf-8"), "utf-8")
    (articles / "notes.md").write_text("# Notes\n\nQin Gang met Blinken.\n", "utf-8")
    (articles / "strings.po").write_text('msgid "a"\nmsgstr "b"\n', "utf-8")  # for `tqcheck check`, not the desk
    secret = tmp_path / "secret.txt"
    secret.write_text("not for the desk\n", "utf-8")
    (articles / "escape.txt").symlink_to(secret)
    return articles


@pytest.fixture
def client(desk, root):
    return TestClient(create_app(desk, Workspace.open(root), max_body=LIMIT), base_url="http://127.0.0.1:8765")


@pytest.fixture
def big_client(desk):
    """The default body limit (2 MiB), no PATH: room for the whole seed and its options."""
    return TestClient(create_app(desk), base_url="http://127.0.0.1:8765")


def refused(response, status: int, words: str) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert words in body["error"]
    assert "Traceback" not in response.text and 'File "' not in response.text


# --- one code path with the command line ----------------------------------------------------------------

def test_check_returns_the_json_that_tqcheck_check_prints(cli, big_client):
    code, out, _ = cli("check", SEED, "--no-model", "-f", "json")
    from_cli = json.loads(out)
    r = big_client.post("/api/check", json={"text": SEED.read_text("utf-8"), "name": str(SEED), "use_model": False})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    from_api = r.json()
    from_cli.pop("meta", None)  # the command line records its own command
    from_api.pop("meta", None)
    assert from_api == from_cli
    assert "Qing Gang" in [f["text"] for f in from_api["files"][0]["findings"]]


def test_check_renders_any_output_format(big_client):
    text = SEED.read_text("utf-8")
    sarif = big_client.post("/api/check", json={"text": text, "use_model": False, "format": "sarif"})
    assert sarif.status_code == 200
    assert {r["ruleId"] for r in sarif.json()["runs"][0]["results"]} >= {"name-variant", "space-before-punctuation"}
    page = big_client.post("/api/check", json={"text": text, "use_model": False, "format": "html"})
    assert page.headers["content-type"].startswith("text/html")
    assert "Qing Gang" in page.text and "Content-Security-Policy" in page.text


def test_a_source_and_a_reference_give_what_the_command_line_gives(cli, big_client, tmp_path):
    from .pipeline_reports import BILINGUAL_SOURCE, BILINGUAL_TARGET

    target, source, reference = tmp_path / "t.en.txt", tmp_path / "s.zh.txt", tmp_path / "r.en.txt"
    target.write_text(BILINGUAL_TARGET, "utf-8")
    source.write_text(BILINGUAL_SOURCE, "utf-8")
    reference.write_text(BILINGUAL_TARGET.replace("Yining", "Huning").replace("Yanming", "Huning"), "utf-8")
    _, out, _ = cli("check", target, "--source", source, "--reference", reference, "--lang", "en", "--no-model",
                    "-f", "json")
    from_cli = json.loads(out)
    r = big_client.post("/api/check", json={
        "text": BILINGUAL_TARGET, "name": str(target), "lang": "en", "source": BILINGUAL_SOURCE,
        "reference": reference.read_text("utf-8"), "use_model": False})
    assert r.status_code == 200, r.text
    from_api = r.json()
    assert from_api["files"] == from_cli["files"]
    result = from_api["files"][0]
    assert 0 < result["metrics"]["corpus"]["bleu"]["score"] < 100
    assert any(f["rule"].startswith("source-") or f["rule"] == "name-variant" for f in result["findings"])


def test_review_gives_the_report_and_the_file_view_with_its_controls(big_client):
    r = big_client.post("/api/review", json={"text": SEED.read_text("utf-8"), "use_model": False})
    body = r.json()
    findings = body["report"]["files"][0]["findings"]
    html = body["html"]
    assert html.startswith('<section class="file"')
    qing = findings.index(next(f for f in findings if f["text"] == "Qing Gang"))
    assert f'data-id="{qing}"' in html and f'data-fp="{findings[qing]["fingerprint"]}"' in html
    assert html.count('data-act="accept"') == sum(len(f.get("fixes", [])[:5]) for f in findings)
    assert html.count('data-act="reject"') == len(findings)
    assert 'data-act="spell" data-entity=' in html and 'data-spelling="Qin Gang"' in html


def test_a_quick_review_without_the_model_is_the_full_check(big_client):
    body = {"text": SEED.read_text("utf-8"), "use_model": False}
    full = big_client.post("/api/review", json=body).json()
    quick = big_client.post("/api/review", json={**body, "quick": True}).json()
    assert quick["pending"] == [] and quick["report"] == full["report"]
    refused(big_client.post("/api/review", json={**body, "quick": "yes"}), 400, "'quick' must be true or false")


def test_rules_lists_what_tqcheck_rules_json_lists(cli, client):
    _, out, _ = cli("rules", "--json")
    assert client.get("/api/rules").json() == json.loads(out)


def test_healthz(client):
    body = client.get("/healthz").json()
    assert body["status"] == "ok" and body["model"] is None and body["files"] is True


# --- fixing ----------------------------------------------------------------------------------------------

def test_fix_applies_an_accepted_suggestion_and_skips_a_stale_one(client):
    text = "Blinken met his counterpart , Qing Gang, in Beijing.\n"
    at = text.index("Qing Gang")
    accept = {"start": at, "end": at + 9, "text": "Qing Gang", "replacement": "Qin Gang"}
    r = client.post("/api/fix", json={"text": text, "edits": [accept]}).json()
    assert r["text"] == "Blinken met his counterpart , Qin Gang, in Beijing.\n"
    assert [e["replacement"] for e in r["applied"]] == ["Qin Gang"] and r["skipped"] == []
    stale = {**accept, "start": at + 1, "end": at + 10}  # the text moved since the check
    r = client.post("/api/fix", json={"text": text, "edits": [stale]}).json()
    assert r["text"] == text and r["applied"] == [] and len(r["skipped"]) == 1


def test_fix_without_edits_is_tqcheck_fix(cli, big_client, tmp_path):
    out = tmp_path / "fixed.txt"
    cli("fix", SEED, "-o", out, "--no-model")
    r = big_client.post("/api/fix", json={"text": SEED.read_text("utf-8"), "use_model": False}).json()
    assert r["text"] == out.read_text("utf-8")
    assert "counterpart, Qin Gang." in r["text"] and r["diff"].startswith("--- a/text")


def test_fix_confidence_is_the_bar_and_min_confidence_its_earlier_name(big_client):
    text = "The talks  ended, and the the minister left.\n"  # doubled space at 1.0, doubled word at 0.9
    strict = {"text": text, "use_model": False, "fix_confidence": 0.95}
    assert big_client.post("/api/fix", json=strict).json()["text"] == "The talks ended, and the the minister left.\n"
    earlier = {"text": text, "use_model": False, "min_confidence": 0.95}
    assert big_client.post("/api/fix", json=earlier).json()["text"] == "The talks ended, and the the minister left.\n"
    both = big_client.post("/api/fix", json={**strict, "min_confidence": 0.5})
    assert both.status_code == 400 and "not both" in both.json()["error"]


def test_fix_says_why_each_suggestion_it_left_was_not_applied(client, big_client):
    text = "The talks  ended, and the the minister left.\n"  # doubled space at 1.0, doubled word at 0.9
    r = big_client.post("/api/fix", json={"text": text, "use_model": False, "fix_confidence": 0.95}).json()
    assert [(e["text"], e["replacement"]) for e in r["applied"]] == [("  ", " ")]
    assert [(e["text"], e["why"]) for e in r["skipped"]] == [("the the", "below the fix confidence 0.95")]
    at = text.index("the the")
    stale = {"start": at + 1, "end": at + 8, "text": "the the", "replacement": "the"}
    r = client.post("/api/fix", json={"text": text, "edits": [stale]}).json()
    assert r["skipped"][0]["why"] == "the text there has changed since the check"


# --- files under PATH ------------------------------------------------------------------------------------

def test_files_lists_the_prose_files_under_path_and_no_symlink_out(client):
    assert client.get("/api/files").json()["files"] == ["notes.md", "wire/story.txt"]


def test_open_a_file(client, root):
    r = client.get("/api/file", params={"path": "wire/story.txt"}).json()
    assert r["text"] == (root / "wire" / "story.txt").read_text("utf-8") and len(r["sha256"]) == 64


@pytest.mark.parametrize("name, status, words", [
    ("../secret.txt", 403, "without '..'"),
    ("wire/../../secret.txt", 403, "without '..'"),
    ("/etc/passwd", 403, "relative to PATH"),
    ("escape.txt", 403, "outside PATH"),  # a symlink to a file outside
    ("wire", 403, "not a file the desk lists"),  # a folder: not a text file name
    ("missing.txt", 404, "no such file"),
    ("wire\\story.txt", 403, "not a file name"),
    ("C:/Windows/win.ini", 403, "relative to PATH"),
])
def test_paths_outside_path_are_refused(client, name, status, words):
    refused(client.get("/api/file", params={"path": name}), status, words)
    refused(client.post("/api/save", json={"path": name, "text": "overwritten"}), status, words)


def test_path_traversal_never_reaches_the_file_outside(client, root):
    secret = root.parent / "secret.txt"
    for name in ("../secret.txt", str(secret), "escape.txt"):
        client.post("/api/save", json={"path": name, "text": "overwritten"})
    assert secret.read_text("utf-8") == "not for the desk\n"
    assert (root / "escape.txt").is_symlink()


def test_without_path_there_are_no_files(big_client):
    refused(big_client.get("/api/files"), 404, "without PATH")
    refused(big_client.get("/api/file", params={"path": "x.txt"}), 404, "without PATH")


def test_save_is_atomic_keeps_one_backup_and_writes_nothing_else(client, root):
    story = root / "wire" / "story.txt"
    original = story.read_text("utf-8")
    before = sorted(p.name for p in root.rglob("*"))
    opened = client.get("/api/file", params={"path": "wire/story.txt"}).json()
    edited = original.replace("Qing Gang", "Qin Gang")
    r = client.post("/api/save", json={"path": "wire/story.txt", "text": edited, "sha256": opened["sha256"]})
    assert r.status_code == 200, r.text
    assert r.json()["backup"] == "wire/story.txt.bak"
    assert story.read_text("utf-8") == edited
    assert (root / "wire" / "story.txt.bak").read_text("utf-8") == original
    # A second save keeps the backup of the text as it was before the desk touched it.
    again = client.post("/api/save", json={"path": "wire/story.txt", "text": edited + "More.\n",
                                           "sha256": r.json()["sha256"]})
    assert again.json()["backup"] == "wire/story.txt.bak"
    assert (root / "wire" / "story.txt.bak").read_text("utf-8") == original
    assert sorted(p.name for p in root.rglob("*")) == sorted(before + ["story.txt.bak"])  # no temp file left


def test_save_refuses_a_file_changed_on_disk(client, root):
    opened = client.get("/api/file", params={"path": "notes.md"}).json()
    (root / "notes.md").write_text("someone else's edit\n", "utf-8")
    refused(client.post("/api/save", json={"path": "notes.md", "text": "mine", "sha256": opened["sha256"]}),
            409, "changed on disk")
    assert (root / "notes.md").read_text("utf-8") == "someone else's edit\n"
    assert not (root / "notes.md.bak").exists()


def test_a_read_only_file_is_not_saved(client, root):
    notes = root / "notes.md"
    notes.chmod(0o444)
    try:
        refused(client.post("/api/save", json={"path": "notes.md", "text": "mine"}), 403, "read-only")
        assert notes.read_text("utf-8").startswith("# Notes") and not (root / "notes.md.bak").exists()
    finally:
        notes.chmod(0o644)


def test_a_request_that_is_not_a_save_writes_no_file(client, root, tmp_path):
    before = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*") if not p.is_symlink()}
    client.post("/api/check", json={"text": "A text , with a flaw.\n", "name": "wire/story.txt", "use_model": False})
    client.post("/api/fix", json={"text": "A text , with a flaw.\n", "name": "notes.md", "use_model": False})
    client.get("/api/file", params={"path": "notes.md"})
    assert {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*") if not p.is_symlink()} == before


# --- hostile requests ---------------------------------------------------------------------------------------

def test_an_oversized_body_gets_413(client):
    big = json.dumps({"text": "word " * LIMIT})
    refused(client.post("/api/check", content=big, headers={"content-type": "application/json"}), 413, "limit")


def test_an_oversized_body_without_a_length_gets_413(client):
    def chunks():  # streamed: no Content-Length to judge it by
        for _ in range(LIMIT // 1024 + 2):
            yield b"x" * 1024

    refused(client.post("/api/upload", content=chunks()), 413, "limit")


@pytest.mark.parametrize("data, words", [
    (b"Caf\xe9 au lait\n", "not valid UTF-8 at byte 3"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
])
def test_undecodable_uploads_get_400(client, data, words):
    refused(client.post("/api/upload?name=story.txt", content=data), 400, words)


def test_an_upload_is_decoded_as_tqcheck_check_decodes_a_file(client):
    utf16 = "Qin Gang met Blinken.\n".encode("utf-16")
    assert client.post("/api/upload", content=utf16).json() == {"text": "Qin Gang met Blinken.\n"}


@pytest.mark.parametrize("body, status, words", [
    (b'{"text": "unclosed', 400, "malformed JSON"),
    (b'["text"]', 400, "JSON object"),
    (b'{"text": "a\\ud800b", "use_model": false}', 400, "lone surrogate"),
    (b'{"text": "bin\\u0000ary", "use_model": false}', 400, "NUL"),
    (b'\xff\xfe{}', 400, "not valid UTF-8"),
    (b'{"text": 42}', 400, "must be a string"),
    (b'{"text": "x", "use_model": "no"}', 400, "true or false"),
    (b'{"text": "x", "lang": "<script>"}', 400, "language code"),
    (b'{"text": "x", "format": "exe"}', 400, "'format' must be one of"),
    (b'{"text": "x", "delete": "everything"}', 400, "unknown field"),
    (b'{"text": "x", "rules": ["no-such-rule"], "use_model": false}', 422, "no-such-rule"),
])
def test_malformed_requests_get_a_message_not_a_traceback(client, body, status, words):
    refused(client.post("/api/check", content=body, headers={"content-type": "application/json"}), status, words)


def test_a_form_post_is_refused(client):
    # What a cross-site <form> can send without the browser asking first.
    refused(client.post("/api/save", content=b"path=notes.md&text=x",
                        headers={"content-type": "application/x-www-form-urlencoded"}), 415, "application/json")


def test_requests_from_another_site_are_refused(client):
    refused(client.post("/api/check", json={"text": "x"}, headers={"origin": "http://evil.example"}), 403, "other sites")
    ok = client.post("/api/check", json={"text": "x", "use_model": False}, headers={"origin": "http://127.0.0.1:8765"})
    assert ok.status_code == 200


def test_a_foreign_host_header_is_refused(client):
    # DNS rebinding: a page on evil.example whose name now points at 127.0.0.1.
    refused(client.get("/api/files", headers={"host": "evil.example:8765"}), 400, "Host")


def test_a_failing_check_answers_that_request_and_the_server_keeps_serving(desk, client, monkeypatch):
    def broken(req):
        raise RuntimeError("a rule blew up: /home/user/secret/path")

    monkeypatch.setattr(desk, "check_now", broken)
    r = client.post("/api/check", json={"text": "x", "use_model": False})
    refused(r, 500, "internal error")
    assert "secret" not in r.text
    monkeypatch.undo()
    assert client.post("/api/check", json={"text": "A text , here.\n", "use_model": False}).status_code == 200


def test_a_full_queue_answers_busy(root):
    busy = Desk(use_model=False, max_waiting=0)
    try:
        c = TestClient(create_app(busy), base_url="http://127.0.0.1")
        refused(c.post("/api/check", json={"text": "x", "use_model": False}), 503, "busy")
    finally:
        busy.close()


# --- the page ------------------------------------------------------------------------------------------------

def test_the_page_allows_no_request_beyond_this_server(client):
    r = client.get("/")
    csp = r.headers["content-security-policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["default-src"] == "'none'" and directives["connect-src"] == "'self'"
    assert directives["script-src"].startswith("'sha256-") and " " not in directives["script-src"]
    assert "http" not in csp and "*" not in csp and "unsafe" not in csp
    meta = csp.split("; frame-ancestors")[0]  # the page's own copy (a meta tag cannot say frame-ancestors)
    assert f'content="{meta}"' in r.text.replace("&#39;", "'")
    assert r.headers["x-frame-options"] == "DENY" and r.headers["x-content-type-options"] == "nosniff"
    # API answers carry a CSP that allows nothing, should one be opened as a page.
    assert client.get("/healthz").headers["content-security-policy"].startswith("default-src 'none'")


def test_input_is_escaped_in_the_file_view(client):
    r = client.post("/api/review", json={"text": HOSTILE, "name": 'a<b>"c".txt', "use_model": False}).json()
    html = r["html"]
    assert "<script>" not in html and "<img" not in html and "</textarea>" not in html
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in html
    assert "a&lt;b&gt;&#34;c&#34;.txt" in html


def test_binding_beyond_loopback_warns(monkeypatch):
    import uvicorn

    from tqcheck.serve import server

    ran = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: ran.update(kw))
    said: list[str] = []
    server.serve(None, host="0.0.0.0", port=9999, use_model=False, say=said.append)
    assert ran["host"] == "0.0.0.0" and any("warning: listening on 0.0.0.0" in s for s in said)
    said.clear()
    server.serve(None, use_model=False, say=said.append)
    assert ran["host"] == "127.0.0.1" and not any("warning" in s for s in said)


def test_serve_refuses_a_missing_path(cli, tmp_path):
    code, _, err = cli("serve", tmp_path / "nowhere", "--no-model")
    assert code == 2 and "no such file or directory" in err
