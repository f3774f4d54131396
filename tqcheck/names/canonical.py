"""Choose the right spelling of an entity, and say which evidence decided.

Evidence, strongest first: the config glossary; the source text (a hook other
votes listed in ``source_votes``); for a place, the gazetteer's spelling; a spelling the language model
completes from its first word where it cannot complete the rival, when it is also the first full mention
or written at most once less (``model_completion``); frequency (a spelling's own
occurrences plus the short forms only it explains), with the first full
mention breaking ties; the language model's preference for each spelling in
its own sentences, when a model is loaded (it decides only a tie, and its
preference is always reported).
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .entity import Entity, Reason
from .compare import key
from .data import strip_marks
from .gazetteer import place_spelling
from .source_votes import preferred_from_source

if TYPE_CHECKING:  # pragma: no cover
    from ..context import Context
    from ..document import Document

def _glossary_choice(spellings: list[str], glossary: dict[str, list[str]]) -> str | None:
    keys = {key(s): s for s in spellings}
    for canonical, variants in glossary.items():
        if key(canonical) in keys or any(key(v) in keys for v in variants):
            return canonical
    return None


def model_preference(entity: Entity, doc: "Document", lm, spellings: list[str] | None = None) -> dict[str, float]:
    """Log-probability of each spelling (by default all of the entity's) put into every sentence that
    names the entity."""
    spellings = spellings or [f.surface for f in entity.spellings]
    sentences = []
    for f in entity.spellings:
        for m in f.mentions[:2]:
            sent = doc.sentence_at(m.start) or (m.start, m.end)
            sentences.append((sent, m))
    texts, contexts, owners = [], [], []
    for (s, e), m in sentences:
        left = doc.text[max(0, s - 400):s]
        for sp in spellings:
            texts.append(doc.text[s:m.start] + sp + doc.text[m.end:e])
            contexts.append(left)
            owners.append(sp)
    if not texts:
        return {}
    scores = lm.score(texts, contexts)
    out = {sp: 0.0 for sp in spellings}
    for sp, sc in zip(owners, scores):
        out[sp] += float(sc)
    return out


# A name the model completes from its first word (the rest costs at most KNOWN nats) where it cannot
# complete the rival spelling (GAP nats more) is one it has read: "Nguyen" -> "Phu Trong" 0.7 nats against
# "Phu Thong" 20.7, "Antony" -> "Blinken" 1.7 against "Anthony" -> "Blinken" 10.4 (Gemma 3 270M, after
# "Vietnamese Communist Party General Secretary").  Unknown names cost 10-16 nats either way (Chen /
# Cheng Guangming), so they never decide.
KNOWN, GAP = 3.0, 6.0


def model_completion(entity: Entity, doc: "Document", lm) -> tuple[str, float, float] | None:
    """(spelling, its cost, the cheapest rival's) when the model completes exactly one multi-word spelling
    of the entity from its first word and no other; None otherwise."""
    from .compare import tokens

    spellings = [f.surface for f in entity.spellings if len(tokens(f.surface)) > 1]
    if len(spellings) < 2:
        return None
    m = min(entity.mentions, key=lambda m: m.start)
    s, _ = doc.sentence_at(m.start) or (m.start, m.end)
    left = doc.text[max(0, s - 400):m.start]
    texts, contexts = [], []
    for sp in spellings:
        first = tokens(sp)[0]
        i = sp.index(first) + len(first)
        texts.append(sp[i:])
        contexts.append(left + sp[:i])
    costs = [-c for c in lm.score(texts, contexts)]
    ranked = sorted(zip(costs, spellings))
    (best, sp), (second, _) = ranked[0], ranked[1]
    return (sp, best, second) if best <= KNOWN and second >= best + GAP else None


def _pinyin_convention(spellings: list[str]) -> str | None:
    """Between 'Wang Yi-ning' and 'Wang Yining' (same letters), Hanyu Pinyin's rule for personal
    names (GB/T 28039) writes the given name solid; Wade-Giles names (Hsia Li-yan) keep the hyphen."""
    from .compare import name_style, tokens
    from .data import chinese_surnames, fold

    if len({key(sp) for sp in spellings}) != 1:
        return None
    pinyin = [sp for sp in spellings if name_style(tokens(sp)) == "zh"
              and chinese_surnames().get(fold(tokens(sp)[0])) == fold(tokens(sp)[0])]
    solid = [sp for sp in pinyin if len(tokens(sp)) == 2 and "-" not in sp]
    return solid[0] if len(solid) == 1 and len(pinyin) == len(spellings) else None


def _more_common(spellings: list[str]) -> str | None:
    """The spelling whose words are clearly more frequent in general text (wordfreq), if any."""
    from ..analysis.lexical import zipf
    from .compare import tokens

    if len({len(tokens(sp)) for sp in spellings}) != 1:
        return None  # hyphen/space variants: word frequencies would only count the pieces

    def score(sp: str) -> float:
        return sum(zipf(t.lower().strip(".'’")) for t in tokens(sp))

    ranked = sorted(spellings, key=score, reverse=True)
    if len(ranked) > 1 and score(ranked[0]) - score(ranked[1]) >= 1.0:
        return ranked[0]
    return None


def _accent_choice(entity: Entity, doc: "Document", house: str) -> tuple[str, Reason] | None:
    """Between spellings that differ only in diacritics (José / Jose), the house setting decides:
    "keep" the accents or write "ascii"; without one, what the text writes most often, counting
    every occurrence of the words concerned (short forms too); a tie keeps the accents, which
    an ASCII rendering lost (no model or word-frequency preference strips them)."""
    spellings = [f.surface for f in entity.spellings]
    if len(spellings) < 2 or len({strip_marks(s) for s in spellings}) != 1:
        return None
    marked = [f for f in entity.spellings if strip_marks(f.surface) != f.surface]
    plain = [f for f in entity.spellings if strip_marks(f.surface) == f.surface]
    if not marked or not plain:
        return None  # (two accented spellings: the other evidence decides)
    best_marked = max(marked, key=lambda f: (f.count, -f.first)).surface
    if house == "ascii":
        return plain[0].surface, Reason("house-style", "house style writes names without diacritics")
    if house == "keep":
        return best_marked, Reason("house-style", "house style keeps diacritics")
    # The words that differ, counted wherever the text writes them.
    words = {(w, strip_marks(w)) for w in re.findall(r"\w+", best_marked) if strip_marks(w) != w}
    n_marked = sum(len(re.findall(rf"(?<!\w){re.escape(w)}(?!\w)", doc.text)) for w, _ in words)
    n_plain = sum(len(re.findall(rf"(?<!\w){re.escape(p)}(?!\w)", doc.text)) for _, p in words)
    if n_plain > n_marked:
        return plain[0].surface, Reason("diacritics", f"the text writes these words without accents "
                                                      f"{n_plain} times, with them {n_marked}")
    return best_marked, Reason("diacritics", f"the text writes the accents ({n_marked} of {n_marked + n_plain} "
                                             "times); an ASCII spelling drops them")


def choose(entity: Entity, doc: "Document", ctx: "Context | None") -> None:
    """Fill in entity.canonical, .decided_by and .evidence."""
    forms = entity.spellings
    spellings = [f.surface for f in forms]
    support = {f.surface: entity.support(f) for f in forms}
    def shown(f) -> str:
        extra = support[f.surface] - f.count
        return f"'{f.surface}' ×{f.count}" + (f" (+{extra} short form{'s' if extra > 1 else ''})" if extra else "")

    counts = ", ".join(shown(f) for f in sorted(forms, key=lambda f: (-support[f.surface], f.first)))
    entity.evidence = [Reason("counts", counts), *entity.notes]
    first = min(forms, key=lambda f: f.first).surface
    glossary = ctx.config.glossary if ctx is not None else {}
    choice = _glossary_choice(spellings, glossary) if glossary else None
    if choice:
        entity.canonical, entity.decided_by = choice, "glossary"
        entity.evidence.append(Reason("glossary", "glossary"))
        return
    source = doc.source
    if source is not None and len(spellings) > 1:
        choice = preferred_from_source(source, spellings)
        if choice:
            entity.canonical, entity.decided_by = choice, "source"
            # A spelling the translation never writes (Nguyen Phu Trong behind Trung and Thong) is the
            # source's reading; say so rather than "elsewhere".
            entity.evidence.append(Reason("source", "source text" if choice in spellings
                                          else f"the source's characters read '{choice}'"))
            return
    accents = _accent_choice(entity, doc, ctx.config.diacritics if ctx is not None else "")
    if accents is not None:
        entity.canonical, why = accents
        entity.decided_by = "house style" if why.kind == "house-style" else "diacritics"
        entity.evidence.append(why)
        return
    # (An institution named in other words is no spelling of a place, whatever its words are.)
    place = place_spelling(spellings) if len(spellings) > 1 and entity.kind != "organisation" and any(
        m.label in ("GPE", "LOC") for f in forms for m in f.mentions) else None
    if place is not None:
        # One place written two ways, one of them the gazetteer's: that is the place's name, however
        # often the other is written.
        entity.canonical, entity.decided_by = place, "gazetteer"
        entity.evidence.append(Reason("gazetteer", f"'{place}' is the gazetteer's spelling"))
        return
    best = max(support.values())
    leaders = [s for s in spellings if support[s] == best]
    lm = None
    if ctx is not None and ctx.use_model and len(spellings) > 1:
        from ..lm import get_language_model

        lm = get_language_model(ctx)
    known = model_completion(entity, doc, lm) if lm is not None and entity.kind != "organisation" else None
    # The model's knowledge never decides alone: with the first full mention, or against a spelling
    # written at most once more, it outweighs frequency (Nguyen Phu Trong first, Nguyen Phu Thong twice).
    completes = known and Reason("model", f"the language model completes '{known[0]}' from its first word "
                                          f"({known[1]:.1f} nats), not the other spelling ({known[2]:.1f})")
    if known and leaders != [known[0]] and (known[0] == first or support[known[0]] >= best - 1):
        entity.canonical, entity.decided_by = known[0], "model"
        entity.evidence.append(completes)
        return
    lm_pref = None
    # The model only breaks ties between equally supported spellings: scoring every sentence that names
    # the entity, once per spelling, cost more than a second per article for a decision already made.
    if len(leaders) > 1 and lm is not None:
        scores = model_preference(entity, doc, lm, leaders)
        if scores:
            lm_pref = max(scores, key=scores.get)
    if len(leaders) == 1:
        entity.canonical, entity.decided_by = leaders[0], "frequency"
        entity.evidence.append(Reason("frequency", "most frequent"))
    elif lm_pref in leaders:
        entity.canonical, entity.decided_by = lm_pref, "model"
    elif (conventional := _pinyin_convention(leaders)) is not None:
        entity.canonical, entity.decided_by = conventional, "convention"
        entity.evidence.append(Reason("convention", "pinyin writes the given name as one word"))
    # (Word frequency says nothing of which of two wordings of an institution the story introduced.)
    elif entity.kind != "organisation" and (common := _more_common(leaders)) is not None:
        entity.canonical, entity.decided_by = common, "usage"
        entity.evidence.append(Reason("usage", "the more common spelling in published text"))
    else:
        entity.canonical, entity.decided_by = first, "first mention"
        entity.evidence.append(Reason("first-mention", "first full mention"))
    if completes:
        entity.evidence.append(completes)  # it agrees with the evidence that decided, or was outweighed
    elif lm_pref:
        entity.evidence.append(Reason("model", f"model prefers '{lm_pref}'"))
