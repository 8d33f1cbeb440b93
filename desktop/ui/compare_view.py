"""Raw and cleaned transcripts side by side, each with Copy, and a diff highlight."""

import difflib
import html

from PySide6.QtCore import QEvent, Signal, Slot
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop.engine.cleanup import PRESETS, CleanupResult
from desktop.ui.resources import icon

COPY_RAW_SHORTCUT = "Ctrl+Shift+R"
COPY_CLEANED_SHORTCUT = "Ctrl+Shift+C"
DIFF_SHORTCUT = "Ctrl+D"
REMOVED_STYLE = "background-color: rgba(229, 72, 77, 0.28); text-decoration: line-through"
ADDED_STYLE = "background-color: rgba(48, 164, 108, 0.30)"


def diff_html(raw: str, cleaned: str) -> tuple[str, str]:
    """Return both texts as HTML with what the cleanup removed or changed highlighted.

    Words are compared (difflib on whitespace-split tokens): in the raw text, words the
    cleanup dropped or replaced are struck out; in the cleaned text, new words are tinted.
    """
    a, b = raw.split(), cleaned.split()
    left: list[str] = []
    right: list[str] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        old, new = html.escape(" ".join(a[i1:i2])), html.escape(" ".join(b[j1:j2]))
        if op == "equal":
            left.append(old)
            right.append(new)
            continue
        if old:
            left.append(f'<span style="{REMOVED_STYLE}">{old}</span>')
        if new:
            right.append(f'<span style="{ADDED_STYLE}">{new}</span>')
    return " ".join(left), " ".join(right)


class _Pane(QFrame):
    """One titled, read-only text pane with a Copy button."""

    def __init__(self, title: str, shortcut: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self.title = QLabel(title, self)
        self.title.setObjectName("paneTitle")
        self.info = QLabel(self)
        self.info.setProperty("muted", True)
        self.info.setWordWrap(True)
        self.copy_button = QPushButton("Copy", self)
        self.copy_button.setAccessibleName(f"Copy {title.split()[0].lower()} text")
        self.copy_button.setToolTip(f"Copy to the clipboard "
                                    f"({QKeySequence(shortcut).toString()})")
        self.text = QTextBrowser(self)
        self.text.setAccessibleName(f"{title.split()[0]} transcript")
        self.text.setMinimumSize(200, 120)
        self.text.setOpenLinks(False)
        self.plain = ""
        head = QHBoxLayout()
        head.addWidget(self.title)
        head.addStretch(1)
        head.addWidget(self.copy_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.addLayout(head)
        layout.addWidget(self.info)
        layout.addWidget(self.text, 1)

    def set_plain(self, text: str) -> None:
        self.plain = text
        self.text.setPlainText(text)
        self.copy_button.setEnabled(bool(text))


class CompareView(QWidget):
    """Shows the raw (Whisper) and cleaned (Ollama or rules) text of one transcript.

    GUI thread only.

    Signals:
        clean_again_requested(str): the user wants another cleanup with this preset.
        copied(str): "raw" or "cleaned" was put on the clipboard.
    """

    clean_again_requested = Signal(str)
    copied = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.result: CleanupResult | None = None
        self.raw = _Pane("Raw (Whisper)", COPY_RAW_SHORTCUT, self)
        self.cleaned = _Pane("Cleaned", COPY_CLEANED_SHORTCUT, self)
        self.raw.info.setText("What Whisper heard, unchanged.")
        self.raw.text.setPlaceholderText("The raw transcript appears here after you stop.")
        self.cleaned.text.setPlaceholderText("The cleaned version streams in here.")
        self.diff_toggle = QCheckBox("Show changes", self)
        self.diff_toggle.setAccessibleName("Highlight what the cleanup changed")
        self.diff_toggle.setToolTip(f"Highlight what the cleanup removed or changed "
                                    f"({QKeySequence(DIFF_SHORTCUT).toString()})")
        self.preset_box = QComboBox(self)
        self.preset_box.addItems(list(PRESETS))
        self.preset_box.setAccessibleName("Cleanup preset")
        self.clean_button = QPushButton("Clean again", self)
        self.clean_button.setAccessibleName("Clean again with the chosen preset")
        self.clean_button.setEnabled(False)
        self._layout()
        self.raw.copy_button.clicked.connect(self.copy_raw)
        self.cleaned.copy_button.clicked.connect(self.copy_cleaned)
        self.diff_toggle.toggled.connect(self._on_diff_toggled)
        self.clean_button.clicked.connect(self._on_clean_clicked)
        self.clear()
        self._update_icons()

    def clear(self) -> None:
        """Show nothing."""
        self.result = None
        self.raw.set_plain("")
        self.cleaned.set_plain("")
        self.cleaned.info.setText("")
        self.clean_button.setEnabled(False)

    def set_preset(self, preset: str) -> None:
        """Select the preset offered for "Clean again"."""
        self.preset_box.setCurrentText(preset)

    def show_raw(self, text: str) -> None:
        """Show a new raw transcript; the cleaned pane waits for its cleanup."""
        self.result = None
        self.raw.set_plain(text)
        self.cleaned.set_plain("")
        self.cleaned.info.setText("Cleaning…" if text else "")
        self.clean_button.setEnabled(bool(text))

    def show_live(self, raw: str) -> None:
        """Show a dictation's words so far; its cleanup fills in as pieces are cleaned."""
        self.result = None
        self.raw.set_plain(raw)
        self.cleaned.info.setText("Cleaning as you speak…")
        self.clean_button.setEnabled(False)

    @Slot(str)
    def show_cleaning(self, text: str) -> None:
        """Show the cleaned text so far, as tokens stream in."""
        self.cleaned.set_plain(text)
        self.cleaned.text.moveCursor(self.cleaned.text.textCursor().MoveOperation.End)

    def show_result(self, result: CleanupResult) -> None:
        """Show a finished cleanup with which backend/model made it and any fallback."""
        self.result = result
        self.raw.set_plain(result.raw)
        self.cleaned.set_plain(result.cleaned)
        self.cleaned.info.setText(describe_backend(result))
        self.cleaned.info.setToolTip(result.fallback_reason or "")
        self.clean_button.setEnabled(bool(result.raw))
        self._render_diff()

    @Slot()
    def copy_raw(self) -> None:
        """Put the raw text on the clipboard."""
        self._copy(self.raw.plain, "raw")

    @Slot()
    def copy_cleaned(self) -> None:
        """Put the cleaned text on the clipboard."""
        self._copy(self.cleaned.plain, "cleaned")

    @Slot()
    def toggle_diff(self) -> None:
        """Flip the change highlight."""
        self.diff_toggle.toggle()

    def _copy(self, text: str, which: str) -> None:
        if text:
            QGuiApplication.clipboard().setText(text)
            self.copied.emit(which)

    def _layout(self) -> None:
        tools = QHBoxLayout()
        tools.addWidget(self.diff_toggle)
        tools.addStretch(1)
        preset_label = QLabel("Preset:", self)
        preset_label.setBuddy(self.preset_box)
        tools.addWidget(preset_label)
        tools.addWidget(self.preset_box)
        tools.addWidget(self.clean_button)
        panes = QHBoxLayout()
        panes.setSpacing(10)
        panes.addWidget(self.raw, 1)
        panes.addWidget(self.cleaned, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(panes, 1)
        layout.addLayout(tools)

    def _render_diff(self) -> None:
        if self.result is None:
            return
        if self.diff_toggle.isChecked():
            left, right = diff_html(self.result.raw, self.result.cleaned)
            self.raw.text.setHtml(left)
            self.cleaned.text.setHtml(right)
        else:
            self.raw.text.setPlainText(self.raw.plain)
            self.cleaned.text.setPlainText(self.cleaned.plain)

    def _update_icons(self) -> None:
        self.raw.copy_button.setIcon(icon("copy"))
        self.cleaned.copy_button.setIcon(icon("copy"))
        self.clean_button.setIcon(icon("clean"))

    @Slot(bool)
    def _on_diff_toggled(self, _checked: bool) -> None:
        self._render_diff()

    @Slot()
    def _on_clean_clicked(self) -> None:
        self.clean_again_requested.emit(self.preset_box.currentText())

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self._update_icons()
        super().changeEvent(event)


def describe_backend(result: CleanupResult) -> str:
    """Say in a few words which cleanup produced the text and, if it fell back, why."""
    if result.backend == "ollama":
        return f"Cleaned by Ollama ({result.model}) in {result.ms / 1000:.1f} s."
    if result.backend == "mixed":
        return f"Cleaned by Ollama ({result.model}) and the rules. {result.fallback_reason}"
    if result.fallback_reason:
        return f"Rule-based cleanup. {result.fallback_reason}"
    return "Rule-based cleanup."
