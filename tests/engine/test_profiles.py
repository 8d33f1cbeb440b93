"""Per-app profiles: matching (no match → defaults), the profiles file, the settings a
profile gives a dictation."""

from pathlib import Path

import pytest

from desktop import profile_settings
from desktop.config import Settings
from desktop.engine.profiles import (
    DuplicateProfileError,
    InvalidProfileError,
    Profile,
    ProfileFile,
    ProfileFileError,
    UnknownProfileError,
    choose,
    matches,
)

TERMINAL = Profile("terminal", app="*term*", paste_mode="off", cleanup=False)
MAIL = Profile("mail", app="thunderbird", preset="email")
WRITE = Profile("compose", title="Write: *", preset="email")


@pytest.mark.parametrize(("pattern", "text", "expected"), [
    ("term", "XTerm", True),  # substring, case ignored
    ("TERM", "gnome-terminal-server", True),
    ("*term", "XTerm", True),  # glob: the whole name
    ("*term", "gnome-terminal-server", False),
    ("x?erm", "xterm", True),
    ("[xu]term", "UXTerm", False),
    ("code", "Code.exe", True),
    ("com.apple.mail", "com.apple.Mail", True),
    ("mail", "Thunderbird", False),
    (" firefox ", "firefox", True),  # stray spaces from a hand-edited file
])
def test_a_pattern_is_a_glob_or_a_substring_ignoring_case(
        pattern: str, text: str, expected: bool) -> None:
    assert matches(pattern, text) is expected


def test_the_first_matching_profile_applies() -> None:
    both = Profile("xterm-only", app="xterm")
    assert choose([TERMINAL, both], ("XTerm", "xterm"), "") is TERMINAL
    assert choose([both, TERMINAL], ("XTerm", "xterm"), "") is both


def test_no_match_means_the_defaults_not_the_last_profile() -> None:
    chosen = [choose([TERMINAL, MAIL], names, "")
              for names in (("XTerm",), ("gedit",), ("Thunderbird",), ("Gedit",))]
    assert chosen == [TERMINAL, None, MAIL, None]


def test_any_name_of_the_app_can_match() -> None:
    assert choose([MAIL], ("Mail", "thunderbird"), "") is MAIL


def test_a_title_pattern_matches_the_window_title() -> None:
    assert choose([WRITE], ("Thunderbird",), "Write: hello") is WRITE
    assert choose([WRITE], ("Thunderbird",), "Inbox") is None


def test_app_and_title_patterns_must_both_match() -> None:
    profile = Profile("mail-compose", app="thunderbird", title="write:*")
    assert profile.matches(("Thunderbird",), "Write: hi")
    assert not profile.matches(("Thunderbird",), "Inbox")
    assert not profile.matches(("gedit",), "Write: hi")


def test_a_profile_needs_a_name_and_a_pattern() -> None:
    with pytest.raises(InvalidProfileError, match="needs an app pattern"):
        Profile("empty")
    with pytest.raises(InvalidProfileError, match="no name"):
        Profile(" ", app="x")


def test_the_file_keeps_profiles_in_order_as_tables(tmp_path: Path) -> None:
    file = ProfileFile(tmp_path / "profiles.toml")
    assert file.load() == []
    file.add(TERMINAL)
    file.add(MAIL)
    file.add(Profile("detect", app="firefox", language=""))
    assert file.load() == [TERMINAL, MAIL, Profile("detect", app="firefox", language="")]
    text = file.path.read_text(encoding="utf-8")
    assert text.count("[[profile]]") == 3
    assert 'language = ""' in text and "title" not in text
    assert file.path.stat().st_mode & 0o777 == 0o600


def test_adding_a_taken_name_or_removing_a_missing_one_fails(tmp_path: Path) -> None:
    file = ProfileFile(tmp_path / "profiles.toml")
    file.add(TERMINAL)
    with pytest.raises(DuplicateProfileError):
        file.add(Profile("terminal", app="other"))
    with pytest.raises(UnknownProfileError):
        file.remove("mail")
    file.remove("terminal")
    assert file.load() == []


def test_a_bad_profile_is_skipped_and_kept_in_the_file(tmp_path: Path) -> None:
    file = ProfileFile(tmp_path / "profiles.toml")
    file.path.write_text('[[profile]]\nname = "typo"\napp = "x"\npaste = "off"\n\n'
                         '[[profile]]\nname = "ok"\napp = "gedit"\ncleanup = "no"\n\n'
                         '[[profile]]\nname = "fine"\napp = "kate"\n', encoding="utf-8")
    assert file.load() == [Profile("fine", app="kate")]
    assert len(file.problems) == 2
    assert "unknown key 'paste'" in file.problems[0]
    assert "cleanup must be true or false" in file.problems[1]
    file.add(MAIL)
    assert 'paste = "off"' in file.path.read_text(encoding="utf-8")  # not lost


def test_an_unreadable_file_says_so(tmp_path: Path) -> None:
    file = ProfileFile(tmp_path / "profiles.toml")
    file.path.write_text("profile = [", encoding="utf-8")
    with pytest.raises(ProfileFileError, match="fix or delete it"):
        file.load()


def test_a_profile_overrides_only_what_it_sets() -> None:
    settings = Settings().with_value("cleanup.preset", "notes")
    applied = profile_settings.apply(settings, TERMINAL)
    assert (applied.paste.mode, applied.cleanup.enabled) == ("off", False)
    assert applied.cleanup.preset == "notes"
    assert profile_settings.apply(settings, None) is settings


def test_a_value_the_settings_reject_makes_the_profile_unusable(tmp_path: Path) -> None:
    with pytest.raises(InvalidProfileError, match=r"'shout' is not a valid value for "
                                                  r"cleanup.preset"):
        profile_settings.apply(Settings(), Profile("x", app="y", preset="shout"))
    file = ProfileFile(tmp_path / "profiles.toml")
    file.path.write_text('[[profile]]\nname = "x"\napp = "y"\nlanguage = "klingon"\n',
                         encoding="utf-8")
    assert profile_settings.load(file) == []
    assert "whisper.language" in file.problems[0]
