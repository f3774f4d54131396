"""Typography and mechanics: one module per rule; importing registers them."""
from . import doubled_space, doubled_word, mixed_quotes, run_in_heading, space_before_punct, unbalanced  # noqa: F401
