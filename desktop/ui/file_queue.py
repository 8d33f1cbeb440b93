"""The file queue: one row per dropped or opened file, with progress, cancel and results."""

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QEvent, QSize, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.engine.decode import MEDIA_SUFFIXES
from desktop.ui.resources import icon


def expand_paths(paths: list[Path]) -> list[Path]:
    """Turn dropped paths into files: folders give their media files, sorted. Any thread.

    Files given directly are kept whatever their type, so a bad file gets its own error row.
    """
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*")
                            if p.is_file() and p.suffix.lower() in MEDIA_SUFFIXES)
        else:
            found.append(path)
    return found


@dataclass
class _Row:
    item: QListWidgetItem
    widget: "FileRow"


class FileRow(QWidget):
    """One file: name, state, progress and its buttons."""

    def __init__(self, job_id: int, path: Path, queue: "FileQueue") -> None:
        super().__init__()
        self.job_id = job_id
        self.path = path
        self.state = "queued"
        self.name = QLabel(path.name, self)
        self.name.setToolTip(str(path))
        self.status = QLabel("Waiting", self)
        self.status.setProperty("muted", True)
        self.status.setWordWrap(True)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(6)
        self.progress.setAccessibleName(f"Progress of {path.name}")
        self.cancel_button = QPushButton(self)
        self.cancel_button.setIcon(icon("cancel"))
        self.cancel_button.setToolTip(f"Cancel {path.name}")
        self.cancel_button.setAccessibleName(f"Cancel {path.name}")
        self.cancel_button.setFlat(True)
        self.open_button = QPushButton("Open", self)
        self.open_button.setAccessibleName(f"Open the transcript of {path.name}")
        self.open_button.hide()
        self.export_button = QPushButton("Export…", self)
        self.export_button.setAccessibleName(f"Export the transcript of {path.name}")
        self.export_button.hide()
        self.cancel_button.clicked.connect(queue._on_row_cancel_clicked)
        self.open_button.clicked.connect(queue._on_row_open_clicked)
        self.export_button.clicked.connect(queue._on_row_export_clicked)
        top = QHBoxLayout()
        top.addWidget(self.name, 1)
        top.addWidget(self.open_button)
        top.addWidget(self.export_button)
        top.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.setSpacing(3)
        layout.addLayout(top)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)

    def set_state(self, state: str, text: str) -> None:
        self.state = state
        self.status.setText(text)
        running = state in ("queued", "running")
        self.cancel_button.setVisible(running)
        self.open_button.setVisible(state == "done")
        self.export_button.setVisible(state == "done")
        self.progress.setVisible(running or state == "done")
        colour = "#e5484d" if state == "failed" else ""
        self.status.setStyleSheet(f"color: {colour}" if colour else "")


class FileQueue(QWidget):
    """Lists file jobs. GUI thread only; the window feeds it from the FileJobWorker.

    Signals:
        add_requested(): the user wants to pick files (File > Open).
        cancel_requested(int): job id.
        open_requested(int): job id whose transcript should be shown.
        export_requested(int): job id whose transcript should be exported.
    """

    add_requested = Signal()
    cancel_requested = Signal(int)
    open_requested = Signal(int)
    export_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: dict[int, _Row] = {}
        self.hint = QLabel("Drop audio or video files or folders anywhere on the window, "
                           "or choose Add files.", self)
        self.hint.setWordWrap(True)
        self.hint.setProperty("muted", True)
        self.add_button = QPushButton("Add files…", self)
        self.add_button.setAccessibleName("Add files to transcribe")
        self.add_button.clicked.connect(self.add_requested)
        self.list = QListWidget(self)
        self.list.setAccessibleName("File queue")
        self.list.setSelectionMode(QListWidget.SelectionMode.SingleSelection)
        self.list.itemActivated.connect(self._on_list_item_activated)
        head = QHBoxLayout()
        head.addWidget(self.hint, 1)
        head.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(head)
        layout.addWidget(self.list, 1)
        self._update_icons()

    def row(self, job_id: int) -> FileRow:
        """Return the row widget of a job."""
        return self._rows[job_id].widget

    def rows(self) -> list[FileRow]:
        """Return all rows in order."""
        return [r.widget for r in self._rows.values()]

    def add(self, job_id: int, path: Path) -> None:
        """Add a queued file."""
        widget = FileRow(job_id, path, self)
        item = QListWidgetItem(self.list)
        item.setData(Qt.ItemDataRole.UserRole, job_id)
        item.setData(Qt.ItemDataRole.AccessibleTextRole, path.name)
        item.setSizeHint(QSize(200, widget.sizeHint().height() + 24))
        self.list.setItemWidget(item, widget)
        self._rows[job_id] = _Row(item, widget)
        widget.set_state("queued", "Waiting")

    @Slot(int)
    def mark_started(self, job_id: int) -> None:
        """A job began."""
        self.row(job_id).set_state("running", "Transcribing…")

    @Slot(int, float)
    def set_progress(self, job_id: int, fraction: float) -> None:
        """Move a job's bar."""
        row = self.row(job_id)
        row.progress.setValue(int(fraction * 1000))
        row.status.setText(f"Transcribing… {fraction:.0%}")

    def mark_done(self, job_id: int, summary: str) -> None:
        """A job finished."""
        row = self.row(job_id)
        row.progress.setValue(1000)
        row.set_state("done", summary)

    def mark_failed(self, job_id: int, reason: str) -> None:
        """A job failed; ``reason`` is one sentence."""
        self.row(job_id).set_state("failed", reason)

    def mark_cancelled(self, job_id: int) -> None:
        """A job was cancelled."""
        self.row(job_id).set_state("cancelled", "Cancelled")

    def _update_icons(self) -> None:
        self.add_button.setIcon(icon("open"))
        for row in self.rows():
            row.cancel_button.setIcon(icon("cancel"))

    def _sender_job(self) -> int | None:
        button = self.sender()
        parent = button.parent() if button is not None else None
        return parent.job_id if isinstance(parent, FileRow) else None

    @Slot()
    def _on_row_cancel_clicked(self) -> None:
        job = self._sender_job()
        if job is not None:
            self.cancel_requested.emit(job)

    @Slot()
    def _on_row_open_clicked(self) -> None:
        job = self._sender_job()
        if job is not None:
            self.open_requested.emit(job)

    @Slot()
    def _on_row_export_clicked(self) -> None:
        job = self._sender_job()
        if job is not None:
            self.export_requested.emit(job)

    @Slot(QListWidgetItem)
    def _on_list_item_activated(self, item: QListWidgetItem) -> None:
        job = int(item.data(Qt.ItemDataRole.UserRole))
        if self.row(job).state == "done":
            self.open_requested.emit(job)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self._update_icons()
        super().changeEvent(event)
