"""Finding a model's GGUF in its package and keeping a dense copy in the user cache.

transformers reads GGUF by de-quantizing every tensor (about 40 s for the
default model on two cores), so the first use saves a plain safetensors copy
and later runs load that in seconds.  The copy is written to a temporary folder
and renamed into place, and a ``tqcheck-ready.json`` marker is written last,
so an interrupted conversion is never mistaken for a ready cache.
"""
from __future__ import annotations

import importlib.util
import json
import os
import shutil
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from ..errors import TqcheckError
from .cards import ModelCard

MARKER = "tqcheck-ready.json"


def force_offline() -> None:
    """tqcheck never touches the network: weights come from installed packages only."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")


def cache_root() -> Path:
    env = os.environ.get("TQCHECK_CACHE_DIR")
    if env:
        return Path(env)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("tqcheck"))


def dense_dir(card: ModelCard) -> Path:
    return cache_root() / "models" / card.id


def package_dir(card: ModelCard) -> Path | None:
    """The package's folder, found without importing it."""
    try:
        spec = importlib.util.find_spec(card.module)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0])


def installed(card: ModelCard) -> bool:
    return package_dir(card) is not None


def missing_message(card: ModelCard) -> str:
    return (f"language model {card.id!r} is not installed (package {card.package}); "
            f"install it with `pip install {card.package}`, or run with --no-model")


def gguf_path(card: ModelCard) -> Path:
    pkg = package_dir(card)
    if pkg is None:
        raise TqcheckError(missing_message(card))
    if card.source == "file":
        hits = [pkg / card.file] if (pkg / card.file).is_file() else sorted(pkg.rglob(card.file))
        if not hits:
            raise TqcheckError(f"{card.package} is installed but {card.file} is not in {pkg}; reinstall it")
        return hits[0]
    # "assemble": join the chunk packages into the cache and check the SHA-256 (the package does both).
    mod = importlib.import_module(card.module)
    target = cache_root() / "gguf" / card.file
    try:
        try:
            return Path(mod.assemble(target))
        except FileExistsError:  # a stale or damaged copy: rebuild it
            return Path(mod.assemble(target, overwrite=True))
    except (FileNotFoundError, ModuleNotFoundError) as exc:
        raise TqcheckError(f"{card.package}: chunk packages missing ({exc}); reinstall {card.package}") from None
    except ValueError as exc:
        raise TqcheckError(f"{card.package}: assembled file failed its checksum ({exc}); reinstall it") from None


def is_ready(card: ModelCard) -> bool:
    d = dense_dir(card)
    try:
        meta = json.loads((d / MARKER).read_text("utf-8"))
    except (OSError, ValueError):
        return False
    return meta.get("id") == card.id and (d / "config.json").is_file()


def _say(message: str) -> None:
    print(f"tqcheck: {message}", file=sys.stderr, flush=True)


@contextmanager
def _gguf_read_once():
    """transformers opens the GGUF three times (for the config, the tokenizer and the weights), and each
    ``GGUFReader`` parses the header field by field, the 262,144-token vocabulary included: about 70 % of
    a conversion (profiled).  While converting, one reader per file serves all three; it is only read,
    through a plain array view of its memory map (``PlainReader``).

    Mapping the weights' names builds gguf's table of every tensor name once per module of the model
    (313 times for the default model: a quarter of a conversion, profiled); the table depends only on
    the architecture and the layer count, so one is built and shared.  Both are read-only."""
    try:
        import gguf
        import numpy as np
    except ImportError:  # transformers says what is missing itself
        yield
        return
    original, original_names = gguf.GGUFReader, gguf.get_tensor_name_map
    readers: dict[tuple, object] = {}
    names: dict[tuple, object] = {}

    class PlainReader(original):
        """A GGUFReader that parses its file through a plain array view of the memory map: every
        slice of an ``np.memmap`` goes through the subclass's Python hooks, and the header is
        sliced some 6 million times (9.7 -> 3.0 CPU-s for the default model; the same fields and
        tensors, read from the same mapped pages)."""

        @property
        def data(self):
            return self._plain

        @data.setter
        def data(self, value):
            self._plain = value.view(np.ndarray) if isinstance(value, np.memmap) else value

    def reader(path, *args, **kwargs):
        key = (os.fspath(path), args, tuple(sorted(kwargs.items())))
        if key not in readers:
            readers[key] = PlainReader(path, *args, **kwargs)
        return readers[key]

    def name_map(arch, n_blocks):
        if (arch, n_blocks) not in names:
            names[arch, n_blocks] = original_names(arch, n_blocks)
        return names[arch, n_blocks]

    gguf.GGUFReader, gguf.get_tensor_name_map = reader, name_map
    try:
        yield
    finally:
        gguf.GGUFReader, gguf.get_tensor_name_map = original, original_names


def prepare(card: ModelCard, force: bool = False, quiet: bool = False) -> Path:
    """Convert the packaged GGUF into the dense cache (once); return its folder."""
    return prepare_loaded(card, force, quiet)[0]


def prepare_loaded(card: ModelCard, force: bool = False, quiet: bool = False) -> tuple[Path, tuple | None]:
    """``prepare``, and the (model, tokenizer) it converted when it converted them (None when the dense
    copy was ready): the first check uses them as they are instead of loading the copy just written
    (its weights are the same tensors; reading them back took 8-14 s of a first run)."""
    force_offline()
    target = dense_dir(card)
    if is_ready(card) and not force:
        return target, None
    src = gguf_path(card)
    if not quiet:
        _say(f"preparing language model {card.id} (one-time conversion from GGUF, {card.speed.split(';')[0]})")
    started = time.perf_counter()
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{card.id}.", dir=target.parent))
    try:
        with _gguf_read_once():
            tok = AutoTokenizer.from_pretrained(str(src.parent), gguf_file=src.name)
            model = AutoModelForCausalLM.from_pretrained(str(src.parent), gguf_file=src.name, dtype=torch.float32)
        # The de-quantized weights are plain tensors; drop the GGUF quantizer so they can be saved.
        model.hf_quantizer = None
        if hasattr(model.config, "quantization_config"):
            del model.config.quantization_config
        model.save_pretrained(str(tmp))
        tok.save_pretrained(str(tmp))
        (tmp / MARKER).write_text(json.dumps({"id": card.id, "gguf": src.name, "size": src.stat().st_size,
                                              "created": time.time()}), "utf-8")
        if target.exists():
            shutil.rmtree(target)
        os.replace(tmp, target)
        if card.source == "assemble":
            src.unlink(missing_ok=True)  # the joined GGUF is only an input; the packages still hold it
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if not quiet:
        _say(f"model {card.id} ready in {target} ({time.perf_counter() - started:.0f} s)")
    return target, (model, tok)


def clear(card: ModelCard) -> None:
    shutil.rmtree(dense_dir(card), ignore_errors=True)
