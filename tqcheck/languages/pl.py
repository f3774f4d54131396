from .profile import LanguageProfile

PROFILE = LanguageProfile(
    code="pl", name="Polish",
    quotes=(("„", "”"), ("«", "»")),
    decimal=",", thousands="\u00a0",
)
