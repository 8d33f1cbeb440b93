"""The composition root: builds settings, engine services and windows, and wires them.

Only this module's :func:`run_gui` path imports Qt, so ``dictara SUBCOMMAND`` never does.
:class:`DictaraApp` builds every part once, passes each what it needs, starts them in
order (window first, then the model, Ollama, microphone and history), and is the only
place that quits: File > Quit, the tray's Quit, Ctrl+Q, closing the window when there is
no tray, or the desktop session ending.
"""

import logging
import signal
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from desktop.config import SettingsFile
from desktop.paths import AppPaths

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from desktop.engine.transcriber import Transcriber
    from desktop.platform.frontmost import FrontApp
    from desktop.platform.paste import KeySender
    from desktop.ui.global_hotkey import ListenerFactory
    from desktop.ui.ipc_server import IpcServer
    from desktop.ui.services import Services

log = logging.getLogger(__name__)

_LAUNCHED = time.monotonic()
UI_STATE_FILE = "ui-state.ini"  # in the config folder: what the window has told the user
TOLD_ABOUT_TRAY = "told_about_tray"


class DictaraApp:
    """Everything the GUI is made of, built in order and shut down in reverse.

    GUI thread only.

    Args:
        qapp: the application.
        paths: where files go (the user's folders when None).
        sounddevice: a stand-in for the sounddevice module (tests).
        server: the single-instance IPC server, or None.
        listener_factory: builds the hotkey listener (tests); pynput's when None.
        keys: sends the paste and copy shortcuts (tests); pynput's when None.
        front_app: reads the app in front (tests); the platform's when None.
        make_transcriber: builds the transcriber (tests); from the settings when None.

    Attributes:
        services: settings wrapper, message bridge, job runner, history.
        speech_model: the Whisper model, loaded in the background.
        cleaners: the long-lived cleaner(s).
        documents: the transcript on screen, cleanups, history writes.
        dictation: the one dictation state machine.
        library: file jobs, history look-ups, crash recovery.
        window: the main window.
        integration: hotkey, dictation window, tray, IPC.
        launched: ``time.monotonic()`` when the process started (start-up timing).
        shown_at: when the window was first shown.
    """

    def __init__(
        self,
        qapp: "QApplication",
        paths: AppPaths | None = None,
        *,
        sounddevice: ModuleType | None = None,
        server: "IpcServer | None" = None,
        listener_factory: "ListenerFactory | None" = None,
        keys: "KeySender | None" = None,
        make_transcriber: "Callable[[], Transcriber] | None" = None,
        front_app: "Callable[[], FrontApp] | None" = None,
    ) -> None:
        from desktop.engine.vocabulary import VocabularyFile
        from desktop.ui.cleaners import Cleaners
        from desktop.ui.desktop_integration import DesktopIntegration
        from desktop.ui.dictation import Dictation
        from desktop.ui.documents import Documents
        from desktop.ui.file_open_filter import FileOpenFilter
        from desktop.ui.library import Library
        from desktop.ui.main_window import MainWindow
        from desktop.ui.speech_model import SpeechModel
        from desktop.ui.theme import ThemeManager
        from desktop.ui.vocabulary_model import VocabularyModel

        self.qapp = qapp
        self.launched = _LAUNCHED
        self.shown_at: float | None = None
        self._closed = False
        self._started = False
        self._files_at_start: list[Path] = []
        services = self.services = build_services(paths or AppPaths.default(), sounddevice)
        self.theme = ThemeManager(qapp, services.settings.settings.ui.theme)
        self.speech_model = SpeechModel(services, make_transcriber)
        self.vocabulary = VocabularyModel(VocabularyFile.beside(services.paths.config_file),
                                          services.messages)
        self.cleaners = Cleaners(services.settings, services.messages, self.vocabulary)
        self.documents = Documents(services, self.cleaners)
        self.dictation = Dictation(services, self.speech_model, self.documents, self.cleaners,
                                   self.vocabulary)
        self.library = Library(services, self.speech_model, self.documents, self.vocabulary)
        self.window = MainWindow(services, self.speech_model, self.dictation, self.documents,
                                 self.library, self.cleaners)
        self.integration = DesktopIntegration(services, self.dictation, server,
                                              listener_factory=listener_factory, keys=keys,
                                              front_app=front_app)
        self._file_open = FileOpenFilter(qapp)
        self._connect()

    def start(self, hidden: bool = False, files: Sequence[Path] = ()) -> None:
        """Start the tray and hotkey, then show the window (unless ``hidden``).

        The model, Ollama probe, microphone list and history start once the window's
        first frame is painted, or at once when hidden. ``files`` are queued.
        """
        self.integration.start()
        tray = self.integration.tray_shown
        self.window.hide_on_close = tray
        # With a tray (or started hidden), the app lives on without windows; without,
        # closing the window quits (MainWindow.closeEvent asks).
        self.qapp.setQuitOnLastWindowClosed(not (tray or hidden))
        self._files_at_start = list(files)  # queued once the model is resolved
        if hidden and not files:  # files show the window
            if not tray:
                log.info("No system tray; running without a window (run `dictara` to open it)")
            self._start_work()
        else:
            self.window.show()

    def show(self) -> None:
        """Show the window without the tray and hotkey (tests, the self-test)."""
        self.window.show()

    def open_files(self, paths: list[Path]) -> None:
        """Show the window and queue ``paths`` (``dictara FILE``, Open With, a drop)."""
        self.window.show_front()
        if self._started:
            self.window.add_files(paths)
        else:  # before the start-up work: queued once the model is resolved
            self._files_at_start += paths

    def open_settings(self) -> None:
        """Open the settings dialog (modal to the window)."""
        from desktop.ui.settings_dialog import SettingsDialog

        self.window.show_front()
        dialog = SettingsDialog(self.services, self.integration.hotkey.hotkey_error,
                                self.window, words=self.vocabulary)
        dialog.open()

    def quit(self) -> None:
        """Quit Dictara; :meth:`shutdown` runs as the event loop ends."""
        self.qapp.quit()

    def shutdown(self) -> None:
        """Stop workers, keep queued files for the next start, close the history.

        Idempotent.
        """
        if self._closed:
            return
        self._closed = True
        self.window.hide()  # what follows may wait a moment for workers to stop
        self.integration.shutdown()
        self.dictation.shutdown()
        self.documents.shutdown()
        self.library.shutdown()
        self.services.runner.wait(3000)
        self.services.close()

    def _connect(self) -> None:
        w, i = self.window, self.integration
        w.settings_requested.connect(self.open_settings)
        w.quit_requested.connect(self.quit)
        w.hidden.connect(self._on_window_hidden)
        w.shown.connect(self._on_window_shown)
        i.show_requested.connect(w.show_front)
        i.settings_requested.connect(self.open_settings)
        i.quit_requested.connect(self.quit)
        i.files_opened.connect(self.open_files)
        self._file_open.files_opened.connect(self.open_files)
        self.services.settings.changed.connect(self._on_setting_changed)
        self.dictation.state_changed.connect(self._on_dictation_state_changed)

    def _start_work(self) -> None:
        """The start-up order after the window: messages, model, Ollama, mic, history."""
        if self._started:
            return
        self._started = True
        self.speech_model.load()  # first: its "Loading…" line must not hide what follows
        messages = self.services.messages
        messages.attach()
        for problem in self.services.settings.problems:
            messages.warning(problem)
        self.window.refresh_ollama()
        self.window.refresh_microphone()
        self.library.search("")
        self.library.find_recoverable()
        self.library.requeue_saved()
        if self._files_at_start:
            self.window.add_files(self._files_at_start)
            self._files_at_start = []

    def _on_window_shown(self) -> None:
        from PySide6.QtCore import QTimer

        self.shown_at = time.monotonic()  # ``shown`` comes once
        log.info("Window shown %.0f ms after launch", (self.shown_at - self.launched) * 1000)
        # Let the first frame paint before anything else runs.
        QTimer.singleShot(0, self._start_work)

    def _on_window_hidden(self) -> None:
        from desktop.ui import ui_state

        state = self.services.paths.config_file.parent / UI_STATE_FILE
        if ui_state.read(state, TOLD_ABOUT_TRAY) != "yes" and self.integration.notify_hidden():
            ui_state.write(state, TOLD_ABOUT_TRAY, "yes")

    def _on_dictation_state_changed(self, state: object) -> None:
        from desktop.ui.dictation import State

        if state is State.STARTING:  # a model freed while idle loads again as it records
            self.speech_model.wake()

    def _on_setting_changed(self, key: str) -> None:
        settings = self.services.settings.settings
        self.speech_model.settings_changed(key, busy=self.dictation.session_active)
        if key == "ui.theme":
            self.theme.apply(settings.ui.theme)
        elif key.startswith("ollama."):
            self.window.refresh_ollama()
        elif key == "audio.device":
            self.window.refresh_microphone()
        elif key == "cleanup.preset":
            self.window.compare.set_preset(settings.cleanup.preset)


def build_services(paths: AppPaths, sounddevice: ModuleType | None = None) -> "Services":
    """Build the settings wrapper, message bridge, runner and history. GUI thread."""
    from desktop.engine.history import History, HistoryError
    from desktop.ui.jobs import JobRunner
    from desktop.ui.messages import MessageBridge
    from desktop.ui.services import Services
    from desktop.ui.settings_model import SettingsModel

    messages = MessageBridge()
    settings = SettingsModel(SettingsFile(paths.config_file))
    history = None
    try:
        history = History(paths.history_db, on_replaced=messages.warning)
    except HistoryError as e:
        messages.error(str(e))
    return Services(paths, settings, messages, JobRunner(), history, sounddevice)


def run_gui(argv: Sequence[str], files: Sequence[Path] = ()) -> int:
    """Open the Dictara window and run until Quit; returns the exit code.

    Args:
        argv: GUI flags: ``--tray`` (or ``--minimized``) starts without the main window.
        files: files to transcribe; a running Dictara queues them instead.
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
    from desktop.platform import ipc
    from desktop.ui.ipc_server import IpcServer, send_or_listen

    paths = AppPaths.default()
    server: IpcServer | None = None
    ipc_problem = ""
    try:
        server = send_or_listen(ipc.server_address(paths.config_file.parent), lambda: "idle",
                                paths=tuple(str(f) for f in files))
        if server is None:
            log.info("Dictara is already running; handed it over")
            return 0
    except ipc.UnsafeAddressError as e:
        ipc_problem = str(e)  # someone else's socket: the user must hear of it
    except ipc.Error as e:
        log.warning("%s", e)
    app = DictaraApp(qapp, paths, server=server)
    if ipc_problem:
        app.services.messages.warning(ipc_problem)
    qapp.aboutToQuit.connect(app.shutdown)
    _quit_on_signals(qapp)
    app.start(hidden=bool({"--tray", "--minimized"} & set(argv)), files=files)
    return qapp.exec()


def _quit_on_signals(qapp: "QApplication") -> None:
    """Quit properly on SIGTERM (the desktop session ending, ``kill``) and SIGINT (Ctrl+C).

    Python runs signal handlers between bytecodes only, never inside Qt's C++ event loop,
    so a timer gives it a moment every 200 ms.
    """
    from PySide6.QtCore import QTimer

    def quit_now(signum: int, _frame: object) -> None:
        log.info("Signal %d: quitting", signum)
        # Through the event loop: a quit() before exec() starts it does nothing, so a
        # signal during start-up was lost and the app ran on.
        QTimer.singleShot(0, qapp.quit)

    signal.signal(signal.SIGTERM, quit_now)
    signal.signal(signal.SIGINT, quit_now)
    tick = QTimer(qapp)
    tick.timeout.connect(_let_python_run)
    tick.start(200)


def _let_python_run() -> None:
    """Nothing: returning to Python lets it run pending signal handlers."""
