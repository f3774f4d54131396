"""Whether a value is a language tag tqcheck accepts (--lang, --source-lang, lang in the config)."""
from __future__ import annotations


def valid_language(value: object) -> bool:
    """A registered language tag ("en", "zh-Hant", "pt-BR"), as langcodes (wordfreq's dependency) knows them."""
    if not isinstance(value, str) or not value.strip():
        return False
    import langcodes

    try:
        return langcodes.tag_is_valid(value) and langcodes.Language.get(value).is_valid()
    except (ValueError, LookupError):
        return False
