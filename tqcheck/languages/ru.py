from .profile import LanguageProfile

PROFILE = LanguageProfile(
    code="ru", name="Russian", script="Cyrillic",
    quotes=(("«", "»"), ("„", "“")),
    decimal=",", thousands="\u00a0",
    # Case endings of surnames and given names (Лавров, Лаврова, Лаврову, Лавровым, Лаврове).
    name_endings=("а", "у", "ом", "ым", "е", "ой", "ы", "и", "ого", "ому", "ю", "ем", "я", "ей"),
)
