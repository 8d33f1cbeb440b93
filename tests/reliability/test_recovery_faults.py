"""Dictations cut off by a real SIGKILL, recovered by ``dictara recover`` as users run it."""

import json
import sys
import time
from pathlib import Path

from tests.conftest import DATA_DIR
from tests.reliability.faults import assert_one_sentence, kill_when_ready, run

CLIP = DATA_DIR / "LJ001-0001.wav"


def crash(home: Path, clip: Path | None) -> None:
    """A dictation process killed while recording ``clip`` (None: before any audio)."""
    kill_when_ready([sys.executable, "-m", "tests.reliability.crash_spool",
                     str(clip) if clip else "-"], "ready", home)
    time.sleep(0.01)  # distinct start times, so the recordings sort in crash order


def test_a_dictation_killed_before_any_audio_does_not_block_the_others(tmp_path: Path
                                                                       ) -> None:
    home = tmp_path / "home"
    recordings = home / "data" / "recordings"
    crash(home, None)  # first, so it is met first
    crash(home, CLIP)
    empty, full = sorted(recordings.glob("*.wav"))
    assert empty.stat().st_size == 0 and full.stat().st_size > 100_000

    result = run("recover", "--json", home=home)

    assert result.code == 0, result.err
    assert_one_sentence(result, "warning", str(empty), "nothing to recover", "removed")
    record = json.loads(result.out)
    assert record["recording"] == str(full)
    assert record["text"].lower().startswith("printing, in the only sense")
    assert not empty.exists() and full.is_file()  # the audio the user had is kept
    assert not list(recordings.glob("*.recording"))  # both are finished with
    stored = [json.loads(line) for line in run("history", "--json", home=home).out.splitlines()]
    assert [(e["kind"], e["raw"]) for e in stored] == [("recovered", record["text"])]
    assert run("recover", "--list", home=home).out == ""

