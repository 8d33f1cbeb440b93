"""Shared fixtures: test data, an isolated app home, and the real tiny.en transcriber."""

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.engine import models
from desktop.engine.transcriber import Transcriber

pytest_plugins = ["tests.bench", "tests.fake_ollama_plugin"]

DATA_DIR = Path(__file__).parent / "data"
SHARED_SPEECH = Path(__file__).resolve().parents[2] / "shared" / "data" / "speech"


def reference(name: str) -> str:
    """Return the reference transcript of a clip in tests/data."""
    with (DATA_DIR / "manifest.tsv").open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            if row["file"] == name:
                return row["text"]
    raise KeyError(name)


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The folder of small real-speech clips."""
    return DATA_DIR


@pytest.fixture(autouse=True)
def app_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point DICTARA_HOME at a fresh folder so no test touches the user's files."""
    home = tmp_path / "dictara-home"
    monkeypatch.setenv("DICTARA_HOME", str(home))
    yield home


@pytest.fixture(scope="session")
def transcriber() -> Transcriber:
    """The bundled tiny.en model, loaded once per test session."""
    return Transcriber(models.bundled_model(), models.ModelOptions(compute_type="int8"))
