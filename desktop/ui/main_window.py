"""Dictara's main window: dictation bar, raw | cleaned panes, file queue and history."""

import logging
from pathlib import Path

from PySide6.QtCore import QSize, Qt, QTimer, QUrl, Signal, Slot
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDesktopServices,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.engine import audio, decode, export, spool
from desktop.engine.cleanup import CleanupResult, ServerStatus, probe_server
from desktop.engine.streaming import Partial
from desktop.ui import dictation_panel as dp
from desktop.ui.cleaners import Cleaners
from desktop.ui.compare_view import (
    COPY_CLEANED_SHORTCUT,
    COPY_RAW_SHORTCUT,
    DIFF_SHORTCUT,
    CompareView,
)
from desktop.ui.dictation import Dictation, Owner, State
from desktop.ui.documents import Document, Documents
from desktop.ui.file_queue import FileQueue
from desktop.ui.history_view import HistoryView
from desktop.ui.library import Library
from desktop.ui.messages import Level, Message
from desktop.ui.resources import icon
from desktop.ui.services import Services
from desktop.ui.speech_model import SpeechModel
from desktop.ui.status import StatusBar

log = logging.getLogger(__name__)

TITLE = "Dictara"
EXPORT_FILTERS = {fmt: f"{fmt.upper()} (*.{fmt})" for fmt in export.FORMATS}


STATUS_TEXT = {
    State.WAITING_FOR_MODEL: "Loading the speech model; recording starts when it is ready…",
    State.STARTING: "Opening the microphone…",
    State.RECORDING: "Listening…",
    State.FINISHING: "Finishing the transcript…",
    State.CLEANING: "Cleaning the transcript…",
}


class MainWindow(QMainWindow):
    """The window a user sees when they open Dictara. GUI thread only.

    Args:
        services: settings, paths, messages, job pool.
        speech_model: the Whisper model (its state is shown in the status bar).
        dictation: the dictation state machine (the Record button drives it).
        documents: the transcript on screen and its cleanups.
        library: file jobs, history, recovery.
        cleaners: the cleaner, for the Ollama host to probe.

    Signals:
        settings_requested(): the user asked for the settings dialog.
        quit_requested(): Quit (the menu, Ctrl+Q), or closing the window without a tray.
        hidden(): closing hid the window; Dictara keeps running in the tray.
        shown(): the window was first shown (start-up timing, deferred work).

    Attributes:
        hide_on_close: closing hides the window instead of quitting (a tray is shown).
    """

    settings_requested = Signal()
    quit_requested = Signal()
    hidden = Signal()
    shown = Signal()

    def __init__(
        self,
        services: Services,
        speech_model: SpeechModel,
        dictation: Dictation,
        documents: Documents,
        library: Library,
        cleaners: Cleaners,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.speech_model = speech_model
        self.dictation = dictation
        self.documents = documents
        self.library = library
        self.cleaners = cleaners
        self.hide_on_close = False
        self._dropped: list[Path] = []
        self._recoverable: list[spool.SpoolInfo] = []
        self._shown_once = False
        self.setWindowTitle(TITLE)
        self.setWindowIcon(icon("dictara"))
        self.setAcceptDrops(True)
        self.setMinimumSize(QSize(820, 520))
        self.resize(1180, 720)
        self._build()
        self._build_actions()
        self._connect()

    def show_front(self) -> None:
        """Show the window (again) and bring it to the front."""
        if self.isMinimized():
            self.showNormal()
        self.show()
        self.raise_()
        self.activateWindow()

    def refresh_ollama(self) -> None:
        """Probe the Ollama server in the background and show the result.

        A server that may not be contacted (remote, ``allow_remote`` off) is not; the
        status bar shows why in one sentence.
        """
        options = self.cleaners.get().options
        self.services.runner.submit(
            lambda: probe_server(options.host, allow_remote=options.allow_remote),
            self._on_ollama_probed)

    def refresh_microphone(self) -> None:
        """Show the configured microphone (or the default one's name)."""
        wanted = self.services.settings.settings.audio.device
        self.panel.set_microphone(wanted)
        if not wanted:
            sd = self.services.sounddevice
            self.services.runner.submit(lambda: audio.list_input_devices(sd),
                                        self._on_devices_listed)

    def add_files(self, paths: list[Path]) -> None:
        """Queue files or folders for transcription."""
        self.sidebar.setCurrentWidget(self.files)
        self.library.add_paths(paths)

    def _build(self) -> None:
        self.panel = dp.DictationPanel(self)
        self.compare = CompareView(self)
        self.compare.set_preset(self.services.settings.settings.cleanup.preset)
        self.banner = self._build_banner()
        left = QWidget(self)
        column = QVBoxLayout(left)
        column.setContentsMargins(14, 12, 8, 8)
        column.setSpacing(10)
        column.addWidget(self.banner)
        column.addWidget(self.panel)
        column.addWidget(self.compare, 1)
        self.files = FileQueue(self)
        self.history = HistoryView(self)
        self.sidebar = QTabWidget(self)
        self.sidebar.setDocumentMode(True)
        self.sidebar.addTab(self.history, icon("history"), "History")
        self.sidebar.addTab(self.files, icon("file"), "Files")
        self.sidebar.setMinimumWidth(280)
        self.sidebar.setAccessibleName("Files and history")
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(left)
        splitter.addWidget(self.sidebar)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([820, 360])
        splitter.setChildrenCollapsible(False)
        self.setCentralWidget(splitter)
        self.status = StatusBar(self)
        self.setStatusBar(self.status)

    def _build_banner(self) -> QWidget:
        banner = QWidget(self)
        banner.setObjectName("card")
        self.banner_text = QLabel(banner)
        self.banner_text.setWordWrap(True)
        recover = QPushButton("Transcribe them", banner)
        recover.setAccessibleName("Transcribe the recordings cut off by a crash")
        later = QPushButton("Later", banner)
        recover.clicked.connect(self._on_recover_clicked)
        later.clicked.connect(banner.hide)
        row = QHBoxLayout(banner)
        row.addWidget(self.banner_text, 1)
        row.addWidget(recover)
        row.addWidget(later)
        banner.hide()
        return banner

    def _build_actions(self) -> None:
        menu = self.menuBar()
        file_menu = menu.addMenu("&File")
        self._action(file_menu, "&Open files…", QKeySequence.StandardKey.Open,
                     self._on_open_triggered, "open")
        self._action(file_menu, "&Export transcript…", "Ctrl+E", self._on_export_triggered,
                     "export")
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", QKeySequence.StandardKey.Quit, self.quit_requested)
        edit = menu.addMenu("&Edit")
        self._action(edit, "Copy &raw text", COPY_RAW_SHORTCUT, self.compare.copy_raw, "copy")
        self._action(edit, "Copy &cleaned text", COPY_CLEANED_SHORTCUT,
                     self.compare.copy_cleaned, "copy")
        edit.addSeparator()
        self._action(edit, "&Settings…", "Ctrl+,", self.settings_requested, "settings")
        dictation = menu.addMenu("&Dictation")
        self.record_action = self._action(dictation, "&Record / Stop", dp.RECORD_SHORTCUT,
                                          self._on_record_triggered, "record")
        self._action(dictation, "Show &changes", DIFF_SHORTCUT, self.compare.toggle_diff,
                     "diff")
        self._action(dictation, "Search &history", QKeySequence.StandardKey.Find,
                     self._on_search_triggered, "search")

    def _action(self, menu: object, text: str, shortcut: object, slot: object,
                icon_name: str | None = None) -> QAction:
        action = QAction(text, self)
        action.setShortcut(QKeySequence(shortcut))  # type: ignore[call-overload]
        action.triggered.connect(slot)
        if icon_name:
            action.setIcon(icon(icon_name))
        menu.addAction(action)  # type: ignore[attr-defined]
        self.addAction(action)
        return action

    def _connect(self) -> None:
        d, docs, lib, model = self.dictation, self.documents, self.library, self.speech_model
        self.panel.record_clicked.connect(self._on_record_triggered)
        d.state_changed.connect(self._on_dictation_state_changed)
        d.level_changed.connect(self.panel.meter.set_level)
        d.partial_changed.connect(self.panel.show_partial)
        d.partial_changed.connect(self._on_dictation_partial_changed)
        d.cleaned_text_changed.connect(self._on_dictation_cleaned_text_changed)
        model.loading.connect(self._on_model_loading)
        model.ready.connect(self._on_model_ready)
        model.failed.connect(self._on_model_failed)
        docs.document_changed.connect(self._on_documents_document_changed)
        docs.cleanup_text.connect(self.compare.show_cleaning)
        docs.cleanup_done.connect(self._on_documents_cleanup_done)
        self.compare.clean_again_requested.connect(docs.clean_again)
        self.compare.copied.connect(self._on_compare_copied)
        self.files.add_requested.connect(self._on_open_triggered)
        self.files.cancel_requested.connect(lib.cancel)
        self.files.open_requested.connect(lib.open_job)
        self.files.export_requested.connect(self._on_files_export_requested)
        lib.job_added.connect(self.files.add)
        lib.job_done.connect(self.files.mark_done)
        lib.files.started.connect(self.files.mark_started)
        lib.files.progress_changed.connect(self.files.set_progress)
        lib.files.failed.connect(self.files.mark_failed)
        lib.files.cancelled.connect(self.files.mark_cancelled)
        lib.entries_found.connect(self.history.set_entries)
        lib.recoverable_found.connect(self._on_library_recoverable_found)
        self.history.search_changed.connect(lib.search)
        self.history.open_requested.connect(lib.open_entry)
        self.history.copy_requested.connect(self._on_history_copy_requested)
        self.history.reclean_requested.connect(self._on_history_reclean_requested)
        self.history.delete_requested.connect(lib.delete_entry)
        self.history.recording_requested.connect(self._on_history_recording_requested)
        self.services.messages.posted.connect(self._on_messages_posted)

    @Slot()
    def _on_record_triggered(self) -> None:
        dictation = self.dictation
        if dictation.state.listening:
            dictation.stop()
        elif not dictation.start(Owner.WINDOW) and dictation.state is State.CLEANING:
            self.status.show_text("The last dictation is still being cleaned for pasting; "
                                  "record again in a moment.")

    def _shows_live_dictation(self) -> bool:
        """Whether the compare view follows a dictation of this window as it is spoken."""
        d = self.dictation
        return d.owner is Owner.WINDOW and d.state in (State.RECORDING, State.FINISHING)

    @Slot(object)
    def _on_dictation_partial_changed(self, partial: Partial) -> None:
        if self._shows_live_dictation():
            self.compare.show_live(partial.shown)

    @Slot(str)
    def _on_dictation_cleaned_text_changed(self, text: str) -> None:
        if self._shows_live_dictation():
            self.compare.show_cleaning(text)

    @Slot(object)
    def _on_dictation_state_changed(self, state: State) -> None:
        self.panel.set_state(state)
        dictation = self.dictation
        if state is State.RECORDING and dictation.owner is Owner.WINDOW:
            self.compare.clear()
            self.compare.show_live("")
        if state is State.FAILED:
            self.status.show_message(Message(Level.ERROR, dictation.message))
        elif state in STATUS_TEXT:
            self.status.show_text(STATUS_TEXT[state])
        elif dictation.cancelled:
            self.status.show_text("Cancelled; the recording is kept.")
        else:
            last = self.status.last_message
            if last is None or last.level is Level.INFO:
                self.status.show_text("Ready")

    @Slot(str)
    def _on_model_loading(self, name: str) -> None:
        self.status.set_model(f"Loading speech model {name}…", busy=True)
        self.status.show_text("Loading speech model…")

    @Slot(str)
    def _on_model_ready(self, name: str) -> None:
        self.status.set_model(f"Model {name}")
        last = self.status.last_message  # a warning at start-up must stay readable
        if not self.dictation.state.busy and (last is None or last.level is Level.INFO):
            self.status.show_text("Ready")

    @Slot(str)
    def _on_model_failed(self, message: str) -> None:
        self.status.set_model("No speech model")
        self.status.show_message(Message(Level.ERROR, message))

    @Slot(object)
    def _on_documents_document_changed(self, document: Document) -> None:
        self.compare.show_raw(document.transcript.text)
        if document is self.dictation.document and self.dictation.cleaned_so_far:
            self.compare.show_cleaning(self.dictation.cleaned_so_far)  # cleaned while spoken

    @Slot(object)
    def _on_documents_cleanup_done(self, result: CleanupResult) -> None:
        self.compare.show_result(result)
        if result.fallback_reason:
            self.status.show_message(Message(Level.WARNING, result.fallback_reason))

    @Slot(str)
    def _on_compare_copied(self, which: str) -> None:
        self.status.show_text(f"Copied the {which} text.")

    @Slot()
    def _on_open_triggered(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self, "Transcribe files", "",
                                                decode.media_filter())
        if names:
            self.add_files([Path(n) for n in names])

    @Slot()
    def _on_export_triggered(self) -> None:
        document = self.documents.document
        if document is None:
            self.status.show_text("There is no transcript to export yet.")
            return
        target = self._ask_export_target(Path(document.transcript.source).stem or "dictation")
        if target is not None:
            self.library.export_document(document, target)

    @Slot(int)
    def _on_files_export_requested(self, job_id: int) -> None:
        target = self._ask_export_target(self.files.row(job_id).path.stem)
        if target is not None:
            self.library.export_job(job_id, target)

    def _ask_export_target(self, stem: str) -> Path | None:
        filters = ";;".join(EXPORT_FILTERS.values())
        name, chosen = QFileDialog.getSaveFileName(self, "Export transcript", f"{stem}.txt",
                                                   filters)
        if not name:
            return None
        path = Path(name)
        if path.suffix.lstrip(".").lower() not in export.FORMATS:
            fmt = next((f for f, label in EXPORT_FILTERS.items() if label == chosen), "txt")
            path = path.with_name(f"{path.name}.{fmt}")
        return path

    @Slot()
    def _on_search_triggered(self) -> None:
        self.sidebar.setCurrentWidget(self.history)
        self.history.focus_search()

    @Slot(int)
    def _on_history_copy_requested(self, entry_id: int) -> None:
        entry = next((e for e in self.history.entries if e.id == entry_id), None)
        if entry is not None:
            QGuiApplication.clipboard().setText(entry.cleaned or entry.raw)
            self.status.show_text("Copied.")

    @Slot(int)
    def _on_history_reclean_requested(self, entry_id: int) -> None:
        self.library.open_entry(entry_id, self.compare.preset_box.currentText())

    @Slot(int)
    def _on_history_recording_requested(self, entry_id: int) -> None:
        entry = next((e for e in self.history.entries if e.id == entry_id), None)
        if entry is None or entry.recording is None or not entry.recording.exists():
            self.status.show_message(Message(
                Level.WARNING, "That recording is no longer on disk; retention may have "
                               "deleted it (see Settings > Recordings)."))
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(entry.recording)))

    @Slot(object)
    def _on_library_recoverable_found(self, infos: list[spool.SpoolInfo]) -> None:
        self._recoverable = infos
        seconds = sum(i.duration for i in infos)
        count = "A dictation was" if len(infos) == 1 else f"{len(infos)} dictations were"
        self.banner_text.setText(f"{count} cut off when Dictara last stopped unexpectedly "
                                 f"({seconds:.0f} s of audio saved). Transcribe now?")
        self.banner.show()

    @Slot()
    def _on_recover_clicked(self) -> None:
        self.banner.hide()
        self.sidebar.setCurrentWidget(self.files)
        self.library.recover(self._recoverable)
        self._recoverable = []

    @Slot(object, object)
    def _on_ollama_probed(self, status: object, _error: object) -> None:
        if isinstance(status, ServerStatus):
            self.status.set_ollama(status, self.services.settings.settings.ollama.model)

    @Slot(object, object)
    def _on_devices_listed(self, devices: object, error: BaseException | None) -> None:
        if error is not None or not isinstance(devices, list):
            self.panel.set_microphone("No microphone found")
            return
        default = next((d for d in devices if d.is_default), None)
        self.panel.set_microphone(default.name if default else "No microphone found")

    @Slot(object)
    def _on_messages_posted(self, message: Message) -> None:
        self.status.show_message(message)

    @Slot()
    def _on_drop_timer(self) -> None:
        paths, self._dropped = self._dropped, []
        if paths:
            self.add_files(paths)

    def showEvent(self, event: object) -> None:
        super().showEvent(event)  # type: ignore[arg-type]
        if not self._shown_once:
            self._shown_once = True
            self.shown.emit()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if not paths:
            event.ignore()
            return
        # Never a move: the files stay where they are.
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()
        self._dropped += paths
        QTimer.singleShot(0, self._on_drop_timer)

    def closeEvent(self, event: QCloseEvent) -> None:
        # Closing never stops a dictation or a file job: with a tray it only hides the
        # window; without one it quits, through the same path as File > Quit.
        super().closeEvent(event)
        if self.hide_on_close:
            self.hidden.emit()
        else:
            event.ignore()  # the quit closes it
            self.quit_requested.emit()
