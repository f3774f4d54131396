from .profile import LanguageProfile

PROFILE = LanguageProfile(
    code="nl", name="Dutch",
    decimal=",", thousands=".",
    doubled_words=frozenset({"die", "dat"}),
)
