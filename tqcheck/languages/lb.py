from .de import PROFILE as GERMAN
from dataclasses import replace

# Luxembourgish capitalises nouns and declines and transcribes names as German does.
PROFILE = replace(GERMAN, code="lb", name="Luxembourgish", doubled_words=frozenset())
