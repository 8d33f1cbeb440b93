"""Pytest plugin: the ``fake_ollama`` fixture and the fake-or-real ``ollama_server`` fixture.

Load it with ``pytest_plugins = ["tests.fake_ollama_plugin"]`` in ``tests/conftest.py``
(or ``-p tests.fake_ollama_plugin``).
"""

import os
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from tests.fake_ollama import FakeOllama


@dataclass(frozen=True)
class OllamaServer:
    """A server the protocol tests talk to.

    Attributes:
        url: its base URL.
        model: a model it has installed.
        fake: the fake behind it, or None for a real Ollama (no misbehaviour tests there).
    """

    url: str
    model: str
    fake: FakeOllama | None


@pytest.fixture
def fake_ollama() -> Iterator[FakeOllama]:
    """A started fake Ollama on loopback; stopped after the test."""
    fake = FakeOllama().start()
    yield fake
    fake.stop()


@pytest.fixture(params=["fake", "real"])
def ollama_server(request: pytest.FixtureRequest) -> Iterator[OllamaServer]:
    """The fake server, and a real Ollama as well when ``$OLLAMA_HOST`` is set."""
    if request.param == "fake":
        fake = FakeOllama().start()
        yield OllamaServer(fake.url, "llama3.2:3b", fake)
        fake.stop()
        return
    host = os.environ.get("OLLAMA_HOST")
    if not host:
        pytest.skip("set OLLAMA_HOST to also run against a real Ollama")
    from desktop.engine.cleanup import list_models, resolve_host

    url = resolve_host(host)
    models = list_models(url, allow_remote=True)  # the tester chose this server
    model = os.environ.get("DICTARA_TEST_OLLAMA_MODEL") or (models[0] if models else "")
    if not model:
        pytest.skip(f"the Ollama at {url} has no models")
    yield OllamaServer(url, model, None)
