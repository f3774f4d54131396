"""Name consistency mechanics: mentions, entity clustering, the chosen spelling, name-order data.

The ledger the rules and reports read is built from these in ``ledger``.
"""
from .cluster import cluster
from .entity import Entity, Form, Reason
from .compare import same_entity
from .mentions import Mention, extract_mentions
from .source_votes import preferred_from_source

__all__ = ["Entity", "Form", "Mention", "Reason", "cluster", "extract_mentions", "preferred_from_source",
           "same_entity"]
