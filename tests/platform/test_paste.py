"""What to paste when, and the synthesised paste keystroke."""

from collections.abc import Iterator
from contextlib import contextmanager
from types import SimpleNamespace
from typing import Any

import pytest

from desktop.platform.paste import Action, KeySender, KeystrokeError, action_for


@pytest.mark.parametrize("mode, raw, cleaned", [
    ("cleaned", Action.NOTHING, Action.PASTE),
    ("raw", Action.PASTE, Action.NOTHING),
    ("off", Action.NOTHING, Action.COPY),
])
def test_action_for_each_mode(mode: str, raw: Action, cleaned: Action) -> None:
    assert (action_for(mode, "raw"), action_for(mode, "cleaned")) == (raw, cleaned)


def test_action_for_rejects_unknown_values() -> None:
    with pytest.raises(ValueError, match="use one of cleaned, raw, off"):
        action_for("always", "raw")
    with pytest.raises(ValueError, match="use raw or cleaned"):
        action_for("raw", "partial")


class FakeController:
    def __init__(self, log: list[str], fail: bool = False) -> None:
        self.log, self.fail = log, fail

    @contextmanager
    def pressed(self, key: str) -> Iterator[None]:
        self.log.append(f"down {key}")
        yield
        self.log.append(f"up {key}")

    def press(self, key: str) -> None:
        if self.fail:
            raise RuntimeError("XTest is missing")
        self.log.append(f"press {key}")

    def release(self, key: str) -> None:
        self.log.append(f"release {key}")


def _keyboard(log: list[str], fail: bool = False) -> Any:
    return SimpleNamespace(Key=SimpleNamespace(ctrl="ctrl", cmd="cmd"),
                           Controller=lambda: FakeController(log, fail))


def test_key_sender_presses_ctrl_v(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.platform", "linux")
    log: list[str] = []
    KeySender(keyboard=_keyboard(log)).paste()
    assert log == ["down ctrl", "press v", "release v", "up ctrl"]


def test_key_sender_uses_cmd_on_macos(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.platform", "darwin")
    log: list[str] = []
    KeySender(keyboard=_keyboard(log)).paste()
    assert log[0] == "down cmd"


def test_key_sender_failure_is_one_sentence(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.platform", "linux")
    with pytest.raises(KeystrokeError) as info:
        KeySender(keyboard=_keyboard([], fail=True)).paste()
    assert str(info.value) == ("Dictara could not send Ctrl+V to paste (XTest is missing); "
                               "the text is on the clipboard, paste it yourself.")
