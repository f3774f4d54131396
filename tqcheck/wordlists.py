"""wordfreq's word frequencies, without its two ways of failing on a language.

- No word list for the language (wordfreq knows ~40): ``RuleSkipped``, so the rule asking is not
  run on that file and says why in a notice.
- Chinese, Japanese and Korean need a segmenter (jieba, MeCab) to split the word first; when it
  is not installed, the word is looked up as it is.  For what the rules ask about (a name, a
  Latin-script word inside CJK text), that is the lookup the segmenter would have made.
"""
from __future__ import annotations

import math
from functools import lru_cache

from .errors import RuleSkipped


def zipf_frequency(word: str, lang: str, wordlist: str = "best", minimum: float = 0.0) -> float:
    import wordfreq

    try:
        return wordfreq.zipf_frequency(word, lang, wordlist, minimum)
    except LookupError:
        raise RuleSkipped(f"no word frequency list for language '{lang}'") from None
    except ImportError:  # the segmenter wordfreq wants for this script
        freq = _frequencies(lang, wordlist).get(word.casefold(), 0.0)
        return max(minimum, round(math.log10(freq) + 9, 2)) if freq > 0 else minimum


@lru_cache(maxsize=8)
def _frequencies(lang: str, wordlist: str) -> dict[str, float]:
    import wordfreq

    return wordfreq.get_frequency_dict(lang, wordlist)
