"""End to end on the bench: hotkey → dictation window → speech → stop → paste into another app.

Dictara runs as a real process (``python -m desktop --tray``) on a private Xvfb with the
PulseAudio virtual microphone, cleaning through the loopback Ollama stand-in. The "other
app" is a separate X client with a QLineEdit that writes its text to a file. ``xdotool``
presses the keys, ``paplay`` speaks into the microphone, ``xclip`` checks the clipboard.
"""

import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import READY_TIMEOUT, ROOT, Bench, Proc, poll, visible
from tests.e2e.conftest import start_app as start_dictara
from tests.fake_ollama import FakeOllama, tidy, transcript
from tests.platform.test_hotkeys import GRAB_CTRL_ALT_SPACE
from tests.wer import wer

pytestmark = pytest.mark.e2e

CLIP = "1272-128104-0000.wav"
REFERENCE = ("Mister Quilter is the apostle of the middle classes and we are glad to "
             "welcome his gospel")
PREVIOUS_CLIPBOARD = "what the user had copied before"
TEXT_TIMEOUT = 60.0

TEXT_FIELD = r"""
import sys
from PySide6.QtWidgets import QApplication, QLineEdit
app = QApplication(sys.argv)
edit = QLineEdit()
edit.setWindowTitle("target-field")
edit.resize(600, 40)
edit.move(40, 40)
out = sys.argv[1]
def save(text):
    with open(out + ".tmp", "w", encoding="utf-8") as f:
        f.write(text)
    import os; os.replace(out + ".tmp", out)
edit.textChanged.connect(save)
edit.show()
print(int(edit.winId()), flush=True)
app.exec()
"""


@pytest.fixture
def text_field(bench: Bench) -> Iterator[tuple[str, Path]]:
    """The other app: a QLineEdit in its own process, focused; its window id and text file."""
    out = bench.tmp / "field.txt"
    proc = subprocess.Popen([sys.executable, "-c", TEXT_FIELD, str(out)], env=bench.env,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    wid = proc.stdout.readline().strip()
    assert wid, "the text field did not start"
    poll(lambda: bench.x("xdotool", "search", "--onlyvisible", "--name", "target-field"),
          10)
    bench.x("xdotool", "windowfocus", "--sync", wid)
    yield wid, out
    proc.terminate()
    proc.wait(10)


def edited(messages: list[dict[str, Any]]) -> str:
    """A "model" whose cleanup is visible: tidy, and drop the first "the" (a word said)."""
    return re.sub(r"\bthe ", "", tidy(messages), count=1)


@pytest.fixture(autouse=True)
def visible_cleanup(fake_ollama: FakeOllama) -> None:
    """The Ollama stand-in answers with :func:`edited`."""
    fake_ollama.reply = edited


def start_app(bench: Bench, **settings: object) -> Proc:
    """Start Dictara in the tray and wait until the hotkey and the model are ready."""
    app = start_dictara(bench, "--tray", **settings)
    app.wait_for(r"Hotkey .* registered|global hotkey is off|cannot be the dictation hotkey"
                 r"|already used by another program", READY_TIMEOUT)
    return app


@pytest.fixture
def apps() -> Iterator[list[Proc]]:
    started: list[Proc] = []
    yield started
    for proc in started:
        proc.stop()


def dictate(bench: Bench, app: Proc, wid: str, field_file: Path,
            start: Callable[[], None], stop: Callable[[], None]) -> dict[str, float]:
    """Run one dictation into the text field; return measured figures."""
    bench.set_clipboard(PREVIOUS_CLIPBOARD)
    assert poll(lambda: bench.clipboard() == PREVIOUS_CLIPBOARD, 5)
    mark = len(app.lines)
    start()
    app.wait_for(r"Dictation \(\w+\): recording", 20, mark)
    shown = poll(lambda: visible(bench, "Dictara dictation"), 10)
    assert shown, "the dictation window did not appear"
    assert bench.focus() == wid, "the dictation window took the focus"
    bench.mic.play(ROOT / "tests" / "data" / CLIP).wait(30)
    time.sleep(0.3)  # the tail of the clip reaches the capture (a real pause, not a wait)
    shot = bench.tmp / "dictation-window.png"
    subprocess.run(["import", "-window", "root", str(shot)], env=bench.env, timeout=20,
                   check=False)
    stopped = time.monotonic()
    stop()
    text = poll(lambda: field_file.exists() and field_file.read_text(encoding="utf-8"),
                 TEXT_TIMEOUT)
    landed = time.monotonic()
    time.sleep(0.3)  # let the window paint the cleaned text (a picture, not a wait)
    subprocess.run(["import", "-window", "root", str(bench.tmp / "dictation-done.png")],
                   env=bench.env, timeout=20, check=False)
    assert text, "nothing arrived in the text field:\n" + "\n".join(app.lines[-30:])
    chats = bench.ollama.bodies("/api/chat")
    assert chats, "the cleanup never reached Ollama"
    expected = edited(chats[-1]["messages"])
    assert text == expected, "the pasted text is not the model's cleaned text"
    assert text != transcript(chats[-1]["messages"]).strip()
    assert wer([REFERENCE], [text]) < 25
    restored = poll(lambda: bench.clipboard() == PREVIOUS_CLIPBOARD, 5)
    assert restored, f"clipboard not restored: {bench.clipboard()!r}"
    assert bench.focus() == wid
    figures = {"stop_to_text_ms": (landed - stopped) * 1000}
    print(f"\nstop → text in the other app: {figures['stop_to_text_ms']:.0f} ms; "
          f"screenshot {shot}")
    return figures


def test_toggle_hotkey_pastes_the_cleaned_text(bench: Bench, text_field: tuple[str, Path],
                                               apps: list[Proc]) -> None:
    app = start_app(bench)
    apps.append(app)
    wid, out = text_field
    bench.x("xdotool", "windowfocus", "--sync", wid)
    press = ("xdotool", "key", "ctrl+alt+space")
    dictate(bench, app, wid, out, lambda: bench.x(*press), lambda: bench.x(*press))


def test_push_to_talk_by_key_down_and_up(bench: Bench, text_field: tuple[str, Path],
                                         apps: list[Proc]) -> None:
    app = start_app(bench, **{"hotkey.mode": "push_to_talk"})
    apps.append(app)
    wid, out = text_field
    bench.x("xdotool", "windowfocus", "--sync", wid)
    dictate(bench, app, wid, out,
            lambda: bench.x("xdotool", "keydown", "ctrl+alt+space"),
            lambda: bench.x("xdotool", "keyup", "ctrl+alt+space"))


def test_dictara_toggle_command_does_the_same(bench: Bench, text_field: tuple[str, Path],
                                              apps: list[Proc]) -> None:
    app = start_app(bench)
    apps.append(app)
    wid, out = text_field
    bench.x("xdotool", "windowfocus", "--sync", wid)

    def toggle() -> None:
        result = bench.dictara("toggle")
        assert result.returncode == 0, result.stderr

    dictate(bench, app, wid, out, toggle, toggle)


def test_escape_cancels_and_nothing_is_pasted(bench: Bench, text_field: tuple[str, Path],
                                              apps: list[Proc]) -> None:
    app = start_app(bench)
    apps.append(app)
    wid, out = text_field
    bench.x("xdotool", "windowfocus", "--sync", wid)
    mark = len(app.lines)
    bench.x("xdotool", "key", "ctrl+alt+space")
    app.wait_for(r"Dictation \(\w+\): recording", 20, mark)
    assert poll(lambda: visible(bench, "Dictara dictation"), 10)
    bench.mic.play(ROOT / "tests" / "data" / CLIP).wait(30)
    bench.x("xdotool", "key", "Escape")
    app.wait_for(r"Dictation cancelled", 10, mark)
    assert poll(lambda: not visible(bench, "Dictara dictation"), 10)
    result = bench.dictara("-v", "stop")  # idle: stop does nothing, reports the state
    assert (result.returncode, result.stdout) == (0, "idle\n")
    assert not out.exists() or out.read_text(encoding="utf-8") == ""
    assert not bench.ollama.bodies("/api/chat")


def test_second_instance_exits_and_shows_the_first(bench: Bench, apps: list[Proc]) -> None:
    app = start_app(bench)
    apps.append(app)
    mark = len(app.lines)
    second = bench.dictara()
    assert second.returncode == 0, second.stderr
    assert "already running" in second.stderr
    app.wait_for(r"IPC command show", 10, mark)
    assert poll(lambda: visible(bench, "Dictara"), 10)


def test_a_taken_hotkey_is_reported(bench: Bench, apps: list[Proc]) -> None:
    grabber = subprocess.Popen([sys.executable, "-c", GRAB_CTRL_ALT_SPACE], env=bench.env,
                               stdout=subprocess.PIPE, text=True)
    try:
        assert grabber.stdout is not None and grabber.stdout.readline().strip() == "grabbed"
        app = start_app(bench)
        apps.append(app)
        line = app.wait_for(r"already used by another program", 5).string
        assert ("Ctrl+Alt+Space is already used by another program, so Dictara cannot use "
                "it as its hotkey; choose another combination in Settings.") in line
    finally:
        grabber.terminate()
        grabber.wait(10)
