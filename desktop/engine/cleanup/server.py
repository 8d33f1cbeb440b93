"""Talking to an Ollama server: probing, listing and pulling models, mapping its errors.

Every request to Ollama goes through one transport, :class:`_Gate`, that ``client`` gives
the official ``ollama`` client (and ``_version`` gives httpx, which that client is built
on). The gate refuses a host that is not loopback unless remote use is allowed, for every
request and every redirect, before any socket is opened; it reads each answer within a
byte budget and a deadline, so neither a huge answer nor a byte-a-second trickle can swamp
or hold the caller. Functions raise this package's ``Error`` subclasses, never the
client's or httpx's exceptions. Any thread may call them.
"""

import json
import logging
import queue
import threading
import time
from collections.abc import Callable, Generator, Iterator
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
    TooLargeError,
)
from desktop.engine.cleanup.host import check_host_allowed

log = logging.getLogger(__name__)

# /api/version, /api/tags, /api/show and a model load answer in kilobytes; a server that
# sends more is not Ollama (a 4 GB /api/show once took 11 GB of memory).
SMALL_ANSWER = 2 * 1024 * 1024
PULL_LINE = 64 * 1024  # one progress line of /api/pull; the pull itself may run for an hour

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


@dataclass(frozen=True)
class Deadline:
    """When a cleanup, or one request, is abandoned.

    Attributes:
        seconds: the time allowed, for messages.
        at: the ``time.monotonic()`` value when it runs out.
    """

    seconds: float
    at: float

    @classmethod
    def after(cls, seconds: float) -> "Deadline":
        """Return a deadline ``seconds`` from now."""
        return cls(seconds, time.monotonic() + seconds)

    def remaining(self) -> float:
        """Return the seconds left (negative once passed)."""
        return self.at - time.monotonic()


@dataclass(frozen=True)
class Limits:
    """How much of one answer is read, and until when.

    Attributes:
        deadline: reading stops at the first bytes after it, however slowly they come.
        max_bytes: the most the whole answer may hold, or each line with ``per_line``.
        per_line: bound each line instead of the whole answer (a pull's long progress).
        cancel: set it to stop reading at the next bytes.
    """

    deadline: Deadline | None
    max_bytes: int = SMALL_ANSWER
    per_line: bool = False
    cancel: threading.Event | None = None


def client(
    host: str, timeout: float, *, allow_remote: bool, limits: Limits | None = None
) -> ollama.Client:
    """Return an ``ollama.Client`` for ``host`` whose every request passes the gate.

    Args:
        host: the server's URL.
        timeout: seconds of silence before giving up; without ``limits``, also the most
            any one answer may take.
        allow_remote: whether a host that is not loopback may be contacted at all.
        limits: the answer's byte budget and deadline; the default suits small answers.
    """
    bounds = limits or Limits(Deadline.after(timeout))
    return ollama.Client(
        host=host, timeout=_timeout(timeout, bounds), transport=_Gate(allow_remote, bounds)
    )


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


def within(host: str, deadline: Deadline, fn: Callable[[], T]) -> T:
    """Return ``fn()``, run in a daemon thread, or raise ``TimedOutError`` at ``deadline``.

    The caller is free at the deadline whatever the server does; the abandoned request
    ends at its next bytes (see ``Limits``) or when its socket times out.

    Raises:
        TimedOutError: ``fn`` had not returned by ``deadline``.
        Exception: whatever ``fn`` raised.
    """
    box: queue.Queue[tuple[bool, object]] = queue.Queue(maxsize=1)

    def run() -> None:
        try:
            box.put((True, fn()))
        except Exception as e:  # thread boundary: handed to the caller, which re-raises
            box.put((False, e))

    threading.Thread(target=run, name="ollama-request", daemon=True).start()
    try:
        ok, value = box.get(timeout=max(0.0, deadline.remaining()))
    except queue.Empty:
        raise TimedOutError(host, deadline.seconds) from None
    if not ok:
        raise cast(Exception, value)
    return cast(T, value)


def probe_server(host: str, timeout: float = 2.0, *, allow_remote: bool) -> ServerStatus:
    """Ask the server at ``host`` for its version and models; never raises.

    A host that may not be contacted is reported, with the reason, as not reachable.
    """
    try:
        version = _version(host, timeout, allow_remote)
        models = list_models(host, timeout, allow_remote=allow_remote)
    except Error as e:
        return ServerStatus(host, False, None, (), str(e))
    return ServerStatus(host, True, version, models, None)


def list_models(host: str, timeout: float = 5.0, *, allow_remote: bool) -> tuple[str, ...]:
    """Return the names of the models installed on the server (``/api/tags``).

    Raises:
        Error: the server could not be reached or answered badly.
    """
    listing = call(host, None, lambda: client(host, timeout, allow_remote=allow_remote).list())
    return tuple(m.model for m in listing.models if m.model)


def capabilities(
    host: str, model: str, deadline: Deadline, *, allow_remote: bool
) -> tuple[str, ...]:
    """Return what ``model`` can do (``/api/show``), such as ``("completion", "thinking")``.

    Args:
        host: the server's URL.
        model: the model's name.
        deadline: the caller is free by then, however slowly the server answers.
        allow_remote: whether a host that is not loopback may be contacted.

    Raises:
        ModelMissingError: the server does not have the model.
        Error: any other server problem, including the deadline passing.
    """

    def show() -> tuple[str, ...]:
        ask = client(host, deadline.remaining(), allow_remote=allow_remote,
                     limits=Limits(deadline))
        return tuple(call(host, model, lambda: ask.show(model)).capabilities or ())

    return within(host, deadline, show)


def pull_model(
    host: str,
    name: str,
    on_progress: ProgressCallback,
    cancel: threading.Event | None = None,
    timeout: float = 60.0,
    *,
    allow_remote: bool,
) -> None:
    """Download ``name`` onto the server (``/api/pull``), reporting progress.

    Runs in a worker thread; ``on_progress(completed_bytes, total_bytes, status)`` is
    called from that thread for every progress line.

    Raises:
        CancelledError: ``cancel`` was set.
        Error: the server could not pull the model; the message says why.
    """
    limits = Limits(None, PULL_LINE, per_line=True, cancel=cancel)

    def run() -> None:
        # The client's stream is a generator; closing it closes the HTTP response.
        ask = client(host, timeout, allow_remote=allow_remote, limits=limits)
        stream = cast(Generator[Any, None, None], ask.pull(name, stream=True))
        for part in stream:
            if cancel is not None and cancel.is_set():
                stream.close()
                raise CancelledError()
            on_progress(part.completed or 0, part.total or 0, part.status or "")

    call(host, None, run)


class _Gate(httpx.BaseTransport):
    """The transport under every request to Ollama: the host check, then the bounds.

    Any thread; one per client.
    """

    def __init__(self, allow_remote: bool, limits: Limits) -> None:
        self._allow_remote = allow_remote
        self._limits = limits
        # A transport of our own also keeps httpx from sending Ollama's traffic to an
        # HTTP_PROXY from the environment (it only reads proxies when it builds the transport).
        self._inner = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Send ``request`` if its host is allowed; return a response read within bounds.

        Raises:
            RemoteHostError: the host is not loopback and remote use is off.
            TimedOutError: the deadline passed before the request was sent.
        """
        origin = f"{request.url.scheme}://{request.url.netloc.decode('ascii')}"
        check_host_allowed(origin, self._allow_remote)
        _Bounded.check_time(origin, self._limits)
        # Compressed answers would be inflated after the byte count: ask for none.
        request.headers["Accept-Encoding"] = "identity"
        response = self._inner.handle_request(request)
        headers = [(k, v) for k, v in response.headers.raw if k.lower() != b"content-encoding"]
        stream = _Bounded(cast(httpx.SyncByteStream, response.stream), origin, self._limits)
        return httpx.Response(response.status_code, headers=headers, stream=stream,
                              extensions=response.extensions)

    def close(self) -> None:
        """Close the connections."""
        self._inner.close()


class _Bounded(httpx.SyncByteStream):
    """A response body that stops at the byte budget, the deadline or the cancel event."""

    def __init__(self, stream: httpx.SyncByteStream, host: str, limits: Limits) -> None:
        self._stream = stream
        self._host = host
        self._limits = limits

    def __iter__(self) -> Iterator[bytes]:
        """Yield the body's chunks as they come, within the limits."""
        total = line = 0
        for chunk in self._stream:
            self.check_time(self._host, self._limits)
            total += len(chunk)
            newline = chunk.rfind(b"\n")
            line = line + len(chunk) if newline < 0 else len(chunk) - newline - 1
            if (line if self._limits.per_line else total) > self._limits.max_bytes:
                raise TooLargeError(self._host, self._limits.max_bytes)
            yield chunk

    def close(self) -> None:
        """Close the underlying response."""
        self._stream.close()

    @staticmethod
    def check_time(host: str, limits: Limits) -> None:
        """Raise if ``limits`` says to stop reading now."""
        if limits.cancel is not None and limits.cancel.is_set():
            raise CancelledError()
        if limits.deadline is not None and limits.deadline.remaining() <= 0:
            raise TimedOutError(host, limits.deadline.seconds)


def _version(host: str, timeout: float, allow_remote: bool) -> str | None:
    # The ollama client has no call for /api/version, so ask with httpx, which it is built on.
    limits = Limits(Deadline.after(timeout))

    def get() -> object:
        with httpx.Client(base_url=host, timeout=_timeout(timeout, limits),
                          transport=_Gate(allow_remote, limits)) as http:
            response = http.get("/api/version")
            response.raise_for_status()
            return response.json().get("version")

    try:
        version = call(host, None, get)
    except ServerError:
        return None
    return version if isinstance(version, str) else None


def _timeout(silence: float, limits: Limits, connect: float = 5.0) -> httpx.Timeout:
    """Return httpx's timeouts: ``silence`` s, and never past the deadline."""
    if limits.deadline is not None:
        silence = min(silence, limits.deadline.remaining())
    silence = max(0.01, silence)
    return httpx.Timeout(silence, connect=min(silence, connect))


def _timeout_of(error: httpx.TimeoutException) -> float:
    try:
        extensions = error.request.extensions
    except RuntimeError:  # the exception was raised without a request
        return 0.0
    read = extensions.get("timeout", {}).get("read")
    return float(read) if read else 0.0
