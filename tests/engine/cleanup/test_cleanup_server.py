"""Probing, listing and pulling, with the real ollama client over real HTTP."""

import logging
import socket
import threading
import time
from typing import Any

import pytest

from desktop.engine.cleanup import (
    CancelledError,
    Cleaner,
    CleanupOptions,
    NotRunningError,
    RemoteHostError,
    ServerError,
    TimedOutError,
    list_models,
    probe_server,
    pull_model,
)
from desktop.engine.cleanup.errors import TooLargeError
from desktop.engine.cleanup.ollama_cleaner import OllamaCleaner
from desktop.engine.cleanup.server import Deadline, capabilities
from tests.fake_ollama import FakeOllama, closed_url
from tests.fake_ollama_plugin import OllamaServer

RAW = "um so I was thinking we could uh meet on tuesday to go over the budget numbers"


def test_probe_reports_version_and_models(ollama_server: OllamaServer) -> None:
    status = probe_server(ollama_server.url, allow_remote=True)  # the tester chose it
    assert status.reachable and status.error is None
    assert status.version
    assert ollama_server.model in status.models
    assert status.host == ollama_server.url


def test_list_models_matches_tags(ollama_server: OllamaServer) -> None:
    assert ollama_server.model in list_models(ollama_server.url, allow_remote=True)


def test_capabilities_come_from_show(ollama_server: OllamaServer) -> None:
    caps = capabilities(ollama_server.url, ollama_server.model, Deadline.after(10.0),
                        allow_remote=True)
    assert "completion" in caps


def test_probe_of_a_closed_port_says_how_to_start_ollama() -> None:
    status = probe_server(closed_url(), allow_remote=False)
    assert not status.reachable and status.models == ()
    assert status.error is not None and "ollama serve" in status.error


def test_probe_of_a_silent_server_gives_up() -> None:
    with socket.socket() as listener:  # accepts connections (backlog) but never answers
        listener.bind(("127.0.0.1", 0))
        listener.listen(4)
        url = f"http://127.0.0.1:{listener.getsockname()[1]}"
        start = time.monotonic()
        status = probe_server(url, timeout=0.5, allow_remote=False)
    assert time.monotonic() - start < 1.5
    assert not status.reachable
    assert status.error is not None and "did not answer within 0.5 s" in status.error


def test_list_models_of_a_closed_port_raises() -> None:
    with pytest.raises(NotRunningError, match="ollama serve"):
        list_models(closed_url(), allow_remote=False)


def test_pull_reports_progress_and_installs(fake_ollama: FakeOllama) -> None:
    seen: list[tuple[int, int, str]] = []
    pull_model(fake_ollama.url, "llama3.2:1b", lambda c, t, s: seen.append((c, t, s)),
               allow_remote=False)
    assert seen[0][2] == "pulling manifest" and seen[-1][2] == "success"
    assert (3000, 3000) in [(c, t) for c, t, _ in seen]
    assert "llama3.2:1b" in list_models(fake_ollama.url, allow_remote=False)


def test_pull_of_an_unknown_model_says_why(fake_ollama: FakeOllama) -> None:
    with pytest.raises(ServerError, match="file does not exist"):
        pull_model(fake_ollama.url, "missing-model", lambda c, t, s: None, allow_remote=False)


def test_pull_can_be_cancelled(fake_ollama: FakeOllama) -> None:
    cancel = threading.Event()

    def progress(completed: int, total: int, status: str) -> None:
        if completed:
            cancel.set()

    with pytest.raises(CancelledError):
        pull_model(fake_ollama.url, "llama3.2:1b", progress, cancel, allow_remote=False)


REMOTE = "http://10.1.2.3:11434"


@pytest.fixture
def connects(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Record the address of every socket connect() in this process (and still connect)."""
    seen: list[Any] = []
    real = socket.socket.connect

    def connect(sock: socket.socket, address: object) -> None:
        seen.append(address)
        real(sock, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    return seen


def test_every_entry_point_refuses_a_remote_host_before_any_socket(
    connects: list[Any], caplog: pytest.LogCaptureFixture
) -> None:
    sentence = str(RemoteHostError(REMOTE))
    assert probe_server(REMOTE, allow_remote=False).error == sentence
    for call in (lambda: list_models(REMOTE, allow_remote=False),
                 lambda: capabilities(REMOTE, "m", Deadline.after(5), allow_remote=False),
                 lambda: pull_model(REMOTE, "m", lambda c, t, s: None, allow_remote=False)):
        with pytest.raises(RemoteHostError) as info:
            call()
        assert str(info.value) == sentence
    options = CleanupOptions(host=REMOTE, timeout=5)
    assert Cleaner(options).clean(RAW).fallback_reason == sentence
    caplog.set_level(logging.INFO, logger="desktop.engine.cleanup")
    OllamaCleaner(options, think_supported=False).warm_up()
    deadline = time.monotonic() + 5
    while sentence not in caplog.text and time.monotonic() < deadline:
        time.sleep(0.01)
    assert sentence in caplog.text
    assert connects == []


def test_a_redirect_to_a_remote_host_is_refused(fake_ollama: FakeOllama,
                                                connects: list[Any]) -> None:
    fake_ollama.redirect_to = REMOTE
    with pytest.raises(RemoteHostError, match=r"10\.1\.2\.3"):
        list_models(fake_ollama.url, allow_remote=False)
    assert {address[0] for address in connects} == {"127.0.0.1"}


def test_a_proxy_from_the_environment_never_sees_the_text(
    fake_ollama: FakeOllama, connects: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.setenv(name, "http://10.1.2.3:3128")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    assert probe_server(fake_ollama.url, allow_remote=False).reachable
    assert Cleaner(CleanupOptions(host=fake_ollama.url, timeout=5)).clean(RAW).backend == "ollama"
    assert {address[0] for address in connects} == {"127.0.0.1"}


def test_a_trickling_show_frees_the_caller_at_the_deadline(fake_ollama: FakeOllama) -> None:
    fake_ollama.show_mode, fake_ollama.token_delay = "trickle", 0.2
    start = time.monotonic()
    with pytest.raises(TimedOutError, match="within 1 s"):
        capabilities(fake_ollama.url, "llama3.2:3b", Deadline.after(1.0), allow_remote=False)
    assert time.monotonic() - start < 1.3


def test_a_huge_show_is_cut_off_at_the_budget(fake_ollama: FakeOllama) -> None:
    fake_ollama.show_mode, fake_ollama.huge_bytes = "huge", 64 * 2**20
    with pytest.raises(TooLargeError, match="sent more than 2 MB for one answer"):
        capabilities(fake_ollama.url, "llama3.2:3b", Deadline.after(10), allow_remote=False)
