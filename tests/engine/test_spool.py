"""Spool: WAV written as captured, user-only files, crash detection, repair, retention."""

import os
import stat
import wave
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from desktop.engine import spool
from desktop.engine.spool import Spool


def tone(seconds: float) -> np.ndarray:
    return (0.25 * np.sin(np.arange(int(seconds * 16000)) / 10)).astype(np.float32)


def crash(writer: Spool) -> None:
    """Drop the spool's files the way a killed process does: no close(), no header fix."""
    writer._wav._file = None  # type: ignore[attr-defined]  # its __del__ would patch the header
    writer._file.close()
    writer._marker.close()


def test_a_closed_spool_is_a_private_wav_of_what_was_written(tmp_path: Path) -> None:
    writer = Spool.create(tmp_path / "recordings")
    for _ in range(10):
        writer.write(tone(0.1))
    path = writer.close()
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with wave.open(str(path), "rb") as w:
        assert (w.getframerate(), w.getnchannels(), w.getnframes()) == (16000, 1, 16000)
    assert spool.unfinished(path.parent) == []


def test_audio_reaches_the_disk_within_a_quarter_second(tmp_path: Path) -> None:
    writer = Spool.create(tmp_path)
    writer.write(tone(0.3))
    assert os.path.getsize(writer.path) == spool.HEADER_BYTES + int(0.3 * 16000) * 2
    writer.close()


def test_a_running_spool_is_not_unfinished_but_a_crashed_one_is(tmp_path: Path) -> None:
    started = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    writer = Spool.create(tmp_path, started)
    writer.write(tone(1.0))
    assert spool.unfinished(tmp_path) == []  # still recording (locked)
    crash(writer)
    [info] = spool.unfinished(tmp_path)
    assert (info.path, info.duration, info.started) == (writer.path, 1.0, started)
    spool.finalise(info)
    with wave.open(str(info.path), "rb") as w:
        assert w.getnframes() == 16000
    assert spool.unfinished(tmp_path) == []


def test_a_header_behind_the_data_is_repaired_from_the_file_size(tmp_path: Path) -> None:
    writer = Spool.create(tmp_path)
    writer.write(tone(0.5))
    crash(writer)
    with writer.path.open("ab") as f:  # data written, header not yet patched
        f.write(b"\x01\x00" * 800 + b"\x02")
    [info] = spool.unfinished(tmp_path)
    assert info.duration == pytest.approx(0.55)
    spool.finalise(info)
    with wave.open(str(info.path), "rb") as w:
        assert w.getnframes() == 8800


@pytest.mark.parametrize(("keep_days", "deleted"), [(-1, []), (0, ["old", "new"]), (7, ["old"])])
def test_prune_deletes_finished_recordings_by_age(tmp_path: Path, keep_days: int,
                                                  deleted: list[str]) -> None:
    now = datetime.now(UTC)
    for name, age in (("old", 30), ("new", 1)):
        path = tmp_path / f"{name}.wav"
        path.write_bytes(b"")
        when = (now - timedelta(days=age)).timestamp()
        os.utime(path, (when, when))
    crashed = Spool.create(tmp_path, now - timedelta(days=60))
    crash(crashed)
    gone = spool.prune(tmp_path, keep_days, now)
    assert sorted(p.stem for p in gone) == sorted(deleted)
    assert crashed.path.exists()  # unfinished recordings wait for recovery


def test_a_spool_killed_before_any_audio_is_removed_with_a_sentence(tmp_path: Path) -> None:
    writer = Spool.create(tmp_path)
    crash(writer)
    (info,) = spool.unfinished(tmp_path)
    with pytest.raises(spool.NothingRecordedError, match="nothing to recover"):
        spool.finalise(info)
    assert list(tmp_path.iterdir()) == []


def test_a_torn_header_is_rewritten_whole(tmp_path: Path) -> None:
    writer = Spool.create(tmp_path)
    writer.write(tone(1.0))
    writer.flush()
    crash(writer)
    with writer.path.open("r+b") as f:
        f.write(b"\0" * 20)  # the kill landed while the header was being written
    (info,) = spool.unfinished(tmp_path)
    with wave.open(str(spool.finalise(info))) as w:
        assert (w.getframerate(), w.getnframes()) == (16000, 16000)

