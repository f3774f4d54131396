"""Name consistency: mentions, entity clustering, the chosen spelling, name-order data."""
from .canonical import preferred_from_source, register_source_hook
from .cluster import Entity, Form, cluster
from .compare import same_entity
from .ledger import entities, ledger_rows
from .mentions import Mention, extract_mentions

__all__ = ["Entity", "Form", "Mention", "cluster", "entities", "extract_mentions", "ledger_rows",
           "preferred_from_source", "register_source_hook", "same_entity"]
