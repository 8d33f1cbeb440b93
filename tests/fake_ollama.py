"""A loopback HTTP server that speaks enough of Ollama's API to test Dictara's cleanup.

It answers ``GET /api/version``, ``GET /api/tags``, ``POST /api/show``, ``POST /api/chat``
(streamed as NDJSON, or not), ``POST /api/generate`` (model load) and ``POST /api/pull``
(streamed progress). ``reply`` turns the chat messages into the answer text, so a test can
make the "model" clean, answer the question, add words or loop; ``mode`` makes ``/api/chat``
misbehave: ``hang``, ``500``, ``cut``, ``badjson``, ``length``, ``think``, ``slow``,
``trickle`` (a byte a second, never done) or ``huge`` (one endless line). ``show_mode`` makes
``/api/show`` ``trickle`` or ``huge``; ``redirect_to`` answers everything with a redirect.
Every request is recorded so tests can assert on the options the client sent.
"""

import contextlib
import json
import re
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Reply = Callable[[list[dict[str, Any]]], str]
MODES = (None, "hang", "500", "cut", "badjson", "length", "think", "slow", "trickle", "huge")
SHOW_MODES = (None, "trickle", "huge")
_BLOCK = 64 * 1024
_FILLERS = re.compile(r"\b(?:um+|uh+|er+m?|hmm+)\b[,]?\s*", re.I)
_QUESTION = re.compile(r"((so|and|but),? )?(what|why|how|when|where|who|which|do|does|did|is|are"
                       r"|can|could|would|should|will)\b", re.I)


def transcript(messages: list[dict[str, Any]]) -> str:
    """Return the text between ``<transcript>`` tags in the last message, or all of it."""
    content = str(messages[-1].get("content", ""))
    found = re.search(r"<transcript>(.*)</transcript>", content, re.S)
    return found.group(1) if found else content


def tidy(messages: list[dict[str, Any]]) -> str:
    """A well-behaved "model": drop um/uh, capitalise, end with . or ?."""
    text = _FILLERS.sub("", transcript(messages)).strip()
    text = text[:1].upper() + text[1:]
    if text[-1:] in (".", "?", "!"):
        return text
    return text + ("?" if _QUESTION.match(text) else ".")


def selection(messages: list[dict[str, Any]]) -> str:
    """Return the text between ``<selection>`` tags in the last message (an edit), or ""."""
    found = re.search(r"<selection>(.*)</selection>", str(messages[-1].get("content", "")), re.S)
    return found.group(1) if found else ""


def instruction(messages: list[dict[str, Any]]) -> str:
    """Return the text between ``<instruction>`` tags in the last message (an edit), or ""."""
    content = str(messages[-1].get("content", ""))
    found = re.search(r"<instruction>(.*)</instruction>", content, re.S)
    return found.group(1) if found else ""


def shout(messages: list[dict[str, Any]]) -> str:
    """A well-behaved edit "model": the selection in capitals (cleanups are tidied)."""
    return selection(messages).upper() if selection(messages) else tidy(messages)


def closed_url() -> str:
    """Return a loopback URL on which nothing listens (connections are refused)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@dataclass
class Request:
    """One request the fake received."""

    method: str
    path: str
    body: dict[str, Any]


@dataclass
class FakeOllama:
    """The fake server; ``start()`` it, point the client at ``url``, ``stop()`` it.

    Attributes:
        models: installed model name → capabilities (``/api/show``).
        reply: the chat answer for the given messages.
        mode: how ``/api/chat`` misbehaves, one of ``MODES``.
        token_delay: seconds between streamed tokens (``slow`` mode uses 0.2 if unset,
            ``trickle`` 1.0 between bytes).
        show_mode: how ``/api/show`` misbehaves, one of ``SHOW_MODES``.
        huge_bytes: how much a ``huge`` answer sends, unless the client hangs up first.
        redirect_to: a base URL every request is redirected to (307), or None.
        pace: answer chats as slowly as a real model would, one at a time (see ``Pace``).
        requests: everything received, in order.
    """

    models: dict[str, list[str]] = field(
        default_factory=lambda: {
            "llama3.2:3b": ["completion", "tools"],
            "qwen3:1.7b": ["completion", "tools", "thinking"],
        }
    )
    reply: Reply = tidy
    mode: str | None = None
    token_delay: float = 0.0
    show_mode: str | None = None
    huge_bytes: int = 4 * 2**30
    redirect_to: str | None = None
    pace: "Pace | None" = None
    requests: list[Request] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._release = threading.Event()
        self._server = _Server(("127.0.0.1", 0), _handler_for(self))
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.02,), daemon=True
        )

    @property
    def url(self) -> str:
        """The server's base URL."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> "FakeOllama":
        """Start serving in a background thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Release hanging requests and stop serving."""
        self._release.set()
        self._server.shutdown()
        self._server.server_close()

    def bodies(self, path: str) -> list[dict[str, Any]]:
        """Return the JSON bodies received on ``path``."""
        return [r.body for r in self.requests if r.path == path]

    def wait_released(self, timeout: float | None = None) -> bool:
        """Block the calling handler until ``stop()`` (used by ``hang``); True once stopped."""
        return self._release.wait(timeout)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Stay quiet when the client hangs up, as the cleaner does on timeouts."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def _handler_for(fake: FakeOllama) -> type[BaseHTTPRequestHandler]:
    class Handler(_Handler):
        pass

    Handler.fake = fake
    return Handler


class _Handler(BaseHTTPRequestHandler):
    fake: FakeOllama
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output quiet."""

    def do_GET(self) -> None:
        self.fake.requests.append(Request("GET", self.path, {}))
        if self.fake.redirect_to:
            self._redirect()
        elif self.path == "/api/version":
            self._json(200, {"version": "0.12.0-fake"})
        elif self.path == "/api/tags":
            self._json(200, {"models": [_tag(name) for name in self.fake.models]})
        else:
            self._json(404, {"error": "not found"})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length) or b"{}")
        self.fake.requests.append(Request("POST", self.path, body))
        routes = {"/api/show": self._show, "/api/chat": self._chat,
                  "/api/generate": self._generate, "/api/pull": self._pull}
        route = routes.get(self.path)
        if self.fake.redirect_to:
            self._redirect()
        elif route is None:
            self._json(404, {"error": "not found"})
        elif self.path != "/api/pull" and body.get("model") not in self.fake.models:
            self._json(404, {"error": f"model '{body.get('model')}' not found"})
        else:
            route(body)

    def _show(self, body: dict[str, Any]) -> None:
        if self.fake.show_mode == "trickle":
            self._trickle()
            return
        if self.fake.show_mode == "huge":
            self._huge(b'{"capabilities": ["', chunked=False)
            return
        details = {"format": "gguf", "family": "llama", "parameter_size": "3.2B"}
        self._json(200, {"modelfile": "", "parameters": "", "template": "", "details": details,
                         "model_info": {}, "capabilities": self.fake.models[body["model"]]})

    def _generate(self, body: dict[str, Any]) -> None:
        self._json(200, {"model": body["model"], "created_at": _now(), "response": "",
                         "done": True, "done_reason": "load"})

    def _chat(self, body: dict[str, Any]) -> None:
        if self.fake.pace is None:
            self._answer_chat(body)
            return
        with self.fake.pace.turn(body["messages"]):
            self._answer_chat(body)

    def _answer_chat(self, body: dict[str, Any]) -> None:
        mode = self.fake.mode
        if mode == "hang":
            self.fake.wait_released()
            self.close_connection = True
            return
        if mode == "500":
            self._json(500, {"error": "llama runner process has terminated"})
            return
        if mode == "trickle":
            self._trickle()
            return
        if mode == "huge":
            start = json.dumps(_chat_part(body["model"], "", False, None))
            self._huge(start.split('"content": ""')[0].encode() + b'"content": "', chunked=True)
            return
        text = self.fake.reply(body["messages"])
        if mode == "think":
            text = "<think>The user wants a clean transcript. Let me think.</think>\n\n" + text
        reason = "stop"
        if mode == "length":
            text, reason = " ".join(text.split()[: max(1, len(text.split()) // 2)]), "length"
        if not body.get("stream", True):
            self._json(200, _chat_part(body["model"], text, True, reason))
            return
        tokens = re.findall(r"\S+\s*|\s+", text)
        lines = [_chat_part(body["model"], t, False, None) for t in tokens]
        lines.append(_chat_part(body["model"], "", True, reason))
        self._stream(lines)

    def _pull(self, body: dict[str, Any]) -> None:
        name = body.get("model", "")
        if name.startswith("missing"):
            self._stream([{"status": "pulling manifest"},
                          {"error": "pull model manifest: file does not exist"}])
            return
        total, digest = 3000, "sha256:" + "ab" * 32
        lines: list[dict[str, Any]] = [{"status": "pulling manifest"}]
        lines += [{"status": f"pulling {digest[7:19]}", "digest": digest, "total": total,
                   "completed": done} for done in range(0, total + 1, 1000)]
        lines += [{"status": "verifying sha256 digest"}, {"status": "writing manifest"},
                  {"status": "success"}]
        self.fake.models.setdefault(name, ["completion"])
        self._stream(lines)

    def _json(self, status: int, data: dict[str, Any]) -> None:
        payload = json.dumps(data).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _stream(self, lines: list[dict[str, Any]]) -> None:
        """Send NDJSON with chunked encoding, misbehaving as ``mode`` says."""
        mode = self.fake.mode if self.path == "/api/chat" else None
        self.send_response(200)
        self.send_header("Content-Type", "application/x-ndjson")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        delay = self.fake.token_delay or (0.2 if mode == "slow" else 0.0)
        for i, line in enumerate(lines):
            if mode == "cut" and i == len(lines) // 2:
                self.wfile.flush()
                self.connection.shutdown(socket.SHUT_RDWR)
                self.close_connection = True
                return
            data = b"this is not json {" if mode == "badjson" else json.dumps(line).encode()
            self._chunk(data + b"\n")
            time.sleep(delay if self.fake.pace is None else self.fake.pace.seconds_for(line))
        self._chunk(b"")

    def _redirect(self) -> None:
        self.send_response(307)
        self.send_header("Location", f"{self.fake.redirect_to}{self.path}")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _trickle(self) -> None:
        """A valid start of an answer, then one byte every ``token_delay`` (1 s) forever."""
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(2**30))
        self.end_headers()
        self.wfile.write(b'{"capabilities": ["')
        delay = self.fake.token_delay or 1.0
        while True:
            self.wfile.write(b"a")
            self.wfile.flush()
            if self.fake.wait_released(delay):
                self.close_connection = True
                return

    def _huge(self, start: bytes, *, chunked: bool) -> None:
        """``start``, then ``huge_bytes`` of "a" with no line break, sent as fast as read."""
        self.send_response(200)
        if chunked:
            self.send_header("Content-Type", "application/x-ndjson")
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(start) + self.fake.huge_bytes))
        self.end_headers()
        send = self._chunk if chunked else self.wfile.write
        send(start)
        block = b"a" * _BLOCK
        for _ in range(self.fake.huge_bytes // _BLOCK):
            send(block)
        self.close_connection = True

    def _chunk(self, data: bytes) -> None:
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()


def _chat_part(model: str, text: str, done: bool, reason: str | None) -> dict[str, Any]:
    part: dict[str, Any] = {"model": model, "created_at": _now(),
                            "message": {"role": "assistant", "content": text}, "done": done}
    if done:
        part.update(done_reason=reason, eval_count=len(text.split()), total_duration=1000)
    return part


def _tag(name: str) -> dict[str, Any]:
    return {"name": name, "model": name, "modified_at": "2025-01-01T00:00:00Z",
            "size": 2019393189, "digest": "a80c4f17acd5" * 5 + "abcd",
            "details": {"format": "gguf", "family": "llama", "parameter_size": "3.2B",
                        "quantization_level": "Q4_K_M"}}


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


@dataclass
class Pace:
    """How fast a real model on a CPU answers, for latency benchmarks and tests.

    Chats are answered one at a time (one Ollama runner serves one model). Each first
    reads its prompt at ``prompt_tps`` tokens a second, except the part it shares from
    the start with the previous prompt, which Ollama's runner keeps in its cache; then it
    streams the answer at ``tps`` tokens a second. A token is taken as 4 characters.

    Attributes:
        tps: answer tokens a second (``math.inf``: as fast as ``reply`` returns).
        prompt_tps: prompt tokens read a second.
    """

    tps: float
    prompt_tps: float = 150.0

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._previous = ""

    @contextlib.contextmanager
    def turn(self, messages: list[dict[str, Any]]) -> Iterator[None]:
        """Wait for the model, read the prompt, and hold the model for the answer."""
        prompt = "".join(f"{m.get('role')}:{m.get('content')}\n" for m in messages)
        with self._lock:
            cached = _shared_start(prompt, self._previous)
            self._previous = prompt
            time.sleep(_tokens(prompt[cached:]) / self.prompt_tps)
            yield

    def seconds_for(self, line: dict[str, Any]) -> float:
        """Return how long the model takes to produce one streamed line."""
        return _tokens(str(line.get("message", {}).get("content", ""))) / self.tps


def _shared_start(a: str, b: str) -> int:
    """Return how many characters ``a`` and ``b`` share from the start."""
    return next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y),
                min(len(a), len(b)))


def _tokens(text: str) -> int:
    return -(-len(text) // 4)
