"""Distributed runs on Ray (--executor ray): the findings of a local run, no document lost, clear errors.

One local Ray (2 CPUs, no dashboard) serves the whole module and is shut down after it.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import EVAL_ZHEN, ROOT, SEED

ray = pytest.importorskip("ray", reason="Ray is an optional dependency: pip install 'tqcheck[ray]'")

# The corpus rule's own example: two files agree on "Xia Liyan", a third writes "Hsia Liyan".
STORIES = {
    "a.txt": "Xia Liyan arrived in Beijing on Wednesday. Xia Liyan met officials.\n",
    "b.txt": "Xia Liyan spoke in Shanghai on Thursday. Xia Liyan praised the talks.\n",
    "c.txt": "Hsia Liyan returned to Taipei on Friday. Hsia Liyan thanked his hosts , then left.\n",
}


def _document_text(record: dict) -> str:
    out = ""
    for seg in record["segments"]:
        out += ("\n\n" if seg["starts_paragraph"] else " ") if out else ""
        out += seg["target"]
    return out + "\n"


@pytest.fixture(scope="module")
def local_ray():
    # Workers import this checkout's tqcheck (in CI it is pip-installed; here PYTHONPATH may point at it).
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False,
             runtime_env={"env_vars": {"PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}})
    yield ray
    ray.shutdown()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("content")
    for name, text in STORIES.items():
        (folder / name).write_text(text, "utf-8")
    (folder / SEED.name).write_text(SEED.read_text("utf-8"), "utf-8")
    if EVAL_ZHEN.exists():
        with EVAL_ZHEN.open(encoding="utf-8") as lines:
            for n, line in zip(range(3), lines):
                (folder / f"wmt-{n}.txt").write_text(_document_text(json.loads(line)), "utf-8")
    return folder


def _check(cli, *args):
    code, out, err = cli("check", *args, "--no-model", "--lang", "en", "--no-cache", "-f", "json",
                         "--fail-on", "never")
    assert code == 0, err
    data = json.loads(out)
    data.pop("meta")
    return data, err


def test_a_ray_run_gives_the_findings_of_a_local_run(cli, local_ray, corpus):
    local, _ = _check(cli, corpus, "--jobs", "1")
    distributed, err = _check(cli, corpus, "--executor", "ray")
    assert "Traceback" not in err
    assert distributed == local  # the whole JSON contract, corpus findings and names ledger included
    corpus_findings = [(Path(r["path"]).name, f["suggestions"]) for r in distributed["files"]
                       for f in r["findings"] if f["rule"] == "name-variant-corpus"]
    assert corpus_findings == [("c.txt", ["Xia Liyan"]), ("c.txt", ["Xia Liyan"])]
    assert len(distributed["files"]) == len(list(corpus.iterdir()))


def test_actors_killed_mid_run_lose_no_document(local_ray, corpus):
    """One actor is killed and restarted by Ray, the other killed for good: every document is checked,
    by the restarted actor or here, and the outcomes are those of a local run."""
    from tqcheck.engine import Engine
    from tqcheck.executors import check_locally
    from tqcheck.executors.ray import RayChecks
    from tqcheck.pipeline import CheckRequest, load_documents

    request = CheckRequest(paths=[str(corpus)], use_model=False, lang="en")
    docs = load_documents(request) * 2  # more documents than the actors hold at once
    engine = Engine(request.context())
    checks = RayChecks(local_ray, request, len(docs))
    assert len(checks.actors) == 2
    finished, warnings = [], []

    def done(doc):
        finished.append(doc)
        if len(finished) == 1:
            local_ray.kill(checks.actors[0], no_restart=False)
        elif len(finished) == 2:
            local_ray.kill(checks.actors[1], no_restart=True)

    outcomes = checks.run(engine, docs, warnings.append, done)
    assert len(outcomes) == len(finished) == len(docs)
    assert [o.to_json() for o in outcomes] == [o.to_json() for o in check_locally(engine, docs)]
    assert any("died" in w for w in warnings)


def test_an_unreachable_address_is_a_one_line_error(cli):
    code, out, err = cli("check", SEED, "--no-model", "--executor", "ray", "--ray-address", "127.0.0.1:1")
    assert code == 2 and out == ""
    assert err.startswith("tqcheck: error: cannot reach the Ray cluster at 127.0.0.1:1") and err.count("\n") == 1


def test_a_bad_address_and_a_missing_ray_are_one_line_errors(cli, monkeypatch):
    code, _, err = cli("check", SEED, "--no-model", "--executor", "ray", "--ray-address", "head-node")
    assert code == 2 and "expected HOST:PORT" in err and "Traceback" not in err
    monkeypatch.setitem(sys.modules, "ray", None)  # as if it were not installed
    code, _, err = cli("check", SEED, "--no-model", "--executor", "ray")
    assert code == 2 and "pip install 'tqcheck[ray]'" in err and err.count("\n") == 1


def test_a_head_that_does_not_answer_fails_within_the_connect_timeout(tmp_path):
    """A port that accepts connections but never speaks Ray: the error comes after TQCHECK_RAY_CONNECT_TIMEOUT
    (a process of its own: the abandoned connection attempt must not share a process with the module's Ray)."""
    import socket

    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        port = silent.getsockname()[1]
        env = {**os.environ, "TQCHECK_RAY_CONNECT_TIMEOUT": "3", "RAY_ADDRESS": f"127.0.0.1:{port}",
               "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
        run = subprocess.run([sys.executable, "-m", "tqcheck", "check", str(SEED), "--no-model", "--executor", "ray"],
                             env=env, capture_output=True, text=True, timeout=90)
    assert run.returncode == 2 and run.stdout == ""
    assert f"tqcheck: error: the Ray cluster at 127.0.0.1:{port} did not answer within 3 s" in run.stderr
    assert "Traceback" not in run.stderr
