"""A name development set from many systems' translations of one source (WMT21 news, ../shared/train).

    python -m tqcheck.lab.names.devset ../shared/train/2021-news-zh-en.jsonl --out WORKDIR

The label rule (docs/names-devset.md says the same for readers):

- Name forms are capitalised word runs (joined by "of", "and", "for", "the", "de"), a leading "The"
  dropped, and acronyms (US, U.S., NPC).  Each system's segment gives its set of forms.  Nothing here
  uses the ledger it measures (no NER, no clustering of tqcheck.names): the labels stand apart from it.
- **Majority form.**  In a segment, a form written by at least 40% of the *other* systems (those that
  have that segment; 6 of 14) is a majority form X there: most systems that render the name write it this
  way (more than half of them left only 28 positives in 705 documents; 40% gives 40, read by hand alike).
- **A system's rendering of X.**  Where X is a majority form and a system does not write X in that
  segment, its rendering is the one form of its own there that is a *variant* of X (below), that is no
  majority form anywhere in the document (so not another entity: Kim Jong-il is not Kim Jong-un), and
  that is the only such form; otherwise the system has no rendering of X there.
- **Variant** (kinds): *formatting*, the same letters written otherwise (Kim Jong-un / Kim Jong Un,
  Lina / Li Na, St / St.); *spelling*, as many words, letters apart by edit distance (1 in 4-6 letters,
  2 in 7-11, 3 beyond) with the same first letter (Macau / Macao, Nguyen Phu Trong / Nguyen Phu Thong);
  *words*, multi-word names with the same last word and another shared key word (4+ letters, not a
  general word such as "China" or "National"), the words that differ no title (President Duterte /
  Rodrigo Duterte is no variant); *organisation*, two names each with an institution's head (ministry,
  bureau, committee, union ...) and a shared key word (Ministry of Culture / Culture Bureau).  For the
  last two, neither name's words may be a subset of the other's (a short form is no variant).  Acronyms,
  plurals, possessives and reordered words are no variant ("CIIE" after its full name is how an
  abbreviation is introduced; "China's Ministry of Commerce" / "Ministry of Commerce of China" is wording).
- **Positive** (``name_inconsistent``): a system that renders one majority form X two ways across its
  segments (X in one and a variant in another, or two variants).  Its ``auto_variants`` give the forms
  and every occurrence, as ../shared/eval does.
- **Negative**: a system document in which every majority form it renders in two or more segments it
  renders one way, and in which no two of its own forms in different segments are variants of each
  other unless both are majority forms (those would be a possible inconsistency the majority did not
  anchor: such documents are left out, as are documents with no name rendered twice).
- **Split** by source document: a seeded hash of the document id puts every system's translation of one
  source document in the same half ("tune" or "heldout").
"""
from __future__ import annotations

import argparse
import hashlib
import json
import re
from collections import Counter, defaultdict
from pathlib import Path

from rapidfuzz.distance import Levenshtein

from ...analysis.lexical import zipf
from ...names.compare import key

SEED = "names-devset-1"
CONNECT = r"(?:of|and|for|the|de)"
# A capitalised word; a dot belongs to it only in an abbreviation ("St.", "Mr.", "U.S."), never at a sentence's end.
_WORD = r"(?:(?:[A-Z]\.){2,}|[A-Z][a-z]?\.(?=[ \u00a0][A-Z])|[A-Z](?:[\w-]*\w)?)"
FORM = re.compile(rf"(?<![\w.'’-])(?:{_WORD})(?:[ \u00a0](?:{CONNECT}[ \u00a0])*(?:{_WORD}))*")
# Words too general to tie two organisation names together.
GENERIC = frozenset("""china chinese national people peoples state states city county province provincial
international republic united new the and for ministry department bureau office committee council association
group company corporation university news agency center centre government world""".split())
LEAD = re.compile(r"^(?:(?:The|A|An|On|In|At|By|For|As|If|But|And|This|That|These|It|He|She|We|They|According to|"
                  r"Mr\.?|Mrs\.?|Ms\.?|Dr\.?)[ \u00a0]+)+")
# A title before a name ("President Duterte" / "Rodrigo Duterte") is no second spelling of it.
TITLES = frozenset("""president premier minister prime chairman chairwoman secretary general governor mayor king queen
prince princess mr mrs ms dr professor senator ambassador spokesman spokesperson director chief""".split())
# Heads of institutions' names: two names with one of these and a shared key word are one body named two ways.
INSTITUTION = frozenset("""ministry bureau department office committee commission council administration agency
authority union federation association party court institute academy foundation""".split())


def half(doc: str) -> str:
    h = int(hashlib.sha256(f"{SEED}:{doc}".encode()).hexdigest(), 16)
    return "tune" if h % 2 == 0 else "heldout"


def forms(text: str) -> list[tuple[str, int, int]]:
    """Name forms of one segment: (surface, start, end)."""
    out = []
    for m in FORM.finditer(text):
        s, e = m.start(), m.end()
        span = text[s:e]
        lead = LEAD.match(span)
        if lead:
            s += lead.end()
            span = text[s:e]
        while span and span[-1] in ".'’" and not re.search(r"(?:[A-Z]\.)+$", span):
            span, e = span[:-1], e - 1
        span = re.sub(r"['’]s$", "", span)
        e = s + len(span)
        if len(span) < 2 or not span[:1].isupper():
            continue
        words = span.split()
        while len(words) > 1 and _sentence_start(text, s) and zipf(words[0].lower(), "en") >= 4.5:
            s += len(words[0]) + 1  # "Whether the US Department of Commerce": the sentence's first word
            words = words[1:]
            span = text[s:e]
        if len(words) == 1 and _sentence_start(text, s) and not _acronym(span):
            continue  # a sentence's first word: capitalised for the sentence, not as a name
        out.append((span, s, e))
        # "Guangdong and Macau": each name of a pair is a form too (the pair may be one body's name).
        pos = s
        for part in re.split(r"[ \u00a0]and[ \u00a0]", span) if " and " in span else []:
            at = text.index(part, pos)
            pos = at + len(part)
            if part[:1].isupper() and len(part) >= 2:
                out.append((part, at, at + len(part)))
    return out


def _sentence_start(text: str, i: int) -> bool:
    before = text[:i].rstrip(" \u00a0\"“'‘(")
    return not before or before[-1] in ".!?:;\"”"


def _acronym(s: str) -> bool:
    letters = [c for c in s if c.isalpha()]
    return 2 <= len(letters) <= 6 and all(c.isupper() for c in letters) and " " not in s


def _stem(w: str) -> str:
    """A content word without its plural or possessive, and a country's adjective as its name."""
    w = w.lower().strip(".,")
    w = {"chinese": "china", "american": "america", "russian": "russia", "british": "britain"}.get(w, w)
    return w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w


def _content(s: str) -> list[str]:
    return [_stem(w) for w in s.split() if not re.fullmatch(CONNECT, w)]


def variant(a: str, b: str) -> str | None:
    """The kind of variant two different forms are of one name, or None.

    Acronyms are left out: "CIIE" after "China International Import Expo" is how an abbreviation is
    introduced, and "US" beside "the United States" is house style as often as a lapse.  So are
    differences of a plural, a possessive or word order alone ("Golden Goblet Award(s)", "China's Ministry
    of Commerce" / "Ministry of Commerce of China"): wording, not a name written two ways.
    """
    if a == b or _acronym(a) or _acronym(b):
        return None
    ca, cb = _content(a), _content(b)
    if sorted(ca) == sorted(cb):
        ka, kb = key(a), key(b)
        return "formatting" if ka == kb and a.casefold() != b.casefold() and "".join(ca) == "".join(cb) else None
    ka, kb = key(a), key(b)
    if ka == kb:
        return "formatting" if a.casefold() != b.casefold() else None  # Lina / Li Na, Kim Jong-un / Kim Jong Un
    n = min(len(ka), len(kb))
    limit = 0 if n < 4 else 1 if n < 7 else 2 if n < 12 else 3
    if ka[:1] == kb[:1] and Levenshtein.distance(ka, kb) <= limit and len(ca) == len(cb) \
            and all(min(len(x), len(y)) >= 3 for x, y in zip(ca, cb) if x != y):
        return "spelling"  # (Plan A / Plan B: a letter that is a word of its own names another thing)
    if len(ca) >= 2 and len(cb) >= 2 and not set(ca) <= set(cb) and not set(cb) <= set(ca) \
            and max(len(ca), len(cb)) <= 6:
        shared = {w for w in set(ca) & set(cb) if len(w) >= 4 and w not in GENERIC and w not in INSTITUTION}
        if ca[-1] == cb[-1] and shared and not (set(ca) ^ set(cb)) & TITLES:
            return "words"  # Bomb Disposal Expert / Bomb Removal Expert
        if shared and set(ca) & INSTITUTION and set(cb) & INSTITUTION:
            return "organisation"  # Ministry of Culture / Culture Bureau
    return None


def label(records: list[dict]) -> list[dict]:
    """Label every system's translation of one source document (see the module's docstring)."""
    seg_forms: dict[str, dict[str, set[str]]] = {}
    spans: dict[str, dict[str, list[tuple[str, int, int]]]] = {}
    for r in records:
        spans[r["system"]] = {s["seg_id"]: forms(s["target"]) for s in r["segments"]}
        seg_forms[r["system"]] = {sid: {f for f, _, _ in fs} for sid, fs in spans[r["system"]].items()}
    # Two forms one system writes in one segment are two names (Kim Jong-un and Kim Jong-il).
    together = {(a, b) for segs in seg_forms.values() for fs in segs.values() for a in fs for b in fs if a != b}
    out = []
    for r in records:
        sysname = r["system"]
        others = [o for o in records if o["system"] != sysname]
        majority: dict[str, set[str]] = {}
        for s in r["segments"]:
            sid = s["seg_id"]
            have = [o for o in others if sid in seg_forms[o["system"]]]
            votes = Counter(f for o in have for f in seg_forms[o["system"]][sid])
            majority[sid] = {f for f, n in votes.items() if n * 5 >= 2 * len(have)}
        name = _names(set().union(*majority.values()) if majority else set(), together)
        seg_index = {s["seg_id"]: i for i, s in enumerate(r["segments"])}
        renderings: dict[str, list[tuple[str, str, int, int, str]]] = defaultdict(list)
        for sid, mine in spans[sysname].items():
            surfaces = seg_forms[sysname][sid]
            for x in majority[sid]:
                own = {f for f in surfaces if name.get(f) == name[x]}
                if own:
                    renderings[name[x]] += [(sid, f, a, b, "same") for f, a, b in mine if f in own]
                    continue
                cands = {f for f in surfaces if f not in majority[sid] and f not in name
                         and (f, x) not in together and variant(f, x)}
                if len(cands) == 1:
                    f = cands.pop()
                    renderings[name[x]] += [(sid, g, a, b, variant(f, x)) for g, a, b in mine if g == f]
        variants = []
        for x, rs in renderings.items():
            rs = sorted(set(rs))
            used = {f for _, f, *_ in rs}
            if len(used) >= 2 and len({sid for sid, *_ in rs}) >= 2:
                kinds = sorted({k for *_, k in rs if k != "same"} or {variant(*sorted(used)[:2]) or "majority"})
                variants.append({"entity": x, "forms": sorted(used), "kinds": kinds,
                                 "occurrences": [{"seg": seg_index[sid], "start": a, "end": b, "text": f}
                                                 for sid, f, a, b, _ in rs]})
        twice = any(len({sid for sid, *_ in rs}) >= 2 for rs in renderings.values())
        mine_all = seg_forms[sysname]
        status = "positive" if variants else (
            "negative" if twice and not _unanchored(mine_all, together) and not _acronym_mix(mine_all) else "excluded")
        out.append({"record": r, "status": status, "variants": variants})
    return out


def _names(majority_forms: set[str], together: set[tuple[str, str]]) -> dict[str, str]:
    """Each majority form -> its name: majority forms that are variants of each other and that no system names
    in one segment are one name whose majority is split (Macao / Macau, Megan / Meghan)."""
    root = {f: f for f in majority_forms}

    def find(f: str) -> str:
        while root[f] != f:
            f = root[f]
        return f

    ordered = sorted(majority_forms)
    for i, a in enumerate(ordered):
        for b in ordered[i + 1:]:
            if (a, b) not in together and variant(a, b) in ("formatting", "spelling"):
                root[find(b)] = find(a)
    return {f: find(f) for f in majority_forms}


def _unanchored(mine: dict[str, set[str]], together: set[tuple[str, str]]) -> bool:
    """Two of the system's own forms, in different segments, written a letter or a space apart, that no system
    names in one segment: a possible inconsistency no majority anchors.  (Only these kinds: two bodies share
    words far more often than one is renamed.)"""
    seen = [(sid, f) for sid, fs in mine.items() for f in fs]
    for i, (sa, a) in enumerate(seen):
        for sb, b in seen[i + 1:]:
            if sa != sb and a != b and (a, b) not in together and (
                    variant(a, b) in ("formatting", "spelling") or _short_variant(a, b) or _short_variant(b, a)):
                return True
    return False


def _short_variant(a: str, b: str) -> bool:
    """A one-word form a letter away from a word of a longer one: Megan / Meghan Markle, Malacañang /
    Malacanang Palace (a short form written otherwise)."""
    if " " in a or " " not in b:
        return False
    ka = key(a)
    return len(ka) >= 4 and any(ka != key(w) and key(w)[:1] == ka[:1] and Levenshtein.distance(ka, key(w)) <= 1
                                for w in b.split())


def _acronym_mix(mine: dict[str, set[str]]) -> bool:
    """An acronym beside the name it stands for (UK / United Kingdom): house style or a lapse, which the
    label cannot tell apart, so the document is left out."""
    used = set().union(*mine.values()) if mine else set()
    acronyms = {key(f) for f in used if _acronym(f)}
    return any(len(_content(f)) >= 2 and "".join(w[0] for w in f.lower().split() if not re.fullmatch(CONNECT, w))
               in acronyms for f in used)


def to_eval(item: dict) -> dict:
    """One labelled document in ../shared/eval's schema (the scorer reads it as it reads dev)."""
    r = item["record"]
    positive = item["status"] == "positive"
    return {"id": f"{r['system']}|{r['doc']}", "doc": r["doc"], "system": r["system"], "lang_pair": r["lang_pair"],
            "half": half(r["doc"]),
            "segments": [{"index": i, "seg_id": s["seg_id"], "starts_paragraph": False, "source": s["source"],
                          "target": s["target"], "errors": []} for i, s in enumerate(r["segments"])],
            "name_inconsistent": positive, "name_issue": positive,
            "name_evidence": {"reasons": ["auto_variants"] if positive else [], "auto_variants": item["variants"],
                              "rater_inconsistency_spans": [], "rater_name_error_spans": []}}


def build(train: Path) -> list[dict]:
    by_doc: dict[str, list[dict]] = defaultdict(list)
    with open(train, encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            by_doc[rec["doc"]].append(rec)
    out = []
    for doc in sorted(by_doc):
        out += [to_eval(i) for i in label(by_doc[doc]) if i["status"] != "excluded"]
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("train", help="a ../shared/train news file (one line per system and document)")
    ap.add_argument("--out", required=True, help="a work folder (not shipped)")
    args = ap.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    docs = build(Path(args.train))
    stem = Path(args.train).stem
    for name in ("tune", "heldout"):
        part = [d for d in docs if d["half"] == name]
        (out / f"{stem}.names.{name}.jsonl").write_text(
            "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in part), "utf-8")
        pos = sum(d["name_inconsistent"] for d in part)
        kinds = Counter(k for d in part for v in d["name_evidence"]["auto_variants"] for k in v["kinds"])
        print(f"{name}: {len(part)} documents ({len({d['doc'] for d in part})} sources), {pos} positive, "
              f"{len(part) - pos} negative; variant kinds {dict(kinds)}")


if __name__ == "__main__":
    main()
