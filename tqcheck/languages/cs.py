from .profile import LanguageProfile

PROFILE = LanguageProfile(
    code="cs", name="Czech",
    quotes=(("„", "“"), ("»", "«")),
    decimal=",", thousands="\u00a0",
    # Case endings of surnames and given names (Fiala, Fialy, Fialovi, Fialu, Fialou; Babiš, Babiše,
    # Babišem; Petr, Petrem): the same name declined, not a variant.
    name_endings=("a", "u", "e", "ě", "y", "i", "o", "ou", "ovi", "em", "ům", "ech", "ého", "ému", "ým", "ím"),
)
