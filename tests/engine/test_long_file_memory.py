"""A long real-speech file's peak memory does not grow with its length.

Each file is transcribed in a fresh process, whose high-water mark (``VmHWM``) is the
figure. The files repeat one unit: 9.5 minutes of the real-speech clips of ``tests/data``
joined, then 2 s of silence, where the transcriber cuts its 10-minute windows. So every
window holds the same speech, and a longer file only has more of the same windows: how
much a window needs varies with what is said in it (a hard passage is decoded again,
five candidates at a time), by tens of MB between windows of different speech.
"""

import json
import subprocess
import sys
import wave
from pathlib import Path

import numpy as np
import pytest

from tests.ui.conftest import read_clip

pytestmark = pytest.mark.slow

CLIPS = ("LJ001-0001.wav", "1272-128104-0000.wav", "jfk.flac", "LJ001-0002.wav")
ROOT = Path(__file__).resolve().parents[2]
UNIT_SPEECH_SECONDS = 570  # then 2 s of silence, in the last tenth of a 600-s window
CHILD = """
import json, sys
from pathlib import Path
from desktop.engine import models
from desktop.engine.transcriber import TranscribeOptions, Transcriber

def high_water():
    return int(Path("/proc/self/status").read_text().split("VmHWM:")[1].split()[0]) // 1024

transcriber = Transcriber(models.bundled_model(), models.ModelOptions())
transcriber.model()
idle = high_water()
result = transcriber.transcribe_file(Path(sys.argv[1]), TranscribeOptions(language="en"))
print(json.dumps({"idle": idle, "peak": high_water(), "words": len(result.text.split())}))
"""


def speech(units: int, data_dir: Path, target: Path) -> Path:
    """Write ``units`` times the unit (speech, then silence) as a 16-kHz WAV."""
    gap = np.zeros(8000, dtype=np.float32)
    once = np.concatenate([part for clip in CLIPS for part in (read_clip(data_dir / clip), gap)])
    unit = np.concatenate([np.resize(once, int(UNIT_SPEECH_SECONDS * 16000)),
                           np.zeros(2 * 16000, dtype=np.float32)])
    audio = np.tile(unit, units)
    with wave.open(str(target), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes((np.clip(audio, -1, 1) * 32767).astype("<i2").tobytes())
    return target


def transcribe(path: Path) -> dict[str, int]:
    out = subprocess.run([sys.executable, "-c", CHILD, str(path)], capture_output=True,
                         text=True, check=True, cwd=ROOT, timeout=600).stdout
    return json.loads(out.splitlines()[-1])  # type: ignore[no-any-return]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_peak_memory_does_not_grow_with_the_length(data_dir: Path, tmp_path: Path) -> None:
    short = transcribe(speech(2, data_dir, tmp_path / "nineteen-minutes.wav"))
    long = transcribe(speech(4, data_dir, tmp_path / "thirty-eight-minutes.wav"))
    print(f"\npeak over idle: 19 min {short['peak'] - short['idle']} MB, "
          f"38 min {long['peak'] - long['idle']} MB")
    # Real speech all the way (Whisper's fallback decodes sample at random: the counts vary).
    assert long["words"] > 1.5 * short["words"] > 1800
    assert long["peak"] - long["idle"] <= short["peak"] - short["idle"] + 30
    assert long["peak"] <= 500  # tiny.en: the target for a ~10-minute file
