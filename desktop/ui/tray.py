"""The tray (menu-bar) icon: dictation state at a glance and a menu to drive Dictara.

With the tray, Dictara can live without its main window: the hotkey, ``dictara toggle``
and this menu all start and stop dictations that land in the app the user is typing in.
"""

from functools import cache

from PySide6.QtCore import QObject, QRectF, Qt, Signal, SignalInstance, Slot
from PySide6.QtGui import QAction, QColor, QIcon, QImage, QPainter, QPixmap
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from desktop.ui.resources import icon

SIZES = (16, 22, 24, 32, 48, 64)
BADGES = {"recording": "#e5484d", "working": "#f5a524"}
TOOLTIPS = {"idle": "Dictara", "recording": "Dictara — listening",
            "working": "Dictara — finishing the text"}


def state_icon(state: str) -> QIcon:
    """Return the app icon with a red (recording) or amber (working) dot. GUI thread only."""
    return _badged(state)


class Tray(QObject):
    """The tray icon and its menu. GUI thread only.

    Signals:
        start_stop_requested(): start a dictation, or stop the running one.
        cancel_requested(): cancel the running dictation.
        open_requested(): show the main window.
        settings_requested(): open the settings.
        start_at_login_toggled(bool): the user switched starting at login.
        quit_requested(): quit Dictara.

    Attributes:
        icon: the ``QSystemTrayIcon``.
        menu: its context menu.
        state: the state shown (``idle``, ``recording``, ``working``).
    """

    start_stop_requested = Signal()
    cancel_requested = Signal()
    open_requested = Signal()
    settings_requested = Signal()
    start_at_login_toggled = Signal(bool)
    quit_requested = Signal()

    def __init__(self, start_at_login: bool = False, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.state = "idle"
        self.menu = QMenu()
        self.start_stop = self._add("Start dictation", self.start_stop_requested)
        self.cancel = self._add("Cancel dictation", self.cancel_requested)
        self.menu.addSeparator()
        self._add("Open Dictara", self.open_requested)
        self._add("Settings…", self.settings_requested)
        self.start_at_login = QAction("Start at login", self.menu)
        self.start_at_login.setCheckable(True)
        self.start_at_login.setChecked(start_at_login)
        self.start_at_login.toggled.connect(self.start_at_login_toggled)
        self.menu.addAction(self.start_at_login)
        self.menu.addSeparator()
        self._add("Quit Dictara", self.quit_requested)
        self.icon = QSystemTrayIcon(state_icon("idle"), self)
        self.icon.setContextMenu(self.menu)
        self.icon.activated.connect(self._on_icon_activated)
        self.set_state("idle")

    @staticmethod
    def available() -> bool:
        """Whether the desktop shows tray icons (many Wayland/GNOME setups do not)."""
        return QSystemTrayIcon.isSystemTrayAvailable()

    def show(self) -> bool:
        """Show the icon if the desktop has a tray; returns whether it is shown."""
        if not self.available():
            return False
        self.icon.show()
        return True

    def hide(self) -> None:
        """Remove the icon."""
        self.icon.hide()

    def notify(self, title: str, text: str) -> bool:
        """Show a short notification from the icon; returns whether it could."""
        if not self.icon.isVisible():
            return False
        self.icon.showMessage(title, text, QSystemTrayIcon.MessageIcon.Information, 8000)
        return True

    @Slot(str)
    def set_state(self, state: str) -> None:
        """Show ``idle``, ``recording`` or ``working`` in the icon and the menu."""
        self.state = state
        self.icon.setIcon(state_icon(state))
        self.icon.setToolTip(TOOLTIPS.get(state, "Dictara"))
        self.start_stop.setText("Stop dictation" if state == "recording" else "Start dictation")
        self.start_stop.setEnabled(state != "working")
        self.cancel.setEnabled(state != "idle")

    def _add(self, text: str, signal: SignalInstance) -> QAction:
        action = QAction(text, self.menu)
        action.triggered.connect(signal)
        self.menu.addAction(action)
        return action

    @Slot(QSystemTrayIcon.ActivationReason)
    def _on_icon_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason == QSystemTrayIcon.ActivationReason.Trigger:
            self.start_stop_requested.emit()
        elif reason == QSystemTrayIcon.ActivationReason.DoubleClick:
            self.open_requested.emit()


@cache
def _badged(state: str) -> QIcon:
    base = icon("dictara")
    colour = BADGES.get(state)
    result = QIcon()
    for size in SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.drawPixmap(0, 0, base.pixmap(size, size))
        if colour is not None:
            dot = size * 0.45
            painter.setPen(QColor("#ffffff"))
            painter.setBrush(QColor(colour))
            painter.drawEllipse(QRectF(size - dot - 0.5, size - dot - 0.5, dot, dot))
        painter.end()
        result.addPixmap(QPixmap.fromImage(image))
    return result
