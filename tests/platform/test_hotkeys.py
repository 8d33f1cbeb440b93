"""The global hotkey: parsing, session checks, and the listener on a real X display."""

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from desktop.platform import hotkeys
from desktop.platform.hotkeys import HotkeyListener, parse

# Another X client that holds Ctrl+Alt+Space (XGrabKey), as a conflicting program would.
GRAB_CTRL_ALT_SPACE = r"""
import time, Xlib.display, Xlib.X, Xlib.XK
d = Xlib.display.Display()
code = d.keysym_to_keycode(Xlib.XK.string_to_keysym("space"))
d.screen().root.grab_key(code, Xlib.X.ControlMask | Xlib.X.Mod1Mask, True,
                         Xlib.X.GrabModeAsync, Xlib.X.GrabModeAsync)
d.sync()
print("grabbed", flush=True)
time.sleep(600)
"""


@pytest.mark.parametrize("text, names, label", [
    ("<ctrl>+<alt>+<space>", ("ctrl", "alt", "space"), "Ctrl+Alt+Space"),
    ("<CTRL>+<Shift>+d", ("ctrl", "shift", "d"), "Ctrl+Shift+D"),
    ("<f9>", ("f9",), "F9"),
    ("<cmd>+<space>", ("cmd", "space"), "Super+Space"),
])
def test_parse_accepts(text: str, names: tuple[str, ...], label: str) -> None:
    combo = parse(text, platform="linux")
    assert (combo.names, combo.label) == (names, label)


def test_labels_follow_the_platform() -> None:
    assert parse("<ctrl>+<alt>+<space>", "darwin").label == "Ctrl+Option+Space"
    assert parse("<cmd>+<shift>+d", "darwin").label == "Cmd+Shift+D"
    assert parse("<cmd>+<shift>+d", "win32").label == "Win+Shift+D"


@pytest.mark.parametrize("text, reason", [
    ("", "an empty part"),
    ("<ctrl>++<space>", "an empty part"),
    ("ctrl+space", "write named keys in brackets, like <ctrl>"),
    ("<ctrl>+<alt>", "needs a key besides the modifiers"),
    ("<ctrl>+<esc>", "Esc is kept for cancelling"),
    ("a", "needs a modifier such as <ctrl>"),
    ("<ctrl>+<ctrl>+a", "a key appears twice"),
])
def test_parse_rejects_with_a_sentence(text: str, reason: str) -> None:
    with pytest.raises(hotkeys.InvalidComboError) as info:
        parse(text)
    message = str(info.value)
    assert reason in message and message.endswith("Write it like <ctrl>+<alt>+<space>.")


def test_wayland_says_to_use_dictara_toggle() -> None:
    with pytest.raises(hotkeys.WaylandError) as info:
        hotkeys.check_session({"XDG_SESSION_TYPE": "wayland", "DISPLAY": ":0"}, "linux")
    assert "Wayland does not let applications grab global hotkeys" in str(info.value)
    assert "`dictara toggle`" in str(info.value)


def test_no_display_is_unavailable() -> None:
    with pytest.raises(hotkeys.UnavailableError, match="no X display"):
        hotkeys.check_session({}, "linux")
    hotkeys.check_session({}, "darwin")  # nothing to check there
    hotkeys.check_session({"DISPLAY": ":1", "XDG_SESSION_TYPE": "x11"}, "linux")


@pytest.fixture
def keyboard(xvfb_display: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """pynput's keyboard module on the private Xvfb (it binds the display at import).

    Every listener thread must have ended by teardown: one left running dies with
    ``ConnectionClosedError`` when the session's Xvfb stops, after pytest's summary.
    """
    monkeypatch.setenv("DISPLAY", xvfb_display)
    from pynput import keyboard as kb

    yield kb
    assert not _listener_threads(kb), "HotkeyListener.stop() left pynput's thread running"


class Recorder:
    def __init__(self) -> None:
        self.events: list[str] = []
        self.changed = threading.Condition()

    def add(self, name: str) -> None:
        with self.changed:
            self.events.append(name)
            self.changed.notify_all()

    def wait_for(self, count: int, timeout: float = 5.0) -> list[str]:
        with self.changed:
            self.changed.wait_for(lambda: len(self.events) >= count, timeout)
            return list(self.events)


def _listener(kb: Any, rec: Recorder, combo: str = "<ctrl>+<alt>+<space>",
              grab: bool = True) -> HotkeyListener:
    return HotkeyListener(combo, lambda: rec.add("on"), lambda: rec.add("off"),
                          lambda: rec.add("esc"), keyboard=kb, grab=grab)


def _listener_threads(kb: Any) -> list[threading.Thread]:
    return [t for t in threading.enumerate() if isinstance(t, kb.Listener) and t.is_alive()]


def _xdotool(display: str, *args: str) -> None:
    subprocess.run(["xdotool", *args], env={**os.environ, "DISPLAY": display}, check=True,
                   timeout=10)


def test_real_keys_activate_deactivate_and_escape(keyboard: Any, xvfb_display: str) -> None:
    rec = Recorder()
    listener = _listener(keyboard, rec)
    listener.start()
    try:
        _xdotool(xvfb_display, "keydown", "ctrl+alt+space")
        assert rec.wait_for(1) == ["on"]
        assert listener.active and listener.modifiers_held()
        _xdotool(xvfb_display, "key", "Escape")
        _xdotool(xvfb_display, "keyup", "ctrl+alt+space")
        assert rec.wait_for(3) == ["on", "esc", "off"]
        assert not listener.modifiers_held()
        listener.stop()  # no key event follows to wake pynput (see hotkeys._end_recording)
        assert not _listener_threads(keyboard)
    finally:
        listener.stop()


def test_auto_repeat_is_not_a_release(keyboard: Any) -> None:
    rec = Recorder()
    listener = _listener(keyboard, rec, grab=False)
    listener.start()
    kb = keyboard
    try:
        for key in (kb.Key.ctrl_l, kb.Key.alt_l, kb.Key.space):
            listener._on_press(key)
        for _repeat in range(3):  # X auto-repeat: release and press again at once
            listener._on_release(kb.Key.space)
            listener._on_press(kb.Key.space)
        assert rec.events == ["on"]
        listener._on_release(kb.Key.space)
        assert rec.wait_for(2) == ["on", "off"]
    finally:
        listener.stop()


def test_a_combination_another_program_grabbed_is_refused(keyboard: Any,
                                                          xvfb_display: str) -> None:
    grabber = subprocess.Popen([sys.executable, "-c", GRAB_CTRL_ALT_SPACE], stdout=subprocess.PIPE,
                               text=True, env={**os.environ, "DISPLAY": xvfb_display})
    try:
        assert grabber.stdout is not None and grabber.stdout.readline().strip() == "grabbed"
        listener = _listener(keyboard, Recorder())
        with pytest.raises(hotkeys.ComboTakenError) as info:
            listener.start()
        assert str(info.value) == (
            "Ctrl+Alt+Space is already used by another program, so Dictara cannot use it "
            "as its hotkey; choose another combination in Settings.")
        other = _listener(keyboard, Recorder(), "<ctrl>+<alt>+d")
        other.start()  # a free one still works
        other.stop()
    finally:
        grabber.terminate()
        grabber.wait(10)


def test_a_key_pynput_does_not_know_is_invalid(keyboard: Any) -> None:
    listener = _listener(keyboard, Recorder(), "<ctrl>+<hyperspace>")
    with pytest.raises(hotkeys.InvalidComboError, match="<hyperspace> is not a key name"):
        listener.start()
