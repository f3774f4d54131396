from .profile import COMMON_PARTICLES, LanguageProfile

PROFILE = LanguageProfile(
    code="es", name="Spanish",
    quotes=(("«", "»"), ("“", "”")),
    decimal=",", thousands=".",
    opening_marks=(("¿", "?"), ("¡", "!")),
    doubled_words=frozenset({"que"}),
    name_particles=COMMON_PARTICLES | {"del", "los", "las", "y"},
)
