"""Files a user can lose or get back changed (issue 23, classes 1-5).

What `tqcheck fix` and the desk write back is the file as it was, in its own encoding, BOM and line
ends, except the fixed characters; a symlink stays a link; no output lands on an input (the baseline
included) or replaces something that is not a regular file; new outputs follow the umask; a
baseline the run reads is read before anything is written.
"""
from __future__ import annotations

import codecs
import json
import os
import socket
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tqcheck.serve.files import Workspace, digest

BAD = "Blinken met his counterpart , Qin Gang."
GOOD = "Blinken met his counterpart, Qin Gang."
FIX = ("fix", "--no-model", "--lang", "en", "--rule", "space-before-punctuation")
TYPO = ("--no-model", "--lang", "en", "--rule", "space-before-punctuation")
REPO = Path(__file__).resolve().parent.parent


def _bak(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".bak" in p.name)


# --- 1. the file's encoding, BOM and line ends come back as they were ------------------------------

# (label, bytes of the text, --encoding to pass): the text holds characters beyond ASCII so a codec
# mix-up shows.
_TEXT = f"Le café , à Zürich.\r\n{BAD}\nNaïve ending , here.\r"
_ENCODED = [
    ("utf-8 with BOM", lambda t: codecs.BOM_UTF8 + t.encode("utf-8"), None),
    ("utf-16-le with BOM", lambda t: codecs.BOM_UTF16_LE + t.encode("utf-16-le"), None),
    ("utf-16-be with BOM", lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be"), None),
    ("utf-32-le with BOM", lambda t: codecs.BOM_UTF32_LE + t.encode("utf-32-le"), None),
    ("utf-16 named, BE BOM", lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be"), "utf-16"),
    ("utf-8-sig named", lambda t: codecs.BOM_UTF8 + t.encode("utf-8"), "utf-8-sig"),
    ("utf-8 named, BOM kept", lambda t: codecs.BOM_UTF8 + t.encode("utf-8"), "utf-8"),
    ("cp1252", lambda t: t.encode("cp1252"), "cp1252"),
    ("latin-1", lambda t: t.encode("latin-1"), "latin-1"),
    ("utf-16-le without BOM", lambda t: t.encode("utf-16-le"), "utf-16-le"),
]


@pytest.mark.parametrize("label,encode,encoding", _ENCODED, ids=[e[0] for e in _ENCODED])
def test_fix_writes_the_file_back_in_its_own_encoding_bom_and_line_ends(tmp_path, cli, label, encode, encoding):
    p = tmp_path / "a.txt"
    p.write_bytes(encode(_TEXT))
    expected = encode(_TEXT.replace(" ,", ","))
    extra = ("--encoding", encoding) if encoding else ()
    code, _, err = cli(*FIX, *extra, "-o", tmp_path / "out.txt", p)
    assert code == 0, err
    assert (tmp_path / "out.txt").read_bytes() == expected
    code, _, err = cli(*FIX, *extra, "--in-place", p)
    assert code == 0, err
    assert p.read_bytes() == expected
    assert (tmp_path / "a.txt.bak").read_bytes() == encode(_TEXT)


def test_fix_keeps_the_utf8_bom(tmp_path, cli):
    p = tmp_path / "bom.md"
    p.write_bytes(codecs.BOM_UTF8 + f"# Title\n\n{BAD}\n".encode("utf-8"))
    code, _, err = cli(*FIX, "--in-place", p)
    assert code == 0, err
    assert p.read_bytes() == codecs.BOM_UTF8 + f"# Title\n\n{GOOD}\n".encode("utf-8")


def test_fix_the_file_encoding_cannot_hold_is_an_error_naming_the_character(tmp_path, cli):
    # The glossary's spelling has letters that Latin-1 lacks: writing it would need another encoding.
    (tmp_path / "tqcheck.toml").write_text('[glossary]\n"Nguyễn Văn Thanh" = ["Nguyen Van Thanh", '
                                           '"Nguyen Van Thinh"]\n', "utf-8")
    text = ("The Vietnamese ambassador Nguyen Van Thanh met officials in Manila. The talks covered fishing.\n"
            "Later, the Vietnamese ambassador Nguyen Van Thinh said they would meet again, café in hand.\n")
    p = tmp_path / "a.txt"
    p.write_bytes(text.encode("latin-1"))
    for mode in (("-o", tmp_path / "out.txt"), ("--in-place",)):
        code, _, err = cli("fix", "--no-model", "--lang", "en", "--config", tmp_path / "tqcheck.toml",
                           "--encoding", "latin-1", *mode, p)
        assert code == 2, err
        assert "U+1EC5" in err and "ễ" in err and "line 1" in err and "iso8859-1" in err, err
        assert p.read_bytes() == text.encode("latin-1")
        assert not (tmp_path / "out.txt").exists() and not _bak(tmp_path)


def test_fix_refuses_a_file_that_changed_during_the_check(tmp_path, cli, monkeypatch):
    """The text checked is the text corrected: a write in between would be undone by the fix."""
    import tqcheck.cli as cli_module

    p = tmp_path / "a.txt"
    p.write_text(BAD + "\n", "utf-8")
    real_run = cli_module.run_check

    def run_then_edit(*args, **kwargs):
        report = real_run(*args, **kwargs)
        p.write_text(BAD + "\nA line someone added meanwhile.\n", "utf-8")
        return report

    monkeypatch.setattr(cli_module, "run_check", run_then_edit)
    code, _, err = cli(*FIX, "--in-place", p)
    assert code == 2 and "changed while it was being checked" in err, err
    assert p.read_text("utf-8").endswith("meanwhile.\n") and not _bak(tmp_path)


def _workspace(tmp_path: Path, name: str, data: bytes) -> tuple[Workspace, Path]:
    folder = tmp_path / "desk"
    folder.mkdir()
    (folder / name).write_bytes(data)
    return Workspace.open(folder), folder / name


@pytest.mark.parametrize("data", [
    codecs.BOM_UTF8 + "Qin Gang met Blinken.\n".encode("utf-8"),
    codecs.BOM_UTF16_LE + "Qin Gang met Blinken.\r\nBye.\r\n".encode("utf-16-le"),
    b"Qin Gang met Blinken.\r\nA second line.\r\n",
    b"Old Mac lines.\rSecond.\r",
], ids=["utf8-bom", "utf16-crlf", "crlf", "cr"])
def test_desk_save_of_unchanged_text_leaves_the_file_untouched(tmp_path, data):
    ws, path = _workspace(tmp_path, "story.txt", data)
    before = path.stat()
    text = codecs.decode(data, "utf-16" if data.startswith(codecs.BOM_UTF16_LE) else "utf-8-sig")
    # What a browser's text box gives back: every line end an LF.
    for sent in (text, text.replace("\r\n", "\n").replace("\r", "\n")):
        name, backup = ws.save("story.txt", sent, digest(data))
        assert (name, backup) == ("story.txt", None)
        after = path.stat()
        assert path.read_bytes() == data
        assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
        assert not _bak(path.parent)


def test_desk_save_keeps_the_encoding_bom_and_line_ends_of_the_file(tmp_path):
    original = "Qin Gang met Blinken.\r\nQing Gang said more.\r\nCafé closed.\r\n"
    data = codecs.BOM_UTF16_BE + original.encode("utf-16-be")
    ws, path = _workspace(tmp_path, "story.txt", data)
    # The browser sends the edit with LF line ends.
    ws.save("story.txt", original.replace("\r\n", "\n").replace("Qing", "Qin"), digest(data))
    assert path.read_bytes() == codecs.BOM_UTF16_BE + original.replace("Qing", "Qin").encode("utf-16-be")
    assert (path.parent / "story.txt.bak").read_bytes() == data


def test_desk_save_keeps_each_line_end_of_a_mixed_file_around_the_edit(tmp_path):
    original = "One.\r\nTwo.\rThree , here.\nFour.\r\n"
    ws, path = _workspace(tmp_path, "mixed.md", original.encode("utf-8"))
    ws.save("mixed.md", "One.\nTwo.\nThree, here.\nFour.\n", None)
    assert path.read_bytes() == b"One.\r\nTwo.\rThree, here.\nFour.\r\n"


# --- 2. fix --in-place through a symlink -------------------------------------------------------------

@pytest.mark.parametrize("relative", [True, False], ids=["relative-link", "absolute-link"])
def test_fix_in_place_on_a_symlink_corrects_the_target_and_keeps_the_link(tmp_path, cli, relative):
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "a.txt"
    target.write_text(BAD + "\n", "utf-8")
    target.chmod(0o640)
    link = tmp_path / "link.txt"
    link.symlink_to(Path("real") / "a.txt" if relative else target)
    chain = tmp_path / "chain.txt"  # a link to the link
    chain.symlink_to(link)
    code, _, err = cli(*FIX, "--in-place", chain)
    assert code == 0, err
    assert chain.is_symlink() and link.is_symlink()
    assert target.read_text("utf-8") == GOOD + "\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert (tmp_path / "chain.txt.bak").read_text("utf-8") == BAD + "\n"
    assert not [p for p in (tmp_path / "real").iterdir() if p.name != "a.txt"]  # no temp file left


def test_output_through_a_symlink_writes_the_file_it_leads_to(tmp_path, cli):
    (tmp_path / "a.txt").write_text(BAD, "utf-8")
    report = tmp_path / "reports" / "today.json"
    report.parent.mkdir()
    report.write_text("{}", "utf-8")
    link = tmp_path / "latest.json"
    link.symlink_to(report)
    code, _, err = cli("check", *TYPO, "--fail-on", "never", "--report", link, tmp_path / "a.txt")
    assert code == 0, err
    assert link.is_symlink() and json.loads(report.read_text("utf-8"))["summary"]["findings"] == 1


# --- 3. every input of every command is protected ----------------------------------------------------

def test_fix_output_onto_the_source_file_is_refused(tmp_path, cli):
    src = tmp_path / "src.es.txt"
    src.write_text("Blinken se reunió con su homólogo, Qin Gang.\n", "utf-8")
    (tmp_path / "a.txt").write_text(BAD + "\n", "utf-8")
    config = tmp_path / "tqcheck.toml"
    config.write_text('lang = "en"\n', "utf-8")
    for output in (src, tmp_path / "." / "src.es.txt", config):
        code, _, err = cli(*FIX, "--source", src, "--config", config, "-o", output, tmp_path / "a.txt")
        assert code == 2 and "would overwrite the input file" in err and str(output.name) in err, err
    assert src.read_text("utf-8").startswith("Blinken se reunió")
    assert config.read_text("utf-8") == 'lang = "en"\n'


def test_fix_output_onto_the_source_a_mirroring_folder_gives_is_refused(tmp_path, cli):
    (tmp_path / "en").mkdir()
    (tmp_path / "es").mkdir()
    (tmp_path / "en" / "a.txt").write_text(BAD + "\n", "utf-8")
    src = tmp_path / "es" / "a.txt"
    src.write_text("Blinken se reunió con su homólogo, Qin Gang.\n", "utf-8")
    hard = tmp_path / "hard.txt"
    os.link(src, hard)
    code, _, err = cli(*FIX, "--source", tmp_path / "es", "-o", hard, tmp_path / "en" / "a.txt")
    assert code == 2 and "would overwrite the input file" in err, err
    assert src.read_text("utf-8").startswith("Blinken se reunió")


def test_two_outputs_naming_one_file_are_refused(tmp_path, cli):
    (tmp_path / "a.txt").write_text(BAD, "utf-8")
    out = tmp_path / "r.json"
    code, _, err = cli("check", *TYPO, "-f", "json", "-o", out, "--report", out, tmp_path / "a.txt")
    assert code == 2 and "another output option" in err and not out.exists()


# --- 4. outputs that are not regular files, and the umask --------------------------------------------

def test_output_to_a_fifo_is_written_into_not_replaced(tmp_path, cli):
    (tmp_path / "a.txt").write_text(BAD, "utf-8")
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    # The read end is open (without blocking) before the run, so the run's write finds a reader;
    # a report of one finding fits in the pipe's buffer.
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        code, _, err = cli("check", *TYPO, "-f", "json", "--fail-on", "never", "-o", fifo, tmp_path / "a.txt")
        assert code == 0, err
        got = b""
        try:
            while chunk := os.read(reader, 65536):
                got += chunk
        except BlockingIOError:
            pass
    finally:
        os.close(reader)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert json.loads(got)["summary"]["findings"] == 1


def test_output_to_a_socket_is_refused_before_the_check(tmp_path, cli):
    (tmp_path / "a.txt").write_text(BAD, "utf-8")
    path = tmp_path / "s.sock"
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(path))
    try:
        for option in ("-o", "--report", "--write-baseline"):
            out = path if option != "--report" else tmp_path / "link.json"
            if option == "--report":
                out.symlink_to(path)
            code, _, err = cli("check", *TYPO, "-f", "json", option, out, tmp_path / "a.txt")
            assert code == 2 and "socket" in err and "Traceback" not in err, (option, err)
            assert stat.S_ISSOCK(os.stat(path).st_mode)
    finally:
        sock.close()


def _run(args: list[str], stdout=subprocess.PIPE) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tqcheck", *args], cwd=REPO, stdout=stdout,
                          stderr=subprocess.PIPE, timeout=120)


def test_output_to_stdout_through_dev_fd_links_writes_into_the_stream(tmp_path):
    a = tmp_path / "a.txt"
    a.write_text(BAD, "utf-8")
    link = tmp_path / "out.json"
    link.symlink_to("/proc/self/fd/1")
    for output in (str(link), "/dev/fd/1", "/dev/stdout"):
        done = _run(["check", *TYPO, "-f", "json", "--fail-on", "never", "-o", output, str(a)])
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["summary"]["findings"] == 1
        assert link.is_symlink() and os.readlink(link) == "/proc/self/fd/1"
    # stdout redirected to a file: the report goes into that file, which stays the same file.
    redirected = tmp_path / "redirected.json"
    with open(redirected, "wb") as fh:
        inode = os.fstat(fh.fileno()).st_ino
        done = _run(["check", *TYPO, "-f", "json", "--fail-on", "never", "-o", str(link), str(a)], stdout=fh)
    assert done.returncode == 0, done.stderr
    assert redirected.stat().st_ino == inode
    assert json.loads(redirected.read_text("utf-8"))["summary"]["findings"] == 1


@pytest.mark.parametrize("umask,mode", [(0o077, 0o600), (0o002, 0o664), (0o027, 0o640)])
def test_new_outputs_get_their_mode_from_the_umask(tmp_path, cli, umask, mode):
    a = tmp_path / "a.txt"
    a.write_text(BAD, "utf-8")
    old = os.umask(umask)
    try:
        code, _, err = cli("check", *TYPO, "-f", "json", "--fail-on", "never", "-o", tmp_path / "o.json",
                           "--report", tmp_path / "r.sarif", "--write-baseline", tmp_path / "b.json", a)
        assert code == 0, err
        code, _, err = cli(*FIX, "-o", tmp_path / "fixed.txt", a)
        assert code == 0, err
    finally:
        os.umask(old)
    for name in ("o.json", "r.sarif", "b.json", "fixed.txt"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == mode, name
    # A file that was there keeps the mode it had, whatever the umask.
    (tmp_path / "o.json").chmod(0o604)
    code, _, err = cli("check", *TYPO, "-f", "json", "--fail-on", "never", "-o", tmp_path / "o.json", a)
    assert code == 0 and stat.S_IMODE((tmp_path / "o.json").stat().st_mode) == 0o604


# --- 5. the baseline: read first, written last, protected --------------------------------------------

# Four words either side of the finding: a fingerprint's context, kept when a line is added below.
_KNOWN = "Blinken met his counterpart , Qin Gang and his aides.\n"


def _baseline_setup(tmp_path: Path) -> tuple[Path, Path]:
    a = tmp_path / "a.txt"
    a.write_text(_KNOWN, "utf-8")
    b = tmp_path / "b.json"
    return a, b


@pytest.mark.parametrize("spelling", ["same", "dot"])
def test_baseline_rewritten_by_the_run_that_reads_it_reports_against_the_old_one(tmp_path, cli, spelling):
    a, b = _baseline_setup(tmp_path)
    code, _, err = cli("check", *TYPO, "--fail-on", "never", "--write-baseline", b, a)
    assert code == 0, err
    known = json.loads(b.read_text("utf-8"))
    a.write_text(_KNOWN + "A new line , with a new finding.\n", "utf-8")
    written = {"same": b, "dot": tmp_path / "." / "b.json"}[spelling]
    code, out, err = cli("check", *TYPO, "-f", "json", "--fail-on", "warning", "--baseline", b,
                         "--write-baseline", written, a)
    assert code == 1, err  # CI fails: the new finding is new against the baseline as it was
    findings = json.loads(out)["files"][0]["findings"]
    assert [f["text"] for f in findings] == [" ,"] and [f["line"] for f in findings] == [2]
    updated = json.loads(b.read_text("utf-8"))
    assert sum(updated["files"][str(a)].values()) == 2 and updated != known
    # The next run, against the updated baseline, has nothing new.
    code, out, _ = cli("check", *TYPO, "-f", "json", "--fail-on", "warning", "--baseline", b, a)
    assert code == 0 and json.loads(out)["files"][0]["findings"] == []


@pytest.mark.parametrize("option", [("-f", "json", "-o"), ("--report",)])
def test_output_onto_the_baseline_the_run_reads_is_refused(tmp_path, cli, option):
    a, b = _baseline_setup(tmp_path)
    cli("check", *TYPO, "--fail-on", "never", "--write-baseline", b, a)
    kept = b.read_bytes()
    link = tmp_path / "link.json"
    link.symlink_to(b)
    for output in (b, link):
        code, _, err = cli("check", *TYPO, "--baseline", b, *option, output, a)
        assert code == 2 and "would overwrite the input file" in err and str(b) in err, err
        assert b.read_bytes() == kept


def test_a_bad_baseline_fails_before_any_output_is_written(tmp_path, cli):
    a, b = _baseline_setup(tmp_path)
    b.write_text("not json", "utf-8")
    code, _, err = cli("check", *TYPO, "--baseline", b, "--write-baseline", b, "--report", tmp_path / "r.json", a)
    assert code == 2 and "not a tqcheck baseline" in err
    assert b.read_text("utf-8") == "not json" and not (tmp_path / "r.json").exists()
