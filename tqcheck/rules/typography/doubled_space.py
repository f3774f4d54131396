"""Two or more spaces between words."""
from __future__ import annotations

import re

from ...findings import Category, Severity
from ..registry import DocumentRule, register

# Inside a line only: indentation and Markdown's trailing-two-space line break are layout.
_SPACES = re.compile(r"(?<=\S)[ \u00a0]{2,}(?=\S)")


@register
class DoubledSpace(DocumentRule):
    id = "doubled-space"
    family = "typography"
    category = Category.TYPOGRAPHY
    severity = Severity.INFO
    description = """Two or more spaces between words inside a line.

    Indentation and trailing spaces are left alone."""
    bad = ("The United States  and China agreed.",)
    good = ("The United States and China agreed.", "    indented line\nline break  \nnext")

    def check(self, doc, ctx):
        for m in _SPACES.finditer(doc.text):
            if doc.is_ignored(m.start() - 1, m.end() + 1):
                continue  # blanked-out markup next to the spaces, not a real double space
            yield self.finding(m.start(), m.end(), f"{m.end() - m.start()} spaces in a row.", [" "])
