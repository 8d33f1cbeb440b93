"""``dictara clean`` end to end, in process, against the fake Ollama."""

import io
import json
from pathlib import Path

import pytest

from desktop.cli import main
from tests.fake_ollama import FakeOllama, closed_url

RAW = "um so I was thinking we could uh meet on tuesday"


@pytest.fixture(autouse=True)
def _home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DICTARA_HOME", str(tmp_path))
    monkeypatch.delenv("OLLAMA_HOST", raising=False)


def test_json_has_the_documented_fields(
    fake_ollama: FakeOllama, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["clean", "--host", fake_ollama.url, "--json", RAW]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"raw", "cleaned", "backend", "model", "fallback_reason", "ms"}
    assert data["raw"] == RAW and data["backend"] == "ollama" and data["model"] == "llama3.2:3b"
    assert data["cleaned"] == "So I was thinking we could meet on tuesday."


def test_reads_standard_input_and_honours_preset_and_model(
    fake_ollama: FakeOllama, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(RAW + "\n"))
    code = main(["clean", "-", "--host", fake_ollama.url, "--preset", "notes",
                 "--model", "qwen3:1.7b"])
    assert code == 0 and capsys.readouterr().out.strip()
    (body,) = fake_ollama.bodies("/api/chat")
    assert body["model"] == "qwen3:1.7b" and '"- "' in body["messages"][0]["content"]


def test_no_ollama_prints_the_rules_cleanup_and_a_note(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["clean", "--host", closed_url(), RAW]) == 0
    out, err = capsys.readouterr()
    assert out == "So I was thinking we could meet on tuesday.\n"
    assert "ollama serve" in err


def test_empty_text_is_bad_usage(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["clean", "   "]) == 2
    assert "no text to clean" in capsys.readouterr().err


def test_invalid_host_is_bad_usage(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["clean", "--host", "ftp://example.com", RAW]) == 2
    assert "http" in capsys.readouterr().err
