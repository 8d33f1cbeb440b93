"""Render resources/icons/dictara.svg into the icon files installers need.

Writes build/icons/dictara.ico (Windows .exe and installer) and build/icons/dictara.iconset/
(macOS: ``iconutil -c icns build/icons/dictara.iconset`` turns it into dictara.icns).
Run with the project's Python: ``python packaging/make_icons.py``.
"""

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtGui import QImage

ROOT = Path(__file__).resolve().parents[1]
SVG = ROOT / "resources" / "icons" / "dictara.svg"
OUT = ROOT / "build" / "icons"
ICONSET_SIZES = (16, 32, 128, 256, 512)


def main() -> int:
    """Write the icons; return the exit code."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    _app = QGuiApplication([])
    OUT.mkdir(parents=True, exist_ok=True)
    if not _render(256).save(str(OUT / "dictara.ico"), b"ICO"):
        print("Could not write dictara.ico (Qt's ico image plugin is missing)", file=sys.stderr)
        return 1
    iconset = OUT / "dictara.iconset"
    iconset.mkdir(exist_ok=True)
    for size in ICONSET_SIZES:
        _render(size).save(str(iconset / f"icon_{size}x{size}.png"))
        _render(size * 2).save(str(iconset / f"icon_{size}x{size}@2x.png"))
    print(f"Icons written to {OUT}")
    return 0


def _render(size: int) -> "QImage":
    from PySide6.QtCore import QRectF, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    QSvgRenderer(str(SVG)).render(painter, QRectF(0, 0, size, size))
    painter.end()
    return image


if __name__ == "__main__":
    sys.exit(main())
