"""Use a sentence-aligned Chinese source to join renderings that spelling cannot join.

"Wang Yanming" and "Wang Yining" are too far apart to be one name by their letters.  But
when the source sentence behind "Wang Yanming" names exactly one person of the family
王 (Wang), and that person's pinyin is "Wang Yining", which the translation uses
elsewhere, both are renderings of one source name.  Reads the document's ``SourceSide``
(tqcheck.analysis.source): the source text and its segments aligned with the target.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from .han import _HAN, chinese_source_names, han_names, han_runs, place_keys
from .entity import Entity, Reason
from .compare import family_given, institution_parts, key, name_style, same_entity
from .data import chinese_surnames, fold
from .sounds import sounds_alike, pinyin_sound_key, sound_key

if TYPE_CHECKING:  # pragma: no cover
    from ..analysis.source import SourceSide


def _source_person(f, fam: str, side: "SourceSide") -> frozenset[str] | None:
    """Pinyin keys of the one source person of family ``fam`` behind every mention of ``f``, or None."""
    candidates = set()
    for m in f.mentions:
        i = side.segment_at(m.start)
        if i is None:
            return None
        fam_py = chinese_surnames().get(fold(fam), fold(fam))
        found = [(pos, k) for p, pos, k in han_names(side.source_text_of(i)) if p == fam_py]
        if len({pos for pos, _ in found}) != 1:
            return None  # no person of that family there, or several: no single rendering
        candidates.add(frozenset(k for _, k in found))
    return next(iter(candidates)) if len(candidates) == 1 else None


def merge_by_source(ents: list[Entity], side: "SourceSide") -> list[Entity]:
    if not side.segments or not _HAN.search(side.text):
        return ents
    by_key: dict[str, Entity] = {}
    for e in ents:
        for f in e.spellings:
            by_key.setdefault(key(f.surface), e)
    # Every name the source writes, read as pinyin: a spelling that is one of them renders a person the
    # source names, even where the sentence it was aligned with names another (a misaligned sentence:
    # the reporter 郑淯心 "Zheng Yuxin" is not the founder 郑永刚 "Zheng Yonggang").
    named = chinese_source_names(side.document)
    persons: dict[int, frozenset[str]] = {}
    for e in ents:
        if len(e.spellings) != 1:
            continue
        f = e.spellings[0]
        toks = f.tokens
        if len(toks) < 2 or name_style(toks) != "zh" or not f.is_person or key(f.surface) in named:
            continue
        person = _source_person(f, family_given(toks)[0], side)
        if person and key(f.surface) not in person:
            persons[id(e)] = person  # this spelling is not the source's pinyin
    merged: set[int] = set()

    def absorb(home: Entity, e: Entity) -> None:
        home.spellings.extend(e.spellings)
        home.short.extend(e.short)
        home.given_only.extend(e.given_only)
        home.kind = home.kind or "source"
        names = " and ".join(f"'{f.surface}'" for f in (home.spellings[0], e.spellings[0]))
        home.notes.append(Reason("source", f"the aligned source sentences name one person, "
                                           f"{max(persons.get(id(e), ('?',)), key=len)} in pinyin, behind {names}"))
        merged.add(id(e))

    for e in ents:
        person = persons.get(id(e))
        if person is None or id(e) in merged:
            continue
        # 1. The translation spells the source's name right elsewhere: this is a variant of it.
        homes = {id(by_key[k]): by_key[k] for k in person if k in by_key and by_key[k] is not e}
        if len(homes) == 1:
            absorb(next(iter(homes.values())), e)
            continue
        # 2. Two wrong renderings of the same source person are still one entity.
        for other in ents:
            if other is not e and id(other) not in merged and persons.get(id(other)) == person:
                absorb(e, other)
    return [e for e in ents if id(e) not in merged]


# -- foreign names in a Chinese source --------------------------------------------------------------
# Chinese writes a foreign name with characters read for their sound: Raisi is 莱希 (lai xi), and a
# translation may render that "Raisi" once and "Lacey" later.  Letters cannot join those two; the source
# can: the same characters stand behind both, and they sound like both.  Sounds are compared as
# consonant skeletons (vowels, h, w and y dropped; l/r, s/sh/x/q/j/z/c, b/p, d/t, g/k each one class),
# which is how transliteration into Chinese and back tends to keep a name recognisable.

def _family_word(e: Entity) -> str | None:
    """The word of a person entity that its transliteration renders: the family name (western order)."""
    full = max(e.spellings, key=lambda f: (len(f.tokens), f.count))
    toks = full.tokens
    if name_style(toks) != "west":
        return None  # Chinese, Korean, Vietnamese names: merge_by_source reads those by family name
    if institution_parts(full.surface)[0]:
        return None  # an institution ("Xinhua News Agency"): its last word is no family name
    word = toks[-1]
    for tail in ("'s", "’s"):
        word = word.removesuffix(tail)
    return word if len(word) >= 3 else None


def _home_rank(e: Entity) -> tuple[int, int]:
    return -max(len(f.tokens) for f in e.spellings), e.mentions[0].start


def _is_place(e: Entity) -> bool:
    return all(m.label in ("GPE", "LOC", "FAC") for m in e.mentions)


def merge_transliterations(ents: list[Entity], side: "SourceSide") -> list[Entity]:
    """Join two entities, one of them a person, whose names render one transliterated name of a Chinese source.

    Both must be behind the same Han characters in every aligned source sentence, sound like
    them, and never share a sentence (two people named together are two people).
    """
    if not side.segments or not _HAN.search(side.text):
        return ents
    from pypinyin import lazy_pinyin

    runs: dict[int, set[str]] = {}  # per aligned segment, and each run's sound once, across entities
    sounds: dict[str, str] = {}
    info, persons = {}, set()
    for e in ents:
        if any(f.is_person for f in e.spellings):
            persons.add(id(e))
        word = _family_word(e)
        if word is None or fold(word) in chinese_surnames() or _is_place(e):
            continue  # a Chinese name (merge_by_source reads those) or a place, not a transliterated person
        segs = {side.segment_at(m.start) for m in e.mentions}
        if None in segs:
            continue
        for i in segs:
            if i not in runs:
                runs[i] = han_runs(side.source_text_of(i))
        common = set.intersection(*(runs[i] for i in segs))
        for x in common - sounds.keys():
            sounds[x] = pinyin_sound_key(lazy_pinyin(x))
        key_ = sound_key(word)
        heard = {x for x in common if sounds_alike(key_, sounds[x])}
        if heard:
            info[id(e)] = (word, segs, heard)
    merged: set[int] = set()
    for a in ents:
        for b in ents:
            if a is b or id(a) not in info or id(b) not in info or id(a) in merged or id(b) in merged:
                continue
            if id(a) not in persons and id(b) not in persons:
                continue  # one must be a person by the NER model (which may tag the other ORG)
            (wa, sa, ha), (wb, sb, hb) = info[id(a)], info[id(b)]
            shared = ha & hb
            if not shared or key(wa) == key(wb) or sa & sb:
                continue
            if _home_rank(b) < _home_rank(a):
                continue  # the fuller, else the earlier, name is the home; the pair comes round the other way
            if all(len(f.tokens) == 1 for f in b.spellings) and max(len(f.tokens) for f in a.spellings) > 1:
                a.short_variants.extend((f, wa) for f in b.spellings)
            else:
                a.spellings.extend(b.spellings)
            a.short.extend(b.short)
            a.kind = a.kind or "source"
            chars = max(shared, key=len)
            a.notes.append(Reason("source", f"the source writes {chars} behind both '{wa}' and '{wb}'"))
            merged.add(id(b))
    return [e for e in ents if id(e) not in merged]


# -- places confused by a translation ----------------------------------------------------------------
# MT writes one place for a similar one ("Henan", 河南, for its neighbour 湖南, Hunan; "Shanxi" for 陕西).  Both are
# real places, so the letters never join them (cluster.two_places); the source can: the aligned source
# sentences behind both spellings write one place, whose pinyin is one of the two spellings, and never
# the other's.

def merge_places_by_source(ents: list[Entity], side: "SourceSide") -> list[Entity]:
    if not side.segments or not _HAN.search(side.text):
        return ents
    keys_at: dict[int, set[str]] = {}

    def keys_behind(e: Entity) -> list[set[str]] | None:
        out = []
        for m in e.mentions:
            i = side.segment_at(m.start)
            if i is None:
                return None
            if i not in keys_at:
                keys_at[i] = place_keys(side.source_text_of(i))
            out.append(keys_at[i])
        return out

    places = [e for e in ents if _is_place(e) and len(e.spellings) == 1]
    merged: set[int] = set()
    for a in places:
        for b in places:
            if a is b or id(a) in merged or id(b) in merged:
                continue
            sa, sb = a.spellings[0].surface, b.spellings[0].surface
            ka, kb = key(sa), key(sb)
            if ka == kb or len(sa.split()) != len(sb.split()):
                continue
            if same_entity(sa, sb) is None and not sounds_alike(sound_key(sa), sound_key(sb)):
                continue  # only similar names are confused: Hunan / Henan, not Beijing / Shanghai
            if {side.segment_at(m.start) for m in a.mentions} & {side.segment_at(m.start) for m in b.mentions}:
                continue  # named in one aligned sentence: the translation keeps them apart
            behind_a, behind_b = keys_behind(a), keys_behind(b)
            if not behind_a or not behind_b:
                continue
            # a's spelling is the source's place behind every mention of both; b's is never there.
            if all(ka in k for k in behind_a + behind_b) and not any(kb in k for k in behind_b):
                a.spellings.extend(b.spellings)
                a.short.extend(b.short)
                a.kind = "source"
                a.notes.append(Reason("source", f"the aligned source sentences name one place, "
                                                f"'{a.spellings[0].surface}' in pinyin, behind "
                                                f"'{a.spellings[0].surface}' and '{b.spellings[0].surface}'"))
                merged.add(id(b))
    return [e for e in ents if id(e) not in merged]


# -- Korean and Vietnamese names behind Han characters ---------------------------------------------
# A Chinese source writes 阮富仲 for Nguyen Phu Trong and 尹锡悦 for Yoon Suk-yeol; MT renders them in pinyin
# once (Ruan Fuzhong, Yin Xiyue), or garbles the given name differently in two paragraphs (Nguyen Phu
# Trung, Nguyen Phu Thong).  The family name says which characters to look for, the given name's syllables
# how many follow it (tqcheck.names.sino); the same characters behind two renderings that are never named in
# one sentence join them.  Chinese names are left to merge_by_source: at least one rendering must read as a
# Korean or Vietnamese name.

def _characters_behind(e: Entity, side: "SourceSide") -> tuple[str, set[int], bool] | None:
    """The one run of Han characters behind every full mention of ``e``, its segments, and whether the
    name reads as Korean or Vietnamese; None when not exactly one."""
    from .sino import characters_behind, family_characters, syllable_count

    full = max(e.spellings, key=lambda f: (len(f.tokens), f.count))
    toks = full.tokens
    style = name_style(toks)
    if style == "west" or _is_place(e):
        return None
    fam, given = family_given(toks)
    # "Ban Ki-moon" reads as Wade-Giles too: every reading its family name allows is looked for.
    styles = {style} | {s for s in ("ko", "vi") if family_characters(fam, s)}
    wanted = [(family_characters(fam, s), n) for s in styles if (n := syllable_count(given, s))]
    found: set[str] = set()
    segs: set[int] = set()
    for f in e.spellings:
        if len(f.tokens) != len(toks):
            return None  # spellings of unlike shape: the letters joined them, leave them be
        for m in f.mentions:
            i = side.segment_at(m.start)
            if i is None:
                return None
            text = side.source_text_of(i)
            here = set().union(*(characters_behind(text, chars, n + 1) for chars, n in wanted if chars))
            if len(here) != 1:
                return None  # none, or two people of that family in the sentence
            found |= here
            segs.add(i)
    if len(found) != 1:
        return None
    return next(iter(found)), segs, style in ("ko", "vi")


def _reads_right(e: Entity, chars: str) -> bool:
    """A spelling of ``e`` is the characters' Sino-Vietnamese reading or their pinyin."""
    from pypinyin import lazy_pinyin

    from .sino import vietnamese_reading

    readings = {key(vietnamese_reading(chars) or ""), key("".join(lazy_pinyin(chars)))} - {""}
    return any(f.key in readings for f in e.spellings)


def merge_by_characters(ents: list[Entity], side: "SourceSide") -> list[Entity]:
    if not side.segments or not _HAN.search(side.text):
        return ents
    behind: dict[str, list[tuple[Entity, set[int], bool]]] = {}
    for e in ents:
        found = _characters_behind(e, side)
        if found:
            behind.setdefault(found[0], []).append((e, found[1], found[2]))
    merged: set[int] = set()
    for chars, group in behind.items():
        if len(group) < 2 or not any(foreign for _, _, foreign in group):
            continue
        if any(a[1] & b[1] for i, a in enumerate(group) for b in group[i + 1:]):
            continue  # two of them named in one sentence: two people of one family
        # The home: a spelling the characters read as, else the fullest, earliest name.
        home = min(group, key=lambda g: (not _reads_right(g[0], chars), _home_rank(g[0])))[0]
        for e, _, _ in group:
            if e is home:
                continue
            home.spellings.extend(e.spellings)
            home.short.extend(e.short)
            home.short_variants.extend(e.short_variants)
            home.given_only.extend(e.given_only)
            home.kind = home.kind or "source"
            home.notes.append(Reason("source", f"the source writes {chars} behind both "
                                               f"'{home.spellings[0].surface}' and '{e.spellings[0].surface}'"))
            merged.add(id(e))
    return [e for e in ents if id(e) not in merged]
