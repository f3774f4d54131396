"""Reading input bytes into text, and writing outputs atomically."""
from __future__ import annotations

import codecs
import errno
import os
import stat
import sys
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError, OutputError
from .lines import LINE_BREAK, Lines

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: its BOM starts the same way
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def looks_binary(data: bytes) -> bool:
    """NUL bytes in ``data`` (the first 8 KiB when walking a folder, the whole file when reading it),
    without a UTF-16/32 BOM, mean binary."""
    if any(data.startswith(bom) for bom, _ in _BOMS):
        return False
    return b"\x00" in data


@dataclass(frozen=True)
class Encoding:
    """How a file's bytes were encoded: the codec of its text and the BOM in front of it.

    ``decode_as`` records it so that writing a corrected file back (``tqcheck fix``, the desk's
    save) gives the bytes it read wherever the text is unchanged: same codec, same BOM.
    """

    codec: str  # a codec with a fixed byte order ("utf-16-le", not "utf-16", which would add its own BOM)
    bom: bytes = b""

    def encode(self, text: str, path: str) -> bytes:
        """``text`` in this encoding; OutputError naming the first character it cannot hold."""
        try:
            return self.bom + text.encode(self.codec)
        except UnicodeEncodeError as exc:
            char = text[exc.start]
            line = Lines(text).line(exc.start)
            raise OutputError(path, f"{char!r} (U+{ord(char):04X}, line {line}) cannot be written in "
                                    f"{self.codec}, the file's encoding; nothing was written") from None


UTF8 = Encoding("utf-8")
# Codecs that read (and write) a BOM themselves: the file's BOM says which fixed-order codec it is.
_BOM_CODECS = {"utf-8-sig": ("utf-8",), "utf-16": ("utf-16-le", "utf-16-be"), "utf-32": ("utf-32-le", "utf-32-be")}
_NATIVE = {"utf-8-sig": "utf-8", "utf-16": f"utf-16-{sys.byteorder[0]}e", "utf-32": f"utf-32-{sys.byteorder[0]}e"}


def _given_encoding(data: bytes, encoding: str, path: str) -> Encoding:
    """The Encoding of ``data`` read as ``--encoding`` names it, with the BOM it starts with (if any)."""
    try:
        codec = codecs.lookup(encoding).name
    except LookupError:
        raise InputError(path, f"unknown encoding {encoding!r}") from None
    if codec in _BOM_CODECS:
        for bom, name in _BOMS:
            if data.startswith(bom) and name in _BOM_CODECS[codec]:
                return Encoding(name, bom)
        return Encoding(_NATIVE[codec])
    bom = "\ufeff".encode(codec, "ignore") if codec.startswith("utf") else b""
    return Encoding(codec, bom if bom and data.startswith(bom) else b"")


def decode_as(data: bytes, path: str, encoding: str | None = None) -> tuple[str, Encoding]:
    """Decode file bytes: a BOM wins, else UTF-8 (or ``encoding`` when given); also how they were encoded.

    Raises InputError naming the file and the byte offset of the first bad byte.
    """
    if encoding:
        enc = _given_encoding(data, encoding, path)
        try:
            return data[len(enc.bom):].decode(enc.codec), enc
        except UnicodeDecodeError as exc:
            raise InputError(path, f"not valid {encoding} at byte {exc.start + len(enc.bom)}") from None
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(name), Encoding(name, bom)
            except UnicodeDecodeError as exc:
                raise InputError(path, f"not valid {name} at byte {exc.start + len(bom)}") from None
    if looks_binary(data):
        raise InputError(path, "looks like a binary file (NUL bytes), not text")
    try:
        return data.decode("utf-8"), UTF8
    except UnicodeDecodeError as exc:
        raise InputError(
            path,
            f"not valid UTF-8 at byte {exc.start} (0x{data[exc.start]:02x}); "
            "save it as UTF-8 or pass --encoding (e.g. --encoding cp1252)",
        ) from None


def decode(data: bytes, path: str, encoding: str | None = None) -> str:
    """The text of file bytes (see ``decode_as``)."""
    return decode_as(data, path, encoding)[0]


def read_bytes(path: str | Path) -> bytes:
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError(str(path), "no such file") from None
    except IsADirectoryError:
        raise InputError(str(path), "is a directory") from None
    except OSError as exc:
        raise InputError(str(path), exc.strerror or str(exc)) from None


class NotARegularFile(OSError):
    """What stands at a path is a link, a FIFO, a device or a folder, or more bytes than asked for."""


# Not on every system (Windows lacks the first two): where missing, callers' own checks still hold.
_NO_FOLLOW_NO_WAIT = (getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
                      | getattr(os, "O_BINARY", 0))


def read_regular_file(path: str | Path, max_bytes: int | None = None) -> bytes:
    """The bytes of the regular file at ``path``, for paths an attacker or an accident may control (a
    cache entry, a file the desk serves).  A link is not followed (to /dev/zero it would be read for
    ever), a FIFO or a device not waited on (opened without blocking, refused after fstat), and at most
    ``max_bytes`` are read, even from a file that grows while it is read.  Raises NotARegularFile for
    any of those, or the OSError of the open."""
    if os.path.islink(path):  # O_NOFOLLOW closes the race; this says it plainly where it exists
        raise NotARegularFile("a symbolic link, not a file")
    try:
        fd = os.open(path, os.O_RDONLY | _NO_FOLLOW_NO_WAIT)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.EMLINK):
            raise NotARegularFile("a symbolic link, not a file") from None
        raise
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotARegularFile("not a regular file")
        if max_bytes is not None and st.st_size > max_bytes:
            raise NotARegularFile(f"{st.st_size} bytes, more than the {max_bytes} it may hold")
        chunks, total = [], 0
        while max_bytes is None or total <= max_bytes:
            chunk = os.read(fd, 1 << 20 if max_bytes is None else min(1 << 20, max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if max_bytes is not None and total > max_bytes:
            raise NotARegularFile(f"grew past {max_bytes} bytes while it was read")
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_text(path: str | Path, encoding: str | None = None) -> str:
    return decode(read_bytes(path), str(path), encoding)


def _create_temp(folder: Path, name: str) -> tuple[int, Path]:
    """A new, empty file beside ``name``, opened for writing.

    Made with mode 0666 so that the umask decides who may read it, as for any file the user's tools
    create (mkstemp's 0600, or a fixed 0644, would ignore a umask of 077 or 002).
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    while True:
        tmp = folder / f".{name}.{os.urandom(6).hex()}.tmp"
        try:
            return os.open(tmp, flags, 0o666), tmp
        except FileExistsError:
            continue


def atomic_write(path: str | Path, data: str | bytes, encoding: str = "utf-8", durable: bool = True) -> None:
    """Write to a temp file in the same directory, fsync, then rename over ``path``.

    A reader never sees a half-written file, and a crash leaves the old file intact.  A file that
    exists keeps its permissions; a new one gets those the umask gives.  ``durable=False`` skips the
    fsync, for files whose loss after a crash costs only recomputation (cache entries).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = data.encode(encoding) if isinstance(data, str) else data
    fd, tmp = _create_temp(path.parent, path.name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
            fh.flush()
            try:
                os.chmod(tmp, path.stat().st_mode & 0o777)
            except FileNotFoundError:
                pass
            if durable:
                os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def keep_line_breaks(original: str, edited: str) -> str:
    """``edited`` with the line breaks ``original`` had, when the editor gave back LF only.

    A browser's text box turns every CRLF and CR into LF, so text edited on the desk would otherwise
    come back with all its line ends changed.  The lines before the first and after the last that
    differ keep their own ends; the lines between take the ending most of the file's lines have.
    """
    if "\r" not in original or "\r" in edited:
        return edited
    ends = [m.group() for m in LINE_BREAK.finditer(original)]
    old_lines = LINE_BREAK.split(original)
    new_lines = edited.split("\n")
    head = 0
    while head < min(len(old_lines), len(new_lines)) - 1 and old_lines[head] == new_lines[head]:
        head += 1
    tail = 0
    while (tail < min(len(old_lines), len(new_lines)) - 1 - head
           and old_lines[-1 - tail] == new_lines[-1 - tail]):
        tail += 1
    common = max(set(ends), key=ends.count)
    new_ends = ends[:head] + [common] * (len(new_lines) - 1 - head - tail) + (ends[len(ends) - tail:] if tail else [])
    out = [new_lines[0]]
    for end, line in zip(new_ends, new_lines[1:]):
        out.append(end)
        out.append(line)
    return "".join(out)
