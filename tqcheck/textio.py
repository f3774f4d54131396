"""Reading input bytes into text, and writing outputs atomically."""
from __future__ import annotations

import codecs
import os
import tempfile
from pathlib import Path

from .errors import InputError
from .lines import LINE_BREAK, line_starts  # noqa: F401  (what a line is lives in .lines; readers import it here)

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


def decode(data: bytes, path: str, encoding: str | None = None) -> str:
    """Decode file bytes: a BOM wins, else UTF-8 (or ``encoding`` when given).

    Raises InputError naming the file and the byte offset of the first bad byte.
    """
    if encoding:
        try:
            text = data.decode(encoding)
        except LookupError:
            raise InputError(path, f"unknown encoding {encoding!r}") from None
        except UnicodeDecodeError as exc:
            raise InputError(path, f"not valid {encoding} at byte {exc.start}") from None
        return text.lstrip("\ufeff") if text.startswith("\ufeff") else text
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(name)
            except UnicodeDecodeError as exc:
                raise InputError(path, f"not valid {name} at byte {exc.start + len(bom)}") from None
    if looks_binary(data):
        raise InputError(path, "looks like a binary file (NUL bytes), not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            path,
            f"not valid UTF-8 at byte {exc.start} (0x{data[exc.start]:02x}); "
            "save it as UTF-8 or pass --encoding (e.g. --encoding cp1252)",
        ) from None


def read_bytes(path: str | Path) -> bytes:
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError(str(path), "no such file") from None
    except IsADirectoryError:
        raise InputError(str(path), "is a directory") from None
    except OSError as exc:
        raise InputError(str(path), exc.strerror or str(exc)) from None


def read_text(path: str | Path, encoding: str | None = None) -> str:
    return decode(read_bytes(path), str(path), encoding)


def atomic_write(path: str | Path, data: str | bytes, encoding: str = "utf-8", durable: bool = True) -> None:
    """Write to a temp file in the same directory, fsync, then rename over ``path``.

    A reader never sees a half-written file, and a crash leaves the old file intact.  ``durable=False``
    skips the fsync, for files whose loss after a crash costs only recomputation (cache entries).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = data.encode(encoding) if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
            fh.flush()
            if durable:
                os.fsync(fh.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        else:
            os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
