"""Dictating into other apps: hotkey, dictation window, paste, tray, IPC, start at login,
per-app profiles and edit by voice.

:class:`DesktopIntegration` is built by the composition root (``desktop/app.py``) next to
the main window and drives the same :class:`~desktop.ui.dictation.Dictation`. It owns
the parts that make Dictara usable without its main window open, and asks the root for
what only the root can do (show the window, open the settings, quit) by signals.
"""

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot

from desktop.engine.profiles import ProfileFile
from desktop.platform import autostart, permissions
from desktop.platform.frontmost import FrontApp, FrontAppReader
from desktop.platform.paste import KeySender
from desktop.ui.dictation import Dictation, Owner, State
from desktop.ui.dictation_window import DictationWindow
from desktop.ui.edit_controller import EditController
from desktop.ui.global_hotkey import ListenerFactory
from desktop.ui.hotkey_controller import HotkeyController
from desktop.ui.ipc_server import IpcServer
from desktop.ui.profile_chooser import ProfileChooser
from desktop.ui.services import Services
from desktop.ui.sounds import SoundPlayer
from desktop.ui.tray import Tray

log = logging.getLogger(__name__)

WINDOW_STATE_FILE = "dictation-window.ini"


class DesktopIntegration(QObject):
    """Wires hotkey dictation, the tray and IPC commands into the app. GUI thread only.

    Args:
        services: settings, messages, paths.
        dictation: the dictation state machine.
        server: the single-instance server, or None when it could not listen.
        listener_factory: builds the hotkey listener (tests); pynput's when None.
        keys: sends the paste and copy shortcuts (tests); pynput's when None.
        front_app: reads the app in front (tests); the platform's when None.

    Signals:
        show_requested(): show the main window (tray, a second ``dictara``).
        settings_requested(): open the settings (tray).
        quit_requested(): quit Dictara (tray).
        files_opened(object): a list of :class:`~pathlib.Path` to transcribe
            (``dictara FILE...`` while Dictara runs).

    Attributes:
        window: the dictation window.
        hotkey: the hotkey dictation controller.
        edit: edit by voice (the edit hotkey).
        tray: the tray icon.
        tray_shown: whether the desktop shows the tray icon.
    """

    show_requested = Signal()
    settings_requested = Signal()
    quit_requested = Signal()
    files_opened = Signal(object)

    def __init__(
        self,
        services: Services,
        dictation: Dictation,
        server: IpcServer | None,
        *,
        listener_factory: ListenerFactory | None = None,
        keys: KeySender | None = None,
        front_app: Callable[[], FrontApp] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.server = server
        self._services = services
        self._settings = services.settings
        self._dictation = dictation
        self.window = DictationWindow(services.paths.config_file.parent / WINDOW_STATE_FILE)
        self.window.follow(dictation)
        chooser = ProfileChooser(ProfileFile(services.paths.profiles_file), services.messages,
                                 FrontAppReader(front_app))
        self.hotkey = HotkeyController(dictation, self.window, services.settings,
                                       services.messages, keys=keys,
                                       play=SoundPlayer(sd=services.sounddevice).play,
                                       listener_factory=listener_factory,
                                       chooser=chooser, parent=self)
        self.edit = EditController(dictation, self.window, services.settings,
                                   services.messages, services.runner, self.hotkey.paster,
                                   chooser, keys=keys, listener_factory=listener_factory,
                                   parent=self)
        self.tray = Tray(self._settings.settings.ui.start_at_login, self)
        self.tray_shown = False
        self._connect()

    def start(self) -> None:
        """Show the tray, register the hotkey, check permissions and start at login."""
        self.tray_shown = self.tray.show()
        self.edit.register_hotkey()
        self.hotkey.register_hotkey()
        for missing in permissions.missing():
            self._services.messages.warning(missing.message)
        self._sync_autostart()

    def notify_hidden(self) -> bool:
        """Say, in the tray, that closing the window left Dictara running there.

        Returns:
            Whether it could be said (the tray icon is shown).
        """
        return self.tray.notify("Dictara is still running",
                         "Closing the window keeps Dictara in the tray, so the hotkey works. "
                         "Quit it from the tray menu.")

    def shutdown(self) -> None:
        """Release the keyboard, remove the icon, stop listening. Idempotent."""
        self.hotkey.shutdown()
        self.edit.shutdown()
        self.tray.hide()
        self.window.dismiss()
        if self.server is not None:
            self.server.close()
            self.server = None

    def _connect(self) -> None:
        t = self.tray
        t.start_stop_requested.connect(self._on_tray_start_stop_requested)
        t.cancel_requested.connect(self.hotkey.cancel)
        t.open_requested.connect(self.show_requested)
        t.settings_requested.connect(self.settings_requested)
        t.start_at_login_toggled.connect(self._on_tray_start_at_login_toggled)
        t.quit_requested.connect(self.quit_requested)
        self._dictation.state_changed.connect(self._on_dictation_state_changed)
        if self.server is not None:
            self.server.status = self._status
            self.server.command_received.connect(self._on_server_command_received)
            self.server.files_received.connect(self._on_server_files_received)
        self._settings.changed.connect(self._on_settings_changed)

    def _status(self) -> str:
        return self._dictation.state.summary

    def _sync_autostart(self) -> None:
        wanted = self._settings.settings.ui.start_at_login
        try:
            if wanted != autostart.is_enabled():
                autostart.apply(wanted)
        except autostart.Error as e:
            self._services.messages.warning(str(e))

    @Slot()
    def _on_tray_start_stop_requested(self) -> None:
        self.hotkey.toggle(Owner.COMMAND)

    @Slot(bool)
    def _on_tray_start_at_login_toggled(self, enabled: bool) -> None:
        self._settings.set("ui.start_at_login", enabled)

    @Slot(object)
    def _on_dictation_state_changed(self, state: State) -> None:
        self.tray.set_state(state.summary)

    @Slot(str)
    def _on_server_command_received(self, command: str) -> None:
        if command == "show":
            self.show_requested.emit()
        elif command == "toggle":
            self.hotkey.toggle(Owner.COMMAND)
        elif command == "start":
            self.hotkey.start(Owner.COMMAND)
        elif command == "stop":
            self.hotkey.stop()
        elif command == "cancel":
            self.hotkey.cancel()

    @Slot(object)
    def _on_server_files_received(self, paths: list[Path]) -> None:
        self.files_opened.emit(paths)

    @Slot(str)
    def _on_settings_changed(self, key: str) -> None:
        if key == "ui.start_at_login":
            self.tray.start_at_login.setChecked(self._settings.settings.ui.start_at_login)
            self._sync_autostart()
