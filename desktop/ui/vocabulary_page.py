"""The Vocabulary page of the settings dialog: terms, replacement rules, spoken commands.

Terms are edited one a line and rules one ``heard,written`` line each (CSV, as in an
imported file), so a list pastes in at once. Like the rest of the dialog, nothing is
written until OK (:meth:`VocabularyPage.apply`); Import adds a file's terms and rules to
the lists, Export writes what the lists hold.
"""

import csv
import io
from pathlib import Path
from typing import Any

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop import config
from desktop.engine import vocabulary
from desktop.engine.vocabulary import Vocabulary
from desktop.ui.vocabulary_model import VocabularyModel

FILE_FILTER = "Word lists (*.txt *.csv);;All files (*)"


def _label(text: str, buddy: QWidget) -> QLabel:
    label = QLabel(text, buddy.parentWidget())
    label.setBuddy(buddy)
    return label


class VocabularyPage(QWidget):
    """Edits the vocabulary and the spoken-command settings. GUI thread only.

    Args:
        file: the vocabulary the window uses; OK saves to it.
        settings: the settings the command switches start from.
    """

    def __init__(self, file: VocabularyModel, settings: config.Settings,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._file = file
        self._build(settings)
        self._loaded: Vocabulary | None = None  # None: the file could not be read
        try:
            self._loaded = file.load()
            self._show(self._loaded)
        except vocabulary.FileError as e:
            self._say(f"{e} Fix it by hand, or enter terms here to replace it.")

    def values(self) -> dict[str, Any]:
        """Return the dotted-key settings this page holds."""
        return {"commands.enabled": self.commands.isChecked(),
                "commands.punctuation": self.punctuation.isChecked()}

    def edited(self) -> Vocabulary:
        """Return the vocabulary the lists hold.

        Raises:
            vocabulary.Error: a term or rule that cannot be used, in one sentence.
        """
        terms = [t for t in self.terms.toPlainText().splitlines() if t.strip()]
        rules: list[tuple[str, str]] = []
        lines = [line for line in self.rules.toPlainText().splitlines() if line.strip()]
        for row in csv.reader(lines):
            if len(row) != 2:
                raise vocabulary.InvalidEntryError(
                    ",".join(row), "write a replacement as heard,written on its own line")
            rules.append((row[0], row[1]))
        return Vocabulary().with_terms(terms).with_replacements(rules)

    def apply(self) -> None:
        """Write the lists to the vocabulary file, if they changed (a file that could not be
        read is only replaced by lists that are not empty).

        Raises:
            vocabulary.Error: a term or rule that cannot be used, or the file cannot be
                written, in one sentence.
        """
        edited = self.edited()
        if edited != (self._loaded or Vocabulary()):
            self._file.save(edited)
            self._loaded = edited

    def import_file(self, path: Path) -> None:
        """Add the terms and rules of a text or CSV file to the lists (saved on OK)."""
        try:
            self._show(self.edited().merged(vocabulary.read_import(path)))
        except vocabulary.Error as e:
            self._say(str(e))

    def export_file(self, path: Path) -> None:
        """Write the lists to ``path``: a ``.csv`` holds everything, a text file the terms."""
        try:
            vocabulary.write_export(self.edited(), path)
        except vocabulary.Error as e:
            self._say(str(e))
            return
        self._say(f"Wrote the vocabulary to {path}.", error=False)

    def _build(self, settings: config.Settings) -> None:
        self.terms = QPlainTextEdit(self)
        self.terms.setAccessibleName("Vocabulary terms, one a line")
        self.terms.setPlaceholderText("Names, jargon, spellings: one a line, e.g.\nGutenberg\n"
                                      "Kubernetes")
        self.rules = QPlainTextEdit(self)
        self.rules.setAccessibleName("Replacements, heard,written one a line")
        self.rules.setPlaceholderText("heard,written: one a line, e.g.\npie torch,PyTorch")
        import_button = QPushButton("&Import…", self)
        import_button.setAccessibleName("Import terms or rules from a file")
        import_button.clicked.connect(self._on_import_clicked)
        export_button = QPushButton("E&xport…", self)
        export_button.setAccessibleName("Export the vocabulary to a file")
        export_button.clicked.connect(self._on_export_clicked)
        self.commands = QCheckBox("Spoken &commands: \"new line\", \"new paragraph\", "
                                  "\"scratch that\"", self)
        self.commands.setChecked(settings.commands.enabled)
        self.punctuation = QCheckBox("Spoken &punctuation: \"period\", \"comma\", "
                                     "\"question mark\", \"colon\"", self)
        self.punctuation.setChecked(settings.commands.punctuation)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.hide()
        buttons = QHBoxLayout()
        buttons.addWidget(import_button)
        buttons.addWidget(export_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(_label("&Terms Whisper should write (the newest are preferred when "
                                "the list is long):", self.terms))
        layout.addWidget(self.terms, 2)
        layout.addWidget(_label("&Replacements, whole words, any case:", self.rules))
        layout.addWidget(self.rules, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.commands)
        layout.addWidget(self.punctuation)
        layout.addWidget(self.message)

    def _show(self, words: Vocabulary) -> None:
        self.terms.setPlainText("\n".join(words.terms))
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(
            [r.heard, r.written] for r in words.replacements)
        self.rules.setPlainText(out.getvalue().rstrip("\n"))

    def _say(self, text: str, *, error: bool = True) -> None:
        self.message.setStyleSheet("color: #e5484d" if error else "")
        self.message.setText(text)
        self.message.show()

    @Slot()
    def _on_import_clicked(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(self, "Import vocabulary", "", FILE_FILTER)
        if name:
            self.import_file(Path(name))

    @Slot()
    def _on_export_clicked(self) -> None:
        name, _filter = QFileDialog.getSaveFileName(self, "Export vocabulary",
                                                    "vocabulary.csv", FILE_FILTER)
        if name:
            self.export_file(Path(name))
