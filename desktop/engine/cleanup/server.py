"""Talking to an Ollama server: probing, listing and pulling models, mapping its errors.

All functions use the official ``ollama`` client with an explicit timeout (the client's own
default is to wait forever) and raise this package's ``Error`` subclasses, never the
client's or httpx's exceptions. Any thread may call them.
"""

import json
import logging
import threading
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Any, TypeVar, cast

import httpx
import ollama
import pydantic

from desktop.engine.cleanup.errors import (
    CancelledError,
    Error,
    InvalidResponseError,
    ModelMissingError,
    NotRunningError,
    ServerError,
    StreamCutError,
    TimedOutError,
)

log = logging.getLogger(__name__)

ProgressCallback = Callable[[int, int, str], None]
T = TypeVar("T")


@dataclass(frozen=True)
class ServerStatus:
    """What ``dictara doctor`` and the settings dialog show about the Ollama server.

    Attributes:
        host: the URL that was probed; cleanup text goes only there.
        reachable: whether the server answered.
        version: the server's version, if it said.
        models: the installed model names, such as ``llama3.2:3b``.
        error: one sentence about what went wrong, or None.
    """

    host: str
    reachable: bool
    version: str | None
    models: tuple[str, ...]
    error: str | None


def client(host: str, timeout: float, connect_timeout: float = 5.0) -> ollama.Client:
    """Return an ``ollama.Client`` for ``host`` that gives up after ``timeout`` s of silence."""
    limit = httpx.Timeout(timeout, connect=min(timeout, connect_timeout))
    return ollama.Client(host=host, timeout=limit)


def translate(error: Exception, host: str, model: str | None = None) -> Error:
    """Return the package ``Error`` that says in one sentence what ``error`` means."""
    if isinstance(error, Error):
        return error
    if isinstance(error, ollama.ResponseError):
        if error.status_code == 404 and model:
            return ModelMissingError(host, model)
        return ServerError(host, str(error.error), error.status_code)
    if isinstance(error, httpx.TimeoutException):
        return TimedOutError(host, _timeout_of(error))
    if isinstance(error, httpx.RemoteProtocolError | httpx.ReadError):
        return StreamCutError(host)
    if isinstance(error, ConnectionError | httpx.ConnectError):
        return NotRunningError(host)
    if isinstance(error, json.JSONDecodeError | pydantic.ValidationError):
        return InvalidResponseError(host)
    if isinstance(error, httpx.HTTPStatusError):
        return ServerError(host, error.response.text[:200], error.response.status_code)
    if isinstance(error, httpx.HTTPError):
        return NotRunningError(host)
    raise error


def call(host: str, model: str | None, fn: Callable[[], T]) -> T:
    """Run ``fn`` (a client call) and translate what it raises."""
    try:
        return fn()
    except (Error, ollama.ResponseError, httpx.HTTPError, ConnectionError, ValueError) as e:
        raise translate(e, host, model) from e


def probe_server(host: str, timeout: float = 2.0) -> ServerStatus:
    """Ask the server at ``host`` for its version and models; never raises."""
    try:
        version = _version(host, timeout)
        models = list_models(host, timeout)
    except Error as e:
        return ServerStatus(host, False, None, (), str(e))
    return ServerStatus(host, True, version, models, None)


def list_models(host: str, timeout: float = 5.0) -> tuple[str, ...]:
    """Return the names of the models installed on the server (``/api/tags``).

    Raises:
        Error: the server could not be reached or answered badly.
    """
    listing = call(host, None, lambda: client(host, timeout).list())
    return tuple(m.model for m in listing.models if m.model)


def capabilities(host: str, model: str, timeout: float) -> tuple[str, ...]:
    """Return what ``model`` can do (``/api/show``), such as ``("completion", "thinking")``.

    Raises:
        ModelMissingError: the server does not have the model.
        Error: any other server problem.
    """
    shown = call(host, model, lambda: client(host, timeout).show(model))
    return tuple(shown.capabilities or ())


def pull_model(
    host: str,
    name: str,
    on_progress: ProgressCallback,
    cancel: threading.Event | None = None,
    timeout: float = 60.0,
) -> None:
    """Download ``name`` onto the server (``/api/pull``), reporting progress.

    Runs in a worker thread; ``on_progress(completed_bytes, total_bytes, status)`` is
    called from that thread for every progress line.

    Raises:
        CancelledError: ``cancel`` was set.
        Error: the server could not pull the model; the message says why.
    """

    def run() -> None:
        # The client's stream is a generator; closing it closes the HTTP response.
        stream = cast(Generator[Any, None, None], client(host, timeout).pull(name, stream=True))
        for part in stream:
            if cancel is not None and cancel.is_set():
                stream.close()
                raise CancelledError()
            on_progress(part.completed or 0, part.total or 0, part.status or "")

    call(host, None, run)


def _version(host: str, timeout: float) -> str | None:
    # The ollama client has no call for /api/version, so ask with httpx, which it is built on.
    def get() -> object:
        response = httpx.get(f"{host}/api/version", timeout=timeout)
        response.raise_for_status()
        return response.json().get("version")

    try:
        version = call(host, None, get)
    except ServerError:
        return None
    return version if isinstance(version, str) else None


def _timeout_of(error: httpx.TimeoutException) -> float:
    try:
        extensions = error.request.extensions
    except RuntimeError:  # the exception was raised without a request
        return 0.0
    read = extensions.get("timeout", {}).get("read")
    return float(read) if read else 0.0
