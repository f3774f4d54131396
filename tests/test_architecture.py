"""The package's shape: one flow in one direction, rules that depend on analyses and not on each other."""
from __future__ import annotations

import ast
import re
from pathlib import Path

PKG = Path(__file__).resolve().parent.parent / "tqcheck"


def _module(path: Path) -> str:
    parts = path.relative_to(PKG.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _top_level_imports(path: Path) -> set[str]:
    """Modules imported when ``path`` is imported (not inside functions or TYPE_CHECKING blocks)."""
    tree = ast.parse(path.read_text("utf-8"))
    mod = _module(path)
    package = mod if path.name == "__init__.py" else mod.rsplit(".", 1)[0]
    out: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.startswith("tqcheck"):
                out.add(target)
                out.update(f"{target}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.startswith("tqcheck"))
    return out


def _graph() -> dict[str, set[str]]:
    files = {_module(p): p for p in PKG.rglob("*.py")}
    return {m: {t for t in _top_level_imports(p) if t in files and t != m} for m, p in files.items()}


def test_no_import_cycle_in_the_package():
    graph = _graph()
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(m: str) -> None:
        state[m] = 1
        stack.append(m)
        for n in sorted(graph[m]):
            # A package's __init__ importing its own submodules is how registration works, not a cycle.
            if state.get(n) == 1 and not m.startswith(n + "."):
                raise AssertionError("import cycle: " + " -> ".join(stack[stack.index(n):] + [n]))
            if n not in state:
                visit(n)
        stack.pop()
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m)


def test_no_rule_family_imports_another():
    for path in (PKG / "rules").glob("*/*.py"):
        family = path.parent.name
        for target in _top_level_imports(path) | _inner_imports(path):
            parts = target.split(".")
            if parts[:2] == ["tqcheck", "rules"] and len(parts) > 2 and parts[2] not in ("registry", family):
                raise AssertionError(f"{path.relative_to(PKG)} imports {target}")


def _inner_imports(path: Path) -> set[str]:
    mod = _module(path)
    package = mod.rsplit(".", 1)[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package.split(".")[: len(package.split(".")) - node.level + 1]
            out.add(".".join(base + ([node.module] if node.module else [])))
    return out


def test_shared_data_travels_through_types_not_string_keys():
    pattern = re.compile(r"\.extras\b|\.options\[|\.options\.get\(")
    offenders = [f"{p.relative_to(PKG)}:{i}" for p in PKG.rglob("*.py")
                 for i, line in enumerate(p.read_text("utf-8").splitlines(), 1) if pattern.search(line)]
    assert offenders == []


def _all_imports(path: Path) -> set[str]:
    """Every tqcheck module ``path`` imports, at any depth: top level, inside functions, TYPE_CHECKING."""
    mod = _module(path)
    package = mod if path.name == "__init__.py" else mod.rsplit(".", 1)[0]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.startswith("tqcheck"):
                out.add(target)
                out.update(f"{target}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.startswith("tqcheck"))
    return out


def test_the_runtime_never_imports_the_lab():
    # Training, calibration and evaluation (tqcheck.lab) measure the runtime through run_check; the code
    # that runs a check must not depend on them, at any depth.
    offenders = []
    for path in PKG.rglob("*.py"):
        mod = _module(path)
        if mod == "tqcheck.lab" or mod.startswith("tqcheck.lab."):
            continue
        offenders += [f"{mod} imports {t}" for t in _all_imports(path)
                      if t == "tqcheck.lab" or t.startswith("tqcheck.lab.")]
    assert offenders == []
    assert (PKG / "lab" / "evaluation.py").exists()  # the walk above did see the lab


def test_reading_modes_are_not_module_globals_that_a_lab_tool_sets():
    # A module global set by one tool (reading.IN_CONTEXT) reached neither worker processes nor the cache key.
    offenders = []
    for path in PKG.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Assign):
                for t in node.targets:
                    if isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.attr.isupper():
                        offenders.append(f"{path.relative_to(PKG)}:{node.lineno} sets {t.value.id}.{t.attr}")
    assert offenders == []
