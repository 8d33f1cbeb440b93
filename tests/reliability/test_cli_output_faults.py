"""``dictara transcribe``'s inputs and ``-o`` folder when they are not what they seem."""

import os
import shutil
from pathlib import Path

from tests.conftest import DATA_DIR
from tests.reliability.faults import assert_one_sentence, run, small_disk

CLIP = DATA_DIR / "LJ001-0002.wav"


def test_two_inputs_with_one_name_get_two_transcripts(tmp_path: Path) -> None:
    first, second = tmp_path / "a" / "take.wav", tmp_path / "b" / "take.wav"
    for path, clip in ((first, CLIP), (second, DATA_DIR / "LJ001-0001.wav")):
        path.parent.mkdir()
        shutil.copy(clip, path)
    out = tmp_path / "out"

    result = run("transcribe", "-q", "-o", str(out), str(first), str(second),
                 home=tmp_path / "home")

    assert result.code == 0, result.err
    assert sorted(p.name for p in out.iterdir()) == ["take-2.txt", "take.txt"]
    assert "printing" not in (out / "take.txt").read_text().lower()
    assert "printing" in (out / "take-2.txt").read_text().lower()
    assert f"{second} -> {out / 'take-2.txt'} (another input is also named take.txt)" in \
        result.err


def test_an_output_folder_under_a_file_is_one_sentence(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes")

    result = run("transcribe", "-o", str(notes / "out"), str(CLIP), home=tmp_path / "home")

    assert result.code == 2
    assert_one_sentence(result, "error", str(notes / "out"), "cannot be created")
    assert notes.read_text() == "my notes"


def test_a_full_output_disk_is_one_sentence_per_file_and_no_tmp(tmp_path: Path) -> None:
    with small_disk(tmp_path / "out") as disk:
        disk.fill()
        result = run("transcribe", "-q", "-o", str(disk.path), str(CLIP),
                     str(DATA_DIR / "LJ001-0001.wav"), home=tmp_path / "home",
                     limit=disk.limit)

        assert result.code == 1
        assert "Traceback" not in result.err
        lines = [line for line in result.err.splitlines() if line.startswith("error: ")]
        assert len(lines) == 2 and all("free some disk space" in line for line in lines)
        assert not [p for p in disk.path.iterdir() if not p.name.startswith(".filler")]


def test_a_pipe_is_not_called_empty(tmp_path: Path) -> None:
    fifo = tmp_path / "audio.wav"
    os.mkfifo(fifo)

    result = run("transcribe", str(fifo), home=tmp_path / "home")

    assert (result.code, result.out) == (1, "")
    assert_one_sentence(result, "error", str(fifo), "not a regular file")


def test_a_symlink_loop_is_not_called_missing(tmp_path: Path) -> None:
    take = tmp_path / "take.wav"
    take.symlink_to(take)

    result = run("transcribe", str(take), home=tmp_path / "home")

    assert (result.code, result.out) == (1, "")
    assert_one_sentence(result, "error", str(take), "points to itself in a loop")
