"""The window's Ollama status: it contacts only a server it may use, and says why not."""

import socket
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from desktop.engine.cleanup import RemoteHostError

REMOTE = "http://10.1.2.3:11434"


def test_a_remote_ollama_is_not_contacted_and_the_window_says_why(
    make_app: Any, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    tried: list[Any] = []
    real = socket.socket.connect

    def connect(sock: socket.socket, address: Any) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            tried.append(address)
        real(sock, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    app = make_app(wait_ready=False, ollama__host=REMOTE)  # ollama.allow_remote is off
    label = app.window.status.ollama_label
    sentence = str(RemoteHostError(REMOTE))
    qtbot.wait_until(lambda: label.toolTip() == sentence, timeout=10_000)
    assert "allow_remote" in sentence and tried == []
