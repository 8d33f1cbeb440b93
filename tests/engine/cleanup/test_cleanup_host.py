"""Host resolution and the loopback-only rule."""

import pytest

from desktop.engine.cleanup import RemoteHostError, check_host_allowed, is_loopback, resolve_host


@pytest.mark.parametrize(
    ("setting", "url"),
    [
        ("localhost:11434", "http://localhost:11434"),
        (":8080", "http://127.0.0.1:8080"),
        ("0.0.0.0", "http://127.0.0.1:11434"),
        ("http://127.0.0.1:11434/", "http://127.0.0.1:11434"),
        ("https://ollama.example.com", "https://ollama.example.com:443"),
        ("[::1]:9999", "http://[::1]:9999"),
    ],
)
def test_resolve_host_normalises_short_forms(setting: str, url: str) -> None:
    assert resolve_host(setting) == url


def test_setting_wins_over_environment_which_wins_over_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OLLAMA_HOST", "127.0.0.2:1234")
    assert resolve_host("") == "http://127.0.0.2:1234"
    assert resolve_host("localhost:5") == "http://localhost:5"
    monkeypatch.delenv("OLLAMA_HOST")
    assert resolve_host("") == "http://127.0.0.1:11434"


def test_resolve_host_rejects_other_schemes() -> None:
    with pytest.raises(ValueError, match="http"):
        resolve_host("ftp://example.com")


@pytest.mark.parametrize(
    ("url", "local"),
    [
        ("http://127.0.0.1:11434", True),
        ("http://127.8.9.1:11434", True),
        ("http://localhost:11434", True),
        ("http://[::1]:11434", True),
        ("http://192.168.1.5:11434", False),
        ("http://ollama.example.com:11434", False),
        ("http://localhost.example.com:11434", False),
    ],
)
def test_is_loopback(url: str, local: bool) -> None:
    assert is_loopback(url) is local


def test_remote_host_needs_explicit_permission() -> None:
    with pytest.raises(RemoteHostError, match="allow_remote"):
        check_host_allowed("http://192.168.1.5:11434", allow_remote=False)
    check_host_allowed("http://192.168.1.5:11434", allow_remote=True)
