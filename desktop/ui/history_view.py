"""The history list: search, reopen, copy, re-clean, delete, open the recording."""

from typing import Any

from PySide6.QtCore import QEvent, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.resources import icon

SEARCH_DELAY_MS = 200
SNIPPET_CHARS = 110


def entry_title(entry: Any) -> str:
    """Return the first line of an entry's row: when, what, how long."""
    kind = "Dictation" if entry.kind == "dictation" else entry.source.rsplit("/", 1)[-1]
    when = entry.created.astimezone().strftime("%d %b %H:%M")
    return f"{when} · {kind} · {entry.duration:.0f} s"


def entry_snippet(entry: Any) -> str:
    """Return the start of the entry's best text, on one line."""
    text = " ".join((entry.cleaned or entry.raw or "(no speech)").split())
    return text if len(text) <= SNIPPET_CHARS else text[:SNIPPET_CHARS - 1] + "…"


class HistoryView(QWidget):
    """Searchable list of past dictations and files. GUI thread only.

    The window runs the searches in a worker and feeds results through
    :meth:`set_entries`.

    Signals:
        search_changed(str): the query to run (debounced; empty = recent).
        open_requested(int): entry id to show in the compare view.
        copy_requested(int): entry id whose best text to copy.
        reclean_requested(int): entry id to clean again.
        delete_requested(int): entry id to delete.
        recording_requested(int): entry id whose recording to open.
    """

    search_changed = Signal(str)
    open_requested = Signal(int)
    copy_requested = Signal(int)
    reclean_requested = Signal(int)
    delete_requested = Signal(int)
    recording_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.entries: list[Any] = []
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Search history")
        self.search.setAccessibleName("Search history")
        self.search.setClearButtonEnabled(True)
        self._search_icon = QAction(self)
        self.search.addAction(self._search_icon, QLineEdit.ActionPosition.LeadingPosition)
        self.list = QListWidget(self)
        self.list.setAccessibleName("History entries")
        self.list.setWordWrap(True)
        self.list.setAlternatingRowColors(True)
        self.buttons = {
            name: QPushButton(text, self)
            for name, text in (("open", "Open"), ("copy", "Copy"), ("reclean", "Clean again"),
                               ("recording", "Recording"), ("delete", "Delete"))
        }
        for name, button in self.buttons.items():
            button.setAccessibleName(f"{button.text()} the selected history entry")
            button.clicked.connect(self._on_button_clicked)
            button.setProperty("action", name)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DELAY_MS)
        self._debounce.timeout.connect(self._on_debounce_timeout)
        self.search.textChanged.connect(self._on_search_text_changed)
        self.list.currentRowChanged.connect(self._on_list_current_row_changed)
        self.list.itemActivated.connect(self._on_list_item_activated)
        self._layout()
        self._update_icons()
        self._on_list_current_row_changed(-1)

    def set_entries(self, entries: list[Any]) -> None:
        """Show these entries, keeping the selection when the same entry is still there."""
        keep = self.selected_id()
        self.entries = list(entries)
        self.list.clear()
        for entry in self.entries:
            item = QListWidgetItem(f"{entry_title(entry)}\n{entry_snippet(entry)}", self.list)
            item.setData(Qt.ItemDataRole.UserRole, entry.id)
            if entry.id == keep:
                self.list.setCurrentItem(item)
        if not self.entries:
            text = "No matches." if self.search.text().strip() else "Nothing here yet."
            placeholder = QListWidgetItem(text, self.list)
            placeholder.setFlags(Qt.ItemFlag.NoItemFlags)

    def selected_id(self) -> int | None:
        """Return the selected entry's id."""
        item = self.list.currentItem()
        value = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        return int(value) if value is not None else None

    def select(self, entry_id: int) -> None:
        """Select an entry by id, if it is listed."""
        for row in range(self.list.count()):
            if self.list.item(row).data(Qt.ItemDataRole.UserRole) == entry_id:
                self.list.setCurrentRow(row)

    def query(self) -> str:
        """The current search text."""
        return self.search.text().strip()

    def focus_search(self) -> None:
        """Put the cursor in the search box."""
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def _layout(self) -> None:
        row1 = QHBoxLayout()
        for name in ("open", "copy", "reclean"):
            row1.addWidget(self.buttons[name])
        row2 = QHBoxLayout()
        row2.addWidget(self.buttons["recording"])
        row2.addStretch(1)
        row2.addWidget(self.buttons["delete"])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.search)
        layout.addWidget(self.list, 1)
        layout.addLayout(row1)
        layout.addLayout(row2)

    def _update_icons(self) -> None:
        self._search_icon.setIcon(icon("search"))
        for name, file in (("open", "history"), ("copy", "copy"), ("reclean", "clean"),
                           ("recording", "play"), ("delete", "delete")):
            self.buttons[name].setIcon(icon(file))

    def _entry(self, entry_id: int | None) -> Any:
        return next((e for e in self.entries if e.id == entry_id), None)

    @Slot(str)
    def _on_search_text_changed(self, _text: str) -> None:
        self._debounce.start()

    @Slot()
    def _on_debounce_timeout(self) -> None:
        self.search_changed.emit(self.query())

    @Slot(int)
    def _on_list_current_row_changed(self, _row: int) -> None:
        entry = self._entry(self.selected_id())
        for name, button in self.buttons.items():
            enabled = entry is not None
            if name == "recording":
                enabled = enabled and entry.recording is not None
            button.setEnabled(enabled)

    @Slot(QListWidgetItem)
    def _on_list_item_activated(self, item: QListWidgetItem) -> None:
        value = item.data(Qt.ItemDataRole.UserRole)
        if value is not None:
            self.open_requested.emit(int(value))

    @Slot()
    def _on_button_clicked(self) -> None:
        entry_id = self.selected_id()
        button = self.sender()
        if entry_id is None or button is None:
            return
        signal = {
            "open": self.open_requested, "copy": self.copy_requested,
            "reclean": self.reclean_requested, "delete": self.delete_requested,
            "recording": self.recording_requested,
        }[str(button.property("action"))]
        signal.emit(entry_id)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self._update_icons()
        super().changeEvent(event)
