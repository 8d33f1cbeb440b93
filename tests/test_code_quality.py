"""The code base stays clean: ruff, mypy, and layers that import only inward."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
QT_MODULES = ("PySide6", "shiboken6", "PyQt5", "PyQt6")
COMPOSITION_ROOT = ("desktop.app",)
ENGINE_MAY_NOT_IMPORT = ("desktop.ui", "desktop.platform", "desktop.cli", "desktop.config")


def _imports(path: Path, root: Path = ROOT) -> list[tuple[int, str]]:
    """Return ``(line, module)`` for every import anywhere in a file.

    That includes imports under ``if TYPE_CHECKING:`` and inside functions. ``from a import
    b`` gives ``a`` and ``a.b`` (``b`` may be a module); relative imports are resolved
    against the file's package under ``root``.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = path.relative_to(root).with_suffix("").parts[:-1]
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = ".".join(package[:len(package) - node.level + 1])
                base = f"{parent}.{base}" if base else parent
            found.append((node.lineno, base))
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return found


def _offenders(layer: str, forbidden: tuple[str, ...], root: Path = ROOT) -> list[str]:
    """Return ``path:line imports module`` for each import of a forbidden package."""
    found: dict[tuple[str, int], str] = {}
    for path in sorted((root / "desktop" / layer).rglob("*.py")):
        where = str(path.relative_to(root))
        for line, name in _imports(path, root):
            if any(name == f or name.startswith(f"{f}.") for f in forbidden):
                found.setdefault((where, line), name)
    return [f"{where}:{line} imports {name}" for (where, line), name in sorted(found.items())]


@pytest.mark.parametrize("layer", ["engine", "cli", "platform"])
def test_layer_never_imports_qt(layer: str) -> None:
    offenders = _offenders(layer, QT_MODULES)
    assert not offenders, f"desktop/{layer} must stay Qt-free: " + "; ".join(offenders)


def test_engine_never_imports_another_layer() -> None:
    offenders = _offenders("engine", ENGINE_MAY_NOT_IMPORT)
    assert not offenders, ("desktop/engine must not import the UI, platform, CLI or settings "
                           "layers: " + "; ".join(offenders))


def test_ui_never_imports_the_composition_root() -> None:
    offenders = _offenders("ui", COMPOSITION_ROOT)
    assert not offenders, ("desktop/ui must not import desktop.app (it builds the UI and "
                           "passes in what the UI needs): " + "; ".join(offenders))


def test_the_import_scan_sees_hidden_and_relative_imports(tmp_path: Path) -> None:
    ui = tmp_path / "desktop" / "ui"
    ui.mkdir(parents=True)
    (ui / "window.py").write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from desktop.app import DictaraApp\n"
        "def build():\n"
        "    from .. import app\n"
        "    from desktop import app as root\n", encoding="utf-8")
    assert _offenders("ui", COMPOSITION_ROOT, tmp_path) == [
        "desktop/ui/window.py:3 imports desktop.app",
        "desktop/ui/window.py:5 imports desktop.app",
        "desktop/ui/window.py:6 imports desktop.app",
    ]


def test_ruff() -> None:
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "desktop", "tests",
                             "benchmarks"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_mypy() -> None:
    result = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stdout + result.stderr
