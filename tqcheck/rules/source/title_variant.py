"""One work's title (a film, a book, a law) that the source writes the same way each time, translated two ways."""
from __future__ import annotations

import re
from collections import Counter, defaultdict

from ...analysis.source import SourceSide, source_side
from ...findings import Applicability, Category, Severity
from ..registry import DocumentRule, register

# Title marks: Chinese and Korean 《》 and 〈〉, Japanese 『』. They mark a work's title and nothing else,
# so the same marked words twice in a source are one work named twice.
_SOURCE_TITLE = re.compile(r"《([^《》]{1,60})》|〈([^〈〉]{1,60})〉|『([^『』]{1,60})』")
# A quoted stretch of the translation: where translations put a title the source marks.
_QUOTED = re.compile(r"“([^“”]{2,80})”|\"([^\"]{2,80})\"|«([^«»]{2,80})»|„([^„“”]{2,80})[“”]|‘([^‘’]{2,80})’")
# Quotation marks in a source (besides its title marks).
_SOURCE_QUOTE = re.compile(r"[“”\"「」«»„]")
# Longer quotations are remarks, not titles.
MAX_TITLE_WORDS = 8
_THE = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)


def _key(rendering: str) -> str:
    """What two renderings of a title must share to be one rendering: their words, whatever the case, a
    leading article and the punctuation around them ("The Bomb Disposal Expert," is "Bomb disposal expert")."""
    words = re.findall(r"\w+", _THE.sub("", rendering.strip()))
    return " ".join(words).casefold()


def _inner(m: re.Match) -> tuple[int, int]:
    """The quoted words' span, without the spaces some translations leave inside the marks."""
    g = next(i for i in range(1, m.re.groups + 1) if m.group(i) is not None)
    s, e = m.span(g)
    text = m.string
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1] in " \u00a0,.;:":
        e -= 1
    return s, e


@register
class TitleVariant(DocumentRule):
    id = "title-variant"
    family = "source"
    category = Category.NAME
    severity = Severity.WARNING
    requires = (SourceSide,)
    description = """A work the source names with the same title twice is translated under two titles.

    Chinese, Korean and Japanese sources mark a film's, book's or law's title (《》,
    〈〉, 『』); the same marked title twice is one work.  Where the sentences that
    hold it quote two different titles, readers meet two works.  The suggestion is
    the title the translation uses most (the first, on a tie): check it against the
    work's published English title, which may be neither.  Only sentences whose
    source marks one title and whose translation quotes one title-length phrase
    are compared.
    """
    bad = (("《拆弹专家2》定档12月24日。这一次，《拆弹专家2》也让人期待。 => \"Bomb Removal Expert 2\" opens on "
            "December 24. This time, \"Bomb Dismantling Expert 2\" raises hopes."),)
    good = (("《拆弹专家2》定档12月24日。这一次，《拆弹专家2》也让人期待。 => \"Bomb Disposal Expert 2\" opens on "
             "December 24. This time, \"The Bomb Disposal Expert 2\" raises hopes."),
            ("《拆弹专家》获得七项提名。《拆弹专家2》定档12月24日。 => \"Shock Wave\" won seven nominations. "
             "\"Shock Wave 2\" opens on December 24."))

    def check(self, doc, ctx):
        al = source_side(doc, ctx).alignment
        renderings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for bead in al.beads:
            if not bead.src or not bead.tgt:
                continue
            source = al.source_text(bead)
            titles = [m.group(0) for m in _SOURCE_TITLE.finditer(source)]  # with its marks: 《拆弹专家2》
            s, e = al.target_span(bead)
            quoted = [_inner(m) for m in _QUOTED.finditer(doc.text, s, e)]
            # One title, no other quotation in the source, and one quotation in the translation of a
            # title's length without a clause's punctuation: two titles may be quoted in either order,
            # and a quoted word beside a title the translation left unquoted is no rendering of it.
            if len(titles) != 1 or len(quoted) != 1 or _SOURCE_QUOTE.search(source):
                continue
            qs, qe = quoted[0]
            words = doc.text[qs:qe].split()
            if 0 < len(words) <= MAX_TITLE_WORDS and not re.search(r"[,;:!?]", doc.text[qs:qe]):
                renderings[titles[0]].append((qs, qe))
        for title, spans in renderings.items():
            keyed = [(_key(doc.text[s:e]), s, e) for s, e in spans]
            keys = Counter(k for k, _, _ in keyed)
            if len(keys) < 2:
                continue
            first: dict[str, tuple[int, int]] = {}
            for k, s, e in keyed:
                first.setdefault(k, (s, e))
            top = max(keys, key=lambda k: (keys[k], -first[k][0]))
            chosen = doc.text[slice(*first[top])]
            for k, s, e in keyed:
                if k == top:
                    continue
                yield self.finding(
                    s, e, f"the source's title {title} is translated '{doc.text[s:e]}' here and '{chosen}' "
                          f"elsewhere (×{keys[top]}): one work, one title", suggestions=[chosen], confidence=0.6,
                    applicability=Applicability.SUGGEST)
