"""What an analysis is, declared where its type is defined, so that the engine knows none by name.

An analysis is a type whose value a document holds once it is built (``Document.analysis``): the model's
reading, the source alignment, the parse, the name ledger.  Its declaration says

- ``needs``: the inputs without which it cannot exist (the model, a source, a reference); a rule that
  reads it is not run on a document that lacks them;
- ``reads``: the analyses it is built from, for the graph the engine checks.

A rule names the analysis types it reads (``Rule.requires``).  When the engine is built it checks that
every one of them is declared and that the analyses build on each other without a cycle, as spaCy's
``analyze_pipes`` checks what components assign and require; a mistake is an error then, before any
file is read, not a missing finding later.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Iterable, Protocol, TypeVar, runtime_checkable

T = TypeVar("T", bound=type)


class Needs(Enum):
    MODEL = "model"  # the language model may be used (not --no-model)
    SOURCE = "source"  # the document has its source text
    REFERENCE = "reference"  # the document has a reference translation


@dataclass(frozen=True)
class Declaration:
    needs: frozenset[Needs]
    reads: tuple[type, ...]


_DECLARED: dict[type, Declaration] = {}


def analysis(needs: Iterable[Needs] = (), reads: Iterable[type] = ()):
    """Class decorator: declare ``cls`` an analysis a document may hold and a rule may require."""

    def declare(cls: T) -> T:
        _DECLARED[cls] = Declaration(frozenset(needs), tuple(reads))
        return cls

    return declare


def declaration(cls: type) -> Declaration | None:
    return _DECLARED.get(cls)


def is_analysis(key: object) -> bool:
    return isinstance(key, type) and key in _DECLARED


def needs_of(types: Iterable[type]) -> frozenset[Needs]:
    """What the analyses ``types`` cannot be built without."""
    out: set[Needs] = set()
    for t in types:
        out |= _DECLARED[t].needs
    return frozenset(out)


@runtime_checkable
class Settles(Protocol):
    """An analysis that leaves something in the document's outcome once the rules have run (the names
    table, the fluency strip), or drops what the report need not keep (the model's hidden states)."""

    def settle(self, doc, outcome) -> None: ...


class AnalysisGraphError(ValueError):
    """A rule requires something that is not a declared analysis, or the analyses build on each other in a circle."""


def check_graph(requirements: dict[str, tuple[type, ...]]) -> None:
    """Check what rules (``rule id -> the analysis types it requires``) ask for, and what those build on."""
    for rule_id, types in requirements.items():
        for t in types:
            if not is_analysis(t):
                raise AnalysisGraphError(f"rule {rule_id} requires {getattr(t, '__name__', t)!r}, "
                                         "which is not a declared analysis (tqcheck.analysis.declared)")
    state: dict[type, int] = {}
    path: list[type] = []

    def visit(t: type) -> None:
        state[t] = 1
        path.append(t)
        for r in _DECLARED[t].reads:
            if not is_analysis(r):
                raise AnalysisGraphError(f"analysis {t.__name__} reads {getattr(r, '__name__', r)!r}, "
                                         "which is not a declared analysis")
            if state.get(r) == 1:
                cycle = path[path.index(r):] + [r]
                raise AnalysisGraphError("analyses build on each other in a circle: "
                                         + " -> ".join(c.__name__ for c in cycle))
            if r not in state:
                visit(r)
        path.pop()
        state[t] = 2

    for types in requirements.values():
        for t in types:
            if t not in state:
                visit(t)
