"""The Profiles page of the settings dialog: per-app profiles, listed, added and removed.

Like the rest of the dialog, nothing is written until OK: additions and removals are kept
and replayed on the profiles file by :meth:`ProfilesPage.apply`.
"""

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop import config, profile_settings
from desktop.engine.profiles import (
    DuplicateProfileError,
    Error,
    InvalidProfileError,
    Profile,
    ProfileFile,
)

KEEP = "(setting)"  # a choice that leaves the setting as it is
DETECT = "(detect)"
COLUMNS = ("Name", "App", "Title", "Sets")


class ProfilesPage(QWidget):
    """Lists the profiles and stages additions and removals. GUI thread only.

    Args:
        file: the profiles file.
        settings: the settings the profiles are checked against.

    Attributes:
        profiles: the profiles as they will be after :meth:`apply`.
        problems: sentences about profiles in the file that are skipped.
    """

    def __init__(self, file: ProfileFile, settings: config.Settings,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._file = file
        self._settings = settings
        self._added: list[Profile] = []
        self._removed: list[str] = []
        try:
            self.profiles = profile_settings.load(file)
            self.problems = list(file.problems)
        except Error as e:
            self.profiles, self.problems = [], [str(e)]
        self._build()
        self._refresh()

    def apply(self) -> None:
        """Write the staged removals and additions to the profiles file.

        Raises:
            desktop.engine.profiles.Error: a profile file error, in one sentence.
        """
        for name in self._removed:
            self._file.remove(name)
        for profile in self._added:
            self._file.add(profile)
        self._added, self._removed = [], []

    def _build(self) -> None:
        self.table = QTreeWidget(self)
        self.table.setHeaderLabels(list(COLUMNS))
        self.table.setRootIsDecorated(False)
        self.table.setAccessibleName("Profiles")
        self.remove_button = QPushButton("Remove", self)
        self.remove_button.setAccessibleName("Remove the selected profile")
        self.remove_button.clicked.connect(self._on_remove_clicked)
        add = QPushButton("Add", self)
        add.setAccessibleName("Add the profile")
        add.clicked.connect(self._on_add_clicked)
        self.error = QLabel(self)
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #e5484d")
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        hint = QLabel("The first profile whose patterns match the app in front when a "
                      "dictation starts applies; with none, the settings do. A pattern with "
                      "* or ? is a glob, any other matches part of the name; case is "
                      "ignored. `dictara doctor` shows the name of the app in front.", self)
        hint.setWordWrap(True)
        hint.setProperty("muted", True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(self._form())
        layout.addLayout(buttons)
        layout.addWidget(self.error)
        layout.addWidget(hint)

    def _form(self) -> QFormLayout:
        """The fields of a new profile."""
        self.name = QLineEdit(self)
        self.name.setAccessibleName("Profile name")
        self.app = QLineEdit(self)
        self.app.setPlaceholderText("e.g. *term* or thunderbird or com.apple.mail")
        self.app.setAccessibleName("App pattern")
        self.title = QLineEdit(self)
        self.title.setPlaceholderText("optional, e.g. Write:*")
        self.title.setAccessibleName("Window title pattern")
        self.preset = _choice(self, (KEEP, *config.CLEANUP_PRESETS), "Profile preset")
        self.paste_mode = _choice(self, (KEEP, *config.PASTE_MODES), "Profile paste mode")
        self.language = _choice(self, (KEEP, DETECT), "Profile language")
        self.language.setEditable(True)
        self.cleanup = _choice(self, (KEEP, "on", "off"), "Profile cleanup")
        form = QFormLayout()
        form.addRow("&Name:", self.name)
        form.addRow("&App:", self.app)
        form.addRow("&Title:", self.title)
        form.addRow("&Preset:", self.preset)
        form.addRow("Pa&ste:", self.paste_mode)
        form.addRow("&Language:", self.language)
        form.addRow("&Cleanup:", self.cleanup)
        return form

    def _refresh(self) -> None:
        self.table.clear()
        for p in self.profiles:
            self.table.addTopLevelItem(QTreeWidgetItem(
                [p.name, p.app, p.title, profile_settings.describe(p)]))
        self.remove_button.setEnabled(bool(self.profiles))
        self.error.setText("\n".join(self.problems))
        self.error.setVisible(bool(self.problems))

    def _profile(self) -> Profile:
        """The profile the form describes.

        Raises:
            InvalidProfileError: no name, no pattern, or a value the settings reject.
        """
        language = self.language.currentText().strip()
        cleanup = self.cleanup.currentText()
        profile = Profile(
            self.name.text().strip(), self.app.text().strip(), self.title.text().strip(),
            _value(self.preset.currentText()), _value(self.paste_mode.currentText()),
            "" if language == DETECT else _value(language),
            None if cleanup == KEEP else cleanup == "on",
        )
        profile_settings.apply(self._settings, profile)
        return profile

    @Slot()
    def _on_add_clicked(self) -> None:
        try:
            profile = self._profile()
            if any(p.name == profile.name for p in self.profiles):
                raise DuplicateProfileError(profile.name)
        except (InvalidProfileError, DuplicateProfileError) as e:
            self.problems = [str(e)]
            self._refresh()
            return
        self.profiles.append(profile)
        self._added.append(profile)
        self.problems = []
        self.name.clear()
        self.app.clear()
        self.title.clear()
        self._refresh()

    @Slot()
    def _on_remove_clicked(self) -> None:
        item = self.table.currentItem()
        row = self.table.indexOfTopLevelItem(item) if item is not None else -1
        if row < 0:
            return
        profile = self.profiles.pop(row)
        if profile in self._added:
            self._added.remove(profile)
        else:
            self._removed.append(profile.name)
        self._refresh()


def _choice(parent: QWidget, items: tuple[str, ...], name: str) -> QComboBox:
    box = QComboBox(parent)
    box.addItems(list(items))
    box.setAccessibleName(name)
    return box


def _value(text: str) -> str | None:
    return None if text in (KEEP, "") else text
