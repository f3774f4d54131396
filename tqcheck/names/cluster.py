"""Group a document's name mentions into entities: spellings, short forms, variants."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from rapidfuzz.distance import OSA

from ..analysis.lexical import zipf
from .compare import (
    ARTICLE,
    article_key,
    close_word,
    family_given,
    key,
    name_style,
    same_entity,
    same_family,
    same_organisation,
)
from .data import chinese_surnames, fold, korean_surnames
from .evidence import Evidence, common, garbled, given_name_closeness
from .gazetteer import known_place
from .entity import SKIP_LABELS, Entity, Form, Reason
from .mentions import Mention

if TYPE_CHECKING:  # pragma: no cover
    from ..document import Document

# Lower-case words that may sit inside a name ("Bank of China", "Charles de Gaulle").
CONNECTORS = {"of", "and", "the", "for", "de", "du", "des", "da", "di", "van", "von", "der", "den", "la", "le",
              "al", "el", "bin", "ibn", "y", "&", "on", "in", "at", "to"}


def is_acronym(text: str) -> bool:
    """'US', 'U.S.', 'KMT': their styles are the entity-style rule's business."""
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters) and len(letters) <= 6


# A lower-case particle joined to a capitalised name: el-Sisi, al-Assad, d'Estaing, van-Dijk.
_PARTICLE = re.compile(r"^(?:[a-z]{1,3}[-‐‑'’]|(?:ash|esh|bin|ibn|van|von|de|di|da|du|le|la)[-‐‑])[A-ZÀ-Þ]")


def _name_token(t: str) -> bool:
    return t[:1].isupper() or t in CONNECTORS or bool(_PARTICLE.match(t))


def _in_capitals(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) > 1 and all(c.isupper() for c in letters)


def collect_forms(mentions: list[Mention], lang: str = "en") -> list[Form]:
    forms: dict[str, Form] = {}
    for m in mentions:
        if m.label in SKIP_LABELS and (len(m.tokens) > 1 or common(m.text, lang)):
            continue  # "Turkish", "Chinese"; a rare word the model calls NORP ("Erdoan") may be a name
        if not any(c.isalpha() for c in m.text) or is_acronym(m.text) or _in_capitals(m.text):
            continue  # (a dateline or headline in capitals, "SHENZHEN": its case says nothing of a spelling)
        if not all(_name_token(t) for t in m.tokens):
            continue  # "Iranian revolution": a capitalisation question, not a name spelling
        text = " ".join(m.text.split())
        forms.setdefault(text, Form(text)).mentions.append(m)
    return sorted(forms.values(), key=lambda f: f.first)


def cluster(mentions: list[Mention], lang: str = "en", doc: "Document | None" = None) -> list[Entity]:
    """Entities of one document, in order of first mention.

    With the document, its own evidence joins spellings the letters leave open (see evidence.py):
    given names a letter or two apart, a family name garbled once.  Spellings named in one
    sentence are never joined by that evidence, nor by a spelling difference.
    """
    ev = Evidence(doc) if doc is not None else None
    forms = collect_forms(mentions, lang)
    full = [f for f in forms if len(f.tokens) > 1]
    single = [f for f in forms if len(f.tokens) == 1]
    places = {f.surface for f in forms if is_place(f)}
    groups = _agglomerate(full, lang, ev, places)

    # Single words: a family name (Western: last word) of exactly one entity is its short form;
    # a close misspelling of one is a misspelt short form; the given name of an East Asian
    # name alone is a name-order error.  Anything else clusters among the single words.
    entities = [Entity(spellings=g) for g in groups]
    if ev is not None:
        entities = _join_given_name_variants(entities, ev, lang)
        entities = _join_organisation_wordings(entities, ev)
        entities = _join_acronym_expansions(entities, ev)
        _misspelt_acronyms(entities, ev)
    loose: list[Form] = []
    for s in single:
        homes = [e for e in entities if _is_short_form(s, e)]
        if len(homes) == 1:
            fam = homes[0].family_word(homes[0].spellings[0].surface)
            if fam and fold(fam) == fold(s.surface) and fam.lower() != s.surface.lower():
                homes[0].short_variants.append((s, ""))  # "Munoz" for "Carlos Muñoz": the accent dropped
            else:
                homes[0].short.append(s)
            continue
        if homes:
            continue  # "Kim" with two Kims in the text: a fine short form, owner unknown
        fused = [e for e in entities if _is_fused(s, e)]
        if len(fused) == 1:
            fused[0].spellings.append(s)  # "Qingang" for "Qin Gang": the same letters run together
            continue
        given_homes = [e for e in entities if _is_bare_given(s, e)]
        family_elsewhere = any(_is_short_form(s, e) for e in entities) or any(
            fold(f.tokens[0]) == fold(s.surface) for f in full)
        if len(given_homes) == 1 and not family_elsewhere and _given_not_family(s, given_homes[0], ev):
            fam = given_homes[0].family_word(given_homes[0].spellings[0].surface)
            given_homes[0].given_only.append((s, fam or ""))
            continue
        misspelt = [e for e in entities if _is_misspelt_short(s, e, lang)]
        if len(misspelt) == 1:
            misspelt[0].short_variants.append((s, ""))
            continue
        if ev is not None:
            found = _garbled_home(s, entities, ev, lang)
            if found is not None:
                home, family, why = found
                home.short_variants.append((s, family))
                home.notes.append(Reason("evidence", why))
                continue
        loose.append(s)
    has_ner = any(m.label != "CAP" for m in mentions)
    # Rare words the model called nationalities ("Shenzen") may join a tagged spelling, never found an entity.
    joinable = [f for f in loose if f.is_tagged or not has_ner or any(m.label in SKIP_LABELS for m in f.mentions)]
    for g in _agglomerate(joinable, lang, ev, places):
        if any(f.is_tagged for f in g) or not has_ner:
            entities.append(Entity(spellings=g))
    for e in entities:
        if e.kind:
            continue  # set by the evidence that joined it
        surfaces = [f.surface for f in e.spellings]
        kinds = {same_entity(a, b, lang) for i, a in enumerate(surfaces) for b in surfaces[i + 1:]}
        kinds.discard(None)
        e.kind = "formatting" if kinds == {"formatting"} else ("romanisation" if "romanisation" in kinds
                                                               else ("spelling" if kinds else ""))
        inside = sorted(same_place_said(*e.spellings, ev, places)) if (
            ev is not None and len(e.spellings) == 2 and two_places(*e.spellings, lang)) else []
        if inside:  # (none where the two differ only in writing: St. / Saint Petersburg)
            e.notes.append(Reason("evidence", f"the text puts '{inside[0]}' in both '{e.spellings[0].surface}' and "
                                              f"'{e.spellings[1].surface}': one place"))
        if ev is not None and e.kind == "spelling" and not e.notes:
            _note_evidence(e, ev)
    return sorted(entities, key=lambda e: min(m.start for m in e.mentions))


def _join_given_name_variants(entities: list[Entity], ev: Evidence, lang: str) -> list[Entity]:
    """One person whose given name (or, once, family name) is written two ways: 'Nguyen Van Thanh' /
    'Nguyen Van Thinh', 'Mohammed' / 'Muhammad', 'Hans Modrow' / 'Hans Modelo'.

    The rest of the name must be the same, the two must never be named in one sentence, and the
    document must back the join: the same role around both ('the Vietnamese ambassador'), or,
    for a difference of a letter or two or of transliteration, one spelling written only once.
    Chinese and Korean names are left to their syllables (Kim Jong-un is not Kim Jong-il).
    """
    merged: set[int] = set()
    for i, a in enumerate(entities):
        for b in entities[i + 1:]:
            if id(a) in merged or id(b) in merged:
                continue
            why = _given_variant_evidence(a, b, ev, lang)
            if why is None:
                continue
            home, other = (a, b) if _weight(a) >= _weight(b) else (b, a)
            home.spellings.extend(other.spellings)
            home.kind = "spelling"
            home.notes.append(Reason("evidence", why))
            merged.add(id(other))
    return [e for e in entities if id(e) not in merged]


def _join_organisation_wordings(entities: list[Entity], ev: Evidence) -> list[Entity]:
    """One institution named two ways in one story: 'General Union of the Autonomous Region' and 'Autonomous
    Region Federation of Trade Unions' (compare.same_organisation).  Evidence the words alone do not give:
    the two are never named in one sentence, and no different owner stands before them ("the US Commerce
    Department" ... "China's Ministry of Commerce" are two ministries)."""
    merged: set[int] = set()
    for i, a in enumerate(entities):
        for b in entities[i + 1:]:
            if id(a) in merged or id(b) in merged or len(a.spellings) != 1 or len(b.spellings) != 1:
                continue
            fa, fb = a.spellings[0], b.spellings[0]
            if not same_organisation(fa.surface, fb.surface) or ev.together([fa], [fb]):
                continue
            oa, ob = _owners(fa, ev), _owners(fb, ev)
            if oa and ob and not oa & ob:
                continue
            home, other = (a, b) if _weight(a) >= _weight(b) else (b, a)
            home.spellings.extend(other.spellings)
            home.kind = "organisation"
            home.notes.append(Reason("evidence", f"'{fa.surface}' and '{fb.surface}' name one institution in "
                                                 "other words and are never named in one sentence"))
            merged.add(id(other))
    return [e for e in entities if id(e) not in merged]


# "China International Import Expo (CIIE)": an expansion introducing its acronym.
_INTRODUCES = re.compile(r"[ \u00a0]*\([ \u00a0]*([A-Z]{2,6})[ \u00a0]*\)")
_SMALL_WORDS = {"of", "and", "the", "for", "on", "in", "at", "to", "&"}


def _introduced_acronyms(f: Form, text: str) -> set[str]:
    return {m.group(1) for m in (_INTRODUCES.match(text, x.end) for x in f.mentions) if m}


def _initials(f: Form) -> set[str]:
    """The acronyms a name's words make: of every word or of its capitalised words ('CPC', 'COPOC')."""
    every = "".join(t[0] for t in f.tokens).upper()
    return {every, "".join(t[0] for t in f.tokens if t.lower() not in _SMALL_WORDS).upper()}


def _join_acronym_expansions(entities: list[Entity], ev: Evidence) -> list[Entity]:
    """One acronym expanded two ways in one story: two names that each introduce it ("China International
    Import Expo (CIIE)" ... "China International Imports Fair (CIIE)"), or a name that introduces it and
    another whose words make it, the same words but one ("... the China International Import Exhibition").
    Never named in one sentence."""
    text = ev.doc.text
    intro = {id(e): _introduced_acronyms(e.spellings[0], text) for e in entities if len(e.spellings) == 1}
    merged: set[int] = set()
    for i, a in enumerate(entities):
        for b in entities[i + 1:]:
            if id(a) in merged or id(b) in merged or id(a) not in intro or id(b) not in intro:
                continue
            fa, fb = a.spellings[0], b.spellings[0]
            if len(fa.tokens) < 2 or len(fb.tokens) < 2 or ev.together([fa], [fb]):
                continue
            both = intro[id(a)] & intro[id(b)]
            if both:
                acronym, how = sorted(both)[0], "both introduce"
            else:
                one = (intro[id(a)] & _initials(fb)) | (intro[id(b)] & _initials(fa))
                words = len(fa.tokens) == len(fb.tokens) and sum(
                    key(x) != key(y) for x, y in zip(fa.tokens, fb.tokens)) == 1
                if not one or not words:
                    continue
                acronym, how = sorted(one)[0], "both stand for"
            home, other = (a, b) if _weight(a) >= _weight(b) else (b, a)
            home.spellings.extend(other.spellings)
            home.kind = "organisation"
            home.notes.append(Reason("evidence", f"'{fa.surface}' and '{fb.surface}' {how} '{acronym}'"))
            merged.add(id(other))
    return [e for e in entities if id(e) not in merged]


# An acronym the story introduces and uses, and once one a letter away that it never introduces and that
# published text does not use: the introduced one garbled ("the National Development and Reform Commission
# (NDRC)" ... "the NDCR said"; "(CIIE)" ... "the CIIF").  Real acronyms a letter apart are common (CDU /
# CSU, UNDP / UNEP, NDRC / NRDC: wordfreq Zipf 2.1-3.0), garbled ones are not (CIIF, NDCR 0; OCED 1.05), so
# only an acronym below UNKNOWN_ACRONYM_ZIPF can be the garbled one, and the fix is still a suggestion.
_ACRONYM = re.compile(r"(?<![\w.])[A-Z]{3,6}(?![\w.])")
UNKNOWN_ACRONYM_ZIPF = 1.5


def _one_letter_apart(a: str, b: str) -> bool:
    """One letter changed, or two neighbours swapped (NDRC / NRDC): one edit of optimal string alignment
    between words of one length."""
    return len(a) == len(b) and OSA.distance(a, b) == 1


def _misspelt_acronyms(entities: list[Entity], ev: Evidence) -> None:
    text = ev.doc.text
    homes: dict[str, Entity] = {}
    for e in entities:
        for f in e.spellings:
            for acronym in _introduced_acronyms(f, text):
                homes.setdefault(acronym, e)
    if not homes:
        return
    used: dict[str, list[Mention]] = {}
    for m in _ACRONYM.finditer(text):
        used.setdefault(m.group(0), []).append(Mention(m.start(), m.end(), m.group(0), "ORG"))
    for odd, mentions in used.items():
        if odd in homes or len(mentions) > 1 or zipf(odd.lower()) >= UNKNOWN_ACRONYM_ZIPF:
            continue
        near = [a for a in homes if len(used.get(a, ())) >= 2 and _one_letter_apart(a, odd)]
        if len(near) != 1:
            continue
        right = near[0]
        form, home = Form(odd, mentions), homes[right]
        if ev.together([form], [Form(right, used[right])]):
            continue  # both in one sentence: two organisations
        home.short_variants.append((form, right))
        home.kind = home.kind or "organisation"
        home.notes.append(Reason("evidence", f"the story introduces '{right}' and uses it {len(used[right])} "
                                             f"times; {odd}, a letter away, is never introduced"))


_OWNER = re.compile(r"([A-Z][\w.-]*?)(?:'s|’s)?[ \u00a0]+(?:the[ \u00a0]+)?$")


def _owners(f: Form, ev: Evidence) -> set[str]:
    """Capitalised words right before an organisation's mentions: whose it is ("the US", "China's")."""
    text = ev.doc.text
    out = set()
    for m in f.mentions:
        before = _OWNER.search(text[max(0, m.start - 30):m.start])
        if before and before.group(1).lower() != "the":
            out.add(fold(before.group(1)))
    return out


def _note_evidence(e: Entity, ev: Evidence) -> None:
    """Say what the text adds to a join the letters made: the spellings never meet, and a shared role."""
    full = [f for f in e.spellings if len(f.tokens) > 1]
    if len(full) < 2:
        return
    roles = set.intersection(*(ev.role([f]) for f in full))
    e.notes.append(Reason("evidence", "never named in one sentence" +
                          (f"; each is '{' '.join(sorted(roles))}'" if roles else "")))


def _weight(e: Entity) -> tuple[int, int]:
    return sum(f.count for f in e.spellings), -min(f.first for f in e.spellings)


def _given_variant_evidence(a: Entity, b: Entity, ev: Evidence, lang: str) -> str | None:
    if len(a.spellings) != 1 or len(b.spellings) != 1:
        return None
    fa, fb = a.spellings[0], b.spellings[0]
    ta, tb = fa.tokens, fb.tokens
    if len(ta) != len(tb) or len(ta) < 2 or not (fa.is_person or fb.is_person):
        return None
    if name_style(ta) in ("zh", "ko") or name_style(tb) in ("zh", "ko"):
        return None
    diffs = [(x, y) for x, y in zip(ta, tb) if key(x) != key(y)]
    if len(diffs) != 1:
        return None
    x, y = diffs[0]
    fam_a, _ = family_given(ta)
    family_differs = key(x) == key(fam_a)
    how = ("sounds like" if garbled(x, y, lang) or garbled(y, x, lang) else None) if family_differs \
        else given_name_closeness(x, y, lang)
    if how is None or ev.together([fa], [fb]):
        return None
    roles = ev.role([fa]) & ev.role([fb])
    once = min(fa.count, fb.count) == 1
    if not roles and not (once and how in ("letters", "transliteration")):
        return None
    what = "family" if family_differs else "given"
    why = (f"'{fa.surface}' and '{fb.surface}' differ only in the {what} name ({x} / {y}) and are never "
           f"named in one sentence")
    if roles:
        why += f"; both are '{' '.join(sorted(roles))}'"
    return why


def _is_fused(s: Form, e: Entity) -> bool:
    """A Chinese or Korean name written as one word: 'Qingang' for 'Qin Gang'."""
    w = key(s.surface)
    return len(w) >= 4 and any(len(f.tokens) == 2 and name_style(f.tokens) in ("zh", "ko") and f.key == w
                               for f in e.spellings)


def _after_title(s: Form, ev: Evidence) -> bool:
    """The text uses the word as a family name: after a title ("President Xi", "Mr. Li"), or it is a
    piece of a hyphenated name."""
    text = ev.doc.text
    for m in s.mentions:
        # "President Xi", "Mr. Li" (a dot only after an abbreviated title, not a sentence's end)
        before = re.search(r"([A-Z][a-z]+|[A-Z][a-z]{0,3}\.)[ \u00a0]+$", text[max(0, m.start - 30):m.start])
        if before and common(before.group(1).rstrip(".")):
            return True
        if text[m.end:m.end + 1] and text[m.end:m.end + 1] in "-‐‑":
            return True  # part of a hyphenated name ("Mr. Li-Yen Hsia"), not a name of its own
    return False


def _given_not_family(s: Form, home: Entity, ev: Evidence | None) -> bool:
    """Whether a bare word that is the given name of ``home`` stands for that given name.

    A word that is also a common family name ("Qi" of Cai Qi, "Xi" of Li Xi) is read through
    the full mention's order, unless the text uses it as a family name elsewhere ("President Xi").
    Without the document's evidence, a family name alone more likely names another person.
    """
    if not is_family_name(s.surface):
        return True
    if ev is None:
        return False
    return not _after_title(s, ev)


def _garbled_home(s: Form, entities: list[Entity], ev: Evidence, lang: str) -> tuple[Entity, str, str] | None:
    """The person whose established family name a word written once or twice garbles: 'Modelo' for
    Modrow, 'Erdoan' for Erdogan.  It must sound like that name or share a long part of it, never
    stand in a sentence with it, and (when only the sound joins them) share its role."""
    if s.count > 2 or common(s.surface) or is_family_name(s.surface) or not s.surface[:1].isupper():
        return None
    if is_place(s):
        return None
    found = []
    for e in entities:
        if not any(f.is_person for f in e.spellings):
            continue
        full = [f for f in e.spellings if len(f.tokens) > 1]
        if not full:
            continue  # an established name: introduced in full
        family = e.family_word(max(full, key=lambda f: f.count).surface)
        if not family or name_style(full[0].tokens) in ("zh", "ko"):
            continue
        how = garbled(s.surface, family, lang)
        if how is None or ev.together([s], e.spellings + e.short):
            continue
        roles = ev.role([s]) & ev.role(e.spellings + e.short)
        strong = how == "shares a long part with" or key(s.surface)[:3] == key(family)[:3]
        if not roles and not strong:
            continue
        why = f"'{s.surface}' {how} '{family}' and never stands in a sentence with it"
        if roles:
            why += f"; both are '{' '.join(sorted(roles))}'"
        found.append((e, family, why))
    return found[0] if len(found) == 1 else None


def _agglomerate(forms: list[Form], lang: str, ev: Evidence | None = None,
                 places: set[str] = frozenset()) -> list[list[Form]]:
    """Complete-linkage grouping: two groups join only if every pair across them is one entity,
    so a chain (Kim Jong-un ~ Kim Jong Un ~ ...) cannot pull in a relative.  Two spellings that
    differ by more than formatting and are named in one sentence are two people; two established
    place names are two places unless the text says they are one (same_place_said)."""
    groups = [[f] for f in forms]
    sim = {}
    for i, a in enumerate(forms):
        for b in forms[i + 1:]:
            same = same_entity(a.surface, b.surface, lang)
            if same == "derivation" and (a.is_person or b.is_person):
                same = None  # Jon / Jonathan Smith: two given names, not one word derived two ways
            if same not in (None, "formatting", "identical") and (
                    (ev is not None and ev.together([a], [b]))
                    or (two_places(a, b, lang) and not (ev is not None and same_place_said(a, b, ev, places)))):
                same = None
            sim[(a.surface, b.surface)] = sim[(b.surface, a.surface)] = same
    changed = True
    while changed:
        changed = False
        for i in range(len(groups)):
            for j in range(i + 1, len(groups)):
                if all(sim.get((a.surface, b.surface)) for a in groups[i] for b in groups[j]):
                    groups[i].extend(groups.pop(j))
                    changed = True
                    break
            if changed:
                break
    return groups


PLACE_LABELS = ("GPE", "LOC", "FAC")
# A spelling this frequent in published text (wordfreq Zipf) is an established name, not a misspelling.
ESTABLISHED_ZIPF = 2.0


def is_place(f: Form) -> bool:
    return bool(f.mentions) and all(m.label in PLACE_LABELS for m in f.mentions)


def two_places(a: Form, b: Form, lang: str) -> bool:
    """Two established place names a letter apart (Shanxi / Shaanxi, Hunan / Henan, Hubei / Hebei, Huizhou /
    Haizhou) are two places unless the source says otherwise (source_align.merge_places_by_source); a
    spelling the gazetteer lacks beside one it has (Wessel / Wesel), or that no text uses (Shenzen), is a
    misspelling of the other."""
    if not (is_place(a) or is_place(b)):
        return False
    diff = [(x, y) for x, y in zip(a.tokens, b.tokens) if key(x) != key(y)]
    if len(a.tokens) != len(b.tokens) or len(diff) != 1:
        return False
    x, y = diff[0]
    # The gazetteer first: it knows both (two places) or only one (that place misspelt); word frequency
    # decides for names it has neither of (provinces: Shanxi / Shaanxi, Hubei / Hebei).
    known = {known_place(a.surface) or known_place(x), known_place(b.surface) or known_place(y)}
    if len(known) == 2:
        return False
    if known == {True}:
        return True  # (the model may tag one of two cities a person: the gazetteer knows both)
    if not (is_place(a) and is_place(b)):
        return False
    return zipf(fold(x), lang) >= ESTABLISHED_ZIPF and zipf(fold(y), lang) >= ESTABLISHED_ZIPF


def same_place_said(a: Form, b: Form, ev: Evidence, places: set[str]) -> set[str]:
    """Places the text writes inside both a and b ("Changsha, Hunan" ... "Changsha, Henan"): a city lies
    in one province, so two similar names that hold it are one place written two ways."""
    return ev.places_inside([a], places) & ev.places_inside([b], places)


def is_family_name(word: str) -> bool:
    """A Chinese or Korean family name: alone, it more likely names another person."""
    w = fold(word)
    return w in chinese_surnames() or w in korean_surnames()


def _is_short_form(s: Form, e: Entity) -> bool:
    """'Blinken' for 'Antony Blinken', 'Qin' for 'Qin Gang' (or for 'Qing Gang' beside 'Qin Gang')."""
    w = fold(s.surface)
    for f in e.spellings:
        toks = f.tokens
        if len(toks) < 2:
            continue
        fam, given = family_given(toks)
        if fold(fam) == w or (ARTICLE.search(fam) and article_key(fam) == article_key(s.surface)):
            return True  # Blinken; Sisi for el-Sisi
        # Organisations and places: a leading word as a short form ("Postal" is not, "Harvard" is).
        if not f.is_person and name_style(toks) == "west" and fold(toks[0]) == w and len(w) > 3 \
                and s.surface[:1].isupper() and all(t[:1].isupper() for t in toks):
            return True
    return False


def _is_bare_given(s: Form, e: Entity) -> bool:
    """The given name of a Chinese or Korean name used alone ('Gang' for Qin Gang)."""
    w = key(s.surface)
    for f in e.spellings:
        toks = f.tokens
        style = name_style(toks)
        if style not in ("zh", "ko") or not (f.is_person or s.is_person):
            continue
        _fam, given = family_given(toks)
        if key("".join(given)) == w:
            return True
    return False


def _is_misspelt_short(s: Form, e: Entity, lang: str) -> bool:
    for f in e.spellings:
        toks = f.tokens
        if not 2 <= len(toks) <= 3 or not all(t[:1].isupper() for t in toks):
            continue
        fam, _ = family_given(toks)
        if name_style(toks) in ("zh", "ko"):
            if same_family(fam, s.surface) and len(s.surface) >= 3 and fold(fam) != fold(s.surface) \
                    and s.is_person:
                return True
        elif close_word(fam, s.surface, lang) and fold(fam) != fold(s.surface):
            return True
    return False
