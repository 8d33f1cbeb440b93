"""The Vocabulary page: bulk paste, import, export, written on OK only; and in the dialog."""

from pathlib import Path

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop.config import Settings, SettingsFile
from desktop.engine.vocabulary import Replacement, Vocabulary, VocabularyFile
from desktop.ui.messages import MessageBridge
from desktop.ui.vocabulary_model import VocabularyModel
from desktop.ui.vocabulary_page import VocabularyPage
from tests.ui.test_settings import open_dialog


def page_for(qtbot: QtBot, file: VocabularyFile) -> VocabularyPage:
    page = VocabularyPage(VocabularyModel(file, MessageBridge()), Settings())
    qtbot.add_widget(page)
    return page


def test_pasted_terms_and_rules_are_saved_on_apply_only(qapp: QApplication, qtbot: QtBot,
                                                        tmp_path: Path) -> None:
    file = VocabularyFile(tmp_path / "vocabulary.toml")
    file.save(Vocabulary(("Gutenberg",)))
    page = page_for(qtbot, file)
    assert page.terms.toPlainText() == "Gutenberg"
    page.terms.setPlainText("Gutenberg\n\nSchoeffer\n  Montreal Forced Aligner \n")
    page.rules.setPlainText('pie torch,PyTorch\n"k, eight",k8s')
    assert file.load() == Vocabulary(("Gutenberg",))
    page.apply()
    assert file.load() == Vocabulary(
        ("Gutenberg", "Schoeffer", "Montreal Forced Aligner"),
        (Replacement("pie torch", "PyTorch"), Replacement("k, eight", "k8s")))


def test_import_adds_to_the_lists_and_export_writes_them(qapp: QApplication, qtbot: QtBot,
                                                         tmp_path: Path) -> None:
    page = page_for(qtbot, VocabularyFile(tmp_path / "vocabulary.toml"))
    page.terms.setPlainText("Basle")
    (tmp_path / "in.csv").write_text("Pannartz\npie torch,PyTorch\n", encoding="utf-8")
    page.import_file(tmp_path / "in.csv")
    assert (page.terms.toPlainText(), page.rules.toPlainText()) == ("Basle\nPannartz",
                                                                    "pie torch,PyTorch")
    page.export_file(tmp_path / "out.csv")
    assert (tmp_path / "out.csv").read_text(encoding="utf-8") == (
        "Basle\nPannartz\npie torch,PyTorch\n")
    page.import_file(tmp_path / "missing.txt")
    assert page.message.text() == (f"{tmp_path / 'missing.txt'} cannot be used as a vocabulary "
                                   "file: there is no such file.")


def test_an_unreadable_file_is_explained_and_not_replaced_by_nothing(
        qapp: QApplication, qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "vocabulary.toml"
    path.write_text("terms = [", encoding="utf-8")
    page = page_for(qtbot, VocabularyFile(path))
    assert "it is not valid TOML" in page.message.text()
    page.apply()
    assert path.read_text(encoding="utf-8") == "terms = ["


def test_the_dialog_saves_the_vocabulary_and_the_command_settings(make_app,  # type: ignore[no-untyped-def]
                                                                  qtbot: QtBot) -> None:
    app = make_app()
    dialog = open_dialog(app, qtbot)
    page = dialog.vocabulary_page
    page.terms.setPlainText("Gutenberg")
    page.rules.setPlainText("no comma here")
    dialog.accept()
    assert dialog.isVisible()
    assert dialog.error.text() == ("'no comma here' cannot be added to the vocabulary: write a "
                                   "replacement as heard,written on its own line.")
    page.rules.setPlainText("pie torch,PyTorch")
    page.punctuation.setChecked(True)
    with qtbot.wait_signal(app.services.settings.changed):
        dialog.accept()
    assert not dialog.isVisible()
    config = app.services.paths.config_file
    assert VocabularyFile.beside(config).load() == Vocabulary(
        ("Gutenberg",), (Replacement("pie torch", "PyTorch"),))
    saved = SettingsFile(config).load()
    assert (saved.commands.enabled, saved.commands.punctuation) == (True, True)
