"""The settings dialog: microphone, model, language, Ollama, cleanup, hotkeys, paste, look,
per-app profiles."""

import threading
from typing import Any

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop import config
from desktop.engine import audio, profiles, vocabulary
from desktop.engine.cleanup import PRESETS, ServerStatus, probe_server, pull_model, resolve_host
from desktop.ui.jobs import Progress, describe_error
from desktop.ui.model_page import ModelPage
from desktop.ui.profiles_page import ProfilesPage
from desktop.ui.services import Services
from desktop.ui.status import AMBER, GREEN, GREY, light
from desktop.ui.vocabulary_model import VocabularyModel
from desktop.ui.vocabulary_page import VocabularyPage

DEFAULT_MIC = "System default"


class SettingsDialog(QDialog):
    """Edits the settings; OK validates everything and saves, or says what is wrong.

    GUI thread only. Nothing is saved until OK, and an invalid value keeps the dialog open
    with the reason shown under the tabs.

    Args:
        services: the settings, paths and job pool.
        hotkey_problem: why the global hotkey is not registered (shown under it), or None.
        parent: the window it is modal to.
        words: the vocabulary the window uses (its page saves to it); when None, the
            page works on the vocabulary file alone.
    """

    def __init__(self, services: Services, hotkey_problem: str | None = None,
                 parent: QWidget | None = None, words: VocabularyModel | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self._hotkey_problem = hotkey_problem
        self.setWindowTitle("Dictara Settings")
        self.setMinimumSize(560, 460)
        self._pull_cancel = threading.Event()
        self._pull_progress = Progress(self)
        self._pull_progress.changed.connect(self._on_pull_progress_changed)
        s = services.settings.settings
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self._general_page(s), "General")
        self.model_page = ModelPage(services, self)
        self.tabs.addTab(self._speech_page(s), "Speech")
        self.tabs.addTab(self._cleanup_page(s), "Cleanup")
        self.profiles_page = ProfilesPage(profiles.ProfileFile(services.paths.profiles_file), s,
                                          self)
        self.tabs.addTab(self.profiles_page, "Profiles")
        self.vocabulary_page = VocabularyPage(words or VocabularyModel(
            vocabulary.VocabularyFile.beside(services.paths.config_file), services.messages,
            self), s, self)
        self.tabs.addTab(self.vocabulary_page, "Vocabulary")
        self.error = QLabel(self)
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #e5484d")
        self.error.setAccessibleName("Settings error")
        self.error.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self._list_microphones()
        self._on_check_clicked()

    def values(self) -> dict[str, Any]:
        """Return the dotted-key values the form holds (as text, validated on save)."""
        mic = self.mic_box.currentText()
        return {
            "audio.device": "" if mic == DEFAULT_MIC else mic,
            "whisper.model": self.model_page.value(),
            "whisper.language": self.language.text().strip(),
            "ollama.host": self.host.text().strip(),
            "ollama.model": self.ollama_model.currentText().strip(),
            "cleanup.enabled": self.cleanup_enabled.isChecked(),
            "cleanup.preset": self.preset.currentText(),
            "cleanup.custom_prompt": self.custom_prompt.toPlainText().strip(),
            "hotkey.combo": self.hotkey.text().strip(),
            "hotkey.mode": self.hotkey_mode.currentText(),
            "hotkey.edit": self.edit_hotkey.text().strip(),
            "paste.mode": self.paste_mode.currentText(),
            "recordings.keep_days": self.keep_days.value(),
            "dictation.stop_after_silence": self.stop_after_silence.value(),
            "whisper.unload_after": self.unload_after.value(),
            "ui.theme": self.theme.currentText(),
            **self.vocabulary_page.values(),
        }

    def accept(self) -> None:
        """Validate and save; on a bad value show why and stay open."""
        values = self.values()
        aside = self.services.settings.file.set_aside
        try:
            if values["ollama.host"]:
                resolve_host(values["ollama.host"])
            if values["cleanup.preset"] == "custom" and not values["cleanup.custom_prompt"]:
                raise ValueError("The custom preset needs instructions in Custom prompt.")
            self.services.settings.apply(values)
            self.profiles_page.apply()
            self.vocabulary_page.apply()
        except (config.Error, ValueError, profiles.Error, vocabulary.Error) as e:
            self._show_error(str(e))
            return
        except OSError as e:
            self._show_error(f"The settings could not be saved ({e.strerror}); check the "
                             f"folder {self.services.paths.config_file.parent}.")
            return
        kept = self.services.settings.file.set_aside
        if kept is not None and kept != aside:
            self.services.messages.warning(
                f"The settings file could not be read, so it was kept as {kept} and your "
                "settings were saved in a new one.")
        self._pull_cancel.set()
        super().accept()

    def reject(self) -> None:
        """Close without saving, stopping a pull."""
        self._pull_cancel.set()
        super().reject()

    def _show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    def _general_page(self, s: config.Settings) -> QWidget:
        page = QWidget(self)
        self.mic_box = QComboBox(page)
        self.mic_box.setAccessibleName("Microphone")
        self.mic_box.addItem(s.audio.device or DEFAULT_MIC)
        self.hotkey = QLineEdit(s.hotkey.combo, page)
        self.hotkey.setAccessibleName("Dictation hotkey")
        self.hotkey.setPlaceholderText("<ctrl>+<alt>+<space>")
        self.hotkey_mode = _combo(page, config.HOTKEY_MODES, s.hotkey.mode, "Hotkey mode")
        self.edit_hotkey = QLineEdit(s.hotkey.edit, page)
        self.edit_hotkey.setAccessibleName("Edit hotkey")
        self.edit_hotkey.setPlaceholderText("off")
        self.paste_mode = _combo(page, config.PASTE_MODES, s.paste.mode, "Paste after dictation")
        self.keep_days = QSpinBox(page)
        self.keep_days.setRange(-1, 3650)
        self.keep_days.setValue(s.recordings.keep_days)
        self.keep_days.setSpecialValueText("Forever")
        self.keep_days.setSuffix(" days")
        self.keep_days.setAccessibleName("Keep recordings for")
        self.stop_after_silence = QDoubleSpinBox(page)
        self.stop_after_silence.setRange(0, 600)
        self.stop_after_silence.setDecimals(1)
        self.stop_after_silence.setSingleStep(0.5)
        self.stop_after_silence.setValue(s.dictation.stop_after_silence)
        self.stop_after_silence.setSpecialValueText("Off")
        self.stop_after_silence.setSuffix(" s")
        self.stop_after_silence.setAccessibleName("Stop after silence")
        self.theme = _combo(page, config.THEMES, s.ui.theme, "Theme")
        form = QFormLayout(page)
        form.addRow("&Microphone:", self.mic_box)
        form.addRow("&Hotkey:", self.hotkey)
        if self._hotkey_problem:
            problem = _note(page, self._hotkey_problem)
            problem.setObjectName("hotkeyProblem")
            problem.setProperty("muted", False)
            problem.setStyleSheet("color: #c62828;")
            form.addRow(problem)
        form.addRow("Hotkey m&ode:", self.hotkey_mode)
        form.addRow("&Edit hotkey:", self.edit_hotkey)
        form.addRow(_note(page, "Select text in any app, press it and say what to do (“make "
                                "this more formal”): the local model rewrites the selection."))
        form.addRow("&Paste:", self.paste_mode)
        form.addRow("&Stop after silence:", self.stop_after_silence)
        form.addRow(_note(page, "Ends a dictation after this long without speech, once you "
                                "have spoken; the text is then pasted as after the hotkey."))
        form.addRow("&Keep recordings:", self.keep_days)
        form.addRow(_note(page, "0 days deletes each recording once it is transcribed."))
        form.addRow("&Theme:", self.theme)
        return page

    def _speech_page(self, s: config.Settings) -> QWidget:
        page = QWidget(self)
        self.language = QLineEdit(s.whisper.language, page)
        self.language.setPlaceholderText("detect")
        self.language.setAccessibleName("Language code")
        self.language.setMaxLength(8)
        self.unload_after = QSpinBox(page)
        self.unload_after.setRange(0, 86400)
        self.unload_after.setSingleStep(60)
        self.unload_after.setValue(round(s.whisper.unload_after))
        self.unload_after.setSpecialValueText("Never")
        self.unload_after.setSuffix(" s")
        self.unload_after.setAccessibleName("Free the model after")
        layout = QVBoxLayout(page)
        layout.addWidget(self.model_page)
        form = QFormLayout()
        form.addRow("&Language:", self.language)
        form.addRow(_note(page, "A code such as en, de or fr; empty detects the language."))
        form.addRow("&Free the model after:", self.unload_after)
        form.addRow(_note(page, "Unused that long, the model's memory is freed; the next "
                                "dictation records at once while it loads again."))
        layout.addLayout(form)
        layout.addStretch(1)
        return page

    def _cleanup_page(self, s: config.Settings) -> QWidget:
        page = QWidget(self)
        self.cleanup_enabled = QCheckBox("Clean transcripts with Ollama", page)
        self.cleanup_enabled.setChecked(s.cleanup.enabled)
        self.host = QLineEdit(s.ollama.host, page)
        self.host.setPlaceholderText("http://127.0.0.1:11434")
        self.host.setAccessibleName("Ollama host")
        self.status_light = QLabel(light(GREY, "Not checked"), page)
        self.status_light.setAccessibleName("Ollama status")
        check = QPushButton("Check", page)
        check.setAccessibleName("Check the Ollama server")
        check.clicked.connect(self._on_check_clicked)
        self.ollama_model = QComboBox(page)
        self.ollama_model.setEditable(True)
        self.ollama_model.setCurrentText(s.ollama.model)
        self.ollama_model.setAccessibleName("Ollama model")
        self.pull_button = QPushButton("Pull", page)
        self.pull_button.setAccessibleName("Pull the model onto the Ollama server")
        self.pull_button.clicked.connect(self._on_pull_clicked)
        self.pull_cancel = QPushButton("Cancel", page)
        self.pull_cancel.clicked.connect(self._on_pull_cancel_clicked)
        self.pull_cancel.hide()
        self.pull_bar = QProgressBar(page)
        self.pull_bar.setAccessibleName("Pull progress")
        self.pull_bar.hide()
        self.preset = _combo(page, PRESETS, s.cleanup.preset, "Cleanup preset")
        self.custom_prompt = QPlainTextEdit(s.cleanup.custom_prompt, page)
        self.custom_prompt.setAccessibleName("Custom cleanup instructions")
        self.custom_prompt.setPlaceholderText("Instructions for the custom preset, e.g. "
                                              "“Write it as a polite reply in British English.”")
        self.custom_prompt.setMaximumHeight(90)
        host_row = _row(self.host, check)
        model_row = _row(self.ollama_model, self.pull_button, self.pull_cancel)
        form = QFormLayout(page)
        form.addRow(self.cleanup_enabled)
        form.addRow("Ollama &host:", host_row)
        form.addRow("", self.status_light)
        form.addRow("&Model:", model_row)
        form.addRow("", self.pull_bar)
        form.addRow("P&reset:", self.preset)
        form.addRow("&Custom prompt:", self.custom_prompt)
        form.addRow(_note(page, "Text goes only to the Ollama server above; when it is "
                                "off, a rule-based cleanup is shown instead."))
        return page

    def _list_microphones(self) -> None:
        sd = self.services.sounddevice
        self.services.runner.submit(lambda: audio.list_input_devices(sd), self._on_mics_listed)

    def _allow_remote(self) -> bool:
        """Whether the saved settings let Dictara contact an Ollama on another computer."""
        return self.services.settings.settings.ollama.allow_remote

    def _host(self) -> str | None:
        try:
            return resolve_host(self.host.text().strip())
        except ValueError as e:
            self.status_light.setText(light(AMBER, str(e)))
            return None

    @Slot(object, object)
    def _on_mics_listed(self, devices: object, _error: object) -> None:
        current = self.mic_box.currentText()
        self.mic_box.clear()
        self.mic_box.addItem(DEFAULT_MIC)
        for device in devices if isinstance(devices, list) else []:
            self.mic_box.addItem(device.name)
        if self.mic_box.findText(current) < 0:
            self.mic_box.addItem(current)
        self.mic_box.setCurrentText(current)

    @Slot()
    def _on_check_clicked(self) -> None:
        host = self._host()
        if host is not None:
            self.status_light.setText(light(GREY, f"Checking {host}…"))
            remote = self._allow_remote()
            self.services.runner.submit(lambda: probe_server(host, allow_remote=remote),
                                        self._on_probed)

    @Slot(object, object)
    def _on_probed(self, status: object, _error: object) -> None:
        if not isinstance(status, ServerStatus):
            return
        if not status.reachable:
            self.status_light.setText(light(GREY, status.error or "Not reachable"))
            self.status_light.setWordWrap(True)
            return
        current = self.ollama_model.currentText()
        self.ollama_model.clear()
        self.ollama_model.addItems(list(status.models))
        self.ollama_model.setCurrentText(current)
        have = current in status.models
        self.status_light.setText(light(GREEN if have else AMBER,
                                        f"Ollama {status.version or ''} is running"
                                        + ("" if have else f"; {current} is not installed")))

    @Slot()
    def _on_pull_clicked(self) -> None:
        host, name = self._host(), self.ollama_model.currentText().strip()
        if host is None or not name:
            return
        self._pull_cancel = cancel = threading.Event()
        progress, remote = self._pull_progress, self._allow_remote()
        self.pull_button.setEnabled(False)
        self.pull_cancel.show()
        self.pull_bar.setRange(0, 0)
        self.pull_bar.show()
        self.services.runner.submit(
            lambda: pull_model(host, name, progress.report, cancel, allow_remote=remote),
            self._on_pulled)

    @Slot()
    def _on_pull_cancel_clicked(self) -> None:
        self._pull_cancel.set()

    @Slot(int, int, str)
    def _on_pull_progress_changed(self, done: int, total: int, status: str) -> None:
        if total:
            self.pull_bar.setRange(0, 1000)
            self.pull_bar.setValue(int(done / total * 1000))
        self.status_light.setText(light(GREY, f"Pulling: {status}"))

    @Slot(object, object)
    def _on_pulled(self, _result: object, error: BaseException | None) -> None:
        self.pull_button.setEnabled(True)
        self.pull_cancel.hide()
        self.pull_bar.hide()
        if error is not None:
            self.status_light.setText(light(AMBER, describe_error(error)))
        else:
            self._on_check_clicked()


def _combo(parent: QWidget, items: tuple[str, ...], current: str, name: str) -> QComboBox:
    box = QComboBox(parent)
    box.addItems(list(items))
    box.setCurrentText(current)
    box.setAccessibleName(name)
    return box


def _row(*widgets: QWidget) -> QWidget:
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    for i, widget in enumerate(widgets):
        layout.addWidget(widget, 1 if i == 0 else 0)
    return row


def _note(parent: QWidget, text: str) -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(True)
    label.setProperty("muted", True)
    return label
