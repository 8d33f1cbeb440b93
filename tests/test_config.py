"""Settings: one schema, validated on load and on set, stored as TOML."""

from pathlib import Path

import pytest

from desktop import config
from desktop.config import Settings, SettingsFile
from desktop.paths import AppPaths


def test_defaults_round_trip(tmp_path: Path) -> None:
    file = SettingsFile(tmp_path / "config.toml")
    file.save(Settings())
    assert file.load() == Settings()
    assert "version = 1" in (tmp_path / "config.toml").read_text()


@pytest.mark.parametrize(
    ("key", "text", "value"),
    [
        ("whisper.model", "base.en", "base.en"),
        ("whisper.beam_size", "1", 1),
        ("whisper.vad", "off", False),
        ("whisper.language", "de", "de"),
        ("ollama.timeout", "12", 12.0),
        ("hotkey.mode", "push_to_talk", "push_to_talk"),
        ("paste.mode", "raw", "raw"),
        ("recordings.keep_days", "-1", -1),
    ],
)
def test_set_parses_text(key: str, text: str, value: object) -> None:
    assert Settings().with_value(key, text).get(key) == value


@pytest.mark.parametrize(
    ("key", "text", "hint"),
    [
        ("whisper.device", "tpu", "auto, cpu, cuda"),
        ("whisper.beam_size", "0", "between 1 and 10"),
        ("whisper.beam_size", "many", "must be a whole number"),
        ("whisper.language", "klingon", "two-letter"),
        ("whisper.vad", "maybe", "true or false"),
        ("paste.mode", "shout", "cleaned, raw, off"),
        ("hotkey.combo", "<ctrl+space", "write it like"),
        ("ollama.host", "ftp://example", "http://127.0.0.1:11434"),
    ],
)
def test_invalid_values_are_rejected_with_the_reason(key: str, text: str, hint: str) -> None:
    with pytest.raises(config.InvalidValueError, match=hint) as info:
        Settings().with_value(key, text)
    assert key in str(info.value)


def test_unknown_key_says_how_to_list() -> None:
    with pytest.raises(config.UnknownKeyError, match="dictara config list"):
        Settings().with_value("whisper.colour", "blue")


def test_bad_values_in_file_are_reported_and_defaulted(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('version = 1\n[whisper]\nbeam_size = 99\nmodel = "small"\n'
                    '[ui]\ntheme = "neon"\n[nonsense]\nx = 1\n', encoding="utf-8")
    file = SettingsFile(path)
    settings = file.load()
    assert settings.whisper.model == "small"
    assert settings.whisper.beam_size == 5 and settings.ui.theme == "system"
    assert len(file.problems) == 3
    assert all("Using the default" in p or "no setting" in p for p in file.problems)


def test_unreadable_file_gives_defaults_and_one_problem(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[whisper\nmodel = ", encoding="utf-8")
    file = SettingsFile(path)
    assert file.load() == Settings()
    assert len(file.problems) == 1 and "could not be read" in file.problems[0]


def test_dictara_home_moves_every_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DICTARA_HOME", str(tmp_path))
    paths = AppPaths.default()
    for path in (paths.config_file, paths.models_dir, paths.recordings_dir, paths.history_db,
                 paths.log_dir):
        assert path.is_relative_to(tmp_path)


def test_every_key_is_described() -> None:
    assert len(config.keys()) == len(set(config.keys())) >= 20
    assert all(doc for _key, doc in config.describe())


def test_saving_over_an_unreadable_file_keeps_it_aside(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[whisper\nmodel = ", encoding="utf-8")
    file = SettingsFile(path)
    file.save(file.load().with_value("ui.theme", "dark"))
    assert file.set_aside is not None and file.set_aside.read_text() == "[whisper\nmodel = "
    assert SettingsFile(path).load().ui.theme == "dark"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.toml", file.set_aside.name]
