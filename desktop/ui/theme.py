"""Light and dark looks: Fusion with a palette, following the system unless overridden."""

from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

ACCENT = "#5b6cf0"

_DARK = {
    QPalette.ColorRole.Window: "#1f2125",
    QPalette.ColorRole.WindowText: "#e6e7ea",
    QPalette.ColorRole.Base: "#16181b",
    QPalette.ColorRole.AlternateBase: "#24272c",
    QPalette.ColorRole.ToolTipBase: "#2b2e34",
    QPalette.ColorRole.ToolTipText: "#e6e7ea",
    QPalette.ColorRole.PlaceholderText: "#7d828c",
    QPalette.ColorRole.Text: "#e6e7ea",
    QPalette.ColorRole.Button: "#2a2d33",
    QPalette.ColorRole.ButtonText: "#e6e7ea",
    QPalette.ColorRole.BrightText: "#ff6b6b",
    QPalette.ColorRole.Light: "#3a3d44",
    QPalette.ColorRole.Midlight: "#33363c",
    QPalette.ColorRole.Mid: "#4a4e57",
    QPalette.ColorRole.Dark: "#111214",
    QPalette.ColorRole.Shadow: "#000000",
    QPalette.ColorRole.Highlight: ACCENT,
    QPalette.ColorRole.HighlightedText: "#ffffff",
    QPalette.ColorRole.Link: "#8ea0ff",
}

_LIGHT = {
    QPalette.ColorRole.Window: "#f4f5f7",
    QPalette.ColorRole.WindowText: "#1d1f23",
    QPalette.ColorRole.Base: "#ffffff",
    QPalette.ColorRole.AlternateBase: "#f0f1f4",
    QPalette.ColorRole.ToolTipBase: "#ffffff",
    QPalette.ColorRole.ToolTipText: "#1d1f23",
    QPalette.ColorRole.PlaceholderText: "#8a8f98",
    QPalette.ColorRole.Text: "#1d1f23",
    QPalette.ColorRole.Button: "#eceef1",
    QPalette.ColorRole.ButtonText: "#1d1f23",
    QPalette.ColorRole.BrightText: "#d93036",
    QPalette.ColorRole.Light: "#ffffff",
    QPalette.ColorRole.Midlight: "#e3e5e9",
    QPalette.ColorRole.Mid: "#c4c8cf",
    QPalette.ColorRole.Dark: "#9aa0a8",
    QPalette.ColorRole.Shadow: "#5c6068",
    QPalette.ColorRole.Highlight: ACCENT,
    QPalette.ColorRole.HighlightedText: "#ffffff",
    QPalette.ColorRole.Link: "#3949c9",
}

STYLE_SHEET = """
QPushButton#recordButton { font-weight: 600; padding: 8px 18px; border-radius: 8px;
                           background: #5b6cf0; color: white; border: 1px solid #4b5ad8; }
QPushButton#recordButton:hover { background: #6a7af5; }
QPushButton#recordButton:focus { border: 2px solid palette(highlighted-text); }
QPushButton#recordButton[recording="true"] { background: #e5484d; border-color: #cc3a3f; }
QPushButton#recordButton[recording="true"]:hover { background: #ec5d62; }
QPushButton#recordButton:disabled { background: palette(mid); border-color: palette(mid); }
QListWidget::item { padding: 6px 4px; }
QLabel#elapsed { font-size: 20px; }
QLabel#paneTitle { font-weight: 600; }
QLabel[muted="true"] { color: palette(placeholder-text); }
QFrame#card { background: palette(base); border: 1px solid palette(midlight);
              border-radius: 8px; }
QTextEdit, QPlainTextEdit { border: none; background: transparent; }
QStatusBar QLabel { padding: 0 6px; }
"""


def system_is_dark() -> bool:
    """Whether the desktop asks for a dark look (Qt 6.5+ colour scheme). GUI thread."""
    scheme = QGuiApplication.styleHints().colorScheme()
    return scheme == Qt.ColorScheme.Dark


def is_dark(theme: str) -> bool:
    """Whether ``theme`` ("system", "light" or "dark") resolves to dark now."""
    return theme == "dark" or (theme == "system" and system_is_dark())


def palette(dark: bool) -> QPalette:
    """Return the light or dark palette."""
    result = QPalette()
    for role, colour in (_DARK if dark else _LIGHT).items():
        result.setColor(role, QColor(colour))
    disabled = QColor("#6b7079" if dark else "#a0a5ad")
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text,
                 QPalette.ColorRole.ButtonText):
        result.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    return result


class ThemeManager(QObject):
    """Applies the theme setting and follows system changes when it is "system"."""

    def __init__(self, app: QApplication, theme: str = "system") -> None:
        super().__init__(app)
        self._app = app
        self.theme = theme
        app.setStyle("Fusion")
        app.setStyleSheet(STYLE_SHEET)
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._on_hints_color_scheme)
        self.apply(theme)

    @property
    def dark(self) -> bool:
        """Whether the dark palette is in use."""
        return is_dark(self.theme)

    def apply(self, theme: str) -> None:
        """Switch to ``theme``. GUI thread only."""
        self.theme = theme
        self._app.setPalette(palette(is_dark(theme)))

    @Slot(Qt.ColorScheme)
    def _on_hints_color_scheme(self, _scheme: Qt.ColorScheme) -> None:
        if self.theme == "system":
            self.apply("system")
