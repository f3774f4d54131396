"""The CLI's one error boundary: what reaches the user is a one-line message and exit 2.

- ``TqcheckError`` (input, config, output path, option value, missing component): its message.
- ``OSError`` (a file that vanished, a full disk): the path and the system's reason.
- Anything else is a bug: one line saying so, and the traceback only with ``tqcheck --debug``
  (or TQCHECK_DEBUG=1).

Exit 1 stays reserved for "findings at or above --fail-on", so CI never reads a crash as findings.
"""
from __future__ import annotations

import os

import typer
from typer.core import TyperGroup
from typer.exceptions import TyperException

from .errors import TqcheckError

_DEBUG = [False]


def set_debug(on: bool) -> None:
    _DEBUG[0] = on
    if on:  # the engine logs a crashing rule's traceback at debug level
        import logging

        logging.basicConfig(level=logging.DEBUG, format="%(name)s: %(message)s")


def debugging() -> bool:
    return _DEBUG[0] or os.environ.get("TQCHECK_DEBUG", "") not in ("", "0")


def _fail(message: str) -> typer.Exit:
    typer.echo(f"tqcheck: error: {message}", err=True)
    return typer.Exit(2)


class GuardedGroup(TyperGroup):
    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except TqcheckError as exc:
            raise _fail(str(exc)) from None
        except OSError as exc:
            if debugging():
                raise
            where = f"{exc.filename}: " if exc.filename else ""
            raise _fail(f"{where}{exc.strerror or exc}") from None
        except (typer.Exit, typer.Abort, TyperException):
            raise  # exits and usage errors (exit 2 with their own message) pass through
        except Exception as exc:
            if debugging():
                raise
            raise _fail(f"internal error: {type(exc).__name__}: {exc} (a bug in tqcheck; "
                        "`tqcheck --debug ...` shows the traceback)") from None


def exit_for_failed_files(report) -> None:
    """After the outputs are written: files a rule failed on make the run exit 2, named on stderr."""
    failed = [(r.path, e) for r in report.files for e in getattr(r, "errors", [])]
    if failed:
        for path, error in failed:
            typer.echo(f"tqcheck: error: {path}: {error}", err=True)
        raise typer.Exit(2)
