"""A loopback stand-in for the Hugging Face hub, enough for ``huggingface_hub.snapshot_download``.

It serves model repos from local folders on ``127.0.0.1`` (a free port) and speaks the
four calls ``snapshot_download`` makes (huggingface_hub 2.x):

* ``GET  /api/models/{repo}/revision/{rev}``   repo info, whose ``sha`` is the commit;
* ``GET  /api/models/{repo}/tree/{rev}``       the file listing (one page, no ``Link``);
* ``HEAD /{repo}/resolve/{rev}/{file}``        ``X-Repo-Commit``, ``ETag``, sizes;
* ``GET  /{repo}/resolve/{rev}/{file}``        the bytes, honouring ``Range`` for resumes.

Files named ``*.bin`` are described as LFS files (``lfs`` in the tree, ``X-Linked-Etag`` and
``X-Linked-Size`` on HEAD) as the real hub does. No ``X-Xet-*`` header, ``xetHash`` or xet
``Link`` is ever sent, so huggingface_hub downloads over plain HTTP and never calls hf_xet;
files are served directly (no ``Location`` redirect to a CDN host).

It can misbehave, per instance and changeable while running:

* ``fail_status``: every request answers this status (404 is a ``RepoNotFound``);
* ``file_status``: ``{filename: status}`` for the resolve calls of one file;
* ``cut``: ``{filename: offset}`` a GET body stops at that byte of the file and the
  connection drops, ``cut_times`` times (``None``: every time, so resuming cannot help).

Usage::

    with FakeHub({"Systran/faster-whisper-tiny.en": folder}) as hub:
        snapshot_download("Systran/faster-whisper-tiny.en", endpoint=hub.url, ...)
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from urllib.parse import unquote, urlsplit

COMMIT = hashlib.sha1(b"dictara fake hub").hexdigest()
_API = re.compile(r"^/api/models/(?P<repo>[^/]+/[^/]+)(?:/(?P<kind>revision|tree)/(?P<rev>[^/]+))?"
                  r"(?:/(?P<rest>.*))?$")
_RESOLVE = re.compile(r"^/(?P<repo>[^/]+/[^/]+)/resolve/(?P<rev>[^/]+)/(?P<file>.+)$")
_RANGE = re.compile(r"^bytes=(\d+)-(\d*)$")
_CHUNK = 1 << 16


@dataclass(frozen=True)
class Request:
    """One request the hub received."""

    method: str
    path: str
    range: str | None


@dataclass(frozen=True)
class _File:
    path: Path
    size: int
    git_oid: str
    sha256: str | None  # set for LFS files

    @property
    def etag(self) -> str:
        return f'"{self.sha256 or self.git_oid}"'


def _describe(path: Path) -> _File:
    data = path.read_bytes()
    git_oid = hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()
    sha256 = hashlib.sha256(data).hexdigest() if path.suffix == ".bin" else None
    return _File(path, len(data), git_oid, sha256)


class FakeHub:
    """The stand-in hub; a context manager that serves until it exits.

    Args:
        repos: repo id -> folder whose files make up the repo at :data:`COMMIT`.

    Attributes:
        url: the endpoint to hand to huggingface_hub, ``http://127.0.0.1:PORT``.
        requests: every request received, in order.
        fail_status, file_status, cut, cut_times: the misbehaviour knobs (see module doc).
    """

    def __init__(self, repos: dict[str, Path] | None = None) -> None:
        self._repos: dict[str, dict[str, _File]] = {}
        for repo_id, folder in (repos or {}).items():
            self.add_repo(repo_id, folder)
        self.requests: list[Request] = []
        self.fail_status: int | None = None
        self.file_status: dict[str, int] = {}
        self.cut: dict[str, int] = {}
        self.cut_times: int | None = None
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.url = ""

    def add_repo(self, repo_id: str, folder: Path) -> None:
        """Serve the files directly in ``folder`` as ``repo_id``, as they are now."""
        self._repos[repo_id] = {p.name: _describe(p) for p in sorted(folder.iterdir())
                                if p.is_file()}

    def start(self) -> FakeHub:
        hub = self

        class Handler(_Handler):
            owner = hub

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        host, port = self._server.server_address[:2]
        self.url = f"http://{host}:{port}"
        self._thread = threading.Thread(target=self._server.serve_forever, name="fake-hub",
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> FakeHub:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    def _take_cut(self, filename: str) -> int | None:
        """Return where to stop this GET of ``filename``, counting down ``cut_times``."""
        with self._lock:
            if filename not in self.cut or self.cut_times == 0:
                return None
            if self.cut_times is not None:
                self.cut_times -= 1
            return self.cut[filename]


class _Handler(BaseHTTPRequestHandler):
    owner: FakeHub
    protocol_version = "HTTP/1.1"
    server_version = "FakeHub/1.0"

    def log_message(self, format: str, *args: object) -> None:
        pass  # keep pytest output clean; requests are in FakeHub.requests

    def do_HEAD(self) -> None:
        self._route(head=True)

    def do_GET(self) -> None:
        self._route(head=False)

    def _route(self, *, head: bool) -> None:
        hub = self.owner
        path = unquote(urlsplit(self.path).path)
        hub.requests.append(Request(self.command, path, self.headers.get("Range")))
        if hub.fail_status is not None:
            self._error(hub.fail_status, "RepoNotFound" if hub.fail_status == 404 else None)
        elif (m := _API.match(path)) and not head:
            self._api(m)
        elif m := _RESOLVE.match(path):
            self._resolve(m, head=head)
        else:
            self._error(404, None)

    def _repo(self, repo_id: str, rev: str | None) -> dict[str, _File] | None:
        files = self.owner._repos.get(repo_id)
        if files is None:
            self._error(404, "RepoNotFound")
        elif rev not in (None, "main", COMMIT):
            self._error(404, "RevisionNotFound")
        else:
            return files
        return None

    def _api(self, m: re.Match[str]) -> None:
        files = self._repo(m["repo"], m["rev"])
        if files is None:
            return
        if m["kind"] == "tree":
            entries = []
            for name, f in files.items():
                entry: dict[str, object] = {"type": "file", "path": name, "size": f.size,
                                            "oid": f.git_oid}
                if f.sha256 is not None:
                    entry["lfs"] = {"oid": f.sha256, "size": f.size, "pointerSize": 134}
                entries.append(entry)
            self._json(entries)
        else:
            self._json({"id": m["repo"], "modelId": m["repo"], "sha": COMMIT, "private": False,
                        "siblings": [{"rfilename": name} for name in files]})

    def _resolve(self, m: re.Match[str], *, head: bool) -> None:
        files = self._repo(m["repo"], m["rev"])
        if files is None:
            return
        name = m["file"]
        if name not in files:
            self._error(404, "EntryNotFound")
            return
        if name in self.owner.file_status:
            self._error(self.owner.file_status[name], None)
            return
        f = files[name]
        start, end = 0, f.size - 1
        rng = _RANGE.match(self.headers.get("Range", "")) if not head else None
        if rng:
            start = int(rng[1])
            end = min(int(rng[2]), end) if rng[2] else end
        if start > end and f.size:
            self._error(416, None)
            return
        self.send_response(206 if rng else 200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(end - start + 1))
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("ETag", f.etag)
        self.send_header("X-Repo-Commit", COMMIT)
        if f.sha256 is not None:
            self.send_header("X-Linked-Etag", f.etag)
            self.send_header("X-Linked-Size", str(f.size))
        if rng:
            self.send_header("Content-Range", f"bytes {start}-{end}/{f.size}")
        self.end_headers()
        if head:
            return
        cut = self.owner._take_cut(name)
        stop = end + 1 if cut is None else max(start, min(cut, end + 1))
        with f.path.open("rb") as src:
            src.seek(start)
            pos = start
            while pos < stop:
                chunk = src.read(min(_CHUNK, stop - pos))
                if not chunk:
                    break
                self.wfile.write(chunk)
                pos += len(chunk)
        self.wfile.flush()
        if cut is not None:
            self.close_connection = True  # the client sees the body end early

    def _json(self, payload: object) -> None:
        body = json.dumps(payload).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Repo-Commit", COMMIT)
        self.end_headers()
        self.wfile.write(body)

    def _error(self, status: int, code: str | None) -> None:
        body = json.dumps({"error": f"fake hub says {status}"}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        if code is not None:
            self.send_header("X-Error-Code", code)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
