"""What the language model knows of a name: a one-off name far less likely where it stands than a close
name the text establishes is that name garbled.

MT garbles a name once and writes it right elsewhere: "Rivas" three times and "Purivas" once, "Liu
Qingyun" and once "Andy Lau Qingyun".  The letters are too far apart for the spelling comparison to join
them, and a one-off rare word may be another person.  Gemma has read the names of public figures and reads
the story around the mention: it scores the sentence as written and with the established name put in the
garbled one's place.  A large gain is evidence of a garbled name; the letters (a shared rare word, or the
established family name inside the garbled word) are the other evidence, and the model never joins two
names alone.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from .compare import family_given, key, name_style, tokens
from .entity import Entity, Reason
from .evidence import Evidence
from .sounds import sound_key, sounds_alike

if TYPE_CHECKING:  # pragma: no cover
    from ..document import Document
    from ..lm.protocol import LanguageModel

# Nats the sentence must gain when the established name replaces the one-off.  Chosen on the tune half of
# the WMT21 names development set and the seed stories (docs/names-devset.md).
MARGIN = 6.0
# A word two names share says they may be one only when it is rare: "Qingyun" does, "Station" does not.
RARE_ZIPF = 3.0
_CONTEXT = 400  # characters of text before the sentence that the model reads


def _rare(word: str) -> bool:
    from ..analysis.lexical import zipf

    return len(key(word)) >= 4 and zipf(word.lower()) < RARE_ZIPF


def _letters_relate(one_off: Entity, known: Entity, others: set[str]) -> bool:
    """The two differ in the family name alone, which sounds alike, and share a rare given name (Ebrahim
    Raisi / Ebrahim Lacey, Liu Qingyun / Lau Qingyun), or the one-off is one word holding the established
    family name (Purivas / Rivas).

    A garbled name has a word replaced; a name with words added to an established one ("Andy Liu Qingyun",
    "Zhang Jikelin Xiaozhai") is a run-on or two names fused, which the model would also prefer shortened,
    so those are never candidates.  Nor is a word another entity of the text is named by ("Bill" where the
    text names Bill and Hillary Clinton): that may be the other person.
    """
    a = one_off.spellings[0].tokens
    full = max(known.spellings, key=lambda f: (len(f.tokens), f.count)).tokens
    ka, kb = [key(t) for t in a], [key(t) for t in full]
    if len(a) == len(full) > 1:
        # Only the family name may differ: another given name with the same family name is another
        # person (Zheng Yuxin beside Zheng Yonggang), whom the model may well find less likely.
        fam_at = 0 if name_style(full) != "west" else len(full) - 1
        differ = [i for i in range(len(a)) if ka[i] != kb[i]]
        # The garbled family name still sounds like the right one, as a transliteration does (Lacey /
        # Raisi); Rahimi beside Raisi is another man of the same given name.
        sa, sb = sound_key(a[fam_at]), sound_key(full[fam_at])
        return (differ == [fam_at] and ka[fam_at] not in others and (sa == sb or sounds_alike(sa, sb))
                and any(_rare(a[i]) for i in range(len(a)) if i != fam_at))
    fam = key(family_given(full)[0]) if len(full) > 1 else kb[0]
    return len(a) == 1 and len(fam) >= 4 and fam in ka[0] and ka[0] != fam and ka[0] not in others


def candidates(ents: list[Entity], doc: "Document") -> list[tuple[Entity, Entity]]:
    """(one-off, established) pairs the letters relate and the text never names in one sentence."""
    ev = Evidence(doc)
    words: dict[int, set[str]] = {id(e): {key(t) for f in e.spellings + e.short for t in f.tokens} for e in ents}
    out = []
    for a in ents:
        if len(a.spellings) != 1 or len(a.mentions) > 1 or a.kind == "organisation":
            continue
        for b in ents:
            if b is a or len(b.mentions) < 2 or not any(f.is_person for f in b.spellings):
                continue
            if any(m.label not in ("PERSON", "CAP") for m in a.mentions):
                continue  # the one-off is tagged an organisation or a place: not this person garbled
            others = set().union(*(w for i, w in words.items() if i not in (id(a), id(b))))
            if _letters_relate(a, b, others) and not ev.together(a.forms, b.forms):
                out.append((a, b))
    return out


def gains(pairs: list[tuple[Entity, Entity]], doc: "Document", lm: "LanguageModel") -> list[float]:
    """For each pair, how many nats the one-off's sentence gains when the established name replaces it."""
    texts, contexts = [], []
    for a, b in pairs:
        f = a.spellings[0]
        m = f.mentions[0]
        s, e = doc.sentence_at(m.start) or (m.start, m.end)
        best = max(b.spellings, key=lambda g: (g.count, -g.first)).surface
        # A one-word mention stands for the family name: "Purivas said" becomes "Rivas said".
        put = family_given(tokens(best))[0] if len(f.tokens) == 1 and len(tokens(best)) > 1 else best
        left = doc.text[max(0, s - _CONTEXT):s]
        texts += [doc.text[s:e], doc.text[s:m.start] + put + doc.text[m.end:e]]
        contexts += [left, left]
    scores = lm.score(texts, contexts) if texts else []
    return [scores[i + 1] - scores[i] for i in range(0, len(scores), 2)]


def merge_by_model(ents: list[Entity], doc: "Document", lm: "LanguageModel", margin: float = MARGIN) -> list[Entity]:
    pairs = candidates(ents, doc)
    if not pairs:
        return ents
    merged: set[int] = set()
    for (a, b), gain in sorted(zip(pairs, gains(pairs, doc, lm)), key=lambda x: -x[1]):
        if gain < margin or id(a) in merged or id(b) in merged:
            continue
        f = a.spellings[0]
        full = max(b.spellings, key=lambda g: (len(g.tokens), g.count))
        if len(f.tokens) == 1 and len(full.tokens) > 1:
            b.short_variants.append((f, family_given(full.tokens)[0]))
        else:
            b.spellings.append(f)
            b.kind = b.kind or "spelling"
        b.notes.append(Reason("model", f"the language model reads '{full.surface}' far more readily than "
                                       f"'{f.surface}' where '{f.surface}' stands ({gain:.0f} nats)"))
        merged.add(id(a))
    return [e for e in ents if id(e) not in merged]
