"""``dictara --self-test`` run from source, the way the frozen bundle runs it."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from desktop import selftest

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"


def _run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HF_HUB_OFFLINE": "1",
           "DICTARA_HOME": str(tmp_path / "home")}
    return subprocess.run([sys.executable, "-m", "desktop", "--self-test", *args], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.slow
def test_self_test_passes_from_source(tmp_path: Path) -> None:
    result = _run(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("dictara ") and "from source" in lines[0]
    assert [line.split()[1] for line in lines if line.startswith("ok ")] == [
        "model", "transcribe", "platform", "window"]
    assert "ask not what your country can do for you" in selftest.normalise(result.stdout)
    assert lines[-1].startswith("self-test passed")
    # The throwaway profile is not the user's: nothing is written under DICTARA_HOME.
    assert not (tmp_path / "home").exists()


@pytest.mark.slow
def test_wrong_speech_fails_and_says_what(tmp_path: Path) -> None:
    result = _run(tmp_path, "--no-window", "--clip", str(DATA / "LJ001-0001.wav"))
    assert result.returncode == 1
    assert "FAIL transcribe" in result.stdout
    assert "expected 'ask not what your country can do for you'" in result.stdout
    assert result.stdout.splitlines()[-1] == "self-test FAILED: transcribe"


def test_missing_clip_fails(tmp_path: Path) -> None:
    result = _run(tmp_path, "--no-window", "--clip", str(tmp_path / "nothing.flac"))
    assert result.returncode == 1
    assert "FAIL transcribe" in result.stdout


def test_shipped_clip_is_the_reference_clip() -> None:
    assert selftest.CLIP.is_file()
    assert selftest.CLIP.read_bytes() == (DATA / "jfk.flac").read_bytes()


@pytest.mark.parametrize(("text", "expected"), [
    ("And so, my fellow Americans: ask NOT what", "and so my fellow americans ask not what"),
    ("  you—ask   what ", "you ask what"),
])
def test_normalise(text: str, expected: str) -> None:
    assert selftest.normalise(text) == expected


def test_module_present_does_not_import_the_package() -> None:
    assert selftest.module_present("pynput.keyboard._xorg")
    assert not selftest.module_present("pynput.keyboard._nothing")
    assert not selftest.module_present("no_such_package.module")
