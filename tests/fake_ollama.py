"""A loopback HTTP server that speaks enough of Ollama's API to test Dictara's cleanup.

It answers ``GET /api/version``, ``GET /api/tags``, ``POST /api/show``, ``POST /api/chat``
(streamed as NDJSON, or not), ``POST /api/generate`` (model load) and ``POST /api/pull``
(streamed progress). ``reply`` turns the chat messages into the answer text, so a test can
make the "model" clean, answer the question, add words or loop; ``mode`` makes ``/api/chat``
misbehave: ``hang``, ``500``, ``cut``, ``badjson``, ``length``, ``think`` or ``slow``.
Every request is recorded so tests can assert on the options the client sent.
"""

import json
import re
import socket
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Reply = Callable[[list[dict[str, Any]]], str]
MODES = (None, "hang", "500", "cut", "badjson", "length", "think", "slow")
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
        token_delay: seconds between streamed tokens (``slow`` mode uses 0.2 if unset).
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

    def wait_released(self) -> None:
        """Block the calling handler until ``stop()`` (used by ``hang``)."""
        self._release.wait()


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
        if self.path == "/api/version":
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
        if route is None:
            self._json(404, {"error": "not found"})
        elif self.path != "/api/pull" and body.get("model") not in self.fake.models:
            self._json(404, {"error": f"model '{body.get('model')}' not found"})
        else:
            route(body)

    def _show(self, body: dict[str, Any]) -> None:
        details = {"format": "gguf", "family": "llama", "parameter_size": "3.2B"}
        self._json(200, {"modelfile": "", "parameters": "", "template": "", "details": details,
                         "model_info": {}, "capabilities": self.fake.models[body["model"]]})

    def _generate(self, body: dict[str, Any]) -> None:
        self._json(200, {"model": body["model"], "created_at": _now(), "response": "",
                         "done": True, "done_reason": "load"})

    def _chat(self, body: dict[str, Any]) -> None:
        mode = self.fake.mode
        if mode == "hang":
            self.fake.wait_released()
            self.close_connection = True
            return
        if mode == "500":
            self._json(500, {"error": "llama runner process has terminated"})
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
            time.sleep(delay)
        self._chunk(b"")

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
