"""Dictating into other apps: hotkey, dictation window, paste, tray, IPC, start at login.

:class:`DesktopIntegration` is built by the composition root (``desktop/app.py``) next to
the main window and drives the same :class:`~desktop.ui.controller.Controller`. It owns
the parts that make Dictara usable without its main window open.
"""

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Slot
from PySide6.QtWidgets import QApplication

from desktop.platform import autostart, permissions
from desktop.platform.paste import KeySender
from desktop.ui.dictation_window import DictationWindow
from desktop.ui.hotkey_controller import HotkeyController, ListenerFactory
from desktop.ui.ipc_server import IpcServer
from desktop.ui.paster import Paster
from desktop.ui.sounds import SoundPlayer
from desktop.ui.tray import Tray

if TYPE_CHECKING:
    from desktop.app import DictaraApp

log = logging.getLogger(__name__)

WINDOW_STATE_FILE = "dictation-window.ini"


class DesktopIntegration(QObject):
    """Wires hotkey dictation, the tray and IPC commands into the app. GUI thread only.

    Args:
        app: the composition root's app (services, controller, main window).
        server: the single-instance server, or None when it could not listen.
        listener_factory: builds the hotkey listener (tests); pynput's when None.
        keys: sends the paste shortcut (tests); pynput's when None.

    Attributes:
        window: the dictation window.
        paster: pastes into the focused app.
        hotkey: the hotkey dictation controller.
        tray: the tray icon.
        tray_shown: whether the desktop shows the tray icon.
    """

    def __init__(
        self,
        app: "DictaraApp",
        server: IpcServer | None,
        *,
        listener_factory: ListenerFactory | None = None,
        keys: KeySender | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.app = app
        self.server = server
        services = app.services
        self._settings = services.settings
        self.window = DictationWindow(services.paths.config_file.parent / WINDOW_STATE_FILE)
        self.paster = Paster(keys=keys, parent=self)
        self.hotkey = HotkeyController(app.controller, self.window, self.paster,
                                       play=SoundPlayer(sd=services.sounddevice).play,
                                       listener_factory=listener_factory, parent=self)
        self.tray = Tray(self._settings.settings.ui.start_at_login, self)
        self.tray_shown = False
        self._connect()

    def start(self, hidden: bool) -> None:
        """Show the tray, register the hotkey, check permissions, then show the window.

        Args:
            hidden: start in the tray (``--tray``/``--minimized``): no main window.
        """
        qapp = QApplication.instance()
        self.tray_shown = self.tray.show()
        if isinstance(qapp, QApplication) and (self.tray_shown or hidden):
            qapp.setQuitOnLastWindowClosed(False)  # the tray (or a later `dictara`) remains
        self.hotkey.register_hotkey()
        for missing in permissions.missing():
            self.app.services.messages.warning(missing.message)
        self._sync_autostart()
        if not hidden:
            self.app.show()
            return
        self.app.start_hidden()
        if not self.tray_shown:
            log.info("No system tray; running without a window (run `dictara` to open it)")

    def shutdown(self) -> None:
        """Release the keyboard, remove the icon, stop listening. Idempotent."""
        self.hotkey.shutdown()
        self.tray.hide()
        self.window.dismiss()
        if self.server is not None:
            self.server.close()
            self.server = None

    @Slot()
    def show_main_window(self) -> None:
        """Bring the main window to the front (a second `dictara`, the tray)."""
        window = self.app.window
        if window.isMinimized():
            window.showNormal()
        self.app.show()
        window.raise_()
        window.activateWindow()

    def _connect(self) -> None:
        t, h = self.tray, self.hotkey
        t.start_stop_requested.connect(h.toggle)
        t.cancel_requested.connect(h.cancel)
        t.open_requested.connect(self.show_main_window)
        t.settings_requested.connect(self._on_tray_settings_requested)
        t.start_at_login_toggled.connect(self._on_tray_start_at_login_toggled)
        t.quit_requested.connect(self._on_tray_quit_requested)
        h.state_changed.connect(t.set_state)
        h.show_requested.connect(self.show_main_window)
        if self.server is not None:
            self.server.status = h.status
            self.server.command_received.connect(h.handle_command)
        self._settings.changed.connect(self._on_settings_changed)

    def _sync_autostart(self) -> None:
        wanted = self._settings.settings.ui.start_at_login
        try:
            if wanted != autostart.is_enabled():
                autostart.apply(wanted)
        except autostart.Error as e:
            self.app.services.messages.warning(str(e))

    @Slot()
    def _on_tray_settings_requested(self) -> None:
        self.show_main_window()
        self.app.open_settings()

    @Slot(bool)
    def _on_tray_start_at_login_toggled(self, enabled: bool) -> None:
        self._settings.set("ui.start_at_login", enabled)

    @Slot()
    def _on_tray_quit_requested(self) -> None:
        QApplication.quit()

    @Slot(str)
    def _on_settings_changed(self, key: str) -> None:
        if key == "ui.start_at_login":
            self.tray.start_at_login.setChecked(self._settings.settings.ui.start_at_login)
            self._sync_autostart()
