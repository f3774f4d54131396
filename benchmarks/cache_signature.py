"""What the results cache's key costs a run: the run signature, first computation in a fresh process.

    python benchmarks/cache_signature.py [--repeat 5]

Each measurement is a fresh interpreter (the signature is worked out once per process), timing
``run_signature`` alone after its imports, for a run without the model and one with it (the model's
card, its converted copy, the sentence encoder and the device: file sizes and mtimes, no weights read),
then a second call in the same process (memoised).  Prints the median of ``--repeat`` processes.
The signature runs at the start of every cached run, whose all-hits case is under a second.
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = r"""
import json, time
from tqcheck.config import Config
from tqcheck.pipeline import CheckRequest
from tqcheck.results_cache import run_signature
from tqcheck.lm.cards import get_card
use_model = MODEL
request = CheckRequest(config=Config(), use_model=use_model)
card = get_card() if use_model else None
t = time.perf_counter(); run_signature(request, ["a"], card); first = time.perf_counter() - t
t = time.perf_counter(); run_signature(request, ["a"], card); again = time.perf_counter() - t
print(json.dumps({"first": first, "again": again, "torch": "torch" in __import__("sys").modules}))
"""


def measure(use_model: bool, repeat: int) -> dict:
    runs = []
    for _ in range(repeat):
        out = subprocess.run([sys.executable, "-c", PROBE.replace("MODEL", str(use_model))], cwd=ROOT,
                             capture_output=True, text=True, check=True).stdout
        runs.append(json.loads(out))
    return {"first_ms": round(1000 * statistics.median(r["first"] for r in runs), 1),
            "again_ms": round(1000 * statistics.median(r["again"] for r in runs), 2),
            "imported_torch": any(r["torch"] for r in runs)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    for use_model in (False, True):
        print(f"{'with' if use_model else 'without'} the model: {measure(use_model, args.repeat)}")


if __name__ == "__main__":
    main()
