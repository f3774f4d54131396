"""Name consistency mechanics: mentions, entity clustering, the chosen spelling, name-order data.

The ledger the rules and reports read is built from these in tqcheck.analysis.names.
"""
from .canonical import preferred_from_source, register_source_hook
from .cluster import Entity, Form, Reason, cluster
from .compare import same_entity
from .mentions import Mention, extract_mentions

__all__ = ["Entity", "Form", "Mention", "Reason", "cluster", "extract_mentions", "preferred_from_source",
           "register_source_hook", "same_entity"]
