"""Name consistency: one module per rule; importing registers them."""
from . import (  # noqa: F401
    abbreviation_style,
    entity_style,
    name_order,
    name_variant,
    name_variant_corpus,
    unlikely_name,
)
