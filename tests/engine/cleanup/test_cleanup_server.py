"""Probing, listing and pulling, with the real ollama client over real HTTP."""

import socket
import threading
import time

import pytest

from desktop.engine.cleanup import (
    CancelledError,
    NotRunningError,
    ServerError,
    list_models,
    probe_server,
    pull_model,
)
from desktop.engine.cleanup.server import capabilities
from tests.fake_ollama import FakeOllama, closed_url
from tests.fake_ollama_plugin import OllamaServer


def test_probe_reports_version_and_models(ollama_server: OllamaServer) -> None:
    status = probe_server(ollama_server.url)
    assert status.reachable and status.error is None
    assert status.version
    assert ollama_server.model in status.models
    assert status.host == ollama_server.url


def test_list_models_matches_tags(ollama_server: OllamaServer) -> None:
    assert ollama_server.model in list_models(ollama_server.url)


def test_capabilities_come_from_show(ollama_server: OllamaServer) -> None:
    assert "completion" in capabilities(ollama_server.url, ollama_server.model, 10.0)


def test_probe_of_a_closed_port_says_how_to_start_ollama() -> None:
    status = probe_server(closed_url())
    assert not status.reachable and status.models == ()
    assert status.error is not None and "ollama serve" in status.error


def test_probe_of_a_silent_server_gives_up() -> None:
    with socket.socket() as listener:  # accepts connections (backlog) but never answers
        listener.bind(("127.0.0.1", 0))
        listener.listen(4)
        url = f"http://127.0.0.1:{listener.getsockname()[1]}"
        start = time.monotonic()
        status = probe_server(url, timeout=0.5)
    assert time.monotonic() - start < 1.5
    assert not status.reachable
    assert status.error is not None and "did not answer within 0.5 s" in status.error


def test_list_models_of_a_closed_port_raises() -> None:
    with pytest.raises(NotRunningError, match="ollama serve"):
        list_models(closed_url())


def test_pull_reports_progress_and_installs(fake_ollama: FakeOllama) -> None:
    seen: list[tuple[int, int, str]] = []
    pull_model(fake_ollama.url, "llama3.2:1b", lambda c, t, s: seen.append((c, t, s)))
    assert seen[0][2] == "pulling manifest" and seen[-1][2] == "success"
    assert (3000, 3000) in [(c, t) for c, t, _ in seen]
    assert "llama3.2:1b" in list_models(fake_ollama.url)


def test_pull_of_an_unknown_model_says_why(fake_ollama: FakeOllama) -> None:
    with pytest.raises(ServerError, match="file does not exist"):
        pull_model(fake_ollama.url, "missing-model", lambda c, t, s: None)


def test_pull_can_be_cancelled(fake_ollama: FakeOllama) -> None:
    cancel = threading.Event()

    def progress(completed: int, total: int, status: str) -> None:
        if completed:
            cancel.set()

    with pytest.raises(CancelledError):
        pull_model(fake_ollama.url, "llama3.2:1b", progress, cancel)
