"""Words a trained detector expects a professional reviewer to mark: one finding per run, with its calibrated confidence."""
from __future__ import annotations

from dataclasses import dataclass

from ...analysis import reading
from ...detector.detection import Detection, detection
from ...detector import calibrated_languages, flagged_runs, kind_of
from ...errors import ConfigError
from ...findings import Applicability, Category, Fix, Severity
from ...rewrite import Span, SpanRewrites, rewrite
from ...rewrite.proposals import proposed_words
from ..registry import DocumentRule, register

# From this calibrated confidence a finding is a warning: on the evaluation set's dev documents about
# three in four words flagged this confidently were marked by a rater (the detector's card).
WARNING_FROM = 0.75
MAX_PROPOSALS = 3  # the model's own words for a one-word span, among the candidates it rewrites to


@register
class ErrorSpan(reading.ReadsParagraphs, DocumentRule):
    @dataclass(frozen=True)
    class Settings:
        # The lowest calibrated confidence reported; unset: the detector's default, chosen on dev for
        # character precision 0.60 (``tqcheck check --min-confidence`` sets it for one run).
        min_confidence: float | None = None
        # Write rewrites for the flags (the model's search and rescoring: most of the rule's time after
        # the reading); off, a flag only says what looks wrong (a CI run that only gates on findings).
        rewrites: bool = True

    id = "lm-error-span"
    family = "phrasing"
    category = Category.FLUENCY
    severity = Severity.INFO  # a warning from WARNING_FROM confidence
    requires = (Detection,)
    languages = calibrated_languages()
    generic = True  # a hint: it gives way to a specific finding on the same words (engine)
    reads_states = True
    description = """Words a trained detector expects a professional reviewer to mark as an error.

    The detector reads the language model's reading of the article (each paragraph after the text
    before it): the hidden states at every word, how surprising the word and its neighbours are,
    and a few plain signals.  It was trained on about 7,600 machine-translated segments annotated
    by professional MQM raters (a seeded sample of WMT21 news and TED talks, zh-en and en-de; see
    models/detector.md), and its confidence is calibrated: of the words flagged at about 0.70 on
    the evaluation set, about 70 % were marked by a rater.  Adjacent flagged words make one
    finding.  Each flag gets rewrites the model writes from the text before it and scores with
    the text after it (tqcheck.rewrite); one is offered when a model trained on professional
    post-edits gives it a good probability that a post-editor would make that change (see
    models/rewriter.md), and `tqcheck fix` applies it only above the autofix bar.  A flag the
    detector expects to be a mistranslation is offered grammar fixes only: a wording the model
    likes better is no answer to a wrong meaning.  A flag with no rewrite says what looks wrong.
    Where a name or calque check reports the same words, only its specific finding is kept.
    The target languages the shipped detector is calibrated for: English and German (each on its own
    dev set) and Russian (calibrated on WMT22 en-ru; never trained on)."""
    bad = ("The government said it will take measures to the prices of vegetables stable during the festival.",)
    good = ("The two leaders are likely to attend the next G20 summit in New Delhi in September.",)

    def check(self, doc, ctx):
        found = detection(doc, ctx)
        if found is None or not found.words:
            return
        setting = ctx.settings(self).min_confidence
        if setting is not None and not 0.0 <= setting <= 1.0:
            raise ConfigError(f"rules.{self.id}.min-confidence must be between 0 and 1, not {setting}")
        threshold = found.threshold if setting is None else setting
        words = found.words
        # Names are flagged too: on zh-en dev the runs made only of names are the detector's most precise
        # (char P 0.67 against 0.60; a mistransliterated or mistranslated name).  Where a name check says
        # something specific about the same words, the engine keeps only that.
        runs = [(run, words[run.first:run.last + 1])
                for run in flagged_runs(found.starts, found.ends, found.marked, found.major, threshold, found.bridges,
                                        commas=found.commas, fluency=found.fluency, fluent_from=found.fluent_from)]
        spans = [span_of(run, span) for run, span in runs]
        rewrites = (rewrite(doc, ctx, spans) if ctx.settings(self).rewrites else None) or [None] * len(spans)
        for (run, span), rw in zip(runs, rewrites):
            yield self._finding(run, span, rw, found.detector)

    def _finding(self, run, span, rw: SpanRewrites | None, detector: str):
        start, end = span[0].start, span[-1].end
        likely = "a likely mistranslation" if kind_of(run) == "accuracy" else "possible translation error"
        head = f"{likely[0].upper()}{likely[1:]} (confidence {run.confidence:.2f})"
        offered = rw.offered if rw else []
        if kind_of(run) == "accuracy":
            # A wording the model likes better is no answer to a wrong meaning: only grammar is offered.
            offered = [s for s in offered if s.grammatical]
        fixes = [Fix.replacing(s.start, s.end, s.text,
                               Applicability.SAFE if i == 0 and rw.autofix else Applicability.SUGGEST, s.probability)
                 for i, s in enumerate(offered)]
        if offered:
            best = offered[0]
            shown = best.text.strip()
            what = f"rewrite as '{shown}'" if shown else f"delete '{doc_text(span)}'"
            message = (f"{head}: {best.problem}; {what} (a post-editor would make this change with "
                       f"probability {best.probability:.2f}).")
            start = min(start, best.start)
        elif kind_of(run) == "accuracy":
            message = f"{head}: check that the meaning matches the source."
        elif rw and rw.problem:
            message = f"{head}: {rw.problem}; no rewrite is likely enough to suggest, so check it against the source."
        else:
            message = f"{head}: the wording reads wrong; check it against the source."
        f = self.finding(start, end, message, confidence=round(run.confidence, 3), major=round(run.major, 3),
                         words=len(span), detector=detector)
        f.fixes = fixes
        if run.confidence >= WARNING_FROM:
            f.severity = Severity.WARNING
        if kind_of(run) == "accuracy" and not fixes:  # a likely major error: check the meaning
            f.category = Category.ACCURACY
        return f


def span_of(run, words) -> Span:
    """The flagged run as the rewriter takes it: its words and what the model proposed at each."""
    return Span(words[0].start, words[-1].end, run.confidence, run.major,
                tuple(proposed_words(words[0])[:MAX_PROPOSALS]) if len(words) == 1 else (),
                tuple((w.start, w.end, tuple(proposed_words(w)[:MAX_PROPOSALS])) for w in words))


def doc_text(span) -> str:
    return " ".join(w.text for w in span)
