"""A suppression comment that silences nothing (ruff's RUF100): stale comments pile up in a content repository."""
from __future__ import annotations

from ...findings import Category, Severity
from ...suppress import ALL
from ..registry import SuppressionRule, all_rules, register


@register
class UnusedSuppression(SuppressionRule):
    id = "unused-suppression"
    family = "meta"
    category = Category.STYLE
    severity = Severity.WARNING
    description = """A tqcheck-disable comment that suppresses nothing, or names a rule that does not exist.

    A comment is reported only when the rule it names ran on the file (a rule that
    was not selected, is off in the config, needs a model, a source or another
    language is not judged), so switching rules off never makes comments look stale.
    Remove the comment, or fix the rule id it names."""
    bad = ("<!-- tqcheck-disable-next-line doubled-space -->\nThis line has single spaces only.",
           "<!-- tqcheck-disable-next-line doubled-spaces -->\nA  typo in the rule id.")
    example_with = ("doubled-space",)
    good = ("<!-- tqcheck-disable-next-line doubled-space -->\nThis line has  a doubled space.",)

    def check_suppressions(self, doc, unused, ran):
        known = all_rules()
        for d in unused:
            if d.rule != ALL and d.rule not in known:
                yield self.finding(d.start, d.end, f"'{d.comment}' names no rule: '{d.rule}' is unknown "
                                   "(`tqcheck rules` lists them).", confidence=1.0, rule_named=d.rule)
            elif (d.rule == ALL and ran - {self.id}) or d.rule in ran:
                what = "any rule" if d.rule == ALL else f"'{d.rule}'"
                yield self.finding(d.start, d.end, f"'{d.comment}' suppresses nothing: {what} found nothing "
                                   "here. Remove the comment.", [""], confidence=1.0, rule_named=d.rule)
