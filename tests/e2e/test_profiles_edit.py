"""End to end on the bench: per-app profiles and edit by voice, in a real Dictara process.

Three other apps, each a QLineEdit in its own process with its own ``WM_CLASS``: a dictation
into ``quietapp`` (whose profile turns pasting off) lands on the clipboard only; one into
``loudapp`` (no profile) is pasted; and in ``editapp`` a selected line is rewritten by a
spoken instruction (a real recording played into the PulseAudio microphone) through the
loopback Ollama stand-in, whose "model" answers an edit with the selection in capitals
and cleans a dictation visibly (tidied, its first "the" dropped).
"""

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import ROOT, Bench, Proc, poll, visible
from tests.e2e.test_hotkey_paste import (
    CLIP,
    PREVIOUS_CLIPBOARD,
    TEXT_TIMEOUT,
    edited,
    start_app,
)
from tests.fake_ollama import FakeOllama, instruction, selection, shout, transcript

pytestmark = pytest.mark.e2e

INSTRUCTION_CLIP = "pocketsphinx_goforward.wav"  # "go forward ten meters"
LINE = "the meeting moved to thursday at ten"

FIELD = r"""
import os, sys
from PySide6.QtWidgets import QApplication, QLineEdit
app = QApplication([sys.argv[1]])  # the program name becomes the window's WM_CLASS
edit = QLineEdit(sys.argv[3])
edit.setWindowTitle(sys.argv[1] + "-field")
edit.resize(600, 40)
out = sys.argv[2]
def save(text):
    with open(out + ".tmp", "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(out + ".tmp", out)
edit.textChanged.connect(save)
edit.show()
print(int(edit.winId()), flush=True)
app.exec()
"""


def model(messages: list[dict[str, Any]]) -> str:
    """The stand-in's answer: an edit in capitals, a cleanup visibly edited."""
    return shout(messages) if selection(messages) else edited(messages)


@pytest.fixture(autouse=True)
def edits_in_capitals(fake_ollama: FakeOllama) -> None:
    """The stand-in answers with :func:`model`."""
    fake_ollama.reply = model


@pytest.fixture
def fields(bench: Bench) -> Iterator["Fields"]:
    with ExitStack() as stack:
        yield Fields(bench, stack)


class Fields:
    """Starts text fields of given classes; each is stopped with the test."""

    def __init__(self, bench: Bench, stack: ExitStack) -> None:
        self._bench, self._stack = bench, stack

    def open(self, klass: str, text: str = "") -> tuple[str, Path]:
        """Start a field of ``WM_CLASS`` ``klass``, focus it; return its window and file."""
        out = self._bench.tmp / f"{klass}.txt"
        proc = subprocess.Popen([sys.executable, "-c", FIELD, klass, str(out), text],
                                env=self._bench.env, stdout=subprocess.PIPE, text=True)
        self._stack.callback(_stop, proc)
        assert proc.stdout is not None
        wid = proc.stdout.readline().strip()
        assert wid, f"the {klass} field did not start"
        assert poll(lambda: visible(self._bench, f"{klass}-field"), 10)
        self._bench.x("xdotool", "windowfocus", "--sync", wid)
        assert self._bench.x("xprop", "-id", wid, "WM_CLASS").endswith(f'"{klass}"')
        return wid, out


def _stop(proc: "subprocess.Popen[str]") -> None:
    proc.terminate()
    proc.wait(10)


def speak_between(bench: Bench, app: Proc, keys: str, clip: str, owner: str) -> int:
    """Press ``keys``, say ``clip`` into the microphone, press ``keys`` again."""
    mark = len(app.lines)
    bench.x("xdotool", "key", keys)
    app.wait_for(rf"Dictation \({owner}\): recording", 20, mark)
    assert poll(lambda: visible(bench, "Dictara dictation"), 10)
    bench.mic.play(ROOT / "tests" / "data" / clip).wait(30)
    time.sleep(0.3)  # the tail of the clip reaches the capture (a real pause, not a wait)
    bench.x("xdotool", "key", keys)
    return mark


def text_of(out: Path) -> str:
    return out.read_text(encoding="utf-8") if out.exists() else ""


def test_the_app_in_front_picks_the_profile(bench: Bench, fields: Fields) -> None:
    added = bench.dictara("profile", "add", "quiet", "--app", "quietapp", "--paste-mode",
                          "off")
    assert added.returncode == 0, added.stderr
    app = start_app(bench)
    try:
        quiet_wid, quiet_out = fields.open("quietapp")
        bench.set_clipboard(PREVIOUS_CLIPBOARD)
        assert poll(lambda: bench.clipboard() == PREVIOUS_CLIPBOARD, 5)
        mark = speak_between(bench, app, "ctrl+alt+space", CLIP, "hotkey")
        app.wait_for(r"Profile for quietapp .*: quiet$", 5, mark)
        copied = poll(lambda: bench.clipboard() not in ("", PREVIOUS_CLIPBOARD) and
                      bench.clipboard(), TEXT_TIMEOUT)
        assert copied, "the cleaned text never reached the clipboard:\n" + "\n".join(
            app.lines[-30:])
        chats = bench.ollama.bodies("/api/chat")
        assert copied == model(chats[-1]["messages"])
        assert "quilter" in copied.lower()
        time.sleep(1.0)  # a paste would have come by now (a real pause, not a wait)
        assert text_of(quiet_out) == "", "paste mode off, yet the text was pasted"
        assert bench.clipboard() == copied, "paste mode off leaves the text on the clipboard"
        assert bench.focus() == quiet_wid

        loud_wid, loud_out = fields.open("loudapp")
        bench.set_clipboard(PREVIOUS_CLIPBOARD)
        assert poll(lambda: bench.clipboard() == PREVIOUS_CLIPBOARD, 5)
        mark = speak_between(bench, app, "ctrl+alt+space", CLIP, "hotkey")
        app.wait_for(r"Profile for loudapp .*: none$", 5, mark)
        pasted = poll(lambda: text_of(loud_out), TEXT_TIMEOUT)
        assert pasted, "nothing was pasted into loudapp:\n" + "\n".join(app.lines[-30:])
        chats = bench.ollama.bodies("/api/chat")
        assert pasted == model(chats[-1]["messages"])
        assert pasted != transcript(chats[-1]["messages"]).strip()
        assert poll(lambda: bench.clipboard() == PREVIOUS_CLIPBOARD, 5), "not restored"
        assert bench.focus() == loud_wid
    finally:
        app.stop()


def test_a_spoken_instruction_rewrites_the_selected_line(bench: Bench, fields: Fields) -> None:
    app = start_app(bench)
    try:
        wid, out = fields.open("editapp", LINE)
        bench.set_clipboard(PREVIOUS_CLIPBOARD)
        assert poll(lambda: bench.clipboard() == PREVIOUS_CLIPBOARD, 5)
        bench.x("xdotool", "key", "ctrl+a")  # select the line
        mark = speak_between(bench, app, "ctrl+alt+e", INSTRUCTION_CLIP, "edit")
        rewritten = poll(lambda: text_of(out) == LINE.upper(), TEXT_TIMEOUT)
        assert rewritten, (f"the line is {text_of(out)!r}, not the rewrite:\n"
                           + "\n".join(app.lines[mark:]))
        app.wait_for(r"Edit applied", 5, mark)
        (chat,) = [body["messages"] for body in bench.ollama.bodies("/api/chat")
                   if selection(body["messages"])]
        assert selection(chat) == LINE
        told = instruction(chat).lower()
        assert "forward" in told and ("ten" in told or "10" in told), told
        assert poll(lambda: bench.clipboard() == PREVIOUS_CLIPBOARD, 5), "not restored"
        assert bench.focus() == wid
    finally:
        app.stop()
