"""The Profiles page of the settings dialog: add and remove, written only on OK."""

from pathlib import Path

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop.config import Settings
from desktop.engine.profiles import Profile, ProfileFile
from desktop.ui.profiles_page import DETECT, ProfilesPage


def page_for(qtbot: QtBot, file: ProfileFile) -> ProfilesPage:
    page = ProfilesPage(file, Settings())
    qtbot.add_widget(page)
    return page


def fill(page: ProfilesPage, name: str, app: str, **choices: str) -> None:
    page.name.setText(name)
    page.app.setText(app)
    for box, text in choices.items():
        getattr(page, box).setCurrentText(text)
    add = next(b for b in page.findChildren(type(page.remove_button)) if b.text() == "Add")
    add.click()


def test_profiles_are_added_and_removed_on_ok_only(qapp: QApplication, qtbot: QtBot,
                                                   tmp_path: Path) -> None:
    file = ProfileFile(tmp_path / "profiles.toml")
    file.add(Profile("old", app="gedit"))
    page = page_for(qtbot, file)
    assert page.table.topLevelItemCount() == 1
    fill(page, "terminal", "*term*", paste_mode="off", cleanup="off", language=DETECT)
    assert page.table.topLevelItem(1).text(3) == ('paste.mode = "off", whisper.language = "", '
                                                  'cleanup.enabled = false')
    page.table.setCurrentItem(page.table.topLevelItem(0))
    page.remove_button.click()
    assert [p.name for p in page.profiles] == ["terminal"]
    assert file.load() == [Profile("old", app="gedit")]  # nothing written yet
    page.apply()
    assert file.load() == [Profile("terminal", app="*term*", paste_mode="off", language="",
                                   cleanup=False)]


def test_a_bad_profile_is_explained_and_not_added(qapp: QApplication, qtbot: QtBot,
                                                  tmp_path: Path) -> None:
    page = page_for(qtbot, ProfileFile(tmp_path / "profiles.toml"))
    fill(page, "nopattern", "")
    assert "needs an app pattern" in page.error.text() and not page.profiles
    fill(page, "german", "thunderbird", language="deutsch")
    assert "whisper.language" in page.error.text() and not page.profiles
    fill(page, "german", "thunderbird", language="de")
    fill(page, "german", "kmail")
    assert "exists already" in page.error.text()
    assert [p.language for p in page.profiles] == ["de"]
