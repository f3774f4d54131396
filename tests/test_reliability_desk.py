"""Issue #23, class 14: the desk opens and saves only what it lists, and trusts no request.

- `/api/files` is the one list of what the desk may touch: text files (.txt, .text, .md, .markdown)
  under PATH, no dot-file or dot-folder, nothing under a tool's or cache's folder.  `/api/file` and
  `/api/save` accept exactly the names that list holds, whatever spelling, encoding or link a request
  tries (a `.git/config` rewritten through the desk runs a command on the next `git` use).
- Each real file is listed once, under its own name; a link out of PATH is not listed.
- The Host header is parsed strictly, an Origin must be exactly this server's http origin, and a
  request body that stops arriving is answered 408 instead of holding its connection for ever.

The API runs through Starlette's test client with the model-free desk; the body deadline needs a real
server (tests/serve_helpers.served) and a raw socket on 127.0.0.1.
"""
from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path

import pytest

pytest.importorskip("starlette", reason="tqcheck serve needs starlette (pip install -e .)")
pytest.importorskip("httpx", reason="the ASGI test client needs httpx (pip install -e '.[test]')")

import httpx  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

from tqcheck.serve.app import create_app  # noqa: E402
from tqcheck.serve.files import PathRefused, Workspace  # noqa: E402

from .serve_helpers import served  # noqa: E402
from .test_fuzz import PROFILE_PARAMS, run_property  # noqa: E402

GIT_CONFIG = "[core]\n\trepositoryformatversion = 0\n"
HIDDEN = "hidden text: not for the desk\n"

# Every file here but notes.md, wire/story.txt and plain.text is one the desk must neither list nor open.
TREE = {
    "notes.md": "# Notes\n\nQin Gang met Blinken.\n",
    "wire/story.txt": "Qin Gang met Blinken in Beijing.\n",
    "plain.text": "A plain text.\n",
    ".git/config": GIT_CONFIG,
    ".git/notes.md": HIDDEN,  # a text type inside a dot-folder
    ".git/hooks/readme.txt": HIDDEN,
    ".env": "TOKEN=secret\n",
    ".env.md": HIDDEN,
    ".hidden.txt": HIDDEN,
    "wire/.draft.md": HIDDEN,  # a dot-file in a listed folder
    ".tqcheck_cache/entry.txt": HIDDEN,
    ".venv/lib/readme.md": HIDDEN,
    "node_modules/pkg/readme.md": HIDDEN,
    "venv/lib/license.txt": HIDDEN,
    "__pycache__/notes.txt": HIDDEN,
    "wire/__pycache__/x.md": HIDDEN,
    "strings.po": 'msgid "a"\nmsgstr "b"\n',  # for `tqcheck check`, not the desk
    "script.sh": "echo hi\n",
}
LISTED = ["notes.md", "plain.text", "wire/story.txt"]


@pytest.fixture
def root(tmp_path):
    """PATH: a few articles among a repository's and tools' hidden files, links of every kind, a secret outside."""
    articles = tmp_path / "desk"
    for name, text in TREE.items():
        (articles / name).parent.mkdir(parents=True, exist_ok=True)
        (articles / name).write_text(text, "utf-8")
    (tmp_path / "secret.txt").write_text("outside PATH\n", "utf-8")
    (articles / "alias.md").symlink_to("notes.md")  # a second name for a listed file
    (articles / "wire" / "again.txt").symlink_to("../wire/story.txt")
    (articles / "gitconfig.txt").symlink_to(".git/config")  # a listed-looking name for a dot-file
    (articles / "hidden.md").symlink_to(".git/notes.md")
    (articles / "repo").symlink_to(".git")  # a plain folder name for a dot-folder
    (articles / "linked").symlink_to("wire")  # a second name for a listed folder
    (articles / "escape.txt").symlink_to(tmp_path / "secret.txt")
    (articles / "loop.md").symlink_to("loop.md")
    return articles


@pytest.fixture
def client(desk, root):
    return TestClient(create_app(desk, Workspace.open(root)), base_url="http://127.0.0.1:8765")


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every regular file beside and under ``folder`` (links not followed), with its bytes."""
    return {str(p.relative_to(folder.parent)): p.read_bytes() for p in folder.parent.rglob("*")
            if p.is_file() and not p.is_symlink()}


def no_traceback(response) -> None:
    assert "Traceback" not in response.text and 'File "' not in response.text


# --- the listing ------------------------------------------------------------------------------------------

def test_files_lists_no_dot_file_no_tool_folder_and_no_link(client):
    assert client.get("/api/files").json()["files"] == LISTED


def test_a_symlinked_file_is_listed_once_under_its_own_name(root):
    names = Workspace.open(root).files()
    assert names.count("notes.md") == 1 and names.count("wire/story.txt") == 1
    assert not {"alias.md", "wire/again.txt", "linked/story.txt", "escape.txt"} & set(names)


def test_listing_never_opens_a_fifo_named_like_a_text_file(root):
    """A FIFO called story.txt under PATH: the listing used to open it to sniff for binary, and hung."""
    fifo = root / "wire" / "pipe.txt"
    os.mkfifo(fifo)
    done: list[list[str]] = []
    walker = threading.Thread(target=lambda: done.append(Workspace.open(root).files()), daemon=True)
    walker.start()
    walker.join(5)
    if walker.is_alive():  # free the stuck reader before failing
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        walker.join(5)
    assert done and done[0] == LISTED
    ws = Workspace.open(root)
    with pytest.raises(PathRefused):
        ws.read("wire/pipe.txt")


# --- opening and saving only what is listed --------------------------------------------------------------

def _variants(root: Path) -> list[str]:
    """Names a request may give for a file the desk does not list (or for a listed one, by another name)."""
    return [
        ".git/config", "./.git/config", ".git//config", ".git/./config", "wire/../.git/config",
        "wire/./../.git/config", ".git/config/", "/.git/config", str(root / ".git" / "config"),
        ".git\\config", "wire\\..\\.git\\config", ".git/config\x00.md", ".git/config\n",
        "\uff0egit/config", "\u2024git/config", ".GIT/config", ".git./config", ".git /config", "C:.git/config",
        ".git/notes.md", ".git/hooks/readme.txt", ".env", ".env.md", ".hidden.txt", "wire/.draft.md",
        "./wire/.draft.md", ".tqcheck_cache/entry.txt", ".venv/lib/readme.md", "node_modules/pkg/readme.md",
        "venv/lib/license.txt", "__pycache__/notes.txt", "wire/__pycache__/x.md", "strings.po", "script.sh",
        "gitconfig.txt", "hidden.md", "repo/config", "repo/notes.md", "repo/hooks/readme.txt",
        "escape.txt", "loop.md", "alias.md", "wire/again.txt", "linked/story.txt",
        "./notes.md", "wire//story.txt", "wire/./story.txt", "wire/story.txt/", "notes.md/.", "",
        "wire", ".", "..", "../secret.txt", "../desk/notes.md",
    ]


def test_no_name_opens_a_file_the_desk_does_not_list(client, root):
    answered = {}
    for name in _variants(root):
        r = client.get("/api/file", params={"path": name})
        no_traceback(r)
        assert "error" in r.json() or r.status_code == 200
        answered[name] = r.status_code
    assert {name: status for name, status in answered.items() if status not in (403, 404)} == {}


@pytest.mark.parametrize("query", [
    "path=%2egit%2fconfig", "path=%2Egit/config", "path=.%67it/config", "path=%2e%2e%2fsecret.txt",
    "path=wire%2f%2e%2e%2f.git%2fconfig", "path=%2e%2fnotes.md", "path=%252egit%252fconfig",
    "path=.git%5cconfig", "path=.git%2fconfig%00.md", "path=notes.md&path=.git/config",
])
def test_an_encoded_name_opens_no_unlisted_file(client, query):
    r = client.get("/api/file?" + query)
    no_traceback(r)
    assert r.status_code in (403, 404), (query, r.text[:200])


def test_no_name_saves_over_a_file_the_desk_does_not_list(client, root):
    before = snapshot(root)
    answered = {}
    for name in _variants(root):
        r = client.post("/api/save", json={"path": name, "text": "[core]\n\tfsmonitor = touch /tmp/pwned\n"})
        no_traceback(r)
        answered[name] = r.status_code
    assert {name: status for name, status in answered.items() if status not in (403, 404)} == {}
    assert snapshot(root) == before  # nothing written, no backup, no temp file
    assert (root / ".git" / "config").read_text("utf-8") == GIT_CONFIG


def test_the_desk_opens_and_saves_exactly_the_listed_names(client, root):
    for name in client.get("/api/files").json()["files"]:
        opened = client.get("/api/file", params={"path": name})
        assert opened.status_code == 200 and opened.json()["path"] == name
        saved = client.post("/api/save", json={"path": name, "text": "Edited.\n", "sha256": opened.json()["sha256"]})
        assert saved.status_code == 200, saved.text
        assert (root / name).read_text("utf-8") == "Edited.\n"


def test_a_link_swapped_in_after_listing_is_not_followed(client, root):
    """The listing named notes.md; it is then replaced by a link to .git/config: no read, no write through it."""
    assert "notes.md" in client.get("/api/files").json()["files"]
    (root / "notes.md").unlink()
    (root / "notes.md").symlink_to(".git/config")
    assert client.get("/api/file", params={"path": "notes.md"}).status_code == 403
    assert client.post("/api/save", json={"path": "notes.md", "text": "x"}).status_code == 403
    assert (root / ".git" / "config").read_text("utf-8") == GIT_CONFIG and (root / "notes.md").is_symlink()


def test_saving_a_hard_linked_file_leaves_its_other_name_as_it_was(client, root):
    """Held before this issue too (the save replaces the name, it does not write into the shared inode)."""
    os.link(root / ".git" / "config", root / "wire" / "hard.txt")
    r = client.post("/api/save", json={"path": "wire/hard.txt", "text": "[core]\n\tfsmonitor = touch /tmp/x\n"})
    assert r.status_code == 200, r.text
    assert (root / ".git" / "config").read_text("utf-8") == GIT_CONFIG


def test_a_desk_on_one_file_opens_that_file_alone(desk, root):
    ws = Workspace.open(root / "notes.md")
    assert ws.files() == ["notes.md"]
    assert ws.read("notes.md")[0] == "notes.md"
    for name in ("alias.md", "./notes.md", ".git/config", "plain.text", "notes.md/", ".env"):
        with pytest.raises(PathRefused):
            ws.read(name)


_PARTS = st.sampled_from([
    "notes.md", "wire", "story.txt", "plain.text", ".git", "config", "notes.md", ".env", ".", "..", "",
    "repo", "alias.md", "linked", "again.txt", "escape.txt", "hooks", "readme.txt", "node_modules", "pkg",
    "readme.md", "%2e", "\\", "\x00", "\uff0e", " ", "C:", "~", ".draft.md", "__pycache__", "x.md",
])


@pytest.mark.parametrize("profile", PROFILE_PARAMS)
def test_the_listing_is_the_only_way_in(profile, tmp_path_factory):
    """Any name made of real and hostile parts: resolve() accepts it iff the listing holds it."""
    folder = tmp_path_factory.mktemp("prop")
    for name, text in TREE.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, "utf-8")
    (folder / "alias.md").symlink_to("notes.md")
    (folder / "repo").symlink_to(".git")
    (folder / "linked").symlink_to("wire")
    (folder / "wire" / "again.txt").symlink_to("story.txt")
    ws = Workspace.open(folder)
    listed = set(ws.files())
    assert listed == set(LISTED)

    def prop(parts: list[str]) -> None:
        for name in ("/".join(parts), "".join(parts)):
            try:
                rel, real = ws.resolve(name)
            except PathRefused:
                assert name not in listed
                continue
            assert name in listed and rel == name and real == ws.root / name

    run_property("desk names", profile, st.lists(_PARTS, min_size=1, max_size=5), prop)


# --- Host and Origin ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("host", [
    "[::1]evil.com", "[::1]evil.com:8765", "[::1].evil.com", "[::1]:8765.evil.com", "[::1]:evil", "[::1]@evil.com",
    "127.0.0.1:8765@evil.com", "127.0.0.1:8765:1", "127.0.0.1:", "127.0.0.1:port", "localhost.evil.com",
    "localhost:8765/x", "127.0.0.1 evil.com", "evil.com#127.0.0.1", "[::1", "::1]", "[]", "[::1]]", "",
    "localhost\t", "127.0.0.1:99999999",
])
def test_a_host_header_that_is_not_exactly_this_machine_is_refused(client, host):
    r = client.get("/api/files", headers={"host": host})
    assert r.status_code == 400, (host, r.status_code)
    assert "Host" in r.json()["error"]


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.1:8765", "localhost:8765", "LOCALHOST", "[::1]:8765", "[::1]"])
def test_this_machine_by_any_of_its_names_is_served(client, host):
    assert client.get("/api/files", headers={"host": host}).status_code == 200


@pytest.mark.parametrize("origin", [
    "https://127.0.0.1:8765", "ftp://127.0.0.1:8765", "ws://127.0.0.1:8765", "file://127.0.0.1:8765",
    "http://127.0.0.1:8766", "http://127.0.0.1", "http://localhost:8765", "http://127.0.0.1:8765.evil.com",
    "http://evil.com@127.0.0.1:8765", "http://127.0.0.1:8765/path", "http://127.0.0.1:8765?x", "null", "",
    "http://[::1]:8765", "HTTP://127.0.0.1:8765/", "http:127.0.0.1:8765", "//127.0.0.1:8765",
])
def test_a_post_from_any_other_origin_is_refused(client, root, origin):
    r = client.post("/api/save", json={"path": "notes.md", "text": "overwritten"}, headers={"origin": origin})
    assert r.status_code == 403, (origin, r.status_code)
    assert "other sites" in r.json()["error"]
    assert (root / "notes.md").read_text("utf-8") == TREE["notes.md"]


def test_a_post_from_the_desks_own_page_is_served(client):
    for origin in ("http://127.0.0.1:8765", "HTTP://127.0.0.1:8765"):
        r = client.post("/api/check", json={"text": "x", "use_model": False}, headers={"origin": origin})
        assert r.status_code == 200, (origin, r.text)
    r = client.post("/api/check", json={"text": "x", "use_model": False},
                    headers={"host": "[::1]:8765", "origin": "http://[::1]:8765"})
    assert r.status_code == 200


# --- a body that never ends ------------------------------------------------------------------------------------

def _half_a_body(base: str, path: str, deadline: float) -> tuple[bytes, float]:
    """Send headers and half the promised body, then wait (bounded) for the server's answer."""
    port = int(base.rsplit(":", 1)[1])
    body = b'{"text": "Qin Gang met Blinken.", "use_model": false}'
    t0 = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=deadline) as s:
        s.sendall(b"POST " + path.encode() + b" HTTP/1.1\r\nHost: 127.0.0.1:" + str(port).encode()
                  + b"\r\nContent-Type: application/json\r\nContent-Length: " + str(len(body)).encode()
                  + b"\r\n\r\n" + body[: len(body) // 2])
        answer = b""
        try:
            while chunk := s.recv(4096):
                answer += chunk
        except (socket.timeout, ConnectionResetError):
            pass
    return answer, time.monotonic() - t0


def test_a_request_body_that_stops_arriving_is_answered_408(desk):
    with served(desk, body_timeout=1.0) as base:
        answer, waited = _half_a_body(base, "/api/check", deadline=6.0)
        head = answer.split(b"\r\n", 1)[0]
        assert head.startswith(b"HTTP/1.1 408"), answer[:200]
        assert b"body" in answer and waited < 5.0  # answered, and the connection closed, near the deadline
        # The server still serves a whole request at once.
        ok = httpx.post(f"{base}/api/check", json={"text": "x", "use_model": False}, timeout=10)
        assert ok.status_code == 200


def _trickled_headers(base: str, deadline: float) -> tuple[bytes, float]:
    """Open a connection and send a request's headers a line every 0.2 s, never ending them."""
    port = int(base.rsplit(":", 1)[1])
    t0 = time.monotonic()
    answer = b""
    with socket.create_connection(("127.0.0.1", port), timeout=0.2) as s:
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        try:
            while time.monotonic() - t0 < deadline:
                s.sendall(b"X-Slow: 1\r\n")
                try:
                    chunk = s.recv(4096)
                except socket.timeout:
                    continue
                if not chunk:  # the server closed the connection
                    break
                answer += chunk
        except (BrokenPipeError, ConnectionResetError):
            pass
    return answer, time.monotonic() - t0


def test_headers_that_never_end_do_not_hold_a_connection(desk):
    with served(desk, header_timeout=1.0) as base:
        silent_start = time.monotonic()
        with socket.create_connection(("127.0.0.1", int(base.rsplit(":", 1)[1])), timeout=5.0) as s:
            assert s.recv(1) == b""  # connected and said nothing: closed at the deadline
        assert time.monotonic() - silent_start < 4.0
        _, waited = _trickled_headers(base, deadline=5.0)
        assert waited < 4.0  # a header line every 0.2 s does not keep the connection open
        # A slow answer is not cut off: the deadline is for the request's headers, not the check.
        ok = httpx.get(f"{base}/healthz", timeout=10)
        assert ok.status_code == 200
