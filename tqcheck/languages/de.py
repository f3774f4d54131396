from .profile import COMMON_PARTICLES, LanguageProfile

PROFILE = LanguageProfile(
    code="de", name="German",
    quotes=(("„", "“"), ("»", "«")),
    strict_quotes=True,
    decimal=",", thousands=".",
    doubled_words=frozenset({"die", "der", "das", "sie", "es", "dass"}),
    capitalises_nouns=True,
    name_particles=COMMON_PARTICLES | {"zu", "vom"},
    name_endings=("s", "es", "n", "en", "e", "er", "ern", "ns", "ens"),
    transcription=(("tsch", "ch"), ("sch", "sh"), ("j", "y"), ("w", "v"), ("z", "s"), ("k", "c"), ("ph", "f")),
)
