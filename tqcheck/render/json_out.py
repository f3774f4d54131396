"""JSON: the stable, versioned contract CI users parse (see Report.to_dict)."""
from __future__ import annotations

import json

from ..report import Report


def render(report: Report, **_) -> str:
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n"
