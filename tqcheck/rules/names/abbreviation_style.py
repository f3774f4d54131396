"""Dotted and undotted abbreviations of one name mixed: US and U.S., UK and U.K."""
from __future__ import annotations

from collections import Counter

from ...findings import Category, Severity
from ...names.data import entity_styles
from ...names.styles import occurrences
from ..registry import DocumentRule, register


@register
class AbbreviationStyle(DocumentRule):
    id = "abbreviation-style"
    family = "names"
    category = Category.TYPOGRAPHY
    severity = Severity.INFO
    languages = frozenset({"en"})
    description = """'US' and 'U.S.' (or 'UK' and 'U.K.', 'UN' and 'U.N.') in one document.

    House styles pick one (AP: U.S.; most British and many Asian outlets: US).  The less
    frequent style is flagged, with the document's majority style as the suggestion.  This
    is punctuation style, so its findings are typography, not name errors."""
    bad = ("The U.S. and China agreed. US officials said the talks went well.",)
    good = ("The U.S. and China agreed. U.S. officials said the talks went well.",
            "The United States and China agreed. US officials said the talks went well.")

    def check(self, doc, ctx):
        for entity in entity_styles():
            hits = [h for h in occurrences(doc.text, entity) if h[3] in ("abbr", "dotted")]
            if {h[3] for h in hits} != {"abbr", "dotted"}:
                continue
            styles = Counter(h[3] for h in hits)
            first = {k: min(h[0] for h in hits if h[3] == k) for k in styles}
            major = max(styles, key=lambda k: (styles[k], -first[k]))
            major_form = Counter(h[2] for h in hits if h[3] == major).most_common(1)[0][0]
            counts = ", ".join(f"'{f}' ×{n}" for f, n in Counter(h[2] for h in hits).most_common())
            for start, end, form, kind in hits:
                if kind == major:
                    continue
                right = form.replace(".", "") if major == "abbr" else ".".join(form) + "."
                yield self.finding(start, end, f"'{form}' beside '{major_form}' ({counts}): one abbreviation "
                                   "style per document.", [right], confidence=0.7, entity=entity)
