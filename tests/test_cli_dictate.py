"""`dictara dictate` on the real audio stack, and recovery after a SIGKILL mid-dictation."""

import json
import os
import re
import signal
import subprocess
import sys
import time
import wave
from pathlib import Path

import pytest

from tests.conftest import DATA_DIR
from tests.wer import wer

CLIP = DATA_DIR / "LJ001-0001.wav"
REFERENCE = ("Printing, in the only sense with which we are at present concerned, differs from "
             "most if not from all the arts and crafts represented in the Exhibition")
ROOT = Path(__file__).resolve().parents[1]


def dictara(*args: str, env: dict[str, str] | None = None, **kwargs: object
            ) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "desktop", *args], cwd=ROOT, text=True,
                            env=env or dict(os.environ), **kwargs)  # type: ignore[call-overload]


def wait_for_line(stream: object, wanted: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    for line in stream:  # type: ignore[attr-defined]
        if wanted in line:
            return
        assert time.monotonic() < deadline, f"no {wanted!r} line within {timeout} s"
    pytest.fail(f"the process ended without printing {wanted!r}")


@pytest.mark.e2e
def test_dictate_on_pulseaudio_matches_transcribe_and_stops_on_sigterm(pulse_mic) -> None:  # type: ignore[no-untyped-def]
    proc = dictara("dictate", "--json", env=pulse_mic.env, stdout=subprocess.PIPE,
                   stderr=subprocess.PIPE)
    wait_for_line(proc.stderr, "Listening")
    player = pulse_mic.play(CLIP)
    assert player.wait(timeout=60) == 0
    time.sleep(0.7)  # the room after the last word, before the user presses stop
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert "Traceback" not in err and "Error" not in err, err  # a whole dictation, no traceback
    assert "… printing, in the only sense" in err.lower(), err  # the live text
    result = json.loads(out)
    assert set(result) == {"text", "heard", "duration", "language", "model", "committed_segments",
                           "stop_to_final_ms", "recording"}
    assert (result["language"], result["model"]) == ("en", "tiny.en")
    assert Path(result["recording"]).is_file()
    assert result["duration"] == pytest.approx(9.7 + 0.7, abs=1.5)
    transcribed = subprocess.run([sys.executable, "-m", "desktop", "transcribe", str(CLIP)],
                                 cwd=ROOT, capture_output=True, text=True, check=True).stdout
    dictated_wer, file_wer = wer([REFERENCE], [result["text"]]), wer([REFERENCE], [transcribed])
    print(f"dictate WER {dictated_wer:.1f} vs transcribe WER {file_wer:.1f}; "
          f"stop_to_final {result['stop_to_final_ms']} ms; text: {result['text']}")
    assert dictated_wer <= file_wer + 2.0


def test_sigkill_mid_dictation_loses_at_most_half_a_second(tmp_path: Path, app_home: Path
                                                          ) -> None:
    progress = tmp_path / "fed.txt"
    proc = subprocess.Popen([sys.executable, "-m", "tests.replay_dictation", str(CLIP),
                             str(progress)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    wait_for_line(proc.stdout, "listening")
    time.sleep(4.0)
    proc.kill()
    proc.wait()
    assert proc.stdout is not None
    proc.stdout.close()
    fed = float(progress.read_text().split()[-1])

    listed = subprocess.run([sys.executable, "-m", "desktop", "recover", "--list", "--json"],
                            cwd=ROOT, capture_output=True, text=True, check=True).stdout
    records = [json.loads(line) for line in listed.splitlines()]
    assert len(records) == 1, listed
    record = records[0]
    assert set(record) == {"recording", "duration", "started"}
    assert fed - 0.5 <= record["duration"] <= fed + 0.05
    assert time.time() - 30 < _timestamp(record["started"]) < time.time()

    recovered = subprocess.run([sys.executable, "-m", "desktop", "recover", "--json"],
                               cwd=ROOT, capture_output=True, text=True, check=True).stdout
    text = json.loads(recovered.splitlines()[0])["text"]
    assert re.sub(r"[^a-z ]", "", text.lower()).split()[:4] == ["printing", "in", "the", "only"]
    with wave.open(record["recording"], "rb") as w:  # the header is repaired
        assert w.getnframes() / w.getframerate() == pytest.approx(record["duration"], abs=0.01)
    again = subprocess.run([sys.executable, "-m", "desktop", "recover", "--list", "--json"],
                           cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert again == ""


def _timestamp(iso: str) -> float:
    from datetime import datetime

    return datetime.fromisoformat(iso).timestamp()
