"""macOS permissions: what is reported missing, and nothing elsewhere."""

from desktop.platform import permissions


def test_nothing_to_check_outside_macos() -> None:
    assert permissions.missing("linux") == []
    assert permissions.missing("win32") == []


def test_both_missing_are_explained() -> None:
    found = permissions.missing("darwin", microphone_status=lambda: 2,
                               accessibility_trusted=lambda: False)
    assert [m.name for m in found] == ["microphone", "accessibility"]
    assert "Privacy & Security → Microphone" in found[0].message
    assert found[1].settings_url.endswith("Privacy_Accessibility")


def test_granted_or_not_yet_asked_is_fine() -> None:
    for status in (permissions.AUTHORIZED, permissions.NOT_DETERMINED):
        assert permissions.missing("darwin", microphone_status=lambda s=status: s,
                                   accessibility_trusted=lambda: True) == []
