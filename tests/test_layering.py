"""The pure packages never import the web or storage layers."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = ("flask", "flask_", "sqlalchemy", "werkzeug", "alembic", "kiosk", "app")


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", ["cards", "signing"])
def test_pure_packages_import_no_web_or_storage(package: str) -> None:
    files = sorted((ROOT / package).rglob("*.py"))
    assert files
    offenders = {
        str(path.relative_to(ROOT)): sorted(
            name for name in _imports(path) if name in FORBIDDEN or name.startswith("flask_")
        )
        for path in files
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_configuration_is_read_in_one_place() -> None:
    readers = [
        str(path.relative_to(ROOT))
        for package in ("cards", "signing", "kiosk")
        for path in (ROOT / package).rglob("*.py")
        if "os.environ" in path.read_text("utf-8") or "getenv" in path.read_text("utf-8")
    ]
    assert readers == ["kiosk/config.py"]
