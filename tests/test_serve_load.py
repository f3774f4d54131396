"""A bounded load test of `tqcheck serve`, on loopback only: 50 clients at once, each checking the seed.

Each client's loop is bounded in count (ROUNDS requests) and in time (DEADLINE seconds overall), so
the test ends whatever the machine's speed.  The desk runs the model-free checks: what is measured
is the server (queueing, one check at a time on the desk's thread, no request lost), not the model.
Run with `-m slow`; the latencies are printed (-s shows them).
"""
from __future__ import annotations

import statistics
import threading
import time

import pytest

from .conftest import SEED
from .serve_helpers import served

pytestmark = pytest.mark.slow
httpx = pytest.importorskip("httpx")

CLIENTS = 50
ROUNDS = 2  # requests per client
DEADLINE = 240.0  # seconds for the whole test: a client starts no new request after it


def test_fifty_concurrent_checks_of_the_seed():
    from tqcheck.serve.desk import Desk

    desk = Desk(use_model=False)
    desk.run_sync(desk.start_now)
    try:
        with served(desk) as base:
            latencies, failures, found, wall = _load(f"{base}/api/check")
    finally:
        desk.close()

    assert failures == []
    assert len(latencies) == CLIENTS * ROUNDS
    assert found == {4}  # every answer is the seed's full report: space, Qing Gang, Gang, run-in heading
    q = statistics.quantiles(latencies, n=20)
    print(f"\n{len(latencies)} checks by {CLIENTS} concurrent clients in {wall:.1f} s: "
          f"p50 {statistics.median(latencies):.2f} s, p95 {q[18]:.2f} s, max {max(latencies):.2f} s")


def _load(url: str) -> tuple[list[float], list[str], set[int], float]:
    """CLIENTS clients at once, ROUNDS requests each, none started after DEADLINE."""
    body = {"text": SEED.read_text("utf-8"), "name": "seeds/blinken-beijing.en.txt", "use_model": False}
    latencies: list[float] = []
    failures: list[str] = []
    found: set[int] = set()
    lock = threading.Lock()
    start = time.monotonic()
    go = threading.Barrier(CLIENTS)

    def client():
        with httpx.Client(timeout=DEADLINE) as http:
            go.wait()
            for _ in range(ROUNDS):
                if time.monotonic() - start > DEADLINE:
                    return
                t = time.perf_counter()
                try:
                    r = http.post(url, json=body)
                    ok = r.status_code == 200
                    n = len(r.json()["files"][0]["findings"]) if ok else -1
                except httpx.HTTPError as exc:
                    ok, n, r = False, -1, exc
                took = time.perf_counter() - t
                with lock:
                    latencies.append(took)
                    found.add(n)
                    if not ok:
                        failures.append(str(getattr(r, "text", r))[:200])

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(DEADLINE + 30)
    return latencies, failures, found, time.monotonic() - start
