"""A newcomer's first check: the README's first command after `pip install`, on an empty cache.

    python benchmarks/first_run.py [--tree CHECKOUT] [--rounds N]

Runs ``tqcheck check seeds/blinken-beijing.en.txt --report X.html --report X.json`` in a fresh
process with a fresh HOME (so the user cache, the converted model and the results cache are empty;
the shared ~/.cache/tqcheck is never touched), then once more in the same HOME with only the
results and score caches cleared (a later run: the converted model is on disk).  Reports each run's
wall time, CPU time (user + system: steadier than wall on a shared machine) and peak RSS, with the
load average when it started.  ``--tree`` times another checkout (e.g. the commit before a change)
with this interpreter, so before and after run back to back on one machine.

Issue #24's target: the whole first command (install ~48 s, then this check) within 90 s on the
2-core machine, so the cold check within about 42 s.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SEED = "seeds/blinken-beijing.en.txt"


def _run(tree: Path, home: Path, reports: list[str]) -> dict:
    load = os.getloadavg()[0]
    args = [sys.executable, "-m", "tqcheck", "check", SEED]
    for r in reports:
        args += ["--report", r]
    # The user cache follows HOME only when nothing points it elsewhere.
    env = {k: v for k, v in os.environ.items() if k not in ("TQCHECK_CACHE_DIR", "XDG_CACHE_HOME")}
    t = time.perf_counter()
    proc = subprocess.Popen(args, cwd=tree, env={**env, "HOME": str(home)}, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    stderr = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)  # this run's own CPU time and peak RSS
    wall = time.perf_counter() - t
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise SystemExit(f"tqcheck failed ({code}):\n{stderr}")
    return {"wall_s": round(wall, 1), "cpu_s": round(usage.ru_utime + usage.ru_stime, 1),
            "peak_rss_mb": round(usage.ru_maxrss / 1024), "load_at_start": round(load, 1)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tree", type=Path, default=REPO, help="the checkout to time (default: this one)")
    ap.add_argument("--rounds", type=int, default=1)
    args = ap.parse_args()
    rounds = []
    for _ in range(args.rounds):
        home = Path(tempfile.mkdtemp(prefix="tqcheck-first-run-"))
        try:
            out = home / "reports"
            first = _run(args.tree, home, [str(out / "seed.html"), str(out / "seed.json")])
            shutil.rmtree(home / ".cache" / "tqcheck" / "results", ignore_errors=True)
            (home / ".cache" / "tqcheck" / "scores.sqlite3").unlink(missing_ok=True)
            later = _run(args.tree, home, [str(out / "seed.later.json")])
            rounds.append({"first": first, "later": later})
        finally:
            shutil.rmtree(home, ignore_errors=True)
    print(json.dumps({"tree": str(args.tree), "rounds": rounds}, indent=2))


if __name__ == "__main__":
    main()
