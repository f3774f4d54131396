from .profile import COMMON_PARTICLES, LanguageProfile

PROFILE = LanguageProfile(
    code="pt", name="Portuguese",
    quotes=(("“", "”"), ("«", "»")),
    decimal=",", thousands=".",
    name_particles=COMMON_PARTICLES | {"do", "dos", "das", "e"},
)
