from .profile import LanguageProfile

# Japanese news copy quotes with kagikakko 「…」 and nests 『…』 inside; English “…” or straight quotes in
# it come from MT or an English source and are wrong even when the text uses nothing else.  Names are
# written in kanji and katakana without capitals: the name checks say they cannot run (no Japanese NER
# model ships as a registry package here).
PROFILE = LanguageProfile(
    code="ja", name="Japanese", script="Han and Kana",
    quotes=(("「", "」"), ("『", "』")),
    strict_quotes=True,
    decimal=".", thousands=",",
    name_particles=frozenset(),
)
