"""Rules about tqcheck's own directives: one module per rule; importing registers them."""
from . import unused_suppression  # noqa: F401
