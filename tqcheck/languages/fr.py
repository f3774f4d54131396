from .profile import COMMON_PARTICLES, LanguageProfile

PROFILE = LanguageProfile(
    code="fr", name="French",
    quotes=(("«", "»"),),
    quote_padding="\u202f",
    strict_quotes=True,
    space_before_high_punct="\u202f",
    space_before_high_punct_also="\u00a0",
    decimal=",", thousands="\u202f",
    doubled_words=frozenset({"nous", "vous", "si", "très", "le", "la", "les"}),
    name_particles=COMMON_PARTICLES | {"du", "des", "d'", "d’"},
)
