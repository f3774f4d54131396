"""The model's reading kept per window (tqcheck.analysis.reading_cache): a re-check after an edit reads
only the windows whose text or context changed, and its results equal a reading without the cache.

The logic runs on the stand-in model (tests/stand_in_lm.py), whose hidden states have the shipped
detector's width, so the detector's caching is exercised with its real weights in milliseconds; the
real model's desk re-check is compared with an uncached check in the slow test at the end.
"""
from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from tqcheck.analysis import reading, reading_cache
from tqcheck.analysis.reading_cache import READINGS, WindowCache
from tqcheck.detector import detection as detection_module
from tqcheck.detector import detector_for
from tqcheck.detector.detection import detection
from tqcheck.document import Document
from tqcheck.progress import PROGRESS, Progress

from .stand_in_lm import StandInLM, context_with_stand_in

SEED = (Path(__file__).resolve().parent.parent / "seeds" / "blinken-beijing.en.txt").read_text("utf-8")


def _run(lm: StandInLM, text: str, cache: WindowCache):
    """One check's reading and detection of ``text``, with ``cache`` as the run's reading cache (the desk
    keeps one across its checks)."""
    ctx = _ctx_with(lm, cache)
    doc = Document.from_text(text, lang="en")
    lm.calls.clear()
    read = reading.read(doc, ctx)
    found = detection(doc, ctx)
    texts = [t for method, ts, _ in lm.calls if method == "alternatives" for t in ts]
    return read, found, texts


def _fields(read):
    return [(w.start, w.end, w.text, w.surprisal, w.proposals, w.paragraph, w.tokens, w.peak) for para in read for w in para]


def test_a_one_word_edit_far_from_the_windows_end_re_reads_only_its_window():
    lm, cache = StandInLM(), WindowCache()
    _, _, first = _run(lm, SEED, cache)
    assert len(first) == 3  # the seed is three windows
    edited = SEED.replace("abruptly", "suddenly", 1)  # 1,050 characters before its window's end
    _, _, texts = _run(lm, edited, cache)
    assert len(texts) == 1 and "suddenly" in texts[0]
    _, _, again = _run(lm, edited, cache)
    assert again == []  # nothing changed: nothing read


def test_an_edit_in_the_next_windows_context_re_reads_that_window_too():
    lm, cache = StandInLM(), WindowCache()
    _run(lm, SEED, cache)
    # "especially" is 437 characters before the end of the second window: inside the third one's context.
    _, _, texts = _run(lm, SEED.replace("especially", "particularly", 1), cache)
    assert len(texts) == 2 and "particularly" in texts[0] and "particularly" not in texts[1]
    assert texts[1].startswith("Washington also criticizes")


def test_the_reading_and_the_detection_from_the_cache_equal_those_of_an_uncached_run():
    lm, cache = StandInLM(bigrams={("but", "abruptly"): -14.0}), WindowCache()
    edited = SEED.replace("further", "more", 1)  # the first window and the second's context change
    _run(lm, SEED, cache)
    cached_read, cached, texts = _run(lm, edited, cache)
    assert len(texts) == 2
    fresh_read, fresh, _ = _run(lm, edited, WindowCache())
    assert _fields(cached_read) == _fields(fresh_read)
    # The third window's detector outputs came from the cache, the words at its edge were derived again.
    assert [p.fresh for p in cached_read.parts] == [True, True, False]
    for name in ("marked", "major"):
        np.testing.assert_allclose(getattr(cached, name), getattr(fresh, name), rtol=1e-5, atol=1e-6)
    assert (cached.marked >= cached.threshold).tolist() == (fresh.marked >= fresh.threshold).tolist()


def test_a_cold_reading_derives_every_word_in_one_call_exactly_as_without_the_cache(monkeypatch):
    calls = []
    real = detection_module.per_word
    monkeypatch.setattr(detection_module, "per_word", lambda det, X, lang, rows=None: calls.append(rows) or real(det, X, lang, rows))
    lm = StandInLM()
    read, found, _ = _run(lm, SEED, WindowCache())
    assert calls == [None]
    det = detector_for("gemma-3-270m")
    from tqcheck.detector.features import word_features

    _, X = word_features(Document.from_text(SEED, lang="en"), read)
    marked, major = det.probabilities(X, "en")
    assert np.array_equal(found.marked, marked) and np.array_equal(found.major, major)


def test_a_changed_detector_file_invalidates_what_was_derived_with_it(monkeypatch, tmp_path):
    calls = []
    real = detection_module.per_word
    monkeypatch.setattr(detection_module, "per_word", lambda det, X, lang, rows=None: calls.append(rows) or real(det, X, lang, rows))
    lm, cache = StandInLM(), WindowCache()
    read, shipped_found, _ = _run(lm, SEED, cache)
    _run(lm, SEED, cache)
    # Unchanged: only the words within the detector's reach of a window's edge are derived again.
    reach = detector_for("gemma-3-270m").neighbours
    assert calls[-1] is not None and len(calls[-1]) <= 2 * reach * len(read.parts)
    # Another detector file (its calibration moved): nothing derived with the old one is used, and the
    # windows are read again for the hidden states the cache does not keep.
    shipped = detector_for("gemma-3-270m")
    changed = dataclasses.replace(shipped, calibration={**shipped.calibration, "en": (1.0, 0.5)})
    changed.save(tmp_path / "gemma-3-270m.npz")
    reloaded = type(shipped).load(tmp_path / "gemma-3-270m.npz")
    assert reloaded.digest != shipped.digest
    monkeypatch.setattr("tqcheck.detector.detector_for", lambda model_id: reloaded)
    _, found, texts = _run(lm, SEED, cache)
    assert calls[-1] is None and len(texts) == 3
    _, uncached, _ = _run(lm, SEED, WindowCache())
    assert np.array_equal(found.marked, uncached.marked) and not np.array_equal(found.marked, shipped_found.marked)


def _ctx_with(lm, cache):
    ctx = context_with_stand_in(lm)
    ctx.resource(READINGS, lambda: cache)
    return ctx


def test_the_reading_keeps_enough_edge_states_for_the_shipped_detectors_reach():
    # A word within the detector's reach of a window edge reads its neighbours' states up to twice as far in.
    assert 2 * detector_for("gemma-3-270m").neighbours <= reading_cache.EDGE_WORDS


def test_a_changed_language_or_reading_setting_is_another_key():
    lm, cache = StandInLM(), WindowCache()
    _run(lm, SEED, cache)
    ctx = context_with_stand_in(lm, read_in_context=False)
    ctx.resource(READINGS, lambda: cache)
    lm.calls.clear()
    reading.read(Document.from_text(SEED, lang="en"), ctx)
    assert sum(len(ts) for m, ts, _ in lm.calls if m == "alternatives") == 19  # every paragraph, alone


def test_the_cache_forgets_the_least_recently_used_windows_beyond_its_limit():
    lm, cache = StandInLM(), WindowCache(limit=2)
    _run(lm, SEED, cache)
    assert len(cache) == 2
    _, _, texts = _run(lm, SEED, cache)
    assert len(texts) >= 1


def test_progress_counts_the_paragraphs_read_out_of_the_total():
    seen = []

    class Watched(Progress):
        def reading(self, done, total):
            seen.append((done, total))
            super().reading(done, total)

    lm, cache, progress = StandInLM(), WindowCache(), Watched()
    long_text = "\n\n".join([SEED] * 3)  # about 10,000 characters: more than one pass of PROGRESS_CHARS
    progress.started()
    read, _, _ = _run_watched(lm, long_text, cache, progress)
    total = len(read)
    assert seen[0] == (0, total) and seen[-1] == (total, total)
    assert len(seen) > 2 and [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert progress.to_dict()["paragraphs_read"] == total and progress.to_dict()["checking"]
    # A re-check after an edit starts from the paragraphs the cache holds.
    seen.clear()
    _run_watched(lm, long_text.replace("abruptly", "suddenly", 1), cache, progress)
    assert seen[0][0] > 0 and seen[-1] == (total, total) and len(seen) == 2


def _run_watched(lm, text, cache, progress):
    ctx = _ctx_with(lm, cache)
    ctx.resource(PROGRESS, lambda: progress)
    lm.calls.clear()
    doc = Document.from_text(text, lang="en")
    read = reading.read(doc, ctx)
    return read, None, [t for m, ts, _ in lm.calls if m == "alternatives" for t in ts]


def test_without_a_listener_the_reading_goes_in_one_pass():
    lm = StandInLM()
    _run(lm, "\n\n".join([SEED] * 3), WindowCache())
    assert sum(1 for m, _, _ in lm.calls if m == "alternatives") == 1


def test_progress_is_answered_at_once_and_says_nothing_is_being_checked_between_checks(desk):
    from starlette.testclient import TestClient

    from tqcheck.serve.app import create_app

    client = TestClient(create_app(desk), base_url="http://127.0.0.1:8765")
    assert client.get("/api/progress?paragraphs=<script>").json()["checking"] is False
    r = client.post("/api/review", json={"text": "Qin Gang met Blinken in Beijing.\n", "name": "story.txt"})
    assert r.status_code == 200 and r.json()["reading"] == {"read": 0, "cached": 0}  # no model: nothing read
    body = client.get("/api/progress").json()
    assert set(body) == {"checking", "paragraphs_read", "paragraphs", "seconds"} and body["checking"] is False
    assert client.post("/api/progress", json={}).status_code == 405


@pytest.mark.slow
def test_a_desk_re_check_after_a_one_word_edit_reads_one_window_and_equals_an_uncached_check():
    from starlette.testclient import TestClient

    from tqcheck.serve.app import create_app
    from tqcheck.serve.desk import Desk

    from .lm_session import real_lm

    lm = real_lm()
    desks = [Desk(lm=lm), Desk(lm=lm)]  # the second starts with an empty reading cache
    try:
        warm, cold = (TestClient(create_app(d), base_url="http://127.0.0.1") for d in desks)
        first = warm.post("/api/review", json={"text": SEED, "name": "story.txt"}).json()
        assert first["reading"] == {"read": 3, "cached": 0}
        assert desks[0].progress.to_dict()["paragraphs_read"] == desks[0].progress.to_dict()["paragraphs"] == 19
        edited = SEED.replace("abruptly", "suddenly", 1)
        again = warm.post("/api/review", json={"text": edited, "name": "story.txt"}).json()
        assert again["reading"] == {"read": 1, "cached": 2}
        fresh = cold.post("/api/review", json={"text": edited, "name": "story.txt"}).json()
        assert fresh["reading"] == {"read": 3, "cached": 0}

        found = again["report"]["files"][0]["findings"]
        assert any(f["rule"] == "lm-error-span" for f in found)
        assert found == fresh["report"]["files"][0]["findings"]
    finally:
        for d in desks:
            d.close()
