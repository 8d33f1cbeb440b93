"""`dictara dictate --clean`: a minute of speech on the PulseAudio microphone, cleaned while
spoken, against the loopback Ollama stand-in paced like a 3B model on a laptop (20 tok/s)."""

import csv
import json
import os
import signal
import subprocess
import sys
import time
import wave
from pathlib import Path

import numpy as np
import pytest

from desktop.engine.cleanup import Cleaner, CleanupOptions
from desktop.engine.cleanup.prompts import transcript_of
from desktop.engine.decode import SAMPLE_RATE, AudioFile
from tests.conftest import DATA_DIR
from tests.fake_ollama import FakeOllama, Pace
from tests.test_cli_dictate import ROOT, wait_for_line
from tests.wer import wer

# About a minute of real speech from tests/data, half a second apart, as one dictation.
CLIPS = ("local_whisper_dictation.wav", "jfk.flac", "LJ001-0001.wav", "1272-128104-0000.wav",
         "LJ001-0002.wav", "local_whisper_dictation.wav")
GAP_SECONDS = 0.5


def joined_clips(path: Path) -> str:
    """Write the clips as one 16-kHz WAV at ``path``; return their joined reference."""
    with (DATA_DIR / "manifest.tsv").open(newline="", encoding="utf-8") as f:
        references = {row["file"]: row["text"] for row in csv.DictReader(f, delimiter="\t")}
    gap = np.zeros(int(GAP_SECONDS * SAMPLE_RATE), dtype=np.float32)
    parts = []
    for name in CLIPS:
        with AudioFile(DATA_DIR / name) as media:
            parts += [*media.chunks(), gap]
    audio = (np.clip(np.concatenate(parts), -1, 1) * 32767).astype(np.int16)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SAMPLE_RATE)
        w.writeframes(audio.tobytes())
    return " ".join(references[name] for name in CLIPS)


@pytest.fixture
def paced_ollama() -> object:
    fake = FakeOllama(pace=Pace(tps=20)).start()
    yield fake
    fake.stop()


@pytest.mark.e2e
def test_a_minute_of_dictation_is_cleaned_soon_after_stop(pulse_mic, paced_ollama, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                          app_home: Path) -> None:
    clip = tmp_path / "minute.wav"
    reference = joined_clips(clip)
    env = {**pulse_mic.env, "OLLAMA_HOST": paced_ollama.url, "DICTARA_HOME": str(app_home)}
    proc = subprocess.Popen([sys.executable, "-m", "desktop", "dictate", "--clean", "--json"],
                            cwd=ROOT, text=True, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    assert proc.stderr is not None
    wait_for_line(proc.stderr, "Listening")
    assert pulse_mic.play(clip).wait(timeout=120) == 0
    time.sleep(0.7)  # the room after the last word, before the user presses stop
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert "Traceback" not in err, err
    result = json.loads(out)
    assert {"cleaned", "cleanup_backend", "fallback_reason", "stop_to_cleaned_ms"} <= set(result)
    assert result["cleanup_backend"] == "ollama" and result["fallback_reason"] is None
    pieces = [transcript_of(b["messages"]) for b in paced_ollama.bodies("/api/chat")]
    assert len(pieces) >= 4  # cleaned while speaking, not once at the end

    began = time.monotonic()
    whole = Cleaner(CleanupOptions(host=paced_ollama.url, timeout=120)).clean(result["text"])
    whole_ms = (time.monotonic() - began) * 1000
    raw_wer, cleaned_wer = wer([reference], [result["text"]]), wer([reference], [result["cleaned"]])
    print(f"stop→cleaned {result['stop_to_cleaned_ms']} ms, whole cleanup {whole_ms:.0f} ms, "
          f"{len(pieces)} requests; WER raw {raw_wer:.1f}, cleaned {cleaned_wer:.1f}")
    assert whole.backend == "ollama"
    assert result["stop_to_cleaned_ms"] <= 0.3 * whole_ms
    assert cleaned_wer <= raw_wer + 2.0


def test_dictate_clean_needs_no_microphone_to_refuse_a_bad_preset(app_home: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "desktop", "dictate", "--clean", "--preset",
                           "poem"], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "DICTARA_HOME": str(app_home)})
    assert proc.returncode == 2 and "invalid choice: 'poem'" in proc.stderr
