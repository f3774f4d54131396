"""Parsing JSON and TOML that a user or a client wrote: every way it can fail is one error, never a crash.

The standard parsers raise more than their own decode error on hostile input: RecursionError for
arrays or tables nested past the interpreter's recursion limit (200,000 ``[`` is a 400 KB line), and
a plain ValueError for an integer of more than 4,300 digits (Python's limit on converting digits to
an int).  Let through, either one is an "internal error" that stops the whole run (or a 500 from the
desk) although the input is at fault.  Every JSON or TOML read of a user's file, a config or a
request body goes through here, and the caller turns ``Unparsable`` into its own error naming the
file and line (InputError, ConfigError) or the request (400).
"""
from __future__ import annotations

import json
import sys
import tomllib
from typing import Any


class Unparsable(ValueError):
    """Text that is not valid JSON (or TOML), with where the parser stopped when it knows."""

    def __init__(self, problem: str, line: int | None = None, column: int | None = None):
        self.problem, self.line, self.column = problem, line, column
        super().__init__(problem)


_decoder = json.JSONDecoder()


def _beyond_the_parser(exc: BaseException) -> Unparsable:
    if isinstance(exc, RecursionError):
        return Unparsable(f"nested too deeply (more than about {sys.getrecursionlimit()} levels of brackets "
                          "or braces)")
    if isinstance(exc, MemoryError):
        return Unparsable("too large to parse in memory")
    if "digits" in str(exc):  # int()'s limit; the only plain ValueError these parsers let through
        return Unparsable(f"a number with more than {sys.get_int_max_str_digits()} digits")
    return Unparsable(str(exc))


def json_loads(text: str) -> Any:
    """``json.loads``; any failure is ``Unparsable`` (with the line and column of a syntax error)."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise Unparsable(exc.msg, exc.lineno, exc.colno) from None
    except (RecursionError, MemoryError, ValueError) as exc:
        raise _beyond_the_parser(exc) from None


def json_raw_decode(text: str, pos: int) -> tuple[Any, int]:
    """``JSONDecoder.raw_decode``: the value starting at ``pos`` and where it ends."""
    try:
        return _decoder.raw_decode(text, pos)
    except json.JSONDecodeError as exc:
        raise Unparsable(exc.msg, exc.lineno, exc.colno) from None
    except (RecursionError, MemoryError, ValueError) as exc:
        raise _beyond_the_parser(exc) from None


def toml_loads(text: str) -> dict[str, Any]:
    """``tomllib.loads``; the syntax error's message already says the line and column."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise Unparsable(str(exc)) from None
    except (RecursionError, MemoryError, ValueError) as exc:
        raise _beyond_the_parser(exc) from None
