"""Change settings in the dialog and see them persisted; invalid values are refused."""

from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from desktop.config import SettingsFile
from desktop.ui.settings_dialog import SettingsDialog


def open_dialog(app: object, qtbot: QtBot, hotkey_problem: str | None = None
                ) -> SettingsDialog:
    dialog = SettingsDialog(app.services, hotkey_problem, app.window)  # type: ignore[attr-defined]
    qtbot.add_widget(dialog)
    dialog.show()
    qtbot.wait_until(lambda: dialog.ollama_model.count() > 0, timeout=10_000)
    return dialog


def test_change_settings_and_persist(make_app, qtbot: QtBot) -> None:
    app = make_app()
    dialog = open_dialog(app, qtbot)
    assert "running" in dialog.status_light.text()
    dialog.language.setText("en")
    dialog.preset.setCurrentText("email")
    dialog.keep_days.setValue(7)
    dialog.theme.setCurrentText("dark")
    dialog.ollama_model.setCurrentText("qwen3:1.7b")
    with qtbot.wait_signal(app.services.settings.changed):
        dialog.accept()
    assert not dialog.isVisible()
    saved = SettingsFile(app.services.paths.config_file).load()
    assert saved.whisper.language == "en"
    assert saved.cleanup.preset == "email"
    assert saved.recordings.keep_days == 7
    assert saved.ui.theme == "dark"
    assert saved.ollama.model == "qwen3:1.7b"
    assert app.theme.dark
    assert app.window.compare.preset_box.currentText() == "email"


def test_invalid_values_are_rejected_in_the_form(make_app, qtbot: QtBot) -> None:
    app = make_app()
    dialog = open_dialog(app, qtbot)
    dialog.language.setText("klingon")
    with qtbot.assert_not_emitted(app.services.settings.changed):
        dialog.accept()
    assert dialog.isVisible()
    assert "whisper.language" in dialog.error.text()
    dialog.language.setText("")
    dialog.hotkey.setText("ctrl+<alt")
    dialog.accept()
    assert "write it like <ctrl>+<alt>+<space>" in dialog.error.text()
    dialog.hotkey.setText("<ctrl>+<alt>+<space>")
    dialog.host.setText("ftp://nope:xx")
    dialog.accept()
    assert dialog.isVisible() and dialog.error.text()
    assert SettingsFile(app.services.paths.config_file).load().whisper.language == ""


def test_pull_a_model_with_progress(make_app, qtbot: QtBot, fake_ollama) -> None:
    app = make_app()
    dialog = open_dialog(app, qtbot)
    dialog.ollama_model.setCurrentText("gemma3:1b")
    # A recorder, not wait_signal: the progress signal keeps firing after the first one,
    # and a SignalBlocker left connected to it breaks a later test's event loop.
    seen: list[tuple[int, int, str]] = []
    dialog._pull_progress.changed.connect(lambda *args: seen.append(args))
    dialog.pull_button.click()
    qtbot.wait_until(lambda: "gemma3:1b" in fake_ollama.models, timeout=10_000)
    qtbot.wait_until(lambda: dialog.pull_button.isEnabled(), timeout=10_000)
    assert any(done == total > 0 for done, total, _status in seen)


def test_hotkey_that_cannot_be_registered_is_explained(make_app, qtbot: QtBot) -> None:
    app = make_app()
    problem = "Ctrl+Alt+Space is already used by another program; choose another hotkey."
    dialog = open_dialog(app, qtbot, problem)
    label = dialog.findChild(QLabel, "hotkeyProblem")
    assert label is not None and label.text() == problem


def test_an_unreadable_settings_file_kept_aside_is_said_where(make_app, qtbot: QtBot) -> None:
    app = make_app()
    config = app.services.paths.config_file
    config.write_text("[whisper\nmodel = ", encoding="utf-8")  # a hand edit gone wrong
    app.services.settings.file.load()  # as at start-up
    dialog = open_dialog(app, qtbot)
    dialog.keep_days.setValue(9)
    with qtbot.wait_signal(app.services.messages.posted, timeout=5000,
                           check_params_cb=lambda m: "could not be read" in m.text) as said:
        dialog.accept()
    kept = next(config.parent.glob("config.toml.unreadable-*"))
    assert str(kept) in said.args[0].text
    assert kept.read_text(encoding="utf-8") == "[whisper\nmodel = "
    assert SettingsFile(config).load().recordings.keep_days == 9
