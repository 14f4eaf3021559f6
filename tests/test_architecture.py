"""kiosk/ keeps its layers: web -> domain -> models -> db, the domain free of Flask, no cycle."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
KIOSK = ROOT / "kiosk"
WEB_LIBRARIES = ("flask", "flask_babel", "flask_login", "flask_wtf", "werkzeug")
ABOVE_DOMAIN = ("kiosk.web", "kiosk.context", "kiosk.factory", "kiosk.cli", "kiosk.sessions")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path, known: set[str]) -> set[str]:
    """Every module this file imports, at the top or inside a function: `from kiosk.domain
    import audit` is kiosk.domain.audit, a module of `known` (the package's own __init__,
    which every import of a submodule runs first, is not counted)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            submodules = {f"{node.module}.{alias.name}" for alias in node.names} & known
            found.update(submodules)
            if len(submodules) < len(node.names):  # names defined in the module itself
                found.add(node.module)
    return found


def kiosk_graph() -> dict[str, set[str]]:
    files = {module_name(p): p for p in KIOSK.rglob("*.py") if "migrations" not in p.parts}
    known = set(files)
    return {
        name: {m for m in imported_modules(path, known) if m in known and m != name}
        for name, path in files.items()
    }


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state and (cycle := visit(target)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (cycle := visit(start)):
            return cycle
    return None


def test_kiosk_has_no_import_cycle() -> None:
    graph = kiosk_graph()
    assert len(graph) > 50
    assert find_cycle(graph) is None, " -> ".join(find_cycle(graph) or [])


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


@pytest.mark.parametrize(
    "path", sorted((KIOSK / "domain").rglob("*.py")), ids=lambda p: str(p.relative_to(KIOSK))
)
def test_the_domain_imports_neither_flask_nor_the_web(path: Path) -> None:
    imports = imported_modules(path, set())
    offenders = sorted(
        name
        for name in imports
        if name.split(".")[0] in WEB_LIBRARIES
        or any(name == above or name.startswith(above + ".") for above in ABOVE_DOMAIN)
    )
    assert offenders == []


def test_models_and_the_database_import_nothing_above_them() -> None:
    for path in [KIOSK / "db.py", *sorted((KIOSK / "models").rglob("*.py"))]:
        imports = imported_modules(path, set())
        above = [n for n in imports if n.startswith(("kiosk.domain", "kiosk.web", "kiosk.cli"))]
        assert above == [], path.name
