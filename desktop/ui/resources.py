"""Icons drawn from the SVG files in ``resources/icons``, tinted for the current palette.

Icons are rendered at several sizes, so they stay sharp on high-DPI screens. Monochrome
icons write their colour as ``{fg}``; it is replaced by the palette's text colour.
"""

from functools import cache
from pathlib import Path

from PySide6.QtCore import QByteArray, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QImage, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QApplication

ICON_DIR = Path(__file__).resolve().parents[2] / "resources" / "icons"
SIZES = (16, 20, 24, 32, 48, 64, 128)


def icon(name: str, color: QColor | None = None) -> QIcon:
    """Return the icon ``resources/icons/<name>.svg``. GUI thread only.

    Args:
        name: the file name without ``.svg``.
        color: the tint for ``{fg}``; the palette's text colour when None.
    """
    if color is None:
        app = QApplication.instance()
        palette = app.palette() if isinstance(app, QApplication) else QPalette()
        color = palette.color(QPalette.ColorRole.WindowText)
    return _render(name, color.name())


def svg_text(name: str, color: str = "#000000") -> str:
    """Return the SVG source of an icon with its tint filled in. Any thread."""
    return (ICON_DIR / f"{name}.svg").read_text(encoding="utf-8").replace("{fg}", color)


@cache
def _render(name: str, color: str) -> QIcon:
    renderer = QSvgRenderer(QByteArray(svg_text(name, color).encode()))
    result = QIcon()
    for size in SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        renderer.render(painter, QRectF(0, 0, size, size))
        painter.end()
        result.addPixmap(QPixmap.fromImage(image))
    return result
