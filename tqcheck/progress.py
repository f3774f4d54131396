"""How far a long check has got, for whoever asks while it runs (the desk's ``GET /api/progress``).

The model's reading is most of a long check's time (about 80 s for a 3,300-word article on 2 CPU
cores), so that is what is counted: paragraphs read (or taken from the reading cache) out of the
document's total.  A run without a listener (the command line) has no ``PROGRESS`` resource and the
reading goes in one pass; with one, the reading reports after each of its passes (``reading._read``).
"""
from __future__ import annotations

import time

from .context import Resource


class Progress:
    """The current check's progress.  Written by the checking thread, read by another: each change
    replaces one tuple, so a reader never sees half of one."""

    def __init__(self) -> None:
        self._now: tuple[bool, int, int, float] = (False, 0, 0, 0.0)  # checking, paragraphs read, of total, since

    def started(self) -> None:
        self._now = (True, 0, 0, time.monotonic())

    def reading(self, done: int, total: int) -> None:
        checking, _, _, since = self._now
        self._now = (checking, done, total, since)

    def finished(self) -> None:
        _, done, total, since = self._now
        self._now = (False, done, total, since)

    def to_dict(self) -> dict:
        checking, done, total, since = self._now
        return {"checking": checking, "paragraphs_read": done, "paragraphs": total,
                "seconds": round(time.monotonic() - since, 1) if checking else None}


PROGRESS: Resource[Progress] = Resource("progress of the current check")


def ctx_progress(ctx) -> Progress | None:
    """The run's progress listener, or None (a run nobody watches)."""
    return ctx.resource(PROGRESS, lambda: None) if ctx.has_resource(PROGRESS) else None
