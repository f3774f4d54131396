"""The given name of a Chinese or Korean name used as if it were the family name."""
from __future__ import annotations

from ...names.ledger import NameLedger, name_ledger
from ...findings import Category, Severity
from ..registry import DocumentRule, register


@register
class NameOrder(DocumentRule):
    id = "name-order"
    family = "names"
    requires = (NameLedger,)
    category = Category.NAME
    reads = frozenset({"entities"})
    severity = Severity.WARNING
    languages = frozenset({"en"})
    description = """A bare given name where the family name is meant ("Blinken talked to Gang").

    Chinese and Korean names put the family name first: Qin Gang is Mr Qin, Kim Jong-un is
    Mr Kim.  A later mention of the given name alone is flagged, with the family name as
    the suggestion.  Vietnamese names are not flagged: the given name alone is the usual
    short form there (Pham Minh Chinh -> Chinh)."""
    bad = ("Antony Blinken met his Chinese counterpart Qin Gang on Sunday. Blinken talked to Gang for "
           "seven and a half hours.",)
    good = ("Antony Blinken met his Chinese counterpart Qin Gang on Sunday. Blinken talked to Qin for "
            "seven and a half hours.",)

    def check(self, doc, ctx):
        for e in name_ledger(doc, ctx).entities:
            for f, family in e.given_only:
                family = e.family_word(e.canonical) or family
                for m in f.mentions:
                    yield self.finding(
                        m.start, m.end,
                        f"'{f.surface}' is the given name of {e.canonical}; the family name comes first in "
                        f"Chinese and Korean names, so the short form is '{family}'.",
                        [family], confidence=0.8, entity=e.canonical)
