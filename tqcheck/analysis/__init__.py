"""Shared analyses of a document, computed once and read by rules and renderers through their types.

- ``source.SourceSide``: the source document and one alignment with the target (``source_side``).
- ``reading.LMReading``: the language model's reading of every paragraph (``reading.read``).
- ``parse.Parse``: one spaCy parse (``parse``), for the names and the clause rule.
- ``names.NameLedger``: entities, spellings, the spelling chosen and why (``name_ledger``).
- ``lexical``: sentence starts, word frequency, name-likeness.

Rules depend on these, never on each other.
"""
