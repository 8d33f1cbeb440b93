"""A damaged history, an unreadable settings file and a full disk, met by the real CLI."""

import json
import sys
from pathlib import Path

from tests.conftest import DATA_DIR
from tests.reliability.faults import (
    assert_one_sentence,
    kill_when_ready,
    run,
    small_disk,
)

CLIP = DATA_DIR / "LJ001-0001.wav"
CONFIG = """version = 1

[whisper]
beam_size = 3

[cleanup
preset = "notes"
"""  # a section header without its closing bracket: not TOML


def test_a_damaged_history_is_kept_aside_and_a_new_one_stores(tmp_path: Path) -> None:
    home = tmp_path / "home"
    db = home / "data" / "history.sqlite3"
    db.parent.mkdir(parents=True)
    damaged = b"SQLite format 3\x00" + b"\xff" * 8000
    db.write_bytes(damaged)
    kill_when_ready([sys.executable, "-m", "tests.reliability.crash_spool", str(CLIP)],
                    "ready", home)

    result = run("recover", "--json", home=home)

    assert result.code == 0, result.err
    line = assert_one_sentence(result, "warning", str(db), "damaged", "new, empty history")
    kept = list(db.parent.glob("history.sqlite3.corrupt-*"))
    assert len(kept) == 1 and str(kept[0]) in line
    assert kept[0].read_bytes() == damaged  # what the user had is kept, byte for byte
    stored = [json.loads(e) for e in run("history", "--json", home=home).out.splitlines()]
    assert [e["raw"] for e in stored] == [json.loads(result.out)["text"]]


def test_config_set_refuses_to_replace_an_unreadable_settings_file(tmp_path: Path) -> None:
    home = tmp_path / "home"
    config = home / "config" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(CONFIG)

    result = run("config", "set", "whisper.language", "de", home=home)

    assert result.code == 1
    assert_one_sentence(result, "error", str(config), "nothing was changed", "fix")
    assert config.read_text() == CONFIG
    assert sorted(p.name for p in config.parent.iterdir()) == ["config.toml"]


def test_config_set_on_a_full_disk_keeps_the_old_file_and_leaves_no_tmp(tmp_path: Path
                                                                        ) -> None:
    home = tmp_path / "home"
    config = home / "config" / "config.toml"
    assert run("config", "set", "whisper.beam_size", "3", home=home).code == 0
    before = config.read_bytes()
    with small_disk(home / "config") as disk:
        config.write_bytes(before)  # on the small disk now
        disk.fill()
        result = run("config", "set", "whisper.language", "de", home=home, limit=disk.limit)

        assert result.code == 1
        assert_one_sentence(result, "error", str(config), "disk is not full")
        assert config.read_bytes() == before
        assert not list(config.parent.glob("*.tmp"))


def test_settings_warnings_are_printed_once(tmp_path: Path) -> None:
    home = tmp_path / "home"
    config = home / "config" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('[whisper]\nbeam_size = 99\n')

    result = run("config", "get", "whisper.beam_size", home=home)

    assert (result.code, result.out) == (0, "5\n")
    assert result.err.count("beam_size") == 1, result.err


def test_a_full_disk_when_dictation_starts_leaves_no_marker(tmp_path: Path) -> None:
    home = tmp_path / "home"
    recordings = home / "data" / "recordings"
    with small_disk(recordings) as disk:
        disk.fill()
        result = run(str(CLIP), "--seconds", "2", home=home, limit=disk.limit,
                     module="tests.reliability.fake_mic_dictate")

        assert result.code == 1
        assert_one_sentence(result, "error", "could not write the recording", "disk space")
        assert not list(recordings.glob("dictation-*"))  # no spool, no orphan marker


def test_a_disk_that_fills_mid_dictation_keeps_the_text(tmp_path: Path) -> None:
    home = tmp_path / "home"
    recordings = home / "data" / "recordings"
    with small_disk(recordings) as disk:
        disk.fill(leave=100_000)  # about three seconds of 16 kHz audio
        result = run(str(CLIP), "--seconds", "8", home=home, limit=disk.limit,
                     module="tests.reliability.fake_mic_dictate")

        assert result.code == 1
        assert_one_sentence(result, "error", "could not be written further",
                            "text so far is kept")
        assert result.out.lower().startswith("printing"), result.out  # the text is printed
        kept = list(recordings.glob("dictation-*"))
        assert len(kept) == 1 and kept[0].suffix == ".wav"  # finished: no marker
        assert 60_000 < kept[0].stat().st_size <= 100_000 + 44  # what fitted is kept
