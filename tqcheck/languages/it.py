from .profile import COMMON_PARTICLES, LanguageProfile

PROFILE = LanguageProfile(
    code="it", name="Italian",
    quotes=(("«", "»"), ("“", "”")),
    decimal=",", thousands=".",
    name_particles=COMMON_PARTICLES | {"del", "della", "dei", "degli"},
)
