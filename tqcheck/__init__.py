"""tqcheck: a multilingual translation-quality checker."""
__version__ = "0.1.0"
