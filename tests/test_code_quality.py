"""The code base stays clean: ruff, mypy, and an engine that never imports Qt."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
QT_MODULES = ("PySide6", "shiboken6", "PyQt5", "PyQt6")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("layer", ["engine", "cli"])
def test_layer_never_imports_qt(layer: str) -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "desktop" / layer).rglob("*.py")
        if any(name.split(".")[0] in QT_MODULES for name in _imports(path))
    ]
    assert offenders == []


def test_engine_never_imports_ui_or_platform() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "desktop" / "engine").rglob("*.py")
        if any(n.startswith(("desktop.ui", "desktop.platform", "desktop.config"))
               for n in _imports(path))
    ]
    assert offenders == []


def test_ruff() -> None:
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "desktop", "tests",
                             "benchmarks"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_mypy() -> None:
    result = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stdout + result.stderr
