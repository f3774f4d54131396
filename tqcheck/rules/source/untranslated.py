"""Target text left in the source language."""
from __future__ import annotations

import re
from functools import lru_cache

from ...analysis.lexical import zipf
from ...analysis.source import SourceSide, source_side
from ...findings import Category, Severity
from ..registry import DocumentRule, register

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff][\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f"
                  r"\uff00-\uffef\s·]*")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af]+(?:\s+[\uac00-\ud7af]+)*")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]+(?:[\s,]+[\u0400-\u04ff]+)*")
_WORDS = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
MIN_RUN = 3  # words copied from the source in a row before we call it untranslated
SCRIPT_OF = {"zh": _HAN, "ja": _HAN, "ko": _HANGUL, "ru": _CYRILLIC, "uk": _CYRILLIC, "bg": _CYRILLIC}


@lru_cache(maxsize=8)
def _pair_detector(src_lang: str, tgt_lang: str):
    """A lingua detector choosing between just the two languages (short phrases need the narrow choice)."""
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    langs = [Language.from_iso_code_639_1(getattr(IsoCode639_1, c.upper())) for c in (src_lang, tgt_lang)]
    return LanguageDetectorBuilder.from_languages(*langs).build()


def _source_share(text: str, src_lang: str, tgt_lang: str) -> float:
    """How likely ``text`` is in the source rather than the target language.

    Word frequencies decide for short phrases (lingua is unreliable on three
    words); lingua, choosing between the two languages only, for longer ones.
    """
    words = [w.lower() for w in _WORDS.findall(text)]
    if len(words) < 6:
        votes = [zipf(w, src_lang) - zipf(w, tgt_lang) for w in words]
        return sum(v >= 1.0 for v in votes) / len(votes) if votes else 0.0
    try:
        detector = _pair_detector(src_lang, tgt_lang)
    except (AttributeError, ValueError):
        return 0.0  # a language lingua does not know
    for value in detector.compute_language_confidence_values(text):
        if value.language.iso_code_639_1.name.lower() == src_lang:
            return float(value.value)
    return 0.0


@register
class SourceUntranslated(DocumentRule):
    id = "source-untranslated"
    family = "source"
    category = Category.ACCURACY
    severity = Severity.WARNING
    requires = (SourceSide,)
    description = """Target text still in the source language (not translated).

    Where the source is written in another script, source-script runs in the
    target are untranslated (Chinese characters in an English translation).
    Where both use the same script, a run of three or more words copied from the
    aligned source sentence, that language identification places in the source
    language, is reported; names and numbers copied as they are do not count.
    """
    bad = ("El gobierno aprobó la ley ayer. => The government approved la ley ayer.",
           "政府昨天批准了这项法律。 => The government approved 这项法律 yesterday.")
    good = ("El gobierno aprobó la ley ayer. => The government approved the law yesterday.",
            "Pedro Sánchez visitó Nueva York. => Pedro Sánchez visited New York.")

    def check(self, doc, ctx):
        al = source_side(doc, ctx).alignment
        src_lang, tgt_lang = al.source.lang, doc.lang
        if src_lang == tgt_lang or src_lang == "und":
            return
        script = SCRIPT_OF.get(src_lang)
        if script is not None and SCRIPT_OF.get(tgt_lang) is not script:
            yield from self._script_runs(doc, al, script)
            return
        yield from self._copied_runs(doc, al, src_lang, tgt_lang)

    def _script_runs(self, doc, al, script):
        for bead in al.beads:
            if not bead.tgt:
                continue
            s, e = al.target_span(bead)
            for m in script.finditer(doc.text, s, e):
                a, b = m.start(), m.end()
                while b > a and doc.text[b - 1].isspace():
                    b -= 1
                yield self.finding(a, b, f"{doc.text[a:b]!r} is not translated", confidence=0.9)

    def _copied_runs(self, doc, al, src_lang, tgt_lang):
        for bead in al.beads:
            if not bead.tgt or not bead.src:
                continue
            source = al.source_text(bead).lower()
            source_words = set(_WORDS.findall(source))
            s, e = al.target_span(bead)
            words = list(_WORDS.finditer(doc.text, s, e))
            run: list[re.Match] = []
            for w in words + [None]:
                if w is not None and w.group(0).lower() in source_words:
                    run.append(w)
                    continue
                yield from self._judge(doc, run, source, src_lang, tgt_lang)
                run = []

    def _judge(self, doc, run, source, src_lang, tgt_lang):
        content = [w for w in run if not w.group(0)[0].isupper()]
        if len(run) < MIN_RUN or len(content) < 2:
            return
        a, b = run[0].start(), run[-1].end()
        phrase = doc.text[a:b]
        if " ".join(w.group(0).lower() for w in run) not in " ".join(_WORDS.findall(source)):
            return  # the words occur in the source, but not as this phrase
        if _source_share(phrase, src_lang, tgt_lang) < 0.7:
            return
        yield self.finding(a, b, f"{phrase!r} is still in the source language ({src_lang})", confidence=0.7)
