"""End to end on the bench, hands free: a dictation that stops itself after silence, low
noise with the app's own sounds on gives no text, and a model freed when idle costs no
first word; ``dictara dictate`` stops after silence and says when nothing was heard.

Dictara runs as a real process in the tray (see ``test_hotkey_paste.py``). The bench's
microphone is the monitor of the speaker sink: it hears the start and stop sounds, as a
laptop's microphone hears its speakers.
"""

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from desktop.engine.decode import AudioFile
from desktop.paths import AppPaths
from tests.e2e.conftest import ROOT, Bench, Proc, poll
from tests.e2e.test_hotkey_paste import (  # noqa: F401 (fixtures)
    CLIP,
    REFERENCE,
    TEXT_TIMEOUT,
    apps,
    start_app,
    text_field,
    visible_cleanup,
)
from tests.wer import wer

pytestmark = pytest.mark.e2e

PRESS = ("xdotool", "key", "ctrl+alt+space")


def recording(bench: Bench) -> np.ndarray:
    """The newest dictation recording (as captured, before any muting)."""
    paths = AppPaths.under(bench.home / "config", bench.home / "data", bench.home / "logs")
    newest = max(paths.recordings_dir.glob("*.wav"), key=lambda p: p.stat().st_mtime)
    with AudioFile(newest) as media:
        return np.concatenate(list(media.chunks()))


def rss_mb(app: Proc) -> float:
    status = Path(f"/proc/{app.popen.pid}/status").read_text()
    return int(next(line for line in status.splitlines() if line.startswith("VmRSS")).split()[1]
               ) / 1024


def pasted(out: Path) -> str:
    """Wait for the text field's text (empty if nothing came in time)."""
    found = poll(lambda: out.exists() and out.read_text(encoding="utf-8"), TEXT_TIMEOUT)
    return found if isinstance(found, str) else ""


def wait_listening(proc: "subprocess.Popen[str]") -> None:
    """Read ``dictara dictate``'s stderr up to the line that says it listens."""
    assert proc.stderr is not None
    for line in proc.stderr:
        if "Listening" in line:
            return
    pytest.fail("dictara dictate ended without listening")


def start_recording(bench: Bench, app: Proc, wid: str) -> int:
    bench.x("xdotool", "windowfocus", "--sync", wid)
    mark = len(app.lines)
    bench.x(*PRESS)
    app.wait_for(r"Dictation \(hotkey\): recording", 20, mark)
    return mark


def test_a_hotkey_dictation_stops_itself_after_silence_and_pastes(
        bench: Bench, text_field: tuple[str, Path], apps: list[Proc]) -> None:  # noqa: F811
    app = start_app(bench, **{"dictation.stop_after_silence": 1.5, "ui.sounds": True})
    apps.append(app)
    wid, out = text_field
    mark = start_recording(bench, app, wid)
    time.sleep(0.6)  # people speak after the start sound (a real pause, not a wait)
    bench.mic.play(ROOT / "tests" / "data" / CLIP).wait(30)
    ended = time.monotonic()
    # No second key press: 1.5 s of silence after the last word stops it.
    text = pasted(out)
    assert text, "nothing arrived in the text field:\n" + "\n".join(app.lines[-30:])
    app.wait_for(r"Stopped after 1.5 s of silence", 1, mark)
    app.wait_for(r"Dictation \(hotkey\): finishing", 1, mark)
    assert wer([REFERENCE], [text]) < 25
    assert bench.focus() == wid
    print(f"\nlast word → text in the other app: {(time.monotonic() - ended) * 1000:.0f} ms")


def test_low_pink_noise_with_the_sounds_on_pastes_nothing(
        bench: Bench, text_field: tuple[str, Path], apps: list[Proc]) -> None:  # noqa: F811
    noise = bench.tmp / "pink.wav"
    subprocess.run(["sox", "-n", "-r", "16000", "-c", "1", "-b", "16", str(noise), "synth", "5",
                    "pinknoise", "vol", "0.03"], check=True, timeout=20)
    app = start_app(bench, **{"dictation.stop_after_silence": 1.0, "ui.sounds": True})
    apps.append(app)
    wid, out = text_field
    mark = start_recording(bench, app, wid)
    bench.mic.play(noise).wait(30)
    assert poll(lambda: "Stopped after" in "\n".join(app.lines[mark:]), 0.5) is False, \
        "nobody spoke: the silence setting must not stop it"
    bench.x(*PRESS)
    line = app.wait_for(r"Dictation \(hotkey\) failed: (.*)", TEXT_TIMEOUT, mark)
    assert line.group(1).startswith("Nothing was heard.")
    time.sleep(1.0)  # the stop sound plays now: it must not bring a late paste
    assert not out.exists() or out.read_text(encoding="utf-8") == ""
    assert not bench.ollama.bodies("/api/chat")
    # The microphone did hear the start sound (about -16 dBFS over the noise's -44).
    audio = recording(bench)
    window = 800  # 50 ms
    rms = np.sqrt(np.mean(audio[: len(audio) // window * window].reshape(-1, window) ** 2,
                          axis=1))
    assert rms.max() > 0.05, "the start sound never reached the microphone"


def test_after_the_idle_unload_rss_is_lower_and_the_first_word_is_kept(
        bench: Bench, text_field: tuple[str, Path], apps: list[Proc]) -> None:  # noqa: F811
    app = start_app(bench, **{"whisper.unload_after": 4.0,
                              "dictation.stop_after_silence": 1.5})
    apps.append(app)
    wid, out = text_field
    loaded = rss_mb(app)
    app.wait_for(r"Speech model .* freed after 4 s without use", 30)
    freed = rss_mb(app)
    assert freed < loaded - 30, f"RSS {loaded:.0f} MB with the model, {freed:.0f} MB freed"
    start_recording(bench, app, wid)
    bench.mic.play(ROOT / "tests" / "data" / CLIP).wait(30)  # at once: the model still loads
    text = pasted(out)
    assert text, "nothing arrived in the text field:\n" + "\n".join(app.lines[-30:])
    assert text.lower().startswith(("mister", "mr")), text
    assert wer([REFERENCE], [text]) < 25
    print(f"\nRSS {loaded:.0f} MB loaded, {freed:.0f} MB after the idle unload")


def test_cli_dictate_stops_itself_after_silence(bench: Bench) -> None:
    proc = subprocess.Popen([sys.executable, "-m", "desktop", "dictate", "--json",
                             "--stop-after-silence", "1.5"], env=bench.env, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wait_listening(proc)
    bench.mic.play(ROOT / "tests" / "data" / CLIP).wait(30)
    out, err = proc.communicate(timeout=30)  # no signal: it ends by itself
    assert proc.returncode == 0, err
    result = json.loads(out)
    assert wer([REFERENCE], [result["text"]]) < 25
    assert result["duration"] < 5.9 + 1.5 + 2.0


def test_cli_dictate_of_noise_says_nothing_was_heard(bench: Bench) -> None:
    noise = bench.tmp / "pink.wav"
    subprocess.run(["sox", "-n", "-r", "16000", "-c", "1", "-b", "16", str(noise), "synth", "3",
                    "pinknoise", "vol", "0.03"], check=True, timeout=20)
    proc = subprocess.Popen([sys.executable, "-m", "desktop", "dictate"], env=bench.env,
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wait_listening(proc)
    bench.mic.play(noise).wait(30)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert out.strip() == ""
    assert "Nothing was heard." in err
