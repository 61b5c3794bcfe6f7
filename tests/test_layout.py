"""The package layout of DESIGN.md: imports only point the allowed way."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("extractors", "models", "warehouse", "flows", "dashboards")
ALLOWED = {
    "extractors": set(),
    "models": set(),
    "warehouse": {"extractors", "models"},
    "flows": {"extractors", "models", "warehouse", "dashboards"},
    "dashboards": {"warehouse"},
}


def our_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found.update(name.split(".")[0] for name in names if name.split(".")[0] in PACKAGES)
    return found


@pytest.mark.parametrize("package", PACKAGES)
def test_imports_point_the_allowed_way(package):
    wrong = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        bad = our_imports(path) - ALLOWED[package] - {package}
        if bad:
            wrong[str(path.relative_to(ROOT))] = sorted(bad)
    assert not wrong, f"imports against DESIGN.md's direction: {wrong}"


def test_the_checker_sees_a_wrong_arrow(tmp_path):
    module = tmp_path / "bad.py"
    module.write_text("from warehouse.db import connect\nimport flows.cli\nimport os\n")
    assert our_imports(module) == {"warehouse", "flows"}
