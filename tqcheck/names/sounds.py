"""Names as consonant skeletons, so that a transliteration and its mangled rendering compare.

Vowels, h, w and y are dropped; l/r, s/sh/x/q/j/z/c, b/p, d/t, g/k each fall into one class, which is
how transliteration into Chinese and back tends to keep a name recognisable ("Raisi" / "Lacey" both
sound like 莱希, lai xi).
"""
from __future__ import annotations

from .data import fold

_EN_SOUNDS = [("sch", "S"), ("tch", "S"), ("sh", "S"), ("ch", "S"), ("zh", "S"), ("th", "S"), ("ts", "S"),
              ("tz", "S"), ("ph", "F"), ("kh", ""), ("gh", ""), ("ck", "G"), ("ng", "N"), ("x", "GS"),
              ("q", "G"), ("j", "S"), ("z", "S"), ("s", "S"), ("r", "L"), ("l", "L"), ("b", "B"), ("p", "B"),
              ("d", "D"), ("t", "D"), ("g", "G"), ("k", "G"), ("f", "F"), ("v", "F"), ("m", "M"), ("n", "N")]
_PY_INITIALS = [("zh", "S"), ("ch", "S"), ("sh", "S"), ("j", "S"), ("q", "S"), ("x", "S"), ("z", "S"),
                ("c", "S"), ("s", "S"), ("r", "L"), ("l", "L"), ("b", "B"), ("p", "B"), ("d", "D"), ("t", "D"),
                ("g", "G"), ("k", "G"), ("f", "F"), ("m", "M"), ("n", "N")]


def _collapse(s: str) -> str:
    return "".join(c for i, c in enumerate(s) if i == 0 or c != s[i - 1])


def sound_key(word: str) -> str:
    """Consonant skeleton of a Latin-script name: 'Raisi' -> 'LS', 'Lacey' -> 'LS', 'Blinken' -> 'BLNGN'."""
    w = "".join(c for c in fold(word) if "a" <= c <= "z")
    out, i = [], 0
    while i < len(w):
        if w[i] == "c":  # soft before e, i, y
            out.append("S" if w[i + 1:i + 2] in ("e", "i", "y") else "G")
            i += 1
            continue
        for letters, sound in _EN_SOUNDS:
            if w.startswith(letters, i):
                out.append(sound)
                i += len(letters)
                break
        else:
            i += 1  # vowels, h, w, y
    return _collapse("".join(out))


def pinyin_sound_key(syllables: list[str]) -> str:
    """The same skeleton for Chinese syllables: ['lai', 'xi'] -> 'LS', ['bu', 'lin', 'ken'] -> 'BLNGN'."""
    out = []
    for syl in syllables:
        for letters, sound in _PY_INITIALS:
            if syl.startswith(letters):
                out.append(sound)
                syl = syl[len(letters):]
                break
        if syl in ("er",):
            out.append("L")  # 尔 writes an r or l
        elif syl.endswith("ng"):
            out.append("N")
        elif syl.endswith("n"):
            out.append("N")
    return _collapse("".join(out))


def sounds_alike(a: str, b: str) -> bool:
    if len(a) < 2 or len(b) < 2:
        return False
    if a == b:
        return True
    from rapidfuzz.distance import Levenshtein

    return min(len(a), len(b)) >= 3 and Levenshtein.distance(a, b) <= 1
