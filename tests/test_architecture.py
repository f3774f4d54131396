"""The package's shape: one flow in one direction, rules that depend on analyses and not on each other."""
from __future__ import annotations

import ast
import re
from pathlib import Path

PKG = Path(__file__).resolve().parent.parent / "tqcheck"


def _module(path: Path) -> str:
    parts = path.relative_to(PKG.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, everywhere: bool = True) -> set[str]:
    """The tqcheck modules ``path`` imports: at every depth (inside functions, under TYPE_CHECKING: a
    cycle hidden there is still a cycle), or only its top level.  ``from package import name`` depends
    on the module ``package.name`` when there is one, else on the package."""
    mod = _module(path)
    package = mod if path.name == "__init__.py" else mod.rsplit(".", 1)[0]
    tree = ast.parse(path.read_text("utf-8"))
    out: set[str] = set()
    for node in (ast.walk(tree) if everywhere else tree.body):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if not target.startswith("tqcheck"):
                continue
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                out.add(sub if sub in MODULES else target)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.startswith("tqcheck"))
    return {t for t in out if t in MODULES and t != mod}


MODULES = {_module(p): p for p in PKG.rglob("*.py")}


def _graph() -> dict[str, set[str]]:
    return {m: _imports(p) for m, p in MODULES.items()}


def _folder(module: str) -> str:
    return module if MODULES[module].name == "__init__.py" else module.rsplit(".", 1)[0]


def _first_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(m: str) -> list[str] | None:
        state[m] = 1
        stack.append(m)
        for n in sorted(graph.get(m, ())):
            if state.get(n) == 1:
                return stack[stack.index(n):] + [n]
            if n not in state:
                found = visit(n)
                if found:
                    return found
        stack.pop()
        state[m] = 2
        return None

    for m in sorted(graph):
        if m not in state:
            found = visit(m)
            if found:
                return found
    return None


def test_no_import_cycle_between_modules_at_any_depth():
    # Imports inside functions and under TYPE_CHECKING count: they hid config -> options -> rules ->
    # registry -> context -> config, and names.cluster <-> names.evidence.
    cycle = _first_cycle(_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_no_two_folders_import_each_other():
    # A folder importing its own subfolders (a package and its parts) is structure, not a cycle.
    folders: dict[str, set[str]] = {}
    for m, targets in _graph().items():
        for t in targets:
            a, b = _folder(m), _folder(t)
            if a != b and not b.startswith(a + ".") and not a.startswith(b + "."):
                folders.setdefault(a, set()).add(b)
    cycle = _first_cycle(folders)
    assert cycle is None, "folders import each other: " + " -> ".join(cycle)


def test_no_rule_family_imports_another():
    for path in (PKG / "rules").glob("*/*.py"):
        family = path.parent.name
        for target in _imports(path):
            parts = target.split(".")
            if parts[:2] == ["tqcheck", "rules"] and len(parts) > 2 and parts[2] not in ("registry", family):
                raise AssertionError(f"{path.relative_to(PKG)} imports {target}")


def test_shared_data_travels_through_types_not_string_keys():
    # Run facts travelled as Report.meta["..."], control flags as evidence["autofix"], models as
    # ctx.resource("language-model"): now RunRecord, Fix and typed Resource keys.
    pattern = re.compile(r"\.extras\b|\.options\[|\.options\.get\(|\.meta\[|\.meta\.get\(|[\"']autofix[\"']|resource\([\"']")
    offenders = [f"{p.relative_to(PKG)}:{i}" for p in PKG.rglob("*.py")
                 for i, line in enumerate(p.read_text("utf-8").splitlines(), 1) if pattern.search(line)]
    assert offenders == []


def test_the_runtime_never_imports_the_lab():
    # Training, calibration and evaluation (tqcheck.lab) measure the runtime through run_check; the code
    # that runs a check must not depend on them, at any depth.
    offenders = []
    for path in PKG.rglob("*.py"):
        mod = _module(path)
        if mod == "tqcheck.lab" or mod.startswith("tqcheck.lab."):
            continue
        offenders += [f"{mod} imports {t}" for t in _imports(path)
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
