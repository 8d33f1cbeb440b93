"""The ``dictara`` command, run as a user runs it: a separate process."""

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from tests.audio_files import silence
from tests.conftest import reference
from tests.fake_ollama import FakeOllama
from tests.wer import wer


def dictara(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m desktop ARGS`` with the test's DICTARA_HOME."""
    return subprocess.run([sys.executable, "-m", "desktop", *args], capture_output=True,
                          text=True, input=stdin, env=os.environ.copy(), timeout=300)


def assert_one_clear_line(stderr: str, *expected: str) -> None:
    lines = [line for line in stderr.splitlines() if line.startswith("error: ")]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    for text in expected:
        assert text in lines[0]


def test_transcribe_prints_text(data_dir: Path) -> None:
    result = dictara("transcribe", str(data_dir / "jfk.flac"))
    assert result.returncode == 0, result.stderr
    assert wer([reference("jfk.flac")], [result.stdout]) < 10


def test_json_lines_and_a_bad_file_in_the_middle(data_dir: Path, tmp_path: Path) -> None:
    bad = tmp_path / "notes.pdf"
    bad.write_bytes(b"%PDF-1.4 not audio")
    result = dictara("transcribe", str(data_dir / "jfk.flac"), str(bad),
                     str(data_dir / "LJ001-0001.wav"), "--format", "json")
    assert result.returncode == 1
    objects = [json.loads(line) for line in result.stdout.splitlines()]
    assert [Path(o["file"]).name for o in objects] == ["jfk.flac", "LJ001-0001.wav"]
    for o in objects:
        assert set(o) >= {"file", "duration", "language", "model", "text", "segments"}
        assert o["model"] == "tiny.en" and o["segments"][0].keys() == {"start", "end", "text"}
    assert_one_clear_line(result.stderr, f"error: {bad}: ", "not an audio or video file")


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda p: p.write_bytes(b""), "empty"),
        # Seeded: some random bytes parse as a stream with no audio track (another sentence).
        (lambda p: p.write_bytes(random.Random(0).randbytes(30000)), "not an audio or video file"),
        (lambda p: p.mkdir(), "folder"),
        (lambda p: None, "no such file"),
    ],
    ids=["empty", "random-bytes", "directory", "missing"],
)
def test_malformed_input_fails_with_one_sentence(tmp_path: Path, make: object,
                                                 expected: str) -> None:
    path = tmp_path / "input.mp3"
    make(path)  # type: ignore[operator]
    result = dictara("transcribe", str(path))
    assert result.returncode == 1 and result.stdout == ""
    assert_one_clear_line(result.stderr, expected)


def test_truncated_file_prints_what_is_there_and_warns(data_dir: Path, tmp_path: Path) -> None:
    cut = tmp_path / "cut.wav"
    cut.write_bytes((data_dir / "LJ001-0001.wav").read_bytes()[:200_000])
    result = dictara("transcribe", str(cut))
    assert result.returncode == 1
    assert "printing" in result.stdout.lower()
    assert "warning:" in result.stderr and "truncated" in result.stderr
    assert "Traceback" not in result.stderr


def test_silence_is_empty_text_and_success(tmp_path: Path) -> None:
    quiet = silence(tmp_path / "silence.wav", 5.0)
    result = dictara("transcribe", str(quiet), "--no-vad")
    assert (result.returncode, result.stdout.strip()) == (0, "")


def test_output_dir_gets_one_file_per_input(data_dir: Path, tmp_path: Path) -> None:
    result = dictara("transcribe", str(data_dir / "jfk.flac"), "--format", "srt",
                     "-o", str(tmp_path / "out"), "--beam-size", "1", "--language", "en")
    assert result.returncode == 0, result.stderr
    srt = (tmp_path / "out" / "jfk.srt").read_text()
    assert srt.startswith("1\n00:00:00,000 --> ") and "country" in srt


@pytest.mark.parametrize("args", [["transcribe"], ["transcribe", "x.wav", "--beam-size", "0"],
                                  ["transcribe", "x.wav", "--format", "docx"], ["frobnicate"]])
def test_bad_usage_exits_2(args: list[str]) -> None:
    result = dictara(*args)
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_missing_model_names_the_fix(data_dir: Path) -> None:
    result = dictara("transcribe", str(data_dir / "jfk.flac"), "--model", "base.en")
    assert result.returncode == 1
    assert_one_clear_line(result.stderr, "dictara models download base.en")


def test_config_set_get_list_and_reject(app_home: Path) -> None:
    assert dictara("config", "set", "whisper.beam_size", "2").returncode == 0
    assert dictara("config", "get", "whisper.beam_size").stdout.strip() == "2"
    assert "whisper.beam_size = 2" in dictara("config", "list").stdout
    rejected = dictara("config", "set", "paste.mode", "loud")
    assert rejected.returncode == 2
    assert_one_clear_line(rejected.stderr, "paste.mode", "cleaned, raw, off")
    assert (app_home / "config" / "config.toml").is_file()


def test_bad_settings_file_warns_and_still_runs(app_home: Path, data_dir: Path) -> None:
    (app_home / "config").mkdir(parents=True)
    (app_home / "config" / "config.toml").write_text("[whisper]\nbeam_size = 'wide'\n")
    result = dictara("transcribe", str(data_dir / "jfk.flac"))
    assert result.returncode == 0 and "country" in result.stdout
    assert "warning:" in result.stderr and "whisper.beam_size" in result.stderr


def test_models_list_import_and_unknown_download(tmp_path: Path) -> None:
    listed = dictara("models", "list")
    assert listed.returncode == 0 and listed.stdout.startswith("* tiny.en")
    assert listed.stdout.split()[-1] == "bundled"
    fake = tmp_path / "not-a-model"
    fake.mkdir()
    imported = dictara("models", "import", str(fake))
    assert imported.returncode == 1
    assert_one_clear_line(imported.stderr, "missing model.bin")
    unknown = dictara("models", "download", "gigantic")
    assert unknown.returncode == 2
    assert_one_clear_line(unknown.stderr, "large-v3-turbo")


def test_doctor_json_reports_model_and_ollama() -> None:
    result = dictara("doctor", "--json")
    report = json.loads(result.stdout)
    assert report["whisper"]["loads"] is True and report["whisper"]["name"] == "tiny.en"
    assert report["ollama"]["host"].startswith("http://127.0.0.1")
    assert result.returncode == (1 if report["problems"] else 0)


def test_transcribe_clean_uses_ollama(data_dir: Path, fake_ollama: FakeOllama) -> None:
    assert dictara("config", "set", "ollama.host", fake_ollama.url).returncode == 0
    result = dictara("transcribe", str(data_dir / "jfk.flac"), "--clean", "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert "country" in data["cleaned"] and data["cleaned"] != ""
    chats = fake_ollama.bodies("/api/chat")
    assert chats and "ask not what your country" in json.dumps(chats[0]).lower()


def test_transcribe_clean_without_ollama_falls_back_to_rules(data_dir: Path) -> None:
    assert dictara("config", "set", "ollama.host", "http://127.0.0.1:9").returncode == 0
    result = dictara("transcribe", str(data_dir / "jfk.flac"), "--clean", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert "country" in json.loads(result.stdout)["cleaned"]
    assert "warning:" in result.stderr and "Ollama" in result.stderr
