"""The composition root: builds settings, engine services and windows, and wires them.

Only this module's :func:`run_gui` path imports Qt, so ``dictara SUBCOMMAND`` never does.
The hotkey/tray work plugs in through :class:`DictaraApp`: it holds the services, the
controller (dictation, cleanup) and the library (files, history), which a tray icon or a
small dictation window can drive exactly as the main window does.
"""

import logging
import sys
import time
from collections.abc import Sequence
from types import ModuleType
from typing import TYPE_CHECKING

from desktop.config import SettingsFile
from desktop.paths import AppPaths

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from desktop.ui.services import Services

log = logging.getLogger(__name__)

_LAUNCHED = time.monotonic()


class DictaraApp:
    """Everything the GUI is made of, built in order and shut down in reverse.

    GUI thread only.

    Attributes:
        services: settings wrapper, message bridge, job runner, history, transcriber.
        controller: dictation, cleanup and history writes.
        library: file jobs, history look-ups, crash recovery.
        theme: applies the light/dark setting.
        window: the main window.
        launched: ``time.monotonic()`` when the process started (start-up timing).
        shown_at: when the window was first shown.
    """

    def __init__(
        self,
        qapp: "QApplication",
        paths: AppPaths | None = None,
        *,
        sounddevice: ModuleType | None = None,
    ) -> None:
        from desktop.ui.controller import Controller
        from desktop.ui.library import Library
        from desktop.ui.main_window import MainWindow
        from desktop.ui.theme import ThemeManager

        self.qapp = qapp
        self.launched = _LAUNCHED
        self.shown_at: float | None = None
        self.services: Services = build_services(paths or AppPaths.default())
        self.services.sounddevice = sounddevice
        self._closed = False
        self.theme = ThemeManager(qapp, self.services.settings.settings.ui.theme)
        self.controller = Controller(self.services)
        self.library = Library(self.controller)
        self.window = MainWindow(self.controller, self.library)
        self.window.settings_requested.connect(self.open_settings)
        self.window.shown.connect(self._on_window_shown)
        self.services.settings.changed.connect(self._on_setting_changed)

    def show(self) -> None:
        """Show the window; the model and everything slow start after it is on screen."""
        self.window.show()

    def start_hidden(self) -> None:
        """Start the deferred work without showing the window (tray-only start)."""
        self.window.shown.disconnect(self._on_window_shown)
        self.window.start()

    def open_settings(self) -> None:
        """Open the settings dialog (modal to the window)."""
        from desktop.ui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.services, self.window)
        dialog.open()

    def shutdown(self) -> None:
        """Stop workers and close the history. Idempotent."""
        if self._closed:
            return
        self._closed = True
        self.controller.shutdown()
        self.library.shutdown()
        self.services.runner.wait(3000)
        self.services.close()

    def _on_window_shown(self) -> None:
        from PySide6.QtCore import QTimer

        self.shown_at = time.monotonic()
        log.info("Window shown %.0f ms after launch", (self.shown_at - self.launched) * 1000)
        # Let the first frame paint before anything else runs.
        QTimer.singleShot(0, self.window.start)

    def _on_setting_changed(self, key: str) -> None:
        if key == "ui.theme":
            self.theme.apply(self.services.settings.settings.ui.theme)
        elif key.startswith("whisper.model") or key in ("whisper.device",
                                                        "whisper.compute_type",
                                                        "whisper.threads"):
            if not self.controller.recording:
                self.controller.load_model()
        elif key.startswith("ollama."):
            self.window.refresh_ollama()
        elif key == "audio.device":
            self.window.refresh_microphone()
        elif key == "cleanup.preset":
            self.window.compare.set_preset(self.services.settings.settings.cleanup.preset)


def build_services(paths: AppPaths) -> "Services":
    """Build the settings wrapper, message bridge, runner and history. GUI thread."""
    from desktop.engine.history import History, HistoryError
    from desktop.ui.messages import MessageBridge
    from desktop.ui.services import Services
    from desktop.ui.settings_model import SettingsModel
    from desktop.ui.workers import JobRunner

    messages = MessageBridge()
    settings = SettingsModel(SettingsFile(paths.config_file))
    services = Services(paths, settings, messages, JobRunner())
    try:
        services.history = History(paths.history_db)
    except HistoryError as e:
        messages.error(str(e))
    return services


def run_gui(argv: Sequence[str]) -> int:
    """Open the Dictara window and run until it closes; returns the exit code.

    Args:
        argv: GUI flags: ``--tray`` (or ``--minimized``) starts without the main window.
    """
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
    qapp = QApplication([sys.argv[0] if sys.argv else "dictara", *argv])
    qapp.setApplicationName("Dictara")
    qapp.setApplicationDisplayName("Dictara")
    qapp.setDesktopFileName("dictara")
    # Single instance, hotkey, tray (desktop/ui/desktop_integration.py).
    from desktop.platform import ipc
    from desktop.ui.desktop_integration import DesktopIntegration
    from desktop.ui.ipc_server import IpcServer, send_or_listen

    paths = AppPaths.default()
    server: IpcServer | None = None
    try:
        server = send_or_listen(ipc.server_address(paths.config_file.parent), lambda: "idle")
        if server is None:
            log.info("Dictara is already running; asked it to show its window")
            return 0
    except ipc.Error as e:
        log.warning("%s", e)
    app = DictaraApp(qapp, paths)
    integration = DesktopIntegration(app, server)
    qapp.aboutToQuit.connect(integration.shutdown)
    qapp.aboutToQuit.connect(app.shutdown)
    integration.start(hidden=bool({"--tray", "--minimized"} & set(argv)))
    return qapp.exec()
