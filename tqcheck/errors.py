"""User-facing errors: the CLI prints these without a traceback and exits 2."""
from __future__ import annotations


class TqcheckError(Exception):
    """An error caused by the user's input, configuration or environment."""


class InputError(TqcheckError):
    def __init__(self, path: str, problem: str):
        self.path = path
        self.problem = problem
        super().__init__(f"{path}: {problem}")


class ConfigError(TqcheckError):
    pass


class OutputError(TqcheckError):
    """An output path that cannot or must not be written."""

    def __init__(self, path: str, problem: str):
        self.path = path
        super().__init__(f"{path}: {problem}")


class RuleSkipped(TqcheckError):
    """Raised by a rule that cannot run on this document (a missing word list, an optional
    component not installed): the engine records a notice and goes on, it is not a failure."""
