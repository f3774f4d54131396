"""Numbers as values, whatever their notation, so source and target can be compared.

``extract_numbers(text, lang)`` finds digit numbers with their separators and
scale words ("3,5 millones", "3.5 million", "3.5万", "1.2 Mrd."), percentages
("13,75 %", "百分之十三点七五"), Chinese numerals ("三百五十", "两千零二十三年"),
small number words and month names, and gives each mention the set of values
it may denote.  A set, because notation can be ambiguous: "1.000" is one
thousand in German and one in English; where the language does not settle it,
both readings are kept, so comparisons err towards "same number".
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

from ..languages import profile


# Scale words after a number, per language (lower-cased; longest alternatives first in the regex).
_SCALES: dict[str, dict[str, float]] = {
    "en": {"thousand": 1e3, "thousands": 1e3, "k": 1e3, "million": 1e6, "millions": 1e6, "mn": 1e6, "m": 1e6,
           "mln": 1e6, "billion": 1e9, "billions": 1e9, "bn": 1e9, "b": 1e9, "trillion": 1e12, "trillions": 1e12,
           "tn": 1e12, "lakh": 1e5, "crore": 1e7},
    "es": {"mil": 1e3, "millón": 1e6, "millones": 1e6, "mil millones": 1e9, "millardo": 1e9, "millardos": 1e9,
           "billón": 1e12, "billones": 1e12, "mdd": 1e6},
    "pt": {"mil": 1e3, "milhão": 1e6, "milhões": 1e6, "bilhão": 1e9, "bilhões": 1e9, "mil milhões": 1e9,
           "trilhão": 1e12, "trilhões": 1e12},
    "fr": {"mille": 1e3, "million": 1e6, "millions": 1e6, "milliard": 1e9, "milliards": 1e9, "md": 1e9,
           "mds": 1e9, "billion": 1e12, "billions": 1e12},
    "it": {"mila": 1e3, "milione": 1e6, "milioni": 1e6, "mln": 1e6, "miliardo": 1e9, "miliardi": 1e9,
           "mld": 1e9, "mrd": 1e9},
    "de": {"tausend": 1e3, "tsd.": 1e3, "tsd": 1e3, "million": 1e6, "millionen": 1e6, "mio.": 1e6, "mio": 1e6,
           "milliarde": 1e9, "milliarden": 1e9, "mrd.": 1e9, "mrd": 1e9, "billion": 1e12, "billionen": 1e12},
    "nl": {"duizend": 1e3, "miljoen": 1e6, "miljard": 1e9, "mld": 1e9},
    "ru": {"тыс.": 1e3, "тысяч": 1e3, "тысячи": 1e3, "млн": 1e6, "миллион": 1e6, "миллионов": 1e6,
           "миллиона": 1e6, "млрд": 1e9, "миллиард": 1e9, "миллиардов": 1e9, "трлн": 1e12},
}
_CJK_SCALES = {"万亿": 1e12, "兆": 1e12, "千亿": 1e11, "百亿": 1e10, "十亿": 1e9, "亿": 1e8, "億": 1e8, "千万": 1e7,
               "百万": 1e6, "十万": 1e5, "万": 1e4, "萬": 1e4, "千": 1e3, "百": 1e2}

_WORDS: dict[str, dict[str, float]] = {
    "en": {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
           "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
           "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
           "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "dozen": 12,
           "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
           "ninth": 9, "tenth": 10, "half": 0.5, "double": 2, "twice": 2, "single": 1, "both": 2, "a": 1, "an": 1},
    "es": {"cero": 0, "uno": 1, "una": 1, "un": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6,
           "siete": 7, "ocho": 8, "nueve": 9, "diez": 10, "once": 11, "doce": 12, "veinte": 20, "treinta": 30,
           "cuarenta": 40, "cincuenta": 50, "cien": 100, "ciento": 100, "primer": 1, "primero": 1, "primera": 1,
           "segundo": 2, "segunda": 2, "tercer": 3, "tercero": 3, "tercera": 3, "medio": 0.5, "media": 0.5},
    "de": {"null": 0, "ein": 1, "eine": 1, "eins": 1, "zwei": 2, "drei": 3, "vier": 4, "fünf": 5, "sechs": 6,
           "sieben": 7, "acht": 8, "neun": 9, "zehn": 10, "elf": 11, "zwölf": 12, "zwanzig": 20, "dreißig": 30,
           "hundert": 100, "erste": 1, "ersten": 1, "zweite": 2, "zweiten": 2, "dritte": 3, "dritten": 3,
           "halb": 0.5, "halbe": 0.5, "beide": 2, "beiden": 2},
    "fr": {"zéro": 0, "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7,
           "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "vingt": 20, "trente": 30, "cent": 100,
           "premier": 1, "première": 1, "deuxième": 2, "troisième": 3, "demi": 0.5, "moitié": 0.5},
    "it": {"zero": 0, "uno": 1, "una": 1, "un": 1, "due": 2, "tre": 3, "quattro": 4, "cinque": 5, "sei": 6,
           "sette": 7, "otto": 8, "nove": 9, "dieci": 10, "venti": 20, "cento": 100, "primo": 1, "prima": 1,
           "secondo": 2, "terzo": 3, "mezzo": 0.5},
    "pt": {"zero": 0, "um": 1, "uma": 1, "dois": 2, "duas": 2, "três": 3, "quatro": 4, "cinco": 5, "seis": 6,
           "sete": 7, "oito": 8, "nove": 9, "dez": 10, "vinte": 20, "cem": 100, "primeiro": 1, "primeira": 1,
           "segundo": 2, "terceiro": 3, "meio": 0.5, "metade": 0.5},
}

_MONTHS: dict[str, list[str]] = {
    "en": "january february march april may june july august september october november december".split(),
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre".split(),
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre".split(),
    "de": "januar februar märz april mai juni juli august september oktober november dezember".split(),
    "it": "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre".split(),
    "pt": "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro".split(),
}
_EN_MONTH_ABBR = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
                  "oct": 10, "nov": 11, "dec": 12}

_CN_DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "壹": 1, "二": 2, "贰": 2, "两": 2, "兩": 2, "三": 3, "叁": 3,
              "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6, "七": 7, "柒": 7, "八": 8, "捌": 8, "九": 9, "玖": 9}
_CN_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_CN_BIG = {"万": 10**4, "萬": 10**4, "亿": 10**8, "億": 10**8}
# Classifiers and units after which a lone Chinese digit is a count, not part of a word (一些, 统一, ...).
_CN_MEASURE = set("个名家只年月日号位次项倍岁人条种天艘架辆座所件份批届周点时分秒度元角股轮场期层栋台部本张篇首枚颗头匹级")

_DIGITS = r"\d+(?:[.,\u00a0\u202f\u2009']\d+)*"
# Where the language groups thousands with a space (French 12 000), copy often types an ordinary one.
_SPACE_GROUPED = r"\d{1,3}(?: \d{3})+(?:,\d+)?(?!\d|[.,]\d)"
_NUM = re.compile(r"(?<![\d.,])(" + _DIGITS + r")(?:(st|nd|rd|th|er|e|ème|º|ª)\b)?")
_NUM_SPACED = re.compile(r"(?<![\d.,])(" + _SPACE_GROUPED + "|" + _DIGITS + r")(?:(st|nd|rd|th|er|e|ème|º|ª)\b)?")
_CN_NUM = re.compile(r"[零〇○一壹二贰两兩三叁四肆五伍六陆七柒八捌九玖十拾百佰千仟万萬亿億点點]+")
_PERCENT_AFTER = re.compile(r"\s?(?:%|％|‰|per ?cent\b|por ?ciento\b|pour ?cent\b|prozent\b|per cento\b|"
                            r"por cento\b|procent\b|процент\w*)", re.I)
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)?")


@dataclass(frozen=True)
class NumberMention:
    start: int
    end: int
    text: str
    values: frozenset[float]
    kind: str = "number"  # number | percent | month | word | code

    def matches(self, values: "set[float] | frozenset[float]") -> bool:
        return any(_close(a, b) for a in self.values for b in values)


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def _readings(s: str, lang: str) -> set[float]:
    """Values a digit string may denote in ``lang``."""
    s = re.sub(r"[ \u00a0\u202f\u2009']", "", s)
    if "," in s and "." in s:
        dec = "," if s.rfind(",") > s.rfind(".") else "."
        grp = "." if dec == "," else ","
        return {float(s.replace(grp, "").replace(dec, "."))}
    comma_dec = profile(lang).decimal_comma
    for sep in (",", "."):
        if sep not in s:
            continue
        parts = s.split(sep)
        if len(parts) > 2:
            return {float(s.replace(sep, ""))}  # only grouping repeats
        if len(parts[1]) != 3:
            return {float(s.replace(sep, "."))}  # "3,5", "13.75": a decimal mark
        if (sep == ",") == comma_dec:
            # This language's decimal mark, yet three digits follow: writers group with it too.
            return {float(s.replace(sep, ".")), float(s.replace(sep, ""))}
        return {float(s.replace(sep, ""))}
    return {float(s)}


def _scale_regex(lang: str) -> re.Pattern | None:
    table = _SCALES.get(lang)
    if not table:
        return None
    alts = sorted(table, key=len, reverse=True)
    # A hyphen joins number and scale in German compounds: "44-Millionen-Pfund".
    return re.compile(r"[\s\u00a0-]?(" + "|".join(re.escape(a) for a in alts) + r")(?![\w])", re.I)


_SCALE_RE = {lang: _scale_regex(lang) for lang in _SCALES}
# "500余万" (over five million): 余/多/几 may sit between the number and its scale.
_CJK_SCALE_RE = re.compile("[余多几]?(" + "|".join(sorted(_CJK_SCALES, key=len, reverse=True)) + ")")


def parse_chinese_numeral(s: str) -> float | None:
    """Value of a Chinese numeral ("三百五十" 350, "两千零二十三" 2023, "二〇二三" 2023, "十三点七五" 13.75)."""
    if not s:
        return None
    frac = ""
    for dot in ("点", "點"):
        if dot in s:
            s, frac = s.split(dot, 1)
            break
    if frac and not all(c in _CN_DIGITS for c in frac):
        return None
    if s and all(c in _CN_DIGITS for c in s) and len(s) > 1:
        whole = float("".join(str(_CN_DIGITS[c]) for c in s))
    elif not s:
        whole = 0.0
    else:
        total, section, digit = 0, 0, None
        for c in s:
            if c in _CN_DIGITS:
                digit = _CN_DIGITS[c]
            elif c in _CN_UNITS:
                section += (1 if digit is None else digit) * _CN_UNITS[c]
                digit = None
            elif c in _CN_BIG:
                section += digit or 0
                total = (total + section) * _CN_BIG[c] if _CN_BIG[c] > 10**4 else total + section * _CN_BIG[c]
                section, digit = 0, None
            else:
                return None
        whole = float(total + section + (digit or 0))
    if frac:
        whole += float("0." + "".join(str(_CN_DIGITS[c]) for c in frac))
    return whole


# Clock times: "13:30", "13.30 Uhr", "1.30pm", "10 a.m.", "15h30", "15时30分".
_TIME = re.compile(r"(?<![\d.,:])(\d{1,2})(?:\s?[:.h]\s?(\d{2})(?!\d)|(?=\s?[ap]\.?m\b))"
                   r"(?:\s?([ap])\.?m\.?(?![a-z])|\s?(?:uhr|h)\b)?", re.I)
_CJK_TIME = re.compile(r"(\d{1,2})[时點点](?:(\d{1,2})分|半)?")


def _time_mentions(text: str) -> list[NumberMention]:
    """Clock times as minutes since midnight; a 12-hour time without am/pm may be either half of the day."""
    out: list[NumberMention] = []
    for m in _TIME.finditer(text):
        hour, minute, half = int(m.group(1)), int(m.group(2) or 0), (m.group(3) or "").lower()
        if m.group(2) is None and not half:
            continue
        if hour > 24 or minute > 59 or (m.group(2) and m.group(0)[len(m.group(1))] == "." and not
                                        re.search(r"(uhr|h|[ap]\.?m)\.?$", m.group(0), re.I)):
            continue  # "13.30" alone may be a decimal; only a unit or am/pm makes it a time
        if half == "p" and hour < 12:
            hour += 12
        elif half == "a" and hour == 12:
            hour = 0
        values = {hour * 60 + minute}
        if not half and hour < 12:
            values.add((hour + 12) * 60 + minute)
        out.append(NumberMention(m.start(), m.end(), m.group(0), frozenset(float(v) for v in values), "time"))
    for m in _CJK_TIME.finditer(text):
        hour = int(m.group(1))
        minute = 30 if m.group(0).endswith("半") else int(m.group(2) or 0)
        values = {hour * 60 + minute} | ({(hour + 12) * 60 + minute} if hour < 12 else set())
        if m.group(0)[-1] in "时點点":
            values.add(hour)  # 3点 is also "three points"
        out.append(NumberMention(m.start(), m.end(), m.group(0), frozenset(float(v) for v in values), "time"))
    return out


def _digit_mentions(text: str, lang: str) -> list[NumberMention]:
    out: list[NumberMention] = _time_mentions(text)
    taken = [(n.start, n.end) for n in out]
    scale_re = _SCALE_RE.get(lang)
    number = _NUM_SPACED if profile(lang).thousands.isspace() else _NUM
    for m in number.finditer(text):
        start, end = m.start(), m.end()
        if any(s <= start < e for s, e in taken):
            continue
        digits = m.group(1)
        # A number glued to letters is a code or name ("G20", "COVID-19", "5G", "A320").
        before = text[start - 1] if start else " "
        after = text[end] if end < len(text) else " "
        if (before.isalpha() and not _is_cjk(before)) or before in "-/#" and start > 1 and text[start - 2].isalnum():
            out.append(NumberMention(start, end, text[start:end], frozenset(_readings(digits, lang)), "code"))
            continue
        if after.isalpha() and not _is_cjk(after) and not m.group(2):
            rest = re.match(r"[^\W\d_]+", text[end:])
            word = rest.group(0).lower() if rest else ""
            table = _SCALES.get(lang, {})
            if word not in table:
                out.append(NumberMention(start, end, text[start:end], frozenset(_readings(digits, lang)), "code"))
                continue
        try:
            values = _readings(digits, lang)
        except ValueError:
            continue
        kind = "number"
        scale = 1.0
        if lang in ("zh", "ja", "ko") or _is_cjk(after):
            sm = _CJK_SCALE_RE.match(text, end)
            if sm:
                scale = _CJK_SCALES[sm.group(1)]
                end = sm.end()
        if scale == 1.0 and scale_re is not None and not m.group(2):
            sm = scale_re.match(text, end)
            if sm:
                scale = _SCALES[lang][sm.group(1).lower()]
                end = sm.end()
        pm = _PERCENT_AFTER.match(text, end)
        if pm:
            kind = "percent"
            end = pm.end()
        values = {v * scale for v in values}
        out.append(NumberMention(start, end, text[start:end], frozenset(values), kind))
    return out


def _is_cjk(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" or "\u3040" <= ch <= "\u30ff"


def _chinese_mentions(text: str, loose: bool = False) -> list[NumberMention]:
    out: list[NumberMention] = []
    for m in _CN_NUM.finditer(text):
        s, start, end = m.group(0), m.start(), m.end()
        # Trim characters that cannot start or end a numeral here.
        while s and s[0] in "点點百千万萬亿億":  # 十五 is fifteen, but 万 alone starts nothing
            s, start = s[1:], start + 1
        while s and s[-1] in "点點":
            s, end = s[:-1], end - 1
        if not s:
            continue
        prev = text[start - 1] if start else ""
        nxt = text[end] if end < len(text) else ""
        has_unit = any(c in _CN_UNITS or c in _CN_BIG or c in "点點" for c in s)
        if len(s) == 1 and s in _CN_DIGITS and not (loose or nxt in _CN_MEASURE or prev == "第"):
            continue  # 一些, 统一, 唯一: the character is part of a word
        if s in ("万", "亿", "千", "百", "十"):
            continue
        if has_unit and len(s) == 2 and s[0] in "千万" and nxt not in _CN_MEASURE:
            continue  # 千万 ("by all means"), 万一 ("in case")
        value = parse_chinese_numeral(s)
        if value is None:
            continue
        kind = "percent" if text[max(0, start - 3):start] == "百分之" else "number"
        if kind == "percent":
            start -= 3
        out.append(NumberMention(start, end, text[start:end], frozenset({value}), kind))
    return out


def _word_mentions(text: str, lang: str) -> list[NumberMention]:
    words = _WORDS.get(lang, {})
    months = {name: i + 1 for i, name in enumerate(_MONTHS.get(lang, []))}
    if lang == "en":
        months.update(_EN_MONTH_ABBR)
    scale_re = _SCALE_RE.get(lang)
    out: list[NumberMention] = []
    for m in _WORD.finditer(text):
        w = m.group(0)
        low = w.lower()
        if low in months and (w[0].isupper() or lang not in ("en", "de")):
            if low == "may" and not re.search(r"\d", text[max(0, m.start() - 4):m.end() + 4]):
                continue  # the modal verb
            out.append(NumberMention(m.start(), m.end(), w, frozenset({float(months[low])}), "month"))
            continue
        parts = low.split("-")
        if all(p in words for p in parts):
            value = float(sum(words[p] for p in parts))
            end = m.end()
            if scale_re is not None:
                sm = scale_re.match(text, end)
                if sm and sm.group(1).lower() not in ("m", "b", "k"):
                    value *= _SCALES[lang][sm.group(1).lower()]
                    end = sm.end()
            out.append(NumberMention(m.start(), end, text[m.start():end], frozenset({value}), "word"))
    return out


def extract_numbers(text: str, lang: str, words: bool = True) -> list[NumberMention]:
    """Number mentions in ``text`` (sorted by position).

    ``words`` adds number words and month names ("three", "tres", "March"): useful
    as evidence that a number is present, too loose to flag on their own.
    """
    base = (lang or "en").split("-")[0].lower()
    out = _digit_mentions(text, base)
    if base in ("zh", "ja") or re.search(r"[\u4e00-\u9fff]", text):
        taken = [(n.start, n.end) for n in out]
        out += [n for n in _chinese_mentions(text, loose=words) if not any(s < n.end and n.start < e for s, e in taken)]
    if words:
        out += _word_mentions(text, base)
    return sorted(out, key=lambda n: (n.start, n.end))


def value_set(mentions: list[NumberMention], kinds: tuple[str, ...] | None = None) -> set[float]:
    return {v for n in mentions if kinds is None or n.kind in kinds for v in n.values}


def format_number(value: float, lang: str) -> str:
    """``value`` written the way ``lang`` writes numbers (grouping, decimal mark)."""
    text = f"{value:,.6f}".rstrip("0").rstrip(".") if value != int(value) else f"{int(value):,}"
    if abs(value) < 10000 and value == int(value):
        text = str(int(value))
    lang_profile = profile(lang)
    return text.replace(",", "\0").replace(".", lang_profile.decimal).replace("\0", lang_profile.thousands)
