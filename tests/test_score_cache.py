"""The on-disk score cache: re-checking unchanged text needs no model at all."""
from __future__ import annotations

import math

from tqcheck.lm.cache import CachedLM, ScoreCache

from .lm_session import real_lm

CTX = "US Secretary of State Antony Blinken met Chinese Foreign Minister Qin Gang in Beijing."
TEXTS = ["Qin told Blinken that relations were at a low.", "It is the first displacement of a head of US diplomacy."]


def test_second_run_reads_scores_from_disk_without_loading_the_model(tmp_path):
    lm = real_lm()
    loads = []

    def loader():
        loads.append(1)
        return lm

    first = CachedLM(lm.card, "cpu", ScoreCache(tmp_path / "scores.sqlite3"), loader)
    scores = first.score(TEXTS, [CTX, CTX])
    alts = first.alternatives([TEXTS[1]], [CTX], k=3)
    assert loads == [1] and first.misses == 3

    def no_model():
        raise AssertionError("the model was loaded although every score was cached")

    second = CachedLM(lm.card, "cpu", ScoreCache(tmp_path / "scores.sqlite3"), no_model)
    again = second.score(TEXTS, [CTX, CTX])
    assert all(math.isclose(a, b, abs_tol=1e-9) for a, b in zip(scores, again))
    assert second.alternatives([TEXTS[1]], [CTX], k=3) == alts
    assert second.hits == 3 and not second.model_loaded
    # A different context is a different score: computed, not served from the cache.
    assert second.misses == 0
    try:
        second.score([TEXTS[0]], ["A different paragraph."])
    except AssertionError as exc:
        assert "was loaded" in str(exc)
    else:
        raise AssertionError("a new context was served from the cache")


def test_one_score_cache_serves_checks_on_other_threads(tmp_path):
    # The loaded model (and its cache) is shared by every desk of a process, each checking on its own thread.
    import threading

    from tqcheck.lm.cache import ScoreCache

    cache = ScoreCache(tmp_path / "scores.sqlite3")
    cache.put_many({"a": [[0, 1, -1.0]]})
    seen = {}

    def other():
        seen["a"] = cache.get_many(["a"]).get("a")
        cache.put_many({"b": [[0, 2, -2.0]]})

    t = threading.Thread(target=other)
    t.start()
    t.join()
    assert seen["a"] == [[0, 1, -1.0]] and cache.get_many(["b"]) == {"b": [[0, 2, -2.0]]}
