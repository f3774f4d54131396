"""Snapshot tests: the JSON contract for each fixture, as `tqcheck check --no-model -f json` writes it.

A snapshot changes only on purpose: run with TQCHECK_UPDATE_SNAPSHOTS=1 to rewrite them, then read the
diff as a reviewer would (every changed finding is a behaviour change).  The model-free path is exact;
the model's path is covered by the seed tests in test_phrasing/test_html_report.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from .conftest import ROOT, SEED

SNAPSHOTS = Path(__file__).parent / "snapshots"
FIXTURES = {"blinken-beijing": SEED}


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_json_snapshot(cli, name, monkeypatch):
    monkeypatch.chdir(ROOT)
    code, out, err = cli("check", FIXTURES[name].relative_to(ROOT), "--no-model", "-f", "json", "--fail-on", "never")
    assert code == 0, err
    data = json.loads(out)
    data.pop("meta", None)  # the command line and model: facts of the run, not of the findings
    data["tool"].pop("version", None)
    got = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    path = SNAPSHOTS / f"{name}.json"
    if os.environ.get("TQCHECK_UPDATE_SNAPSHOTS") == "1" or not path.exists():
        path.write_text(got, "utf-8")
        if os.environ.get("TQCHECK_UPDATE_SNAPSHOTS") != "1":
            pytest.fail(f"{path} did not exist; written now: review and commit it")
    assert got == path.read_text("utf-8"), f"{name}: output differs from {path} (TQCHECK_UPDATE_SNAPSHOTS=1 rewrites)"
